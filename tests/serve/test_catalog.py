"""`query` is read-only for real: one read statement, files only from the warehouse, settings locked."""

from __future__ import annotations

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
