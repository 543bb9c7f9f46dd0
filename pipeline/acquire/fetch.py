"""Fetch: HTTP(S) GETs that are polite, stay where they are sent, and survive a flaky network.

Per host: robots.txt honoured (Crawl-delay included), a minimum interval between requests
and a cap on concurrent ones. Per request: one deadline of `timeout_seconds` for the whole
exchange (every connect, read and write is capped by the time left, so a server trickling
bytes cannot hold a worker), a body-size cap, conditional GET (ETag / Last-Modified), and
retries with exponential backoff and jitter on connection errors, timeouts, 429
(Retry-After honoured) and 5xx — never on other 4xx.

Redirects are followed here, not by httpx, so that every hop is checked before it is
requested: http(s) only, a host of the source's `allowed_hosts`, allowed by that host's
robots.txt. No request goes to a host that resolves to a link-local or cloud metadata
address unless `allow_link_local` is set; the address is checked before connecting and
again on the connected socket (a DNS answer that changes in between gains nothing).
Every failure is a FetchError with a stable `reason`, the number of attempts made, and no
URL credentials in its message.

robots.txt is read as RFC 9309 says (by protego: `*` and `$` in paths, the longest match
deciding, Allow winning a tie, every group naming our product token combined): a missing one
(4xx) allows everything; one that cannot be had (5xx or 429 after the retries, a network
error, a redirect we may not follow) keeps the whole host off limits, and each URL refused
for it says so (`RobotsUnreachable`, not `RobotsDisallowed`).
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import random
import socket
import ssl
import threading
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from protego import Protego

from pipeline.acquire.config import Politeness
from pipeline.urls import host_of, redact

log = logging.getLogger(__name__)

_KEPT_HEADERS = ("content-type", "etag", "last-modified", "content-length", "retry-after")


class FetchError(RuntimeError):
    """A URL that could not be fetched; `reason` is one short, stable phrase."""

    def __init__(self, url: str, reason: str, detail: str = "", attempts: int = 1, status: int | None = None) -> None:
        url, detail = redact(url), redact(detail)
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


_LINK_LOCAL_NETWORKS = tuple(ipaddress.ip_network(network) for network in (
    "169.254.0.0/16",  # IPv4 link-local; the metadata service of AWS, GCP, Azure, OpenStack at .169.254
    "fe80::/10",  # IPv6 link-local
    "fd00:ec2::254/128",  # AWS metadata over IPv6
    "100.100.100.200/32",  # Alibaba Cloud metadata
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # IPv4 addresses reached through IPv6


def _is_link_local(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # no IPv6 zone index
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return any(ip in network for network in _LINK_LOCAL_NETWORKS)


class _Deadline(threading.local):
    """The moment the current thread's request must be over (None: no request running)."""

    at: float | None = None

    def cap(self, timeout: float | None, expired: type[Exception]) -> float | None:
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if left <= 0:
            raise expired("the request's deadline passed")
        return left if timeout is None else min(timeout, left)


class _GuardedStream(httpcore.NetworkStream):
    """A connection whose every read and write waits no longer than the request has left."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._stream, self._deadline = stream, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._deadline.cap(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._deadline.cap(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        timeout = self._deadline.cap(timeout, httpcore.ConnectTimeout)
        return _GuardedStream(self._stream.start_tls(ssl_context, server_hostname, timeout), self._deadline)

    def get_extra_info(self, info: str) -> object:
        return self._stream.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    def __init__(self, deadline: _Deadline, allow_link_local: bool) -> None:
        self._backend, self._deadline, self._allow_link_local = httpcore.SyncBackend(), deadline, allow_link_local

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[tuple] | None = None) -> httpcore.NetworkStream:
        timeout = self._deadline.cap(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        peer = stream.get_extra_info("server_addr")
        if not self._allow_link_local and peer and _is_link_local(peer[0]):
            stream.close()
            raise httpcore.ConnectError(f"{host} answered from {peer[0]}, a link-local / cloud metadata address")
        return _GuardedStream(stream, self._deadline)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport on the guarded network backend."""

    def __init__(self, deadline: _Deadline, allow_link_local: bool) -> None:
        super().__init__()
        # httpx takes no network backend of its own choosing, so the pool it made is replaced
        # by the same pool on ours (httpx's default limits).
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), max_connections=100, max_keepalive_connections=20,
            keepalive_expiry=5.0, network_backend=_GuardedBackend(deadline, allow_link_local),
        )


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
        seconds = (moment - datetime.now(UTC)).total_seconds()
    return max(0.0, seconds) if seconds <= limit else float("inf")


@dataclass(slots=True, frozen=True)
class _RobotsFile:
    """What a host's robots.txt lets us do."""

    rules: Protego | None = None  # None: no rules, every path allowed (no robots.txt, a 4xx)
    unreachable: str | None = None  # why robots.txt could not be had: then every path is refused


class Fetcher:
    """Thread-safe: one Fetcher serves all the workers of a crawl.

    `allowed_hosts` (as `Source.allowed_hosts`: host, or host:port when not the default) are
    the hosts a redirect may lead to; None lets redirects go anywhere that is http(s).
    """

    def __init__(self, politeness: Politeness, allowed_hosts: Collection[str] | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.politeness = politeness
        self.allowed_hosts = frozenset(allowed_hosts) if allowed_hosts is not None else None
        self._deadline = _Deadline()
        self._client = httpx.Client(
            headers={"User-Agent": politeness.user_agent},
            timeout=httpx.Timeout(politeness.timeout_seconds),
            follow_redirects=False,
            transport=transport or _GuardedTransport(self._deadline, politeness.allow_link_local),
        )
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, _RobotsFile] = {}
        # Groups are matched on the product token ("forum-etl" of "forum-etl/1.0 (+url)"), as
        # RFC 9309 says; matched on the whole string, a comment naming another bot would count.
        self._robots_token = politeness.user_agent.split("/", 1)[0].strip()
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
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

    def robots_refusal(self, url: str) -> tuple[str, str] | None:
        """None when robots.txt lets us fetch `url`; else why not, as (reason, detail):
        RobotsDisallowed, or RobotsUnreachable naming what kept robots.txt from us."""
        if not self.politeness.respect_robots:
            return None
        host = host_of(url)
        with self._lock:
            robots = self._robots.get(host)
        if robots is None:
            robots = self._load_robots(urlsplit(url).scheme, host)
        if robots.unreachable is not None:
            return "RobotsUnreachable", f"robots.txt unreachable ({robots.unreachable}), so the host is off limits"
        if robots.rules is not None and not robots.rules.can_fetch(url, self._robots_token):
            return "RobotsDisallowed", "robots.txt disallows this URL for our user agent"
        return None

    def _load_robots(self, scheme: str, host: str) -> _RobotsFile:
        """RFC 9309: a missing robots.txt (4xx) allows everything; one that cannot be had (5xx,
        network errors, a redirect we may not follow) puts the whole site off limits. It is
        retried like any page, so that one dropped connection does not close a site for a run."""
        url = f"{scheme}://{host}/robots.txt"
        try:
            _, response, _ = self._follow(url, {}, self.politeness.max_retries, obey_robots=False)
        except FetchError as error:
            robots = _RobotsFile(unreachable=str(error))
            log.warning("robots.txt of %s unreachable (%s): no page of the host is fetched", host, error,
                           extra={"url": redact(url), "error_class": error.reason})
        else:
            if response.status_code >= 400:
                robots = _RobotsFile()
                log.info("robots.txt of %s: HTTP %d, every path allowed", host, response.status_code,
                            extra={"url": redact(url)})
            else:
                robots = _RobotsFile(Protego.parse(response.text))
                self._slow_down_for(host, robots.rules.crawl_delay(self._robots_token))
        with self._lock:
            return self._robots.setdefault(host, robots)

    def _slow_down_for(self, host: str, crawl_delay: float | None) -> None:
        """robots.txt's Crawl-delay can only lengthen the interval between requests."""
        gate = self._gate(host)
        if crawl_delay and crawl_delay > gate.interval:
            gate.interval = crawl_delay
            log.info("robots.txt of %s asks for %g s between requests", host, crawl_delay)

    def _refuse_link_local(self, url: str) -> None:
        """Raise, before any connection, when the URL's host resolves to a link-local address.
        A name that does not resolve passes: its request fails to connect as it would anyway."""
        if self.politeness.allow_link_local:
            return
        parts = urlsplit(url)
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                       type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return
        for *_, address in infos:
            if _is_link_local(address[0]):
                raise FetchError(url, "LinkLocalAddress",
                                 f"{parts.hostname} resolves to {address[0]}, a link-local / cloud metadata address "
                                 "(politeness.allow_link_local permits it)", attempts=0)

    def _request(self, url: str, headers: dict[str, str]) -> httpx.Response:
        gate = self._gate(host_of(url))
        timeout = self.politeness.timeout_seconds
        with gate.slots:
            time.sleep(gate.reserve())
            self._deadline.at = deadline = time.monotonic() + timeout
            try:
                with self._client.stream("GET", url, headers=headers) as response:
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > self.politeness.max_body_bytes:
                        raise FetchError(url, "BodyTooLarge",
                                         f"Content-Length {declared} over the {self.politeness.max_body_bytes}-byte cap")
                    chunks, size = [], 0
                    for chunk in response.iter_bytes():
                        # The transport caps each read already; this also holds for any other transport.
                        if time.monotonic() > deadline:
                            raise httpx.ReadTimeout(f"no complete answer within {timeout:g} s")
                        size += len(chunk)
                        if size > self.politeness.max_body_bytes:
                            raise FetchError(url, "BodyTooLarge", f"body over the {self.politeness.max_body_bytes}-byte cap")
                        chunks.append(chunk)
                    response._content = b"".join(chunks)  # keep the bytes read under the cap
                    return response
            finally:
                self._deadline.at = None

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> FetchedPage:
        """Fetch one URL politely; raises FetchError when it cannot be had."""
        self._refuse_link_local(url)
        refusal = self.robots_refusal(url)
        if refusal is not None:
            raise FetchError(url, *refusal, attempts=0)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        final_url, response, attempts = self._follow(url, headers, self.politeness.max_retries, obey_robots=True)
        status = response.status_code
        if status != 304 and not 200 <= status < 300:
            raise FetchError(url, f"HTTP {status}", response.reason_phrase, attempts, status)
        return FetchedPage(
            url=url,
            final_url=redact(final_url),
            status=status,
            content=response.content if status != 304 else b"",
            headers={name: response.headers[name] for name in _KEPT_HEADERS if name in response.headers},
            fetched_at=datetime.now(UTC),
            attempts=attempts,
        )

    def _follow(self, url: str, headers: dict[str, str], retries: int,
                obey_robots: bool) -> tuple[str, httpx.Response, int]:
        """Request `url` and the redirects after it, each hop checked before it is requested;
        returns the last URL, its answer and the attempts its request took."""
        requested = url
        for _ in range(self.politeness.max_redirects + 1):
            response, attempts = self._send(url, headers, retries)
            if not response.has_redirect_location:
                return url, response, attempts
            url = self._redirect_target(requested, url, response.headers["location"], obey_robots, attempts)
        raise FetchError(requested, "TooManyRedirects", f"more than {self.politeness.max_redirects} redirects", attempts)

    def _redirect_target(self, requested: str, current: str, location: str, obey_robots: bool, attempts: int) -> str:
        try:
            target = urljoin(current, location.strip()).split("#", 1)[0]
            parts = urlsplit(target)
            host = host_of(target)  # also reads the port, which raises for a bad one
        except ValueError:
            raise FetchError(requested, "RedirectInvalid", f"redirect to a malformed URL {location!r}", attempts) from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(requested, "RedirectScheme", f"redirect to {target!r}: only http(s) URLs are followed", attempts)
        if self.allowed_hosts is not None and host not in self.allowed_hosts:
            raise FetchError(requested, "RedirectOffsite", f"redirect to {target!r}, outside the allowed hosts", attempts)
        self._refuse_link_local(target)
        refusal = self.robots_refusal(target) if obey_robots else None
        if refusal is not None:
            reason, detail = refusal
            if reason == "RobotsDisallowed":
                raise FetchError(requested, "RedirectDisallowed", f"redirect to {target!r}, which robots.txt disallows", attempts)
            raise FetchError(requested, reason, f"redirect to {target!r}: {detail}", attempts)
        return target

    def _send(self, url: str, headers: dict[str, str], retries: int) -> tuple[httpx.Response, int]:
        """One request, retried on transient failures; returns the answer and the attempts made."""
        attempts = 0
        while True:
            attempts += 1
            try:
                return self._attempt(url, headers), attempts
            except _Retry as retry:
                if attempts > retries or retry.wait == float("inf"):
                    raise FetchError(url, retry.reason, retry.detail, attempts, retry.status) from None
                backoff = self.politeness.backoff_seconds * 2 ** (attempts - 1)
                wait = retry.wait if retry.wait is not None else backoff + random.uniform(0, self.politeness.backoff_seconds)
                log.debug("%s: %s: %s; retrying in %.1f s", redact(url), retry.reason, retry.detail, wait,
                             extra={"url": redact(url), "error_class": retry.reason, "attempt": attempts})
                time.sleep(wait)
            except FetchError as error:
                error.attempts = attempts
                raise

    def _attempt(self, url: str, headers: dict[str, str]) -> httpx.Response:
        try:
            response = self._request(url, headers)
        except httpx.InvalidURL as error:  # the URL, or a redirect's Location (httpx parses it too)
            raise FetchError(url, "InvalidURL", str(error)) from error
        except (httpx.TimeoutException, httpx.TransportError) as error:
            raise _Retry(type(error).__name__, str(error) or "connection failed") from error
        status = response.status_code
        if status == 429:
            wait = _retry_after(response.headers.get("retry-after"), self.politeness.max_retry_after_seconds)
            raise _Retry("HTTP 429", "too many requests", status, wait)
        if status >= 500:
            raise _Retry(f"HTTP {status}", response.reason_phrase, status)
        return response


def fetch_page(url: str) -> FetchedPage:
    """One GET for a URL a person asked for (the CLI's `extract URL`): no robots.txt check,
    which is a crawler's duty, no retries, and redirects to any http(s) host that is not
    link-local."""
    with Fetcher(Politeness(respect_robots=False, max_retries=0, requests_per_second=0)) as fetcher:
        return fetcher.get(url)
