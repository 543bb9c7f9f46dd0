from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pipeline.warehouse.archive import (
    FetchFailure,
    RawPage,
    UrlState,
    archived_article_urls,
    compact_state,
    latest_page_index,
    latest_pages,
    read_fetch_errors,
    read_raw_pages,
    read_state,
    write_fetch_errors,
    write_raw_pages,
    write_state_delta,
)
from pipeline.warehouse.storage import Warehouse

NOW = datetime(2024, 1, 1, tzinfo=UTC)


def page(url: str, body: bytes, at: datetime, run: str) -> RawPage:
    return RawPage(url, url, "article", url, 1, 200, "text/html", None, None, None, at, "s" * 64, body, "src", run)


def test_latest_page_per_url_across_runs(tmp_path):
    warehouse = Warehouse.open(str(tmp_path))
    write_raw_pages(warehouse, "r1", "b0000-00000", [page("http://x/a", b"old", NOW, "r1"), page("http://x/b", b"b", NOW, "r1")])
    write_raw_pages(warehouse, "r2", "b0000-00000", [page("http://x/a", b"new", NOW + timedelta(days=1), "r2")])
    assert read_raw_pages(warehouse).num_rows == 3
    latest = {row["url"]: row["body"] for row in latest_pages(warehouse).to_pylist()}
    assert latest == {"http://x/a": b"new", "http://x/b": b"b"}



def test_the_archive_as_a_past_interval_left_it(tmp_path):
    """A window [start, end) sees only the bodies fetched in it: the newest of them per URL."""
    warehouse = Warehouse.open(str(tmp_path))
    day = timedelta(days=1)
    write_raw_pages(warehouse, "r1", "b0000-00000", [page("http://x/a", b"a1", NOW, "r1"), page("http://x/b", b"b", NOW, "r1")])
    write_raw_pages(warehouse, "r2", "b0000-00000", [page("http://x/a", b"a2", NOW + day, "r2"),
                                                     page("http://x/c", b"c", NOW + day, "r2")])
    first_day = (NOW, NOW + day)
    index = {row["url"]: row for row in latest_page_index(warehouse, "article", first_day)}
    assert {url: row["fetched_at"] for url, row in index.items()} == {"http://x/a": NOW, "http://x/b": NOW}
    assert archived_article_urls(warehouse, first_day) == {"src": ["http://x/a", "http://x/b"]}
    assert archived_article_urls(warehouse, (NOW + day, NOW + 2 * day)) == {"src": ["http://x/a", "http://x/c"]}
    assert archived_article_urls(warehouse, (NOW - day, NOW)) == {}  # the end is exclusive, the start inclusive


def test_errors_and_state_round_trip(tmp_path):
    warehouse = Warehouse.open(str(tmp_path))
    write_fetch_errors(warehouse, "r1", "b0000-00000",
                       [FetchFailure("http://x/c", "article", "HTTP 404", "Not Found", 1, 404, NOW, "src", "r1")])
    assert read_fetch_errors(warehouse).to_pylist()[0]["error_class"] == "HTTP 404"
    old = UrlState("http://x/a", "article", "http://x/a", 1, '"e"', None, "s", 200, NOW, NOW, NOW, "src")
    new = UrlState("http://x/a", "article", "http://x/a", 1, '"f"', None, "t", 200, NOW, NOW, NOW + timedelta(days=1), "src")
    other = UrlState("http://x/b", "listing", None, None, None, None, "u", 200, NOW, NOW, NOW, "src")
    write_state_delta(warehouse, "r1", "b0000", [old, other])
    write_state_delta(warehouse, "r2", "b0001", [new])  # two batches that ran side by side
    assert read_state(warehouse) == {"http://x/a": new, "http://x/b": other}
    assert compact_state(warehouse) == {"http://x/a": new, "http://x/b": other}
    assert [path.rsplit("/", 1)[1] for path in warehouse.files("crawl_state")] == ["state.parquet"]
    assert read_state(warehouse) == {"http://x/a": new, "http://x/b": other}
