"""The warehouse's own Parquet tables: written in one format, read at their current version.

The published tables are hive-partitioned the way every folder reader expects (Spark, pandas,
polars, pyarrow.dataset, DuckDB's hive_partitioning): a partition's values are its folder
names (year=2024/month=03) and not columns of its files. Files written before that held them
too; they are read the same way (the columns in them are ignored).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.warehouse.layout import partition_file, partition_of
from pipeline.warehouse.manifest import read_manifest
from pipeline.warehouse.schemas import MANIFEST_TABLES, PARTITION_COLUMNS
from pipeline.warehouse.storage import Warehouse

# Low-cardinality columns, dictionary-encoded on disk.
_DICTIONARY_COLUMNS = ["source", "language", "published_precision", "role", "speaker_org", "speaker_position",
                       "editor", "pipeline_version"]


def write_table(warehouse: Warehouse, relative: str, table: pa.Table) -> None:
    """Write one file of a published, staged or run-record table, whole."""
    columns = [c for c in _DICTIONARY_COLUMNS if c in table.column_names]
    warehouse.write_parquet(relative, table, compression="zstd", use_dictionary=columns,
                            row_group_size=100_000, write_statistics=True)


def write_partition(warehouse: Warehouse, name: str, year: int, month: int, version: int, table: pa.Table) -> str:
    """Write a new file of one month's partition of a published table (its partition columns
    only in the folder names); returns its relative path."""
    relative = partition_file(name, year, month, version)
    write_table(warehouse, relative, table.drop_columns(list(PARTITION_COLUMNS)))
    return relative


def is_partitioned(schema: pa.Schema) -> bool:
    return all(column in schema.names for column in PARTITION_COLUMNS)


def stored_schema(schema: pa.Schema) -> pa.Schema:
    """The columns a table's files hold: all of `schema` but its partition columns."""
    return pa.schema([field for field in schema if field.name not in PARTITION_COLUMNS]) if is_partitioned(schema) else schema


def read_file(warehouse: Warehouse, relative: str, schema: pa.Schema, columns: list[str] | None = None) -> pa.Table:
    """One file of a published table as `schema` (or its `columns`), partition values from the folder names."""
    stored = stored_schema(schema)
    wanted = columns or schema.names
    table = pq.read_table(warehouse.path(relative), filesystem=warehouse.filesystem, schema=stored,
                          columns=[c for c in wanted if c in stored.names])
    if stored is not schema:
        for column, value in zip(PARTITION_COLUMNS, partition_of(relative)):
            if column in wanted:
                field = schema.field(column)
                table = table.append_column(field, pa.array([value] * table.num_rows, field.type))
    return table.select(wanted)


def read_table(warehouse: Warehouse, name: str, columns: list[str] | None = None, manifest: dict | None = None) -> pa.Table:
    """The current version of a published table (only the files the manifest names)."""
    manifest = manifest or read_manifest(warehouse)
    schema = MANIFEST_TABLES[name]
    files = manifest["tables"].get(name, [])
    if not files:
        table = schema.empty_table()
        return table.select(columns) if columns else table
    return pa.concat_tables([read_file(warehouse, f, schema, columns) for f in files])


def row_count(warehouse: Warehouse, name: str, manifest: dict | None = None) -> int:
    """Rows in the current version of a table, from the files' footers (no data read)."""
    manifest = manifest or read_manifest(warehouse)
    return sum(pq.read_metadata(warehouse.path(f), filesystem=warehouse.filesystem).num_rows
               for f in manifest["tables"].get(name, []))
