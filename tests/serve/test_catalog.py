"""`query` is read-only for real: one read statement, files only from the warehouse, settings locked."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from devkit.publish_helpers import sample_articles
from pipeline.cli import main
from pipeline.load.publish import publish
from pipeline.load.transform import Processed, write_extract_errors
from pipeline.records import PageFailure
from pipeline.serve.catalog import REPORT_VIEWS, RUN_RECORD_TABLES, build_catalog, catalog_version, query
from pipeline.warehouse.archive import FetchFailure, write_fetch_errors
from pipeline.warehouse.schemas import MANIFEST_TABLES
from pipeline.warehouse.storage import Warehouse

VIEWS = (*MANIFEST_TABLES, *RUN_RECORD_TABLES, *REPORT_VIEWS)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Warehouse:
    warehouse = Warehouse.open(str(tmp_path_factory.mktemp("catalog") / "wh"))
    publish(warehouse, sample_articles())
    build_catalog(warehouse)
    return warehouse


def contents(root: str) -> dict[str, bytes]:
    return {str(path): path.read_bytes() for path in sorted(Path(root).rglob("*")) if path.is_file()}


def test_selects_over_every_view_still_work(warehouse):
    for view in VIEWS:
        assert query(warehouse, f"SELECT count(*) AS n FROM {view}").column("n")[0].as_py() >= 0
    assert query(warehouse, "SELECT count(*) AS n FROM speeches").column("n")[0].as_py() == 49
    for read in ("FROM articles LIMIT 1", "DESCRIBE speeches", "SHOW TABLES", "SUMMARIZE speakers",
                 "WITH s AS (SELECT * FROM speeches) SELECT count(*) FROM s;", "EXPLAIN SELECT * FROM articles",
                 "EXPLAIN ANALYZE SELECT count(*) FROM paragraphs",
                 f"SELECT * FROM glob('{warehouse.root}/**/*.parquet')"):  # the warehouse's own files stay readable
        assert query(warehouse, read).num_rows > 0, read


@pytest.mark.parametrize("sql", [
    "COPY (SELECT 1 AS broken) TO '{target}' (FORMAT json)",
    "EXPLAIN ANALYZE COPY (SELECT 1 AS broken) TO '{target}' (FORMAT json)",
    "SELECT 1; COPY (SELECT 1 AS broken) TO '{target}' (FORMAT json)",
    "EXPORT DATABASE '{root}/export'",
])
def test_writes_to_the_warehouse_are_refused(warehouse, sql):
    before = contents(warehouse.root)
    commits = [path for path in before if path.endswith(".json") and "_data_docs" not in path]
    for target in (warehouse.path("_manifest.json"), *commits):
        with pytest.raises(duckdb.PermissionException):
            query(warehouse, sql.format(target=target, root=warehouse.root))
    assert contents(warehouse.root) == before


@pytest.mark.parametrize("sql", [
    "ATTACH '{outside}/other.duckdb' AS other", "DETACH forum", "INSTALL '{outside}/x.duckdb_extension'",
    "LOAD '{outside}/x.duckdb_extension'",
    "SET enable_external_access = true", "RESET allowed_directories", "PRAGMA threads = 1",
    "CALL pragma_version()", "CREATE TEMP TABLE t AS SELECT 1", "",
])
def test_statements_other_than_reads_are_refused(warehouse, tmp_path, sql):
    with pytest.raises(duckdb.PermissionException):
        query(warehouse, sql.format(outside=tmp_path))
    assert not (tmp_path / "other.duckdb").exists()


def test_files_outside_the_warehouse_cannot_be_read(warehouse, tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_text("secret\nhunter2\n", encoding="utf-8")
    for sql in (f"SELECT * FROM read_csv('{outside}')", "SELECT * FROM read_csv('/etc/passwd')",
                f"SELECT * FROM read_csv('{warehouse.root}/../../{outside.relative_to(outside.parents[1])}')",
                f"SELECT * FROM read_text('{outside}')", "SELECT * FROM glob('/*')",
                "SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')"):
        with pytest.raises(duckdb.PermissionException):
            query(warehouse, sql)


def test_cli_reports_a_refused_query(warehouse, capsys):
    before = contents(warehouse.root)
    target = warehouse.path("_manifest.json")
    assert main(["query", "--warehouse", warehouse.root, f"COPY (SELECT 1) TO '{target}'"]) == 1
    assert "forum-etl: query failed: query is read-only" in capsys.readouterr().err
    assert contents(warehouse.root) == before


def test_query_on_object_storage_reads_the_warehouse_only(s3, tmp_path):
    warehouse = Warehouse.open(f"s3://forum/{tmp_path.name}", s3)  # moto's buckets outlive its server
    catalog = str(tmp_path / "forum.duckdb")
    publish(warehouse, sample_articles()[:3])
    build_catalog(warehouse, catalog)
    for view in VIEWS:
        query(warehouse, f"SELECT count(*) FROM {view}", catalog)
    assert query(warehouse, "SELECT count(*) AS n FROM articles", catalog).column("n")[0].as_py() == 3
    other = Warehouse.open("s3://forum/elsewhere", s3)
    other.write_bytes("secret.csv", b"secret\nhunter2\n")
    outside = tmp_path / "secret.csv"
    outside.write_text("secret\nhunter2\n", encoding="utf-8")
    for sql in ("SELECT * FROM read_csv('s3://forum/elsewhere/secret.csv')", f"SELECT * FROM read_csv('{outside}')"):
        with pytest.raises(duckdb.PermissionException):
            query(warehouse, sql, catalog)


def test_a_catalog_left_behind_by_a_crash_after_commit_is_rebuilt_by_the_next_command(tmp_path):
    """publish committed, then the process died before the catalog was rebuilt."""
    warehouse = Warehouse.open(str(tmp_path / "wh"))
    publish(warehouse, sample_articles()[:2], validate_rows=False)
    build_catalog(warehouse)
    assert catalog_version(warehouse) == 1
    publish(warehouse, sample_articles(), validate_rows=False)  # version 2, no rebuild
    assert catalog_version(warehouse) == 1
    assert query(warehouse, "SELECT count(*) AS n FROM articles").to_pylist() == [{"n": len(sample_articles())}]
    assert catalog_version(warehouse) == 2
    assert main(["query", "--warehouse", str(tmp_path / "wh"), "SELECT manifest_version FROM catalog_info"]) == 0


def test_concurrent_catalog_builds_end_on_the_newest_version(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    warehouse = Warehouse.open(str(tmp_path / "wh"))
    publish(warehouse, sample_articles()[:2], validate_rows=False)
    with ThreadPoolExecutor(4) as pool:
        builds = [pool.submit(build_catalog, warehouse) for _ in range(3)]
        publish(warehouse, sample_articles(), validate_rows=False)
        builds.append(pool.submit(build_catalog, warehouse))
        for build in builds:
            build.result()
    assert catalog_version(warehouse) == 2
    assert not [p for p in (tmp_path / "wh").iterdir() if ".tmp-" in p.name]


def test_fetch_and_extract_errors_are_in_the_catalog_typed_even_before_any_failure(tmp_path):
    warehouse = Warehouse.open(str(tmp_path / "wh"))
    build_catalog(warehouse)
    for name in ("fetch_errors", "extract_errors"):
        empty = query(warehouse, f"SELECT * FROM {name}")
        assert empty.num_rows == 0 and empty.schema.names == RUN_RECORD_TABLES[name].names, name
    failed_at = datetime(2024, 1, 1, tzinfo=UTC)
    write_fetch_errors(warehouse, "r1", "b0000-00000",
                       [FetchFailure("http://x/gone", "article", "HTTP 404", "Not Found", 1, 404, failed_at, "src", "r1")])
    write_extract_errors(warehouse, "r2", "publish",
                         [Processed("http://x/blank", "src", None, PageFailure("empty page", "0 bytes", "0" * 64))], failed_at)
    build_catalog(warehouse)
    assert query(warehouse, "SELECT url, status, failed_at FROM fetch_errors").to_pylist() == [
        {"url": "http://x/gone", "status": 404, "failed_at": failed_at}]
    assert query(warehouse, "SELECT url, error_class, run_id FROM extract_errors").to_pylist() == [
        {"url": "http://x/blank", "error_class": "empty page", "run_id": "r2"}]


# What BI drivers bundle: the newest DuckDB 1.x (1.5, supported into 2027) and an older 1.1.
LEGACY_DUCKDB = ("1.5.6", "1.1.3")


@pytest.fixture(scope="session")
def legacy_duckdb(client_install):
    """Where `duckdb==VERSION` is installed for a subprocess: a 1.x client cannot live in the
    test's own environment."""
    return lambda version: client_install(f"duckdb-{version}", f"duckdb=={version}")


@pytest.mark.parametrize("version", LEGACY_DUCKDB)
def test_a_duckdb_1x_client_opens_the_catalog_and_queries_its_views(warehouse, legacy_duckdb, version):
    script = ("import duckdb, json, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
              "c.execute(f\"SET file_search_path = '{sys.argv[2]}'\"); print(json.dumps([duckdb.__version__, "
              "c.sql('SELECT count(*) FROM speeches').fetchone()[0], c.sql('SELECT count(*) FROM most_active_orgs').fetchone()[0]]))")
    result = subprocess.run([sys.executable, "-s", "-c", script, warehouse.path("forum.duckdb"), warehouse.root],
                            env={"PYTHONPATH": str(legacy_duckdb(version)), "PATH": os.environ.get("PATH", "")},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    client, speeches, orgs = json.loads(result.stdout)
    assert client == version and speeches == 49 and orgs > 0


def test_a_copied_warehouse_answers_from_its_own_files_wherever_it_is_read_from(tmp_path, monkeypatch):
    original = tmp_path / "original"
    warehouse = Warehouse.open(str(original))
    publish(warehouse, sample_articles()[:3], validate_rows=False)
    build_catalog(warehouse)
    copy = tmp_path / "mounted" / "elsewhere"
    shutil.copytree(original, copy)
    shutil.rmtree(original)  # nothing of the original is left to read
    monkeypatch.chdir(tmp_path)  # a working directory that is neither
    # Any DuckDB client, told where the warehouse is (as BI connections are):
    with duckdb.connect(str(copy / "forum.duckdb"), read_only=True, config={"file_search_path": str(copy)}) as client:
        assert client.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
        assert client.execute("SELECT count(*) FROM copies").fetchone()[0] >= 0
    # The copy's own commands, without a rebuild:
    copied = Warehouse.open(str(copy))
    assert query(copied, "SELECT count(*) AS n FROM speeches").column("n")[0].as_py() > 0
    assert main(["catalog", "--warehouse", str(copy), "--out", str(tmp_path / "bi.duckdb")]) == 0
    with duckdb.connect(str(tmp_path / "bi.duckdb"), read_only=True, config={"file_search_path": str(copy)}) as client:
        assert client.execute("SELECT count(*) FROM articles").fetchone()[0] == 3


def test_a_reader_that_does_not_say_where_the_warehouse_is_fails_instead_of_reading_another(tmp_path, monkeypatch):
    warehouse = Warehouse.open(str(tmp_path / "wh"))
    publish(warehouse, sample_articles()[:2], validate_rows=False)
    build_catalog(warehouse)
    monkeypatch.chdir(tmp_path)
    with duckdb.connect(warehouse.path("forum.duckdb"), read_only=True) as client, pytest.raises(duckdb.IOException):
        client.execute("SELECT count(*) FROM articles").fetchone()


def test_every_view_and_column_carries_its_schema_doc(warehouse):
    from pipeline.serve.catalog import connect

    with connect(warehouse) as connection:
        columns = {(table, column): comment for table, column, comment in connection.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE database_name = current_database()").fetchall()}
        tables = dict(connection.execute("SELECT view_name, comment FROM duckdb_views() WHERE database_name = current_database() "
                                     "UNION ALL SELECT table_name, comment FROM duckdb_tables() "
                                     "WHERE database_name = current_database()").fetchall())
    for name, schema in {**MANIFEST_TABLES, **RUN_RECORD_TABLES}.items():
        assert tables[name] == schema.metadata[b"doc"].decode(), name
        for field in schema:
            assert columns[(name, field.name)] == field.metadata[b"doc"].decode(), (name, field.name)
    assert columns[("articles", "published_date")].startswith("the publish day as the page gives it")
    for view in REPORT_VIEWS:
        assert tables[view], view


def test_connections_open_across_a_republish_keep_answering_and_new_ones_see_it(tmp_path):
    """A long-lived DuckDB connection and a SQLAlchemy pool (as Superset holds) stay on the
    version they opened, within the retention window; the same process's new connections
    (forum-etl's own, a NullPool engine once the old ones are gone) see the new version."""
    import sqlalchemy
    from sqlalchemy.pool import NullPool

    from pipeline.warehouse.manifest import vacuum

    warehouse = Warehouse.open(str(tmp_path / "wh"))
    publish(warehouse, sample_articles()[:3], validate_rows=False)
    catalog, _ = build_catalog(warehouse)
    bi_settings = {"read_only": True, "config": {"file_search_path": warehouse.root}}
    pool = sqlalchemy.create_engine(f"duckdb:///{catalog}", connect_args=bi_settings)
    held = pool.connect()
    long_lived = duckdb.connect(catalog, read_only=True, config={"file_search_path": warehouse.root,
                                                                 "custom_user_agent": held.connection.dbapi_connection.execute(
                                                                     "SELECT current_setting('custom_user_agent')").fetchone()[0]})
    count = "SELECT count(*) FROM articles"
    assert long_lived.execute(count).fetchone()[0] == held.execute(sqlalchemy.text(count)).scalar() == 3

    publish(warehouse, sample_articles(), validate_rows=False)  # the republish: commit, catalog, vacuum
    build_catalog(warehouse)
    vacuum(warehouse, list(MANIFEST_TABLES))
    assert long_lived.execute(count).fetchone()[0] == held.execute(sqlalchemy.text(count)).scalar() == 3
    assert query(warehouse, "SELECT count(*) AS n FROM articles").column("n")[0].as_py() == len(sample_articles())

    held.close()
    pool.dispose()
    long_lived.close()
    superset_like = sqlalchemy.create_engine(f"duckdb:///{catalog}", connect_args=bi_settings, poolclass=NullPool)
    with superset_like.connect() as fresh:
        assert fresh.execute(sqlalchemy.text(count)).scalar() == len(sample_articles())


def test_an_s3_warehouse_is_read_through_python_or_a_local_copy(s3, tmp_path):
    """Plain DuckDB reaches s3:// only through its httpfs extension (not installable offline);
    the supported ways are a Python session that hands DuckDB pyarrow's S3 filesystem (connect),
    pyarrow.dataset on a table folder, or a local copy with its own catalog."""
    import pyarrow.dataset as ds
    import pyarrow.fs as pafs

    from pipeline.serve.catalog import connect
    from pipeline.warehouse.tables import read_table

    warehouse = Warehouse.open(f"s3://forum/{tmp_path.name}", s3)
    publish(warehouse, sample_articles()[:3], validate_rows=False)
    catalog, _ = build_catalog(warehouse, str(tmp_path / "forum.duckdb"))
    with duckdb.connect(catalog, read_only=True) as plain, pytest.raises(duckdb.Error, match="httpfs|s3"):
        plain.execute("SELECT count(*) FROM articles").fetchone()
    with connect(warehouse, catalog) as session:
        assert session.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
    folder = ds.dataset(warehouse.path("speeches"), filesystem=warehouse.filesystem, format="parquet", partitioning="hive")
    assert folder.count_rows() == read_table(warehouse, "speeches").num_rows > 0
    local = tmp_path / "synced"
    pafs.copy_files(warehouse.root, str(local), source_filesystem=warehouse.filesystem,
                    destination_filesystem=pafs.LocalFileSystem())  # as `aws s3 sync` would
    assert main(["catalog", "--warehouse", str(local)]) == 0
    with duckdb.connect(str(local / "forum.duckdb"), read_only=True, config={"file_search_path": str(local)}) as client:
        assert client.execute("SELECT count(*) FROM articles").fetchone()[0] == 3

