"""Query results written as files for other programs: DuckDB writes CSV, JSON and Parquet
(lists as JSON arrays, times as ISO 8601), and Markdown tables for notes and issues.

Text formats show a value the same way wherever it comes from: a timestamp with a zone as
ISO 8601 in UTC (2021-09-13T16:00:00.000000Z), a date as 2021-09-14, a list, struct or map as
JSON (["记者甲", "记者乙"]); Parquet keeps every type as it is.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import IO

import pyarrow as pa

from pipeline.serve.catalog import sql_identifier, sql_text

FORMATS = ("csv", "json", "parquet", "markdown")
_UTC_ISO = "%Y-%m-%dT%H:%M:%S.%fZ"
_NESTED = (pa.types.is_list, pa.types.is_large_list, pa.types.is_fixed_size_list, pa.types.is_struct, pa.types.is_map)


def _copy(connection, select: str, path: str, options: str) -> None:
    connection.execute(f"COPY ({select}) TO {sql_text(path)} ({options})")


def _text_columns(table: pa.Table, nested_as_json: bool) -> str:
    """A SELECT list showing `table`'s columns as the module says."""
    columns = []
    for field in table.schema:
        name = sql_identifier(field.name)
        if pa.types.is_timestamp(field.type) and field.type.tz:
            columns.append(f"strftime({name}, '{_UTC_ISO}') AS {name}")
        elif nested_as_json and any(is_kind(field.type) for is_kind in _NESTED):
            columns.append(f"to_json({name}) AS {name}")
        else:
            columns.append(name)
    return ", ".join(columns) or "*"


def write_result(table: pa.Table, output_format: str, destination: str | IO[bytes]) -> None:
    """Write `table` as `output_format` to a file path or a binary stream (standard output)."""
    import duckdb

    connection = duckdb.connect()
    try:
        connection.execute("SET TimeZone = 'UTC'")
        connection.register("result", table)
        if output_format == "markdown":
            shown = connection.sql(f"SELECT {_text_columns(table, nested_as_json=True)} FROM result").fetchall()
            _write(_markdown(table.column_names, shown).encode("utf-8"), destination)
            return
        options = {"csv": "FORMAT csv, HEADER true", "json": "FORMAT json, ARRAY true",
                   "parquet": "FORMAT parquet, COMPRESSION zstd"}[output_format]
        select = "SELECT * FROM result" if output_format == "parquet" else \
            f"SELECT {_text_columns(table, nested_as_json=output_format == 'csv')} FROM result"
        if isinstance(destination, str):
            _copy(connection, select, destination, options)
            return
        # DuckDB writes files only: through a temporary one, then copied to the stream.
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, f"result.{output_format}")
            _copy(connection, select, path, options)
            with open(path, "rb") as written:
                shutil.copyfileobj(written, destination)
    finally:
        connection.close()


def _write(data: bytes, destination: str | IO[bytes]) -> None:
    if isinstance(destination, str):
        with open(destination, "wb") as file:
            file.write(data)
    else:
        destination.write(data)


def _markdown(header: list[str], rows: list[tuple]) -> str:
    """A GitHub-flavoured Markdown table; a cell's | and line breaks are escaped so that a
    scraped title cannot break the table (tabulate leaves them as they are)."""

    def cell(value) -> str:
        text = "" if value is None else str(value)
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")

    lines = ["| " + " | ".join(map(cell, header)) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"
