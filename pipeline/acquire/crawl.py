"""Crawl: discover a source's articles and fetch the new and due ones into the raw archive.

Incremental by design: the crawl state (validators and times per URL) lives with the
warehouse, so a rerun fetches only URLs it has never seen, revisits known ones by
conditional GET once they are `revisit_after_days` old, and archives a body only when it
changed. Multi-page articles are followed page by page ("下一页") and archived as pages of
one article; extraction joins them.

Every PART_PAGES URLs checked, a run writes their pages, their errors and then their state
together, so a crawl killed midway refetches at most the URLs of its last unwritten part.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from pipeline.acquire.config import CrawlConfig, Source
from pipeline.acquire.discover import Link, canonical_link, feed_links, next_page, page_links, sitemap_links
from pipeline.acquire.fetch import FetchedPage, Fetcher, FetchError
from pipeline.urls import canonicalize_url, redact
from pipeline.warehouse.archive import (
    FetchFailure,
    RawPage,
    UrlState,
    compact_state,
    latest_pages,
    read_state,
    write_fetch_errors,
    write_raw_pages,
    write_state_delta,
)
from pipeline.warehouse.storage import Warehouse

log = logging.getLogger(__name__)

# Pages, errors and state are written each time this many URLs have been checked (bounded
# memory, and a crash loses at most one part).
PART_PAGES = 200
MAX_ARTICLE_PAGES = 50
MAX_NESTED_SITEMAPS = 50
# Permanent failures are not retried before the revisit period; others are, next run.
_PERMANENT = ("HTTP 4", "RobotsDisallowed", "TooManyRedirects", "Redirect", "InvalidURL", "BodyTooLarge",
              "LinkLocalAddress")


@dataclass
class CrawlSummary:
    run_id: str
    discovered: int = 0  # in-scope article URLs found
    fetched: int = 0  # bodies archived (listing and article pages)
    not_modified: int = 0  # answered 304, or unchanged since the last visit
    skipped: int = 0  # not due, older than --since, over --max-pages, or off-site
    failed: int = 0  # error rows written
    failures: dict[str, int] = field(default_factory=dict)  # error class → URLs that failed so
    causes: dict[str, str] = field(default_factory=dict)  # error class → the first message it came with
    durations: dict[str, float] = field(default_factory=dict)  # phase (discover, fetch) → seconds
    # For progress only: article URLs the fetch phase will try (0 while discovering), and how
    # many of them it has tried so far.
    due: int = 0
    tried_due: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    @property
    def attempted(self) -> int:
        """URLs the run tried to fetch (skipped ones were not)."""
        return self.fetched + self.not_modified + self.failed

    def line(self) -> str:
        return (f"{self.discovered} discovered · {self.fetched} fetched · {self.not_modified} not modified · "
                f"{self.skipped} skipped · {self.failed} failed")

    def add_failure(self, error_class: str, message: str) -> None:
        self.failed += 1
        self.failures[error_class] = self.failures.get(error_class, 0) + 1
        self.causes.setdefault(error_class, message)

    def add(self, other: CrawlSummary) -> None:
        for name in ("discovered", "fetched", "not_modified", "skipped", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for error_class, count in other.failures.items():
            self.failures[error_class] = self.failures.get(error_class, 0) + count
            self.causes.setdefault(error_class, other.causes[error_class])

    def main_causes(self, limit: int = 3) -> str:
        """The commonest error classes with a message each: "12 RobotsUnreachable (robots.txt …)"."""
        ranked = sorted(self.failures.items(), key=lambda item: (-item[1], item[0]))
        shown = [f"{count} {error_class} ({self.causes[error_class]})" for error_class, count in ranked[:limit]]
        others = sum(count for _, count in ranked[limit:])
        return "; ".join(shown + ([f"{others} other"] if others else []))

    def failure(self, threshold: float) -> str | None:
        """Why the run failed, or None: it fails when every URL it tried failed, or when the
        share that failed is over `threshold` (0 to 1)."""
        if not self.failed:
            return None
        share = self.failed / self.attempted
        if self.failed < self.attempted and share <= threshold:
            return None
        if self.failed == self.attempted:
            return f"all {self.attempted} URLs it tried failed: {self.main_causes()}"
        return (f"{self.failed} of {self.attempted} URLs failed ({share:.0%}, more than the {threshold:.0%} allowed): "
                f"{self.main_causes()}")


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + secrets.token_hex(2)


class _Archive:
    """Buffers what a run fetches and writes it in atomic parts."""

    def __init__(self, warehouse: Warehouse, run_id: str, prefix: str) -> None:
        self.warehouse, self.run_id, self.prefix = warehouse, run_id, prefix
        self.pages: list[RawPage] = []
        self.failures: list[FetchFailure] = []
        self.page_parts = self.failure_parts = 0

    def add_page(self, page: RawPage) -> None:
        self.pages.append(page)

    def add_failure(self, failure: FetchFailure) -> None:
        self.failures.append(failure)

    def flush(self) -> None:
        if self.pages:
            write_raw_pages(self.warehouse, self.run_id, f"{self.prefix}-{self.page_parts:05d}", self.pages)
            self.page_parts += 1
            self.pages = []
        if self.failures:
            write_fetch_errors(self.warehouse, self.run_id, f"{self.prefix}-{self.failure_parts:05d}", self.failures)
            self.failure_parts += 1
            self.failures = []


@dataclass
class _Outcome:
    """What fetching one URL produced, applied to the run by the main thread."""

    url: str
    kind: str
    page: FetchedPage | None = None
    error: FetchError | None = None
    article_url: str | None = None
    page_number: int | None = None


class _Run:
    """One phase of a crawl run (discovery, or one batch of article fetches)."""

    def __init__(self, config: CrawlConfig, warehouse: Warehouse, run_id: str, part: str,
                 state: dict[str, UrlState], progress: Callable[[CrawlSummary], None] | None) -> None:
        self.config, self.warehouse, self.part = config, warehouse, part
        self.summary = CrawlSummary(run_id)
        self.archive = _Archive(warehouse, run_id, part)
        self.state = state
        self.touched: set[str] = set()  # URLs checked since the last flush
        self.flushes = 0
        self.progress = progress or (lambda summary: None)
        self._archived_listings: dict[str, bytes] | None = None
        self.now = datetime.now(UTC)

    # -- state and archive -------------------------------------------------------------
    def _archived_body(self, url: str, kind: str) -> bytes | None:
        """The archived body of an unchanged (304) discovery page, to find its links again.
        Articles are not looked up: their links are not needed again."""
        if kind == "article":
            return None
        if self._archived_listings is None:
            table = latest_pages(self.warehouse, ("listing", "sitemap", "feed"))
            self._archived_listings = dict(zip(table["url"].to_pylist(), table["body"].to_pylist()))
        return self._archived_listings.get(url)

    def apply(self, outcome: _Outcome, source: Source) -> bytes | None:
        """Record an outcome; returns the page body (archived copy for a 304) or None."""
        now = datetime.now(UTC)
        known = self.state.get(outcome.url)
        self.touched.add(outcome.url)
        if outcome.error is not None:
            error = outcome.error
            self.archive.add_failure(FetchFailure(
                outcome.url, outcome.kind, error.reason, error.detail or error.reason, error.attempts,
                error.status, now, source.name, self.summary.run_id,
            ))
            self.summary.add_failure(error.reason, error.detail or error.reason)
            log.info("%s: %s", redact(outcome.url), error, extra={
                "url": redact(outcome.url), "stage": "fetch", "kind": outcome.kind, "error_class": error.reason,
                "attempts": error.attempts, "run_id": self.summary.run_id, "source": source.name})
            if error.reason.startswith(_PERMANENT):
                self.state[outcome.url] = UrlState(
                    outcome.url, outcome.kind, outcome.article_url, outcome.page_number, None, None, None,
                    error.status, known.first_seen if known else now, known.last_fetched if known else None, now, source.name,
                )
            self.progress(self.summary)
            return None
        page = outcome.page
        assert page is not None
        body: bytes | None
        log.debug("%s: %d", redact(outcome.url), page.status, extra={
            "url": redact(outcome.url), "stage": "fetch", "kind": outcome.kind, "status": page.status,
            "attempts": page.attempts, "run_id": self.summary.run_id, "source": source.name})
        if page.status == 304:
            body = self._archived_body(outcome.url, outcome.kind)
            self.summary.not_modified += 1
            sha256 = known.sha256 if known else None
            fetched = known.last_fetched if known else None
        else:
            body = page.content
            sha256 = hashlib.sha256(body).hexdigest()
            if known and known.sha256 == sha256:
                self.summary.not_modified += 1
                fetched = known.last_fetched
            else:
                self.archive.add_page(RawPage(
                    outcome.url, canonicalize_url(page.final_url), outcome.kind, outcome.article_url,
                    outcome.page_number, page.status, page.headers.get("content-type"), page.charset,
                    page.headers.get("etag"), page.headers.get("last-modified"), page.fetched_at, sha256, body,
                    source.name, self.summary.run_id,
                ))
                self.summary.fetched += 1
                fetched = page.fetched_at
        self.state[outcome.url] = UrlState(
            outcome.url, outcome.kind, outcome.article_url, outcome.page_number,
            page.headers.get("etag") or (known.etag if known else None),
            page.headers.get("last-modified") or (known.last_modified if known else None),
            sha256, page.status, known.first_seen if known else now, fetched, now, source.name,
        )
        self.progress(self.summary)
        return body

    def checkpoint(self) -> None:
        """Flush once a part's worth of URLs was checked; call it only between articles, so
        an article's pages are never split between a written part and a lost one."""
        if len(self.touched) >= PART_PAGES:
            self.flush()

    def flush(self) -> None:
        """Write what was fetched, then its state: killed in between, the next run fetches
        these pages again (a duplicate row) rather than never (a lost page)."""
        self.archive.flush()
        write_state_delta(self.warehouse, self.summary.run_id, f"{self.part}-{self.flushes:05d}",
                          (self.state[url] for url in self.touched if url in self.state))
        self.flushes += 1
        self.touched = set()

    def is_due(self, url: str) -> bool:
        known = self.state.get(url)
        return known is None or self.now - known.last_checked >= timedelta(days=self.config.revisit_after_days)

    def validators(self, url: str) -> tuple[str | None, str | None]:
        known = self.state.get(url)
        return (known.etag, known.last_modified) if known and known.sha256 else (None, None)


def _get(fetcher: Fetcher, run: _Run, url: str, kind: str, article_url: str | None = None,
         page_number: int | None = None, conditional: bool = True) -> _Outcome:
    etag, last_modified = run.validators(url) if conditional else (None, None)
    try:
        page = fetcher.get(url, etag=etag, last_modified=last_modified)
    except FetchError as error:
        return _Outcome(url, kind, error=error, article_url=article_url, page_number=page_number)
    return _Outcome(url, kind, page=page, article_url=article_url, page_number=page_number)


def _visit(fetcher: Fetcher, run: _Run, source: Source, url: str, kind: str) -> bytes | None:
    """Fetch and record one discovery page; its body (the archived one when unchanged) or None."""
    body = run.apply(_get(fetcher, run, url, kind), source)
    run.checkpoint()
    return body


def _discover(source: Source, fetcher: Fetcher, run: _Run, since: date | None, listings: bool = True) -> dict[str, Link]:
    """In-scope article links of a source, from its listing pages (unless `listings` is false),
    sitemaps and feeds."""
    articles: dict[str, Link] = {}
    offsite: set[str] = set()
    queue = [canonicalize_url(url) for url in source.start_urls] if listings else []
    seen = set(queue)
    visited = 0
    while queue and visited < source.max_listing_pages:
        url = queue.pop(0)
        visited += 1
        body = _visit(fetcher, run, source, url, "listing")
        if body is None:
            continue
        dated_old = []
        next_listings = []
        for link in page_links(body, url):
            kind = source.kind_of(link.url)
            if kind == "article":
                articles.setdefault(link.url, link)
                if since and link.published:
                    dated_old.append(link.published.date() < since)
            elif kind == "listing" and link.url not in seen:
                next_listings.append(link.url)
            elif kind is None and not source.allows_host(link.url):
                offsite.add(link.url)
        # Listings run newest first: once a page holds only articles older than --since,
        # the pages after it hold nothing newer.
        if not (dated_old and all(dated_old)):
            for link_url in next_listings:
                seen.add(link_url)
                queue.append(link_url)
    sitemaps = [canonicalize_url(url) for url in source.sitemap_urls]
    while sitemaps and visited < source.max_listing_pages + MAX_NESTED_SITEMAPS:
        url = sitemaps.pop(0)
        visited += 1
        body = _visit(fetcher, run, source, url, "sitemap")
        if body is not None:
            links, nested = sitemap_links(body)
            sitemaps += [n for n in nested if n not in seen]
            seen.update(nested)
            for link in links:
                if source.kind_of(link.url) == "article":
                    articles.setdefault(link.url, link)
    for url in source.feed_urls:
        body = _visit(fetcher, run, source, canonicalize_url(url), "feed")
        for link in feed_links(body) if body is not None else []:
            if source.kind_of(link.url) == "article":
                articles.setdefault(link.url, link)
    run.summary.skipped += len(offsite)
    run.summary.discovered += len(articles)
    return articles


def _fetch_article(fetcher: Fetcher, run: _Run, url: str) -> list[_Outcome]:
    """Page 1 of an article and, when it changed, the pages after it."""
    outcomes = [_get(fetcher, run, url, "article", url, 1)]
    first = outcomes[0]
    if first.page is None or first.page.status == 304:
        return outcomes
    body, page_url = first.page.content, url
    for number in range(2, MAX_ARTICLE_PAGES + 1):
        following = next_page(body, page_url, url)
        if following is None:
            break
        outcome = _get(fetcher, run, following, "article", url, number, conditional=False)
        outcomes.append(outcome)
        if outcome.page is None:
            break
        body, page_url = outcome.page.content, following
    return outcomes


@dataclass
class CrawlPlan:
    """What discovery decided: the article URLs due for fetching, per source."""

    run_id: str
    due: dict[str, list[str]]
    summary: CrawlSummary

    def batches(self, size: int) -> list[dict]:
        return url_batches(self.due, size)


def url_batches(urls_by_source: dict[str, list[str]], size: int, prefix: str = "b") -> list[dict]:
    """JSON-ready batches of at most `size` URLs: {"source", "part", "urls"}; parts are named
    `prefix` and a number, so batches of several calls for one run need different prefixes."""
    out = []
    for source, urls in urls_by_source.items():
        for start in range(0, len(urls), size):
            out.append({"source": source, "part": f"{prefix}{len(out):04d}", "urls": urls[start : start + size]})
    return out


def _fetcher(source: Source, shared: dict[str, Fetcher] | None) -> contextlib.AbstractContextManager[Fetcher]:
    """The caller's long-lived fetcher for this source (so its rate limits span phases), or a
    new one closed after use."""
    if shared is not None:
        if source.name not in shared:
            shared[source.name] = Fetcher(source.politeness, source.allowed_hosts)
        return contextlib.nullcontext(shared[source.name])
    return Fetcher(source.politeness, source.allowed_hosts)


def plan_crawl(config: CrawlConfig, warehouse: Warehouse, *, since: date | None = None, max_pages: int | None = None,
               run_id: str | None = None, progress: Callable[[CrawlSummary], None] | None = None,
               fetchers: dict[str, Fetcher] | None = None,
               published_between: tuple[datetime, datetime] | None = None) -> CrawlPlan:
    """Discovery: fetch listings, sitemaps and feeds; decide which articles are due.

    With `published_between` (start, end), a backfill's re-discovery of a past interval: only
    sitemaps and feeds are read (they date their entries, listings do not; a source with
    neither is not asked at all), and only the articles they date within the interval that
    were never fetched are due."""
    run = _Run(config, warehouse, run_id or new_run_id(), "discover", compact_state(warehouse), progress)
    budget = max_pages
    due: dict[str, list[str]] = {}
    try:
        for source in config.sources:
            due[source.name] = []
            if published_between and not (source.sitemap_urls or source.feed_urls):
                continue
            with _fetcher(source, fetchers) as fetcher:
                candidates = _discover(source, fetcher, run, since, listings=published_between is None)
            for url, link in candidates.items():
                if published_between:
                    wanted = url not in run.state and _published_within(link, published_between)
                else:
                    too_old = since is not None and link.published is not None and link.published.date() < since
                    wanted = not too_old and run.is_due(url)
                if not wanted or (budget is not None and budget <= 0):
                    run.summary.skipped += 1
                    continue
                due[source.name].append(url)
                if budget is not None:
                    budget -= 1
            log.info("source %s: %d article URLs discovered, %d due", source.name, len(candidates), len(due[source.name]),
                     extra={"stage": "discover", "source": source.name, "run_id": run.summary.run_id})
    finally:
        run.flush()
    return CrawlPlan(run.summary.run_id, due, run.summary)


def _published_within(link: Link, interval: tuple[datetime, datetime]) -> bool:
    published = link.published
    if published is None:
        return False
    # A feed's date without a zone is taken as UTC.
    published = published if published.tzinfo else published.replace(tzinfo=UTC)
    return interval[0] <= published < interval[1]


def fetch_batch(config: CrawlConfig, warehouse: Warehouse, source_name: str, urls: list[str], run_id: str,
                part: str, progress: Callable[[CrawlSummary], None] | None = None,
                fetchers: dict[str, Fetcher] | None = None) -> CrawlSummary:
    """Fetch a batch of article URLs (and their further pages) into the archive. Batches of one
    run may execute at the same time on different hosts."""
    source = next(s for s in config.sources if s.name == source_name)
    run = _Run(config, warehouse, run_id, part, read_state(warehouse), progress)
    try:
        with _fetcher(source, fetchers) as fetcher:
            workers = max(1, source.politeness.max_concurrency_per_host * len(source.allowed_hosts))
            with ThreadPoolExecutor(max_workers=workers) as pool:
                futures = [pool.submit(_fetch_article, fetcher, run, url) for url in urls]
                for future in as_completed(futures):
                    for outcome in future.result():
                        body = run.apply(outcome, source)
                        if body and outcome.page_number == 1:
                            _remember_canonical(run, source, outcome, body)
                    run.checkpoint()
    finally:
        run.flush()
    log.info("batch %s of %s: %s", part, source_name, run.summary.line(),
             extra={"stage": "fetch", "source": source_name, "run_id": run_id, "failures": run.summary.failures})
    return run.summary


def crawl(config: CrawlConfig, warehouse: Warehouse, *, max_pages: int | None = None, since: date | None = None,
          progress: Callable[[CrawlSummary], None] | None = None, run_id: str | None = None) -> CrawlSummary:
    """Crawl every configured source once, in this process; returns what the run did."""
    fetchers: dict[str, Fetcher] = {}
    try:
        return _crawl_in_process(config, warehouse, max_pages, since, progress, fetchers, run_id)
    finally:
        for fetcher in fetchers.values():
            fetcher.close()


def _crawl_in_process(config: CrawlConfig, warehouse: Warehouse, max_pages: int | None, since: date | None,
                      progress: Callable[[CrawlSummary], None] | None, fetchers: dict[str, Fetcher],
                      run_id: str | None) -> CrawlSummary:
    plan = plan_crawl(config, warehouse, since=since, max_pages=max_pages, run_id=run_id, progress=progress,
                      fetchers=fetchers)
    summary = plan.summary
    summary.durations["discover"] = round(summary.seconds, 3)
    fetching = time.monotonic()
    summary.due = sum(len(urls) for urls in plan.due.values())
    attempted_while_discovering = summary.attempted  # listing pages
    for batch in plan.batches(size=10_000):
        def report(batch_summary: CrawlSummary) -> None:
            if progress:
                merged = CrawlSummary(summary.run_id, started=summary.started, due=summary.due)
                merged.add(summary)
                merged.add(batch_summary)
                # Continuation pages of multi-page articles are fetched too, beyond the due URLs.
                merged.tried_due = min(merged.attempted - attempted_while_discovering, summary.due)
                progress(merged)

        summary.add(fetch_batch(config, warehouse, batch["source"], batch["urls"], plan.run_id, batch["part"], report, fetchers))
    summary.durations["fetch"] = round(time.monotonic() - fetching, 3)
    return summary


def _remember_canonical(run: _Run, source: Source, outcome: _Outcome, body: bytes) -> None:
    """A page that names another in-scope URL as canonical makes that URL known too, so the
    same article is never fetched twice under two addresses."""
    canonical = canonical_link(body, outcome.url)
    if canonical and canonical != outcome.url and source.kind_of(canonical) == "article" and canonical not in run.state:
        run.state[canonical] = run.state[outcome.url]
        run.touched.add(canonical)
