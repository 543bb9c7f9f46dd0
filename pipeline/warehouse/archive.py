"""The raw archive (bronze): every fetched response, every fetch failure, and the crawl state.

Tables (schemas in `pipeline.warehouse.schemas`):
  raw_pages/run_id=RUN/part-NNNNN.parquet   bodies as fetched, zstd-compressed
  fetch_errors/run_id=RUN/part-NNNNN.parquet
  crawl_state/state.parquet                 one row per known URL: validators and times
  crawl_state/delta-RUN-PART-NNNNN.parquet  what one part of a fetch batch learned (merged in later)

A run writes its pages in parts as it goes, each part atomically and followed by its state
delta, so a crash loses at most the part being written and never what earlier parts or runs
archived. Fetch batches may run on several hosts at once, so every part of every batch writes
a delta of its own; `compact_state` folds the deltas into the base file when no batch is
running (the start of the next crawl).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.warehouse.layout import run_file
from pipeline.warehouse.schemas import CRAWL_STATE_SCHEMA, FETCH_ERRORS_SCHEMA, RAW_PAGES_SCHEMA
from pipeline.warehouse.storage import Warehouse


@dataclass(slots=True)
class RawPage:
    url: str
    final_url: str
    kind: str
    article_url: str | None
    page_number: int | None
    status: int
    content_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: datetime
    sha256: str
    body: bytes
    source: str
    run_id: str


@dataclass(slots=True)
class FetchFailure:
    url: str
    kind: str
    error_class: str
    message: str
    attempts: int
    status: int | None
    failed_at: datetime
    source: str
    run_id: str


@dataclass(slots=True)
class UrlState:
    url: str
    kind: str
    article_url: str | None
    page_number: int | None
    etag: str | None
    last_modified: str | None
    sha256: str | None
    last_status: int | None
    first_seen: datetime
    last_fetched: datetime | None
    last_checked: datetime
    source: str


def _table(records: Iterable[object], schema: pa.Schema) -> pa.Table:
    rows = [asdict(record) for record in records]
    return pa.Table.from_pylist(rows, schema=schema)


def _write(warehouse: Warehouse, table_name: str, run_id: str, part: str, table: pa.Table) -> None:
    warehouse.write_parquet(
        run_file(table_name, run_id, part), table,
        compression="zstd", use_dictionary=["kind", "source", "run_id", "content_type", "charset", "error_class"],
        row_group_size=2000,
    )


def write_raw_pages(warehouse: Warehouse, run_id: str, part: str, pages: list[RawPage]) -> None:
    _write(warehouse, "raw_pages", run_id, part, _table(pages, RAW_PAGES_SCHEMA))


def write_fetch_errors(warehouse: Warehouse, run_id: str, part: str, failures: list[FetchFailure]) -> None:
    _write(warehouse, "fetch_errors", run_id, part, _table(failures, FETCH_ERRORS_SCHEMA))


def read_raw_pages(warehouse: Warehouse, columns: list[str] | None = None) -> pa.Table:
    table = warehouse.read_parquet("raw_pages", RAW_PAGES_SCHEMA)
    return table.select(columns) if columns else table


def read_fetch_errors(warehouse: Warehouse) -> pa.Table:
    return warehouse.read_parquet("fetch_errors", FETCH_ERRORS_SCHEMA)


def latest_pages(warehouse: Warehouse, kind: str | tuple[str, ...] = "article") -> pa.Table:
    """The newest archived body of every URL of one kind (or of any of several kinds)."""
    table = read_raw_pages(warehouse)
    kinds = (kind,) if isinstance(kind, str) else kind
    table = table.filter(pc.is_in(table["kind"], value_set=pa.array(kinds, pa.string())))
    if table.num_rows == 0:
        return table
    table = table.sort_by([("url", "ascending"), ("fetched_at", "descending")])
    urls = table["url"].to_pylist()
    keep = [index for index, url in enumerate(urls) if index == 0 or urls[index - 1] != url]
    return table.take(keep)


def latest_page_index(warehouse: Warehouse, kind: str = "article",
                      fetched_between: tuple[datetime, datetime] | None = None) -> list[dict]:
    """Where the newest archived body of every URL of one kind is — file and row — with its
    small columns but not the body, so that callers can read bodies a few at a time. With
    `fetched_between` (start, end), only bodies fetched at or after start and before end count:
    the archive as that interval left it."""
    newest: dict[str, dict] = {}
    columns = ["url", "final_url", "kind", "article_url", "page_number", "charset", "fetched_at", "source"]
    for path in warehouse.files("raw_pages"):
        table = pq.read_table(path, filesystem=warehouse.filesystem, columns=columns)
        wanted = pc.equal(table["kind"], kind)
        if fetched_between is not None:
            start, end = (pa.scalar(moment, table["fetched_at"].type) for moment in fetched_between)
            wanted = pc.and_(wanted, pc.and_(pc.greater_equal(table["fetched_at"], start), pc.less(table["fetched_at"], end)))
        # Only the wanted rows become Python objects.
        row_numbers = pc.indices_nonzero(wanted)
        for row_number, row in zip(row_numbers.to_pylist(), table.take(row_numbers).to_pylist()):
            known = newest.get(row["url"])
            if known is None or row["fetched_at"] > known["fetched_at"]:
                newest[row["url"]] = {**row, "file": path, "row": row_number}
    return list(newest.values())


def archived_article_urls(warehouse: Warehouse, fetched_between: tuple[datetime, datetime]) -> dict[str, list[str]]:
    """The first-page URL of every article with a page fetched within `fetched_between`
    (start inclusive, end exclusive), per source, sorted."""
    by_source: dict[str, set[str]] = defaultdict(set)
    for page in latest_page_index(warehouse, "article", fetched_between):
        by_source[page["source"]].add(page["article_url"] or page["url"])
    return {source: sorted(urls) for source, urls in sorted(by_source.items())}


def read_bodies(warehouse: Warehouse, path: str, rows: list[int]) -> list[bytes]:
    """The bodies of some rows of one raw_pages file."""
    bodies = pq.read_table(path, filesystem=warehouse.filesystem, columns=["body"]).column("body")
    return bodies.take(pa.array(rows, pa.int64())).to_pylist()


def read_state(warehouse: Warehouse) -> dict[str, UrlState]:
    """Base state with every delta applied (the most recently checked record of a URL wins)."""
    table = warehouse.read_parquet("crawl_state", CRAWL_STATE_SCHEMA)
    names = [f.name for f in fields(UrlState)]
    state: dict[str, UrlState] = {}
    for row in table.sort_by([("last_checked", "ascending")]).to_pylist():
        state[row["url"]] = UrlState(**{name: row[name] for name in names})
    return state


def write_state_delta(warehouse: Warehouse, run_id: str, part: str, states: Iterable[UrlState]) -> None:
    table = _table(sorted(states, key=lambda s: s.url), CRAWL_STATE_SCHEMA)
    if table.num_rows:
        warehouse.write_parquet(f"crawl_state/delta-{run_id}-{part}.parquet", table, compression="zstd")


def compact_state(warehouse: Warehouse) -> dict[str, UrlState]:
    """Fold the deltas into the base file (only while no fetch batch runs); returns the state."""
    deltas = [path for path in warehouse.files("crawl_state") if "/delta-" in path]
    state = read_state(warehouse)
    if deltas:
        table = _table(sorted(state.values(), key=lambda s: s.url), CRAWL_STATE_SCHEMA)
        warehouse.write_parquet("crawl_state/state.parquet", table, compression="zstd")
        for path in deltas:
            warehouse.filesystem.delete_file(path)
    return state
