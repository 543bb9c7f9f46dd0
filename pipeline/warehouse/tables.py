"""The warehouse's own Parquet tables: written in one format, read at their current version."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.warehouse.manifest import read_manifest
from pipeline.warehouse.schemas import MANIFEST_TABLES
from pipeline.warehouse.storage import Warehouse

# Low-cardinality columns, dictionary-encoded on disk.
_DICTIONARY_COLUMNS = ["source", "language", "published_precision", "role", "speaker_org", "speaker_position",
                       "editor", "pipeline_version"]


def write_table(warehouse: Warehouse, relative: str, table: pa.Table) -> None:
    """Write one file of a published, staged or run-record table, whole."""
    columns = [c for c in _DICTIONARY_COLUMNS if c in table.column_names]
    warehouse.write_parquet(relative, table, compression="zstd", use_dictionary=columns,
                            row_group_size=100_000, write_statistics=True)


def read_table(warehouse: Warehouse, name: str, columns: list[str] | None = None, manifest: dict | None = None) -> pa.Table:
    """The current version of a published table (only the files the manifest names)."""
    manifest = manifest or read_manifest(warehouse)
    schema = MANIFEST_TABLES[name]
    files = manifest["tables"].get(name, [])
    if not files:
        table = schema.empty_table()
        return table.select(columns) if columns else table
    tables = [pq.read_table(warehouse.path(f), filesystem=warehouse.filesystem, columns=columns, schema=schema) for f in files]
    return pa.concat_tables(tables)


def row_count(warehouse: Warehouse, name: str, manifest: dict | None = None) -> int:
    """Rows in the current version of a table, from the files' footers (no data read)."""
    manifest = manifest or read_manifest(warehouse)
    return sum(pq.read_metadata(warehouse.path(f), filesystem=warehouse.filesystem).num_rows
               for f in manifest["tables"].get(name, []))
