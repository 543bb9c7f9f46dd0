"""Transform archived raw pages into articles: extract → clean → split, with no network.

This is how a crawl's pages become articles, and how everything is reprocessed after an
extractor or splitter improvement. A page that fails, whatever the error, becomes a row of
`extract_errors` with its reason; the others go on.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pyarrow as pa

from pipeline.load.stage import stage
from pipeline.records import Article, PageFailure, page_outcome
from pipeline.text import article_from_pages
from pipeline.text.extract import SiteHints, extract
from pipeline.warehouse.archive import latest_page_index, read_bodies
from pipeline.warehouse.layout import run_file
from pipeline.warehouse.schemas import EXTRACT_ERRORS
from pipeline.warehouse.storage import Warehouse

log = logging.getLogger(__name__)


@dataclass(slots=True, frozen=True)
class Processed:
    url: str  # the article's first-page URL
    source: str
    article: Article | None
    failure: PageFailure | None = None  # why, when article is None


def process_pages(url: str, source: str, pages: list[dict], hints: SiteHints | None = None) -> Processed:
    """One article from its archived pages (dicts of raw_pages columns), in page order; a
    page that fails makes the article a failure naming that page's bytes."""
    ordered = sorted(pages, key=lambda page: page["page_number"] or 1)
    extracted = []
    for page in ordered:
        outcome = page_outcome(page["body"], extract, page["body"], url=page["final_url"] or page["url"],
                               http_charset=page["charset"], hints=hints)
        if isinstance(outcome, PageFailure):
            return Processed(url, source, None, outcome)
        extracted.append(outcome)
    # Cleaning and splitting read the joined pages: a failure there is the first page's.
    outcome = page_outcome(ordered[0]["body"], article_from_pages, extracted)
    if isinstance(outcome, PageFailure):
        return Processed(url, source, None, outcome)
    return Processed(url, source, outcome)


def archived_articles(warehouse: Warehouse, since: date | None = None, until: date | None = None,
                      hints: dict[str, SiteHints] | None = None, urls: Iterable[str] | None = None,
                      chunk: int = 200, progress: Callable[[int, int], None] | None = None,
                      fetched_between: tuple[datetime, datetime] | None = None) -> Iterator[Processed]:
    """Every archived article (its newest pages), or those whose first page is in `urls`,
    processed; publish date within [since, until] when given (undated articles are kept).
    With `fetched_between` (start, end) only the pages fetched in that interval are read (the
    newest of each URL within it): the archive as a past interval left it, for a backfill.
    `progress(done, total)` is called after each article processed, yielded or not.

    Bodies are read `chunk` articles at a time, in archive order, so memory stays that of a
    chunk however large the archive."""
    wanted = set(urls) if urls is not None else None
    groups: dict[str, list[dict]] = defaultdict(list)
    for page in latest_page_index(warehouse, "article", fetched_between):
        first = page["article_url"] or page["url"]
        if wanted is None or first in wanted:
            groups[first].append(page)
    ordered = sorted(groups, key=lambda url: min((p["file"], p["row"]) for p in groups[url]))
    done = 0
    for start in range(0, len(ordered), chunk):
        selected = ordered[start : start + chunk]
        wanted_rows: dict[str, list[dict]] = defaultdict(list)
        for url in selected:
            for page in groups[url]:
                wanted_rows[page["file"]].append(page)
        for path, pages in wanted_rows.items():
            for page, body in zip(pages, read_bodies(warehouse, path, [page["row"] for page in pages])):
                page["body"] = body
        for url in selected:
            pages = groups.pop(url)
            source = pages[0]["source"]
            processed = process_pages(url, source, pages, (hints or {}).get(source))
            done += 1
            if progress:
                progress(done, len(ordered))
            if processed.failure is not None:
                log.warning("%s: %s", url, processed.failure, extra={
                    "url": url, "stage": "extract", "source": source, "error_class": processed.failure.error_class})
            article = processed.article
            published = article.published_at.date() if article and article.published_at else None
            if published and ((since and published < since) or (until and published > until)):
                continue
            yield processed


def process_to_stage(warehouse: Warehouse, run_id: str, batch: str, processed: Iterable[Processed]) -> dict[str, int]:
    """Stage the articles of a batch for validation and record the pages that failed
    extraction as rows of `extract_errors`; returns counts."""
    articles, failed = [], []
    for item in processed:
        (failed if item.article is None else articles).append(item)
    now = datetime.now(UTC)
    counts = stage(warehouse, run_id, batch, [item.article for item in articles], now)
    write_extract_errors(warehouse, run_id, batch, failed, now)
    return {"articles": len(articles), "extract_errors": len(failed), **{f"{k}_rows": v for k, v in counts.items()}}


def write_extract_errors(warehouse: Warehouse, run_id: str, batch: str, failed: list[Processed],
                         now: datetime | None = None) -> None:
    """The failures of one batch of a run, as a file of `extract_errors` (none when none failed)."""
    if not failed:
        return
    now = now or datetime.now(UTC)
    rows = [{"url": item.url, "source": item.source, "raw_sha256": item.failure.raw_sha256,
             "error_class": item.failure.error_class, "message": item.failure.message, "run_id": run_id,
             "failed_at": now} for item in failed]
    warehouse.write_parquet(run_file("extract_errors", run_id, batch),
                            pa.Table.from_pylist(rows, schema=EXTRACT_ERRORS), compression="zstd")


def read_extract_errors(warehouse: Warehouse) -> pa.Table:
    return warehouse.read_parquet("extract_errors", EXTRACT_ERRORS)
