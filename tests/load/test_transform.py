from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest

import pipeline.load.transform
from devkit.sample_site import SITE_DIR
from pipeline.load.transform import archived_articles, process_to_stage, read_extract_errors
from pipeline.text.extract import extract
from pipeline.warehouse.archive import RawPage, write_raw_pages
from pipeline.warehouse.storage import Warehouse

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
