from __future__ import annotations

import hashlib
import os
import signal
from datetime import UTC, date, datetime, timedelta

import pytest

import pipeline.load.pool
import pipeline.load.transform
from devkit.sample_site import SITE_DIR
from pipeline.load.publish import validate_and_publish
from pipeline.load.stage import read_staged, staged_batches
from pipeline.load.transform import archived_articles, process_to_stage, read_extract_errors, stage_archive
from pipeline.text.extract import extract
from pipeline.warehouse.archive import RawPage, write_raw_pages
from pipeline.warehouse.schemas import MANIFEST_TABLES, PUBLISHED_TABLES
from pipeline.warehouse.storage import Warehouse
from pipeline.warehouse.tables import read_table

NOW = datetime(2024, 1, 1, tzinfo=UTC)
MULTI = "/gclt/2023/11/15/content_318822"


def raw(url: str, body: bytes, article_url: str, number: int) -> RawPage:
    return RawPage(url, url, "article", article_url, number, 200, "text/html", None, None, None, NOW, "x" * 64, body, "s", "r")


def test_pages_are_joined_in_order_bad_pages_are_errors_and_dates_filter(tmp_path):
    warehouse = Warehouse.open(str(tmp_path))
    first = "http://h" + MULTI + ".html"
    second = "http://h" + MULTI + "_2.html"
    seed = "http://h/zscqb/2022/04/27/gclt-zzyj.html"
    write_raw_pages(warehouse, "r", "b0000-00000", [
        raw(second, (SITE_DIR / (MULTI[1:] + "_2.html")).read_bytes(), first, 2),
        raw(first, (SITE_DIR / (MULTI[1:] + ".html")).read_bytes(), first, 1),
        raw(seed, (SITE_DIR / "zscqb/2022/04/27/gclt-zzyj.html").read_bytes(), seed, 1),
        raw("http://h/empty.html", b"", "http://h/empty.html", 1),
    ])
    processed = {p.url: p for p in archived_articles(warehouse)}
    assert processed["http://h/empty.html"].failure.error_class == "empty page"
    assert [s.speaker_name for s in processed[first].article.speeches] == ["郑文涛", "韩雪梅"]
    assert len(processed[seed].article.speeches) == 4
    recent = {p.url for p in archived_articles(warehouse, since=date(2023, 1, 1)) if p.article}
    assert recent == {first}



def test_a_past_interval_reads_the_pages_fetched_in_it(tmp_path):
    """A backfill reprocesses the body archived in its interval, not a newer fetch of the page."""
    warehouse = Warehouse.open(str(tmp_path))
    seed = "http://h/zscqb/2022/04/27/gclt-zzyj.html"
    then = raw(seed, (SITE_DIR / "zscqb/2022/04/27/gclt-zzyj.html").read_bytes(), seed, 1)
    later = raw(seed, b"", seed, 1)  # the page as a later fetch found it: empty
    later.fetched_at = NOW + timedelta(days=2)
    write_raw_pages(warehouse, "r", "b0000-00000", [then])
    write_raw_pages(warehouse, "r2", "b0000-00000", [later])
    assert [p.failure.error_class for p in archived_articles(warehouse)] == ["empty page"]
    [processed] = archived_articles(warehouse, fetched_between=(NOW, NOW + timedelta(days=1)))
    assert len(processed.article.speeches) == 4
    assert list(archived_articles(warehouse, fetched_between=(NOW - timedelta(days=1), NOW))) == []


def test_any_error_in_a_page_costs_that_page_only(tmp_path, monkeypatch):
    hostile = b"<html><body>hostile</body></html>"

    def extract_or_blow_up(raw: bytes, **kwargs):
        if raw == hostile:
            raise RecursionError("maximum recursion depth exceeded")
        return extract(raw, **kwargs)

    monkeypatch.setattr(pipeline.load.transform, "extract", extract_or_blow_up)
    warehouse = Warehouse.open(str(tmp_path))
    seed = "http://h/zscqb/2022/04/27/gclt-zzyj.html"
    write_raw_pages(warehouse, "r", "b0000-00000", [
        raw("http://h/hostile.html", hostile, "http://h/hostile.html", 1),
        raw(seed, (SITE_DIR / "zscqb/2022/04/27/gclt-zzyj.html").read_bytes(), seed, 1),
    ])
    assert process_to_stage(warehouse, "run1", "0000", archived_articles(warehouse))["articles"] == 1
    [error] = read_extract_errors(warehouse).to_pylist()
    assert {k: error[k] for k in ("url", "source", "raw_sha256", "error_class", "message", "run_id")} == {
        "url": "http://h/hostile.html", "source": "s", "raw_sha256": hashlib.sha256(hostile).hexdigest(),
        "error_class": "RecursionError", "message": "maximum recursion depth exceeded", "run_id": "run1"}

    def out_of_memory(raw: bytes, **kwargs):
        raise MemoryError

    monkeypatch.setattr(pipeline.load.transform, "extract", out_of_memory)
    with pytest.raises(MemoryError):  # no page explains running out of memory: the run stops
        list(archived_articles(warehouse))


def _archive(warehouse: Warehouse, extra: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """The sample site's dated article pages archived under http://h/, then `extra` pages."""
    pages = {f"http://h/{path.relative_to(SITE_DIR)}": path.read_bytes()
             for path in sorted(SITE_DIR.rglob("*.html")) if "/20" in str(path.relative_to(SITE_DIR))}
    pages.update(extra or {})
    write_raw_pages(warehouse, "r", "b0000-00000", [
        raw(url, body, url.removesuffix("_2.html") + ".html" if url.endswith("_2.html") else url, 2 if url.endswith("_2.html") else 1)
        for url, body in pages.items()])
    return pages


def _staged_rows(warehouse: Warehouse, run_id: str) -> dict[str, list[dict]]:
    """Every staged table's rows but their time of extraction, in a defined order."""
    batches = staged_batches(warehouse, run_id)
    tables = {name: read_staged(warehouse, name, batches).to_pylist() for name in PUBLISHED_TABLES}
    return {name: sorted(({k: v for k, v in row.items() if k != "extracted_at"} for row in rows), key=repr)
            for name, rows in tables.items()}


def test_two_workers_stage_and_publish_what_one_does_and_a_later_copy_of_an_article_wins(tmp_path):
    copied = "ft/2023/09/06/content_302118.html"  # a page declaring its canonical URL
    staged, published = {}, {}
    for workers in (1, 2):
        warehouse = Warehouse.open(str(tmp_path / f"w{workers}"))
        # The same page under another URL: the same canonical URL, so the same article, in a later batch.
        _archive(warehouse, {"http://h/zz-copy.html": (SITE_DIR / copied).read_bytes()})
        result = stage_archive(warehouse, "run", workers=workers, batch_size=3)
        staged[workers] = (result.counts(), _staged_rows(warehouse, "run"))
        assert [p.url for p in archived_articles(warehouse, chunk=3, workers=workers)] == \
            [p.url for p in archived_articles(warehouse, chunk=3)]
        assert validate_and_publish(warehouse, "run").success
        published[workers] = {name: sorted(({k: v for k, v in row.items() if k != "extracted_at"}
                                            for row in read_table(warehouse, name).to_pylist()), key=repr)
                              for name in MANIFEST_TABLES}
    assert staged[1] == staged[2]
    assert published[1] == published[2]
    counts, rows = staged[1]
    articles = rows["articles"]
    assert counts["articles"] == len(articles) == len({a["article_id"] for a in articles}) == counts["articles_rows"]
    assert [a["url"] for a in articles if a["url"].endswith((copied, "zz-copy.html"))] == ["http://h/zz-copy.html"]


def test_a_page_that_kills_its_worker_is_an_error_row_and_every_other_article_is_staged_once(tmp_path, monkeypatch):
    deadly = b"<html><body><p>this page crashes the parser</p></body></html>"

    def extract_or_crash(raw: bytes, **kwargs):
        if raw == deadly:
            os.kill(os.getpid(), signal.SIGKILL)  # as a segfault in a C library would
        return extract(raw, **kwargs)

    # Forked workers inherit the patched extractor; the pool's own start method would not.
    monkeypatch.setattr(pipeline.load.pool, "START_METHOD", "fork")
    monkeypatch.setattr(pipeline.load.transform, "extract", extract_or_crash)
    warehouse = Warehouse.open(str(tmp_path))
    pages = _archive(warehouse, {"http://h/deadly.html": deadly})
    result = stage_archive(warehouse, "run", workers=2, batch_size=2)
    [failure] = result.failed
    assert (failure.url, failure.failure.error_class) == ("http://h/deadly.html", "WorkerDied")
    [error] = read_extract_errors(warehouse).to_pylist()
    assert (error["url"], error["raw_sha256"]) == ("http://h/deadly.html", hashlib.sha256(deadly).hexdigest())
    staged_urls = [row["url"] for row in read_staged(warehouse, "articles", staged_batches(warehouse, "run")).to_pylist()]
    articles = [url for url in pages if not url.endswith(("_2.html", "deadly.html"))]
    assert sorted(staged_urls) == sorted(articles) and result.articles == len(articles)
