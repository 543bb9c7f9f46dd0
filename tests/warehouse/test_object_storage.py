"""The warehouse on S3-compatible object storage: a real S3 API served by moto on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime

from devkit.publish_helpers import sample_articles
from pipeline.load.publish import publish
from pipeline.serve.catalog import build_catalog, query
from pipeline.serve.report import build_report
from pipeline.warehouse.archive import RawPage, latest_pages, write_raw_pages
from pipeline.warehouse.manifest import read_manifest
from pipeline.warehouse.storage import Warehouse
from pipeline.warehouse.tables import read_table


def test_publish_catalog_and_query_on_s3(s3, tmp_path):
    warehouse = Warehouse.open("s3://forum/warehouse", s3)
    assert not warehouse.is_local
    result = publish(warehouse, sample_articles())
    assert result.success and read_manifest(warehouse)["version"] == 1
    assert read_table(warehouse, "speeches").num_rows == 49
    assert all(path.startswith("forum/warehouse/") for path in warehouse.files("articles"))
    catalog = str(tmp_path / "forum.duckdb")
    assert build_catalog(warehouse, catalog)[0] == catalog
    top = query(warehouse, "SELECT speaker_org, speeches FROM most_active_orgs LIMIT 1", catalog).to_pylist()
    assert top == [{"speaker_org": "国家知识产权局知识产权保护司", "speeches": 4}]  # 国家知识产权局: 3 (the seed's GBK copy counts once)


def test_raw_archive_on_s3(s3):
    warehouse = Warehouse.open("s3://forum/raw", s3)
    page = RawPage("http://x/a", "http://x/a", "article", "http://x/a", 1, 200, "text/html", None, None, None,
                   datetime.now(UTC), "0" * 64, b"<html>body</html>", "s", "r1")
    write_raw_pages(warehouse, "r1", "b0000-00000", [page])
    assert latest_pages(warehouse).column("body").to_pylist() == [b"<html>body</html>"]


def test_commits_on_s3_are_put_if_absent(s3):
    from pipeline.warehouse.manifest import commit

    warehouse = Warehouse.open("s3://forum/log", s3)
    first = {"version": 1, "committed_at": "2026-01-01T00:00:00+00:00", "run_id": "a", "tables": {"articles": ["a"]}}
    assert commit(warehouse, first)
    assert not commit(warehouse, {**first, "run_id": "b", "tables": {"articles": ["b"]}})
    assert read_manifest(warehouse)["run_id"] == "a"


def test_concurrent_publishes_on_s3_lose_nothing(s3):
    import dataclasses
    from concurrent.futures import ThreadPoolExecutor

    warehouse = Warehouse.open("s3://forum/race", s3)
    batches = [[dataclasses.replace(a, article_id=f"{copy:04d}{a.article_id[4:]}") for a in sample_articles()]
               for copy in range(3)]
    with ThreadPoolExecutor(3) as pool:
        versions = sorted(r.version for r in pool.map(lambda batch: publish(warehouse, batch, validate_rows=False), batches))
    assert versions == [1, 2, 3]
    ids = read_table(warehouse, "articles", ["article_id"]).column("article_id").to_pylist()
    assert len(ids) == len(set(ids)) == 3 * len(sample_articles())


def test_credentials_in_the_warehouse_uri_are_used_and_never_shown(s3, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    warehouse = Warehouse.open("s3://testing:testing@forum/keyed", s3)
    assert publish(warehouse, sample_articles()[:1], validate_rows=False).version == 1
    assert warehouse.uri == "s3://forum/keyed" and "testing" not in repr(warehouse)


def test_the_report_and_data_docs_land_in_the_warehouse_on_s3(s3, tmp_path, monkeypatch):
    """Where readers of the warehouse (the host, BI tools) find them, served as web pages."""
    import boto3

    monkeypatch.chdir(tmp_path)  # nothing but the catalog may land beside the process
    warehouse = Warehouse.open("s3://forum/warehouse", s3)
    docs_index = publish(warehouse, sample_articles()).docs_index  # one site per publish run
    assert docs_index.startswith("s3://forum/warehouse/_data_docs/run_id=") and docs_index.endswith("/index.html")
    docs_key = docs_index.removeprefix("s3://forum/")
    catalog = tmp_path / "forum.duckdb"
    warehouse.write_bytes("report/speakers/merged-away.html", b"<html>a speaker no longer in the data</html>")
    assert build_report(warehouse, catalog_file=str(catalog)) == "s3://forum/warehouse/report/index.html"
    assert "国家知识产权局" in warehouse.read_bytes("report/speeches.html").decode("utf-8")
    speaker_pages = [path.rsplit("/", 1)[-1] for path in warehouse.files("report/speakers", ".html")]
    assert speaker_pages and "merged-away.html" not in speaker_pages
    assert b"<html" in warehouse.read_bytes(docs_key.removeprefix("warehouse/"))
    client = boto3.client("s3", endpoint_url=s3)
    for key in ("warehouse/report/index.html", docs_key):
        assert client.head_object(Bucket="forum", Key=key)["ContentType"] == "text/html"
    assert {path.name for path in tmp_path.iterdir()} == {"forum.duckdb", "forum.duckdb.lock"}
