"""Transform archived raw pages into articles: extract → clean → split, with no network.

This is how a crawl's pages become articles, and how everything is reprocessed after an
extractor or splitter improvement. A page that fails, whatever the error, becomes a row of
`extract_errors` with its reason; the others go on.

The archive is cut into chunks of articles in archive order; with `workers` above 1 a pool of
processes (`pipeline.load.pool`) takes the chunks, each worker reading its chunk's bodies
itself, and the results come back in archive order, so the output is the same for any number
of workers.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.load.pool import run_in_order
from pipeline.load.stage import read_staged, stage
from pipeline.records import Article, PageFailure, page_outcome
from pipeline.text import article_from_pages
from pipeline.text.extract import SiteHints, extract
from pipeline.warehouse.archive import latest_page_index, read_bodies
from pipeline.warehouse.layout import run_file, staged_batch, staged_file
from pipeline.warehouse.schemas import EXTRACT_ERRORS, PUBLISHED_TABLES
from pipeline.warehouse.storage import Warehouse
from pipeline.warehouse.tables import write_table

log = logging.getLogger(__name__)

# Articles per staged batch (stage_archive): a batch's rows are built in one worker's memory.
STAGE_BATCH = 500


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


@dataclass(slots=True, frozen=True)
class _Chunk:
    """Articles processed together: each one's first URL and its pages' index rows (where the
    bodies are, not the bodies: a chunk is what a worker is sent)."""

    warehouse: Warehouse
    articles: list[tuple[str, list[dict]]]
    hints: dict[str, SiteHints] | None = None


def _archive_groups(warehouse: Warehouse, urls: Iterable[str] | None,
                    fetched_between: tuple[datetime, datetime] | None = None) -> list[tuple[str, list[dict]]]:
    """Every archived article (its newest pages), or those whose first page is in `urls`, in
    archive order; with `fetched_between`, the newest pages fetched in that interval."""
    wanted = set(urls) if urls is not None else None
    groups: dict[str, list[dict]] = defaultdict(list)
    for page in latest_page_index(warehouse, "article", fetched_between):
        first = page["article_url"] or page["url"]
        if wanted is None or first in wanted:
            groups[first].append(page)
    ordered = sorted(groups, key=lambda url: min((p["file"], p["row"]) for p in groups[url]))
    return [(url, groups[url]) for url in ordered]


def _chunks(warehouse: Warehouse, urls: Iterable[str] | None, size: int, hints: dict[str, SiteHints] | None,
            fetched_between: tuple[datetime, datetime] | None = None) -> list[_Chunk]:
    groups = _archive_groups(warehouse, urls, fetched_between)
    return [_Chunk(warehouse, groups[start : start + size], hints) for start in range(0, len(groups), size)]


def _with_bodies(chunk: _Chunk) -> list[tuple[str, list[dict]]]:
    """The chunk's articles with their pages' bodies, read a file at a time."""
    wanted: dict[str, list[dict]] = defaultdict(list)
    for _, pages in chunk.articles:
        for page in pages:
            wanted[page["file"]].append(page)
    body_of: dict[tuple[str, int], bytes] = {}
    for path, pages in wanted.items():
        rows = [page["row"] for page in pages]
        body_of.update(zip(((path, row) for row in rows), read_bodies(chunk.warehouse, path, rows)))
    return [(url, [{**page, "body": body_of[page["file"], page["row"]]} for page in pages]) for url, pages in chunk.articles]


def _extract_chunk(chunk: _Chunk) -> list[Processed]:
    """Every article of a chunk processed (a pool's task)."""
    return [process_pages(url, pages[0]["source"], pages, (chunk.hints or {}).get(pages[0]["source"]))
            for url, pages in _with_bodies(chunk)]


def _died(chunk: _Chunk, reason: str) -> Processed:
    """The failure of a one-article chunk whose process died: its first page's error row."""
    url, pages = chunk.articles[0]
    first = min(pages, key=lambda page: page["page_number"] or 1)
    [body] = read_bodies(chunk.warehouse, first["file"], [first["row"]])
    return Processed(url, first["source"], None, PageFailure("WorkerDied", reason, hashlib.sha256(body).hexdigest()))


def _isolate_articles(chunk: _Chunk, reason: str) -> list[Processed]:
    """A chunk that killed its process: each article run alone, the one that dies again an
    error row."""
    if len(chunk.articles) == 1:
        return [_died(chunk, reason)]
    singles = [_Chunk(chunk.warehouse, [article], chunk.hints) for article in chunk.articles]
    return [processed for result in run_in_order(_extract_chunk, singles, 1, _isolate_articles) for processed in result]


def _within(processed: Processed, since: date | None, until: date | None) -> bool:
    """Whether an article's publish date is in [since, until]; undated articles and failures are."""
    article = processed.article
    published = article.published_at.date() if article and article.published_at else None
    return not (published and ((since and published < since) or (until and published > until)))


def _run(work, tasks: list, workers: int, isolate) -> Iterable:
    """`work` over the tasks, in order: in this process when one worker would do (one task
    leaves the others idle and a pool's start costs a few seconds), else through the pool."""
    workers = min(workers, len(tasks))
    return map(work, tasks) if workers <= 1 else run_in_order(work, tasks, workers, isolate)


def _log_failure(processed: Processed) -> None:
    log.warning("%s: %s", processed.url, processed.failure, extra={
        "url": processed.url, "stage": "extract", "source": processed.source, "error_class": processed.failure.error_class})


def archived_articles(warehouse: Warehouse, since: date | None = None, until: date | None = None,
                      hints: dict[str, SiteHints] | None = None, urls: Iterable[str] | None = None,
                      chunk: int = 200, progress: Callable[[int, int], None] | None = None,
                      workers: int = 1, fetched_between: tuple[datetime, datetime] | None = None) -> Iterator[Processed]:
    """Every archived article (its newest pages), or those whose first page is in `urls`,
    processed, in archive order; publish date within [since, until] when given (undated
    articles are kept). `progress(done, total)` is called after each article processed,
    yielded or not. With `workers` above 1, a pool of that many processes does the work. With
    `fetched_between` (start, end) only the pages fetched in that interval are read (the newest
    of each URL within it): the archive as a past interval left it, for a backfill.

    Bodies are read `chunk` articles at a time, and at most a few chunks are in flight, so
    memory stays that of a few chunks however large the archive."""
    chunks = _chunks(warehouse, urls, chunk, hints, fetched_between)
    total = sum(len(part.articles) for part in chunks)
    results = _run(_extract_chunk, chunks, workers, _isolate_articles)
    done = 0
    for processed_chunk in results:
        for processed in processed_chunk:
            done += 1
            if progress:
                progress(done, total)
            if processed.failure is not None:
                _log_failure(processed)
            if _within(processed, since, until):
                yield processed


@dataclass(slots=True, frozen=True)
class _Batch:
    """A chunk to stage as one batch of a run (a pool's task)."""

    chunk: _Chunk
    run_id: str
    name: str
    since: date | None
    until: date | None


@dataclass(slots=True, frozen=True)
class _StagedBatch:
    name: str
    processed: int  # articles processed, in the interval or not
    article_ids: list[str]  # staged, in order
    failed: list[Processed]
    rows: dict[str, int]


@dataclass(slots=True)
class StagedArchive:
    """What stage_archive staged: articles (distinct ids), the failures, rows per table."""

    articles: int = 0
    failed: list[Processed] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """As process_to_stage counts a batch."""
        return {"articles": self.articles, "extract_errors": len(self.failed), **{f"{k}_rows": v for k, v in self.rows.items()}}


def _staged(batch: _Batch, processed: list[Processed]) -> _StagedBatch:
    kept = [item for item in processed if _within(item, batch.since, batch.until)]
    articles, failed, rows = _stage_processed(batch.chunk.warehouse, batch.run_id, batch.name, kept)
    return _StagedBatch(batch.name, len(processed), [item.article.article_id for item in articles], failed, rows)


def _stage_batch(batch: _Batch) -> _StagedBatch:
    return _staged(batch, _extract_chunk(batch.chunk))


def _isolate_batch(batch: _Batch, reason: str) -> _StagedBatch:
    return _staged(batch, _isolate_articles(batch.chunk, reason))


def stage_archive(warehouse: Warehouse, run_id: str, since: date | None = None, until: date | None = None,
                  hints: dict[str, SiteHints] | None = None, *, workers: int = 1, batch_size: int = STAGE_BATCH,
                  progress: Callable[[int, int], None] | None = None) -> StagedArchive:
    """Every archived article processed and staged for validation as batches of `batch_size`
    (numbered in archive order), with `workers` processes; the pages that failed are rows of
    `extract_errors`, a file per batch. An article staged by two batches (two URLs declaring
    the same canonical URL) keeps the later one, as within a batch."""
    chunks = _chunks(warehouse, None, batch_size, hints)
    total = sum(len(chunk.articles) for chunk in chunks)
    batches = [_Batch(chunk, run_id, f"{number:05d}", since, until) for number, chunk in enumerate(chunks)]
    results = _run(_stage_batch, batches, workers, _isolate_batch)
    staged, done = StagedArchive(), 0
    batch_of: dict[str, str] = {}
    superseded: dict[str, set[str]] = defaultdict(set)  # batch → ids a later batch staged again
    for result in results:
        done += result.processed
        if progress:
            progress(done, total)
        for processed in result.failed:
            _log_failure(processed)
        staged.failed += result.failed
        for table, count in result.rows.items():
            staged.rows[table] = staged.rows.get(table, 0) + count
        for article_id in result.article_ids:
            if article_id in batch_of:
                superseded[batch_of[article_id]].add(article_id)
            batch_of[article_id] = result.name
    for name, article_ids in superseded.items():
        removed = _unstage(warehouse, run_id, name, article_ids)
        for table, count in removed.items():
            staged.rows[table] -= count
    staged.articles = len(batch_of)
    return staged


def _unstage(warehouse: Warehouse, run_id: str, batch: str, article_ids: set[str]) -> dict[str, int]:
    """Remove some articles' rows from a staged batch; returns the rows removed per table."""
    directory = staged_batch(run_id, batch)
    dropped = pa.array(sorted(article_ids), pa.string())
    removed = {}
    for name in PUBLISHED_TABLES:
        table = read_staged(warehouse, name, [warehouse.path(directory)])
        kept = table.filter(pc.invert(pc.is_in(table["article_id"], value_set=dropped)))
        write_table(warehouse, staged_file(directory, name), kept)
        removed[name] = table.num_rows - kept.num_rows
    return removed


def process_to_stage(warehouse: Warehouse, run_id: str, batch: str, processed: Iterable[Processed]) -> dict[str, int]:
    """Stage the articles of a batch for validation and record the pages that failed
    extraction as rows of `extract_errors`; returns counts."""
    articles, failed, rows = _stage_processed(warehouse, run_id, batch, processed)
    return {"articles": len(articles), "extract_errors": len(failed), **{f"{k}_rows": v for k, v in rows.items()}}


def _stage_processed(warehouse: Warehouse, run_id: str, batch: str,
                     processed: Iterable[Processed]) -> tuple[list[Processed], list[Processed], dict[str, int]]:
    """(articles staged, failures recorded, rows staged per table) of a batch."""
    articles, failed = [], []
    for item in processed:
        (failed if item.article is None else articles).append(item)
    now = datetime.now(UTC)
    rows = stage(warehouse, run_id, batch, [item.article for item in articles], now)
    write_extract_errors(warehouse, run_id, batch, failed, now)
    return articles, failed, rows


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
