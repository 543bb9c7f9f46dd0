"""The DuckDB catalog: one file of views over the published Parquet (and the report views),
for ad hoc SQL, reports and BI tools.

The catalog is built aside and renamed into place, so a reader holding the old one never
blocks a publish; one build at a time per catalog file (a lock beside it), so an older
build never replaces a newer one. The catalog records the version it shows
(`catalog_info`), and `ensure_catalog` rebuilds a stale one: a crash between a commit and
the rebuild is repaired by the next command that opens the warehouse.

Readers other than this DuckDB open it too (BI drivers bundle DuckDB 1.x), so it is written in
the storage format every DuckDB 1.x reads (STORAGE_VERSION), and it documents itself: every
view and column carries the comment its schema gives (duckdb_views(), duckdb_columns()).
The views of a local warehouse name their files relative to the warehouse root, so a copied,
moved or mounted warehouse's catalog reads that warehouse's own files: a reader sets DuckDB's
`file_search_path` to the root (or runs in it), as `connect` does; a reader that does not
fails with "No files found" instead of reading another copy's files. On object storage the
views name s3:// URIs, which DuckDB reaches through pyarrow's filesystem wrapped for fsspec
(its httpfs extension cannot be installed offline).
"""

from __future__ import annotations

import os
import re
import time
from importlib import resources
from pathlib import Path

import pyarrow as pa

from pipeline.warehouse.manifest import read_manifest
from pipeline.warehouse.schemas import (
    EXTRACT_ERRORS,
    FETCH_ERRORS_SCHEMA,
    MANIFEST_TABLES,
    PARTITION_COLUMNS,
    QUARANTINE,
    RUNS,
    VALIDATION_RESULTS,
)
from pipeline.warehouse.storage import Warehouse, local_atomic_write

CATALOG_NAME = "forum.duckdb"
_ATTACHED_AS = "forum"  # the name a reader's own database gives the attached catalog
REPORT_VIEWS = (
    "speeches_per_speaker_per_year", "avg_speech_length_by_org", "most_active_orgs",
    "top_terms_per_speaker", "articles_per_month", "statements_per_speaker_per_year", "most_quoted", "copies",
)
INFO_TABLE = "catalog_info"
# Bumped when the catalog's shape changes (2: relative paths, comments, 1.x storage): an older
# catalog counts as missing and is rebuilt.
CATALOG_FORMAT = 2
# The oldest storage format, read by every DuckDB since 1.0 (DuckDB 2.0 writes one only 2.0 reads).
STORAGE_VERSION = "v1.0.0"
# Longer than any build: a build waiting this long for another means that one is stuck.
BUILD_LOCK_SECONDS = 600
# Written once per run and never rewritten, so not in the manifest: every finished file is shown.
RUN_RECORD_TABLES = {"validation_results": VALIDATION_RESULTS, "quarantine": QUARANTINE,
                     "fetch_errors": FETCH_ERRORS_SCHEMA, "extract_errors": EXTRACT_ERRORS, "runs": RUNS}
_SCHEMAS = {**MANIFEST_TABLES, **RUN_RECORD_TABLES}


def catalog_path(warehouse: Warehouse, catalog_file: str | None = None) -> str:
    """The absolute path of `catalog_file`; by default next to the tables of a local warehouse,
    and ./forum.duckdb for one on object storage (DuckDB writes only local files)."""
    if catalog_file:
        return os.path.abspath(catalog_file)
    return warehouse.path(CATALOG_NAME) if warehouse.is_local else os.path.abspath(CATALOG_NAME)


def connect(warehouse: Warehouse, path: str | None = None, read_only: bool = True):
    """A connection to the catalog at `path` that finds the warehouse's files from any working directory.

    A reader attaches the file to a database of its own: DuckDB shares one database per file
    among a process's connections, so opening the file directly would hand back the catalog
    some other connection (a BI pool's) opened before a republish, or refuse this one's
    settings ("a different configuration than existing connections")."""
    import duckdb

    config = {"file_search_path": warehouse.root} if warehouse.is_local else {}
    path = path or catalog_path(warehouse)
    if read_only:
        connection = duckdb.connect(":memory:", config=config)
        connection.execute(f"ATTACH {sql_text(path)} AS {_ATTACHED_AS} (READ_ONLY)")
        connection.execute(f"USE {_ATTACHED_AS}")
    else:  # a new file, in the format DuckDB 1.x reads too
        connection = duckdb.connect(path, config={**config, "storage_compatibility_version": STORAGE_VERSION})
    if not warehouse.is_local:
        _register_object_storage(connection, warehouse)
    return connection


def _register_object_storage(connection, warehouse: Warehouse) -> None:
    from fsspec.implementations.arrow import ArrowFSWrapper

    class S3Wrapper(ArrowFSWrapper):
        protocol = "s3"

    connection.register_filesystem(S3Wrapper(warehouse.filesystem))


def sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_list(paths: list[str]) -> str:
    return "[" + ", ".join(map(sql_text, paths)) + "]"


def sql_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def build_catalog(warehouse: Warehouse, catalog_file: str | None = None) -> tuple[str, float]:
    """(catalog path, seconds taken): views over the current published version."""
    from filelock import FileLock

    started = time.monotonic()
    target = catalog_path(warehouse, catalog_file)
    with FileLock(target + ".lock", timeout=BUILD_LOCK_SECONDS):
        manifest = read_manifest(warehouse)  # read under the lock: the newest build wins
        with local_atomic_write(target) as temporary:
            connection = connect(warehouse, temporary, read_only=False)
            try:
                _create_views(connection, warehouse, manifest)
            finally:
                connection.close()
        if os.path.exists(temporary + ".wal"):
            os.remove(temporary + ".wal")
    return target, time.monotonic() - started


def _reference(warehouse: Warehouse, path: str) -> str:
    """How a view names a file (`path` inside the filesystem): relative to a local warehouse's
    root (found through file_search_path), an s3:// URI on object storage."""
    return path[len(warehouse.root) + 1:] if warehouse.is_local else warehouse.location_of(path)


def _create_views(connection, warehouse: Warehouse, manifest: dict) -> None:
    files = {name: [_reference(warehouse, warehouse.path(f)) for f in manifest["tables"].get(name, [])] for name in MANIFEST_TABLES}
    for name in RUN_RECORD_TABLES:
        files[name] = [_reference(warehouse, path) for path in warehouse.files(name)]
    for name, paths in files.items():
        schema = _SCHEMAS[name]
        if paths:
            # Columns named in the schema's order; partition values from the folder names.
            partitions = {field.name: str(connection.from_arrow(pa.schema([field]).empty_table()).types[0])
                          for field in schema if field.name in PARTITION_COLUMNS}
            hive = ("hive_partitioning = true, hive_types = {" + ", ".join(f"{sql_text(column)}: {sql_text(kind)}"
                                                                          for column, kind in partitions.items()) + "}"
                    if partitions else "hive_partitioning = false")
            connection.execute(f"CREATE VIEW {name} AS SELECT {', '.join(map(sql_identifier, schema.names))} "
                               f"FROM read_parquet({_sql_list(paths)}, union_by_name = true, {hive})")
            kind = "VIEW"
        else:  # no data yet: an empty table with the documented columns
            connection.register("empty_table", schema.empty_table())
            connection.execute(f"CREATE TABLE {name} AS SELECT * FROM empty_table")
            connection.unregister("empty_table")
            kind = "TABLE"
        _comment(connection, kind, name, schema)
    for view in REPORT_VIEWS:
        sql = resources.files("pipeline.serve.sql").joinpath(f"{view}.sql").read_text(encoding="utf-8")
        connection.execute(sql)
        about = " ".join(line.removeprefix("--").strip() for line in sql.splitlines() if line.startswith("--"))
        connection.execute(f"COMMENT ON VIEW {view} IS {sql_text(about)}")
    connection.execute(f"CREATE TABLE {INFO_TABLE} AS SELECT ?::BIGINT AS manifest_version, ?::INTEGER AS catalog_format, "
                       "now() AS built_at", [manifest["version"], CATALOG_FORMAT])
    connection.execute(f"COMMENT ON TABLE {INFO_TABLE} IS 'the published version these views show, and when they were built'")


def _comment(connection, kind: str, name: str, schema: pa.Schema) -> None:
    """The schema's docs (pipeline.warehouse.schemas) as the table's and its columns' comments."""
    about = (schema.metadata or {}).get(b"doc")
    if about:
        connection.execute(f"COMMENT ON {kind} {name} IS {sql_text(about.decode('utf-8'))}")
    for field in schema:
        doc = (field.metadata or {}).get(b"doc")
        if doc:
            connection.execute(f"COMMENT ON COLUMN {name}.{sql_identifier(field.name)} IS {sql_text(doc.decode('utf-8'))}")


def catalog_version(warehouse: Warehouse, catalog_file: str | None = None) -> int | None:
    """The published version the catalog shows; None when there is no readable catalog."""
    import duckdb

    path = catalog_path(warehouse, catalog_file)
    if not Path(path).exists():
        return None
    try:
        with connect(warehouse, path) as connection:
            found = connection.execute(f"SELECT manifest_version FROM {INFO_TABLE} WHERE catalog_format = ?",
                                       [CATALOG_FORMAT]).fetchone()
    except duckdb.Error:  # a catalog from before catalog_info or its format, or a damaged file
        return None
    return found[0] if found else None


def ensure_catalog(warehouse: Warehouse, catalog_file: str | None = None) -> str:
    """The catalog's path, rebuilt first when it is missing or behind the published version."""
    if catalog_version(warehouse, catalog_file) != read_manifest(warehouse)["version"]:
        return build_catalog(warehouse, catalog_file)[0]
    return catalog_path(warehouse, catalog_file)


def open_catalog(warehouse: Warehouse, catalog_file: str | None = None):
    """A read-only connection to a current catalog."""
    return connect(warehouse, ensure_catalog(warehouse, catalog_file))


def query(warehouse: Warehouse, sql: str, catalog_file: str | None = None) -> pa.Table:
    """Run one read statement against the catalog and return its result as Arrow.

    Only a SELECT (WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE) or an EXPLAIN [ANALYZE] of
    one is run, and it may read files only inside the warehouse; anything else raises
    duckdb.PermissionException. The DuckDB CLI on the catalog file can do everything else.
    """
    statement = _read_statement(sql)
    connection = open_catalog(warehouse, catalog_file)
    try:
        _confine_to_warehouse(connection, warehouse)
        return connection.sql(statement).to_arrow_table()
    finally:
        connection.close()


_EXPLAIN = re.compile(r"\s*EXPLAIN\s+(?:ANALY[SZ]E\s+)?(.*)", re.IGNORECASE | re.DOTALL)


def _read_statement(sql: str) -> str:
    """`sql` if it is exactly one statement that only reads; EXPLAIN ANALYZE runs what it
    explains, so an EXPLAIN passes only when the statement it explains is a SELECT."""
    import duckdb

    statements = duckdb.extract_statements(sql)
    if len(statements) != 1:
        raise duckdb.PermissionException(f"query runs exactly one statement; this SQL holds {len(statements)}")
    statement = statements[0]
    kind = statement.type
    if kind == duckdb.StatementType.EXPLAIN and (explained := _EXPLAIN.fullmatch(statement.query)):
        try:
            inner = duckdb.extract_statements(explained.group(1))
        except duckdb.ParserException:  # e.g. EXPLAIN (FORMAT json) …, refused below
            inner = []
        if len(inner) == 1 and inner[0].type == duckdb.StatementType.SELECT:
            kind = duckdb.StatementType.SELECT
    if kind != duckdb.StatementType.SELECT:
        raise duckdb.PermissionException(
            f"query is read-only and runs only SELECT statements, not {statement.type.name}; "
            "use the DuckDB CLI on the catalog file for anything else")
    return statement.query


def _confine_to_warehouse(connection, warehouse: Warehouse) -> None:
    """Files outside the warehouse, the network and extension installs are out of reach, and
    the statement cannot undo that (the configuration is locked)."""
    allowed = [warehouse.location().rstrip("/") + "/"]
    if warehouse.is_local:  # the views' relative paths, each inside its table's folder (DuckDB refuses any ../ out of it)
        allowed += [f"{name}/" for name in _SCHEMAS]
    connection.execute(f"SET allowed_directories = {_sql_list(allowed)}")
    for setting in ("enable_external_access", "autoinstall_known_extensions", "autoload_known_extensions"):
        connection.execute(f"SET {setting} = false")
    connection.execute("SET lock_configuration = true")
