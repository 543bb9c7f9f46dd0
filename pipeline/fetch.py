"""Fetch: HTTP(S) GETs that are polite and survive a flaky network.

Per host: robots.txt honoured (Crawl-delay included), a minimum interval between requests
and a cap on concurrent ones. Per request: timeouts, a redirect limit, a body-size cap,
conditional GET (ETag / Last-Modified), and retries with exponential backoff and jitter on
connection errors, timeouts, 429 (Retry-After honoured) and 5xx — never on other 4xx.
Every failure is a FetchError with a stable `reason` and the number of attempts made.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
import urllib.robotparser
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

import httpx

from pipeline.sources import Politeness

_KEPT_HEADERS = ("content-type", "etag", "last-modified", "content-length", "retry-after")


class FetchError(RuntimeError):
    """A URL that could not be fetched; `reason` is one short, stable phrase."""

    def __init__(self, url: str, reason: str, detail: str = "", attempts: int = 1, status: int | None = None) -> None:
        self.url, self.reason, self.detail, self.attempts, self.status = url, reason, detail, attempts, status
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass(slots=True, frozen=True)
class FetchedPage:
    url: str
    final_url: str
    status: int  # 200-class, or 304 when a conditional request found the page unchanged
    content: bytes
    headers: dict[str, str]
    fetched_at: datetime
    attempts: int

    @property
    def charset(self) -> str | None:
        content_type = self.headers.get("content-type", "")
        for part in content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip("\"' ")
        return None


class _Retry(Exception):
    def __init__(self, reason: str, detail: str, status: int | None = None, wait: float | None = None) -> None:
        self.reason, self.detail, self.status, self.wait = reason, detail, status, wait


@dataclass
class _HostGate:
    """Spacing and concurrency of the requests to one host."""

    interval: float
    slots: threading.Semaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: float = 0.0

    def reserve(self) -> float:
        """Book the next free moment; returns how long to wait for it."""
        with self.lock:
            now = time.monotonic()
            moment = max(now, self.next_at)
            self.next_at = moment + self.interval
            return moment - now


def _crawl_delay(robots: str, user_agent: str) -> float | None:
    """Crawl-delay of the group that applies to us (our product token, else "*"); fractional
    values are honoured (the standard library's parser takes whole seconds only)."""
    token = user_agent.split("/", 1)[0].strip().lower()
    delays: dict[str, float] = {}
    agents: list[str] = []
    in_rules = False
    for line in robots.splitlines():
        key, _, value = line.split("#", 1)[0].partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if in_rules:
                agents, in_rules = [], False
            agents.append(value.lower())
        elif key == "crawl-delay":
            in_rules = True
            try:
                for agent in agents:
                    delays[agent] = float(value)
            except ValueError:
                continue
        elif key:
            in_rules = True
    return delays.get(token, delays.get("*"))


def _retry_after(value: str | None, limit: float) -> float | None:
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = (moment - datetime.now(timezone.utc)).total_seconds()
    return max(0.0, seconds) if seconds <= limit else float("inf")


class Fetcher:
    """Thread-safe: one Fetcher serves all the workers of a crawl."""

    def __init__(self, politeness: Politeness, transport: httpx.BaseTransport | None = None) -> None:
        self.politeness = politeness
        self._client = httpx.Client(
            headers={"User-Agent": politeness.user_agent},
            timeout=httpx.Timeout(politeness.timeout_seconds),
            follow_redirects=True,
            max_redirects=politeness.max_redirects,
            transport=transport,
        )
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _gate(self, host: str) -> _HostGate:
        with self._lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = _HostGate(self.politeness.min_interval, threading.Semaphore(self.politeness.max_concurrency_per_host))
                self._gates[host] = gate
            return gate

    def robots_allows(self, url: str) -> bool:
        if not self.politeness.respect_robots:
            return True
        parts = urlsplit(url)
        host = parts.netloc.lower()
        with self._lock:
            known = host in self._robots
        if not known:
            self._load_robots(parts.scheme, host)
        rules = self._robots[host]
        return rules is not None and rules.can_fetch(self.politeness.user_agent, url)

    def _load_robots(self, scheme: str, host: str) -> None:
        rules: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser()
        try:
            response = self._request(f"{scheme}://{host}/robots.txt", {})
            status, text = response.status_code, response.text
        except (httpx.HTTPError, _Retry):
            status, text = 503, ""
        if status >= 500:
            rules = None  # RFC 9309: an unreachable robots.txt means the whole site is off limits
        elif status >= 400:
            rules.allow_all = True
        else:
            rules.parse(text.splitlines())
            delay = _crawl_delay(text, self.politeness.user_agent)
            if delay:
                gate = self._gate(host)
                gate.interval = max(gate.interval, float(delay))
        with self._lock:
            self._robots[host] = rules

    def _request(self, url: str, headers: dict[str, str]) -> httpx.Response:
        gate = self._gate(urlsplit(url).netloc.lower())
        with gate.slots:
            time.sleep(gate.reserve())
            with self._client.stream("GET", url, headers=headers) as response:
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.politeness.max_body_bytes:
                    raise FetchError(url, "BodyTooLarge", f"Content-Length {declared} over the {self.politeness.max_body_bytes}-byte cap")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.politeness.max_body_bytes:
                        raise FetchError(url, "BodyTooLarge", f"body over the {self.politeness.max_body_bytes}-byte cap")
                    chunks.append(chunk)
                response._content = b"".join(chunks)  # keep the bytes read under the cap
                return response

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> FetchedPage:
        """Fetch one URL politely; raises FetchError when it cannot be had."""
        if not self.robots_allows(url):
            raise FetchError(url, "RobotsDisallowed", "robots.txt disallows this URL for our user agent", attempts=0)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempts = 0
        while True:
            attempts += 1
            try:
                return self._attempt(url, headers, attempts)
            except _Retry as retry:
                if attempts > self.politeness.max_retries or retry.wait == float("inf"):
                    raise FetchError(url, retry.reason, retry.detail, attempts, retry.status) from None
                backoff = self.politeness.backoff_seconds * 2 ** (attempts - 1)
                time.sleep(retry.wait if retry.wait is not None else backoff + random.uniform(0, self.politeness.backoff_seconds))
            except FetchError as error:
                error.attempts = attempts
                raise

    def _attempt(self, url: str, headers: dict[str, str], attempts: int) -> FetchedPage:
        try:
            response = self._request(url, headers)
        except httpx.TooManyRedirects as error:
            raise FetchError(url, "TooManyRedirects", str(error)) from error
        except (httpx.TimeoutException, httpx.TransportError) as error:
            raise _Retry(type(error).__name__, str(error) or "connection failed") from error
        status = response.status_code
        if status == 429:
            wait = _retry_after(response.headers.get("retry-after"), self.politeness.max_retry_after_seconds)
            raise _Retry("HTTP 429", "too many requests", status, wait)
        if status >= 500:
            raise _Retry(f"HTTP {status}", response.reason_phrase, status)
        if status != 304 and not 200 <= status < 300:
            raise FetchError(url, f"HTTP {status}", response.reason_phrase, status=status)
        return FetchedPage(
            url=url,
            final_url=str(response.url),
            status=status,
            content=response.content if status != 304 else b"",
            headers={name: response.headers[name] for name in _KEPT_HEADERS if name in response.headers},
            fetched_at=datetime.now(timezone.utc),
            attempts=attempts,
        )


def fetch_page(url: str) -> FetchedPage:
    """One GET for a URL a person asked for (the CLI's `extract URL`): no robots.txt check,
    which is a crawler's duty, and no retries."""
    with Fetcher(Politeness(respect_robots=False, max_retries=0, requests_per_second=0)) as fetcher:
        return fetcher.get(url)
