"""Crawl configuration: which sites to crawl, what their pages look like, how politely.

A TOML file (see `examples/sources.toml`); `load_config` validates it and reports the first
problem with its location, so a typo never becomes a silent empty crawl. The dataclasses
check their own numbers too, so no value that would hang a crawl (a zero concurrency or
timeout, a NaN or infinite rate) or switch its politeness off gets through, however built.
URL patterns run with a time bound: a pattern prone to catastrophic backtracking costs at
most PATTERN_TIMEOUT_SECONDS per link, never a stalled crawl.
"""

from __future__ import annotations

import logging
import math
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

import regex

from pipeline import __version__
from pipeline.text.extract import SiteHints
from pipeline.urls import host_of, redact

log = logging.getLogger(__name__)

# A URL pattern search that takes longer than this counts as no match (with a warning).
PATTERN_TIMEOUT_SECONDS = 0.1


# Top-level keys naming where a deployment keeps things, and what each must be.
LOCATION_KEYS = {
    "warehouse": "a path or s3:// URI",
    "catalog_file": "a path (the DuckDB catalog)",
    "report_dir": "a directory path",
    "data_docs_dir": "a directory path",
    "s3_endpoint": "a URL (an S3-compatible store's endpoint)",
}


class ConfigError(ValueError):
    """The crawl configuration is unusable; the message says where and why."""


def _check_number(name: str, value: float, minimum: float, above: bool = False) -> None:
    """Refuse a NaN, an infinity, or a value under `minimum` (or not above it)."""
    if not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number, not {value}")
    if value < minimum or (above and value == minimum):
        raise ConfigError(f"{name} must be {'greater than' if above else 'at least'} {minimum:g}, not {value:g}")


@dataclass(frozen=True)
class Politeness:
    user_agent: str = f"forum-etl/{__version__} (+https://github.com/forum-etl/forum-etl)"
    requests_per_second: float = 1.0  # per host; robots.txt Crawl-delay can only slow it down
    max_concurrency_per_host: int = 2
    timeout_seconds: float = 20.0
    max_retries: int = 3  # after the first attempt, on connection errors, timeouts, 429 and 5xx
    backoff_seconds: float = 1.0  # first retry waits this (doubling each time) plus jitter
    max_retry_after_seconds: float = 120.0  # a longer Retry-After gives up instead
    max_redirects: int = 5
    max_body_bytes: int = 10_000_000
    respect_robots: bool = True
    # Link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, …) hold instance
    # credentials, not news: refused unless a deployment really crawls such a host.
    allow_link_local: bool = False

    def __post_init__(self) -> None:
        if not self.user_agent.strip():
            raise ConfigError("user_agent must name the crawler")
        _check_number("requests_per_second", self.requests_per_second, 0)  # 0: no spacing between requests
        _check_number("max_concurrency_per_host", self.max_concurrency_per_host, 1)
        _check_number("timeout_seconds", self.timeout_seconds, 0, above=True)
        _check_number("max_retries", self.max_retries, 0)
        _check_number("backoff_seconds", self.backoff_seconds, 0)
        _check_number("max_retry_after_seconds", self.max_retry_after_seconds, 0)
        _check_number("max_redirects", self.max_redirects, 0)
        _check_number("max_body_bytes", self.max_body_bytes, 1)

    @property
    def min_interval(self) -> float:
        return 1.0 / self.requests_per_second if self.requests_per_second > 0 else 0.0


@dataclass(frozen=True)
class Source:
    name: str
    start_urls: tuple[str, ...]
    allowed_hosts: tuple[str, ...]
    article_patterns: tuple[regex.Pattern[str], ...]
    listing_patterns: tuple[regex.Pattern[str], ...] = ()
    sitemap_urls: tuple[str, ...] = ()
    feed_urls: tuple[str, ...] = ()
    max_listing_pages: int = 100
    hints: SiteHints = field(default_factory=SiteHints)
    politeness: Politeness = field(default_factory=Politeness)

    def __post_init__(self) -> None:
        _check_number("max_listing_pages", self.max_listing_pages, 1)

    def allows_host(self, url: str) -> bool:
        return host_of(url) in self.allowed_hosts

    def kind_of(self, url: str) -> str | None:
        """"article", "listing" or None (outside this source) for a canonical URL."""
        if not self.allows_host(url):
            return None
        parts = urlsplit(url)
        path = parts.path + ("?" + parts.query if parts.query else "")
        if any(_matches(pattern, path) for pattern in self.article_patterns):
            return "article"
        if any(_matches(pattern, path) for pattern in self.listing_patterns):
            return "listing"
        return None


def _matches(pattern: regex.Pattern[str], path: str) -> bool:
    try:
        return pattern.search(path, timeout=PATTERN_TIMEOUT_SECONDS) is not None
    except TimeoutError:
        log.warning("URL pattern %r gave up on %r after %s s (catastrophic backtracking?); counted as no match",
                    pattern.pattern, path[:200], PATTERN_TIMEOUT_SECONDS)
        return False


@dataclass(frozen=True)
class CrawlConfig:
    revisit_after_days: float = 7.0
    sources: tuple[Source, ...] = ()
    # Where this deployment keeps things (see pipeline.settings); None: the file does not say.
    warehouse: str | None = None
    catalog_file: str | None = None
    report_dir: str | None = None
    data_docs_dir: str | None = None
    s3_endpoint: str | None = None

    def __post_init__(self) -> None:
        _check_number("revisit_after_days", self.revisit_after_days, 0)

    def shared_among(self, workers: int) -> CrawlConfig:
        """The configuration for one of `workers` fetchers running at once (mapped tasks on
        several hosts): each gets its share of every host's request rate, so together they
        never exceed it."""
        if workers <= 1:
            return self
        return replace(self, sources=tuple(
            replace(source, politeness=replace(
                source.politeness, requests_per_second=source.politeness.requests_per_second / workers))
            for source in self.sources
        ))


def _strings(table: dict, key: str, where: str, required: bool = False) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    if required and not value:
        raise ConfigError(f"{where}: {key} is required")
    return tuple(value)


def _patterns(table: dict, key: str, where: str, required: bool = False) -> tuple[regex.Pattern[str], ...]:
    compiled = []
    for pattern in _strings(table, key, where, required):
        try:
            compiled.append(regex.compile(pattern))
        except regex.error as error:
            raise ConfigError(f"{where}: {key}: bad regular expression {pattern!r}: {error}") from error
    return tuple(compiled)


def _politeness(table: dict, base: Politeness, where: str) -> Politeness:
    known = {f.name: f for f in fields(Politeness)}
    changes = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown politeness setting {key!r} (known: {', '.join(known)})")
        expected = type(getattr(base, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            raise ConfigError(f"{where}: {key} must be a {expected.__name__}")
        changes[key] = value
    try:
        return replace(base, **changes)
    except ConfigError as error:
        raise ConfigError(f"{where}: {error}") from None


def _source(table: dict, index: int, politeness: Politeness) -> Source:
    where = f"sources[{index}]"
    name = table.get("name")
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{where}: name is required")
    where = f"source {name!r}"
    unknown = set(table) - {f.name for f in fields(Source)}
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}")
    start_urls = _strings(table, "start_urls", where)
    sitemap_urls = _strings(table, "sitemap_urls", where)
    feed_urls = _strings(table, "feed_urls", where)
    if not (start_urls or sitemap_urls or feed_urls):
        raise ConfigError(f"{where}: give at least one of start_urls, sitemap_urls, feed_urls")
    for url in (*start_urls, *sitemap_urls, *feed_urls):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"{where}: {redact(url)!r} is not an http(s) URL")
    hosts = _strings(table, "allowed_hosts", where) or tuple(
        dict.fromkeys(host_of(url) for url in (*start_urls, *sitemap_urls, *feed_urls))
    )
    hints = table.get("hints", {})
    if not isinstance(hints, dict) or set(hints) - {f.name for f in fields(SiteHints)}:
        raise ConfigError(f"{where}: hints takes title, body and published selectors")
    max_listing_pages = table.get("max_listing_pages", 100)
    if not isinstance(max_listing_pages, int) or isinstance(max_listing_pages, bool) or max_listing_pages < 1:
        raise ConfigError(f"{where}: max_listing_pages must be a positive integer")
    return Source(
        name=name,
        start_urls=start_urls,
        allowed_hosts=tuple(host.lower() for host in hosts),
        article_patterns=_patterns(table, "article_patterns", where, required=True),
        listing_patterns=_patterns(table, "listing_patterns", where),
        sitemap_urls=sitemap_urls,
        feed_urls=feed_urls,
        max_listing_pages=max_listing_pages,
        hints=SiteHints(**hints),
        politeness=_politeness(table.get("politeness", {}), politeness, where),
    )


def parse_config(text: str, where: str = "config") -> CrawlConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{where}: not valid TOML: {error}") from error
    unknown = set(data) - {"revisit_after_days", "politeness", "sources", *LOCATION_KEYS}
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}")
    politeness = _politeness(data.get("politeness", {}), Politeness(), f"{where}: politeness")
    sources = data.get("sources", [])
    if not isinstance(sources, list) or not sources:
        raise ConfigError(f"{where}: at least one [[sources]] table is required")
    parsed = tuple(_source(table, index, politeness) for index, table in enumerate(sources))
    names = [source.name for source in parsed]
    if len(set(names)) != len(names):
        raise ConfigError(f"{where}: source names must be unique")
    revisit = data.get("revisit_after_days", 7.0)
    if not isinstance(revisit, (int, float)) or isinstance(revisit, bool) or not math.isfinite(revisit) or revisit < 0:
        raise ConfigError(f"{where}: revisit_after_days must be a finite, non-negative number")
    locations = {}
    for key, meaning in LOCATION_KEYS.items():
        value = data.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ConfigError(f"{where}: {key} must be {meaning}")
        locations[key] = value
    return CrawlConfig(revisit_after_days=float(revisit), sources=parsed, **locations)


def load_config(path: str | Path) -> CrawlConfig:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror or error}") from error
    return parse_config(text, str(path))
