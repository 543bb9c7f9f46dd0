"""Serve the sample site on 127.0.0.1 (tests, demo and benchmarks never touch a real site).

Besides the static files it answers what a real news site's server does: /robots.txt,
/sitemap.xml and /rss.xml generated for the address it is served on, Content-Type with
`charset=utf-8` for UTF-8 article pages and none for GBK ones (as old Chinese sites do, so
the page's own <meta>, right or wrong, is all a client has), and ETag / Last-Modified with
304 answers to conditional requests. For crawler tests, `faults` makes chosen paths
misbehave, and every request is logged with its arrival time.
"""

from __future__ import annotations

import argparse
import contextlib
import email.utils
import hashlib
import http.server
import socket
import struct
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from devkit.sample_site import SITE_DIR, load_content, page_paths, site_file

DEFAULT_ROBOTS = "User-agent: *\nDisallow: /private/\n"
# Every file was "modified" at this moment, so revisits can be answered 304.
SITE_MODIFIED = email.utils.formatdate(1_700_000_000, usegmt=True)


@dataclass
class Fault:
    """How a path misbehaves.

    kind: "status" (answer `status`, with `retry_after` for 429), "flaky" (answer 500), "reset" (drop the connection with a TCP reset),
    "slow" (wait `delay` seconds before answering), "truncated" (promise more bytes than
    sent), "redirect_loop", "huge" (a body of `size` bytes), "mislabelled" (send the page's
    bytes as GBK but say charset=utf-8), "redirect" (301 to `location`), "trickle" (headers at
    once, then a body of `size` bytes one byte every `delay` seconds), "trickle_headers" (the
    whole answer one byte every `delay` seconds). With `times`, only the first `times`
    requests misbehave and later ones are served normally.
    """

    kind: str
    status: int = 500
    retry_after: str = ""
    times: int | None = None
    delay: float = 0.0
    size: int = 0
    location: str = ""
    # kind "body": answer 200 with these bytes in place of the page (a hostile page at an article's address)
    body: bytes = b""
    content_type: str = "text/html"
    seen: int = 0


@dataclass
class Request:
    path: str
    at: float  # time.monotonic() on arrival
    headers: dict[str, str]


@dataclass
class SampleSite:
    url: str
    requests: list[Request] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]


def _charsets() -> dict[str, str]:
    """Site path → the charset to announce in the Content-Type header ("" for none)."""
    announced = {}
    for content in load_content():
        for path in page_paths(content):
            announced[path] = "utf-8" if content["encoding"] == "utf-8" else ""
    return announced


def sitemap_xml(base_url: str) -> bytes:
    entries = []
    for content in load_content():
        for path in page_paths(content)[:1]:
            lastmod = datetime.fromisoformat(content["published"]).date().isoformat()
            entries.append(f"  <url><loc>{escape(base_url + path)}</loc><lastmod>{lastmod}</lastmod></url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(entries) + "\n</urlset>\n").encode("utf-8")


def rss_xml(base_url: str) -> bytes:
    items = []
    newest = sorted(load_content(), key=lambda c: c["published"], reverse=True)
    for content in newest[:8]:
        published = email.utils.format_datetime(datetime.fromisoformat(content["published"]))
        items.append(f"    <item><title>{escape(content['title'])}</title><link>{escape(base_url + content['path'])}</link>"
                     f"<pubDate>{published}</pubDate></item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
            f"    <title>中国知识产权资讯网</title><link>{escape(base_url)}/</link>\n"
            + "\n".join(items) + "\n</channel></rss>\n").encode("utf-8")


class SampleSiteHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    charsets: dict[str, str] = {}
    faults: dict[str, Fault] = {}
    robots: str = DEFAULT_ROBOTS
    site: SampleSite

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        self.site.requests.append(Request(path, time.monotonic(), dict(self.headers)))
        fault = self.faults.get(path)
        if fault and self._misbehave(fault, path):
            return
        # Generated documents are made only when asked for (each reads every content file).
        generated = {"/robots.txt": (lambda: self.robots.encode("utf-8"), "text/plain; charset=utf-8"),
                     "/sitemap.xml": (lambda: sitemap_xml(self.site.url), "application/xml"),
                     "/rss.xml": (lambda: rss_xml(self.site.url), "application/rss+xml")}
        if path in generated:
            make, content_type = generated[path]
            self._send(200, make(), content_type)
            return
        file = site_file(path, self.directory)
        if file.is_dir():
            file = file / "index.html"
        if not file.is_file():
            self._send(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html; charset=utf-8")
            return
        body = file.read_bytes()
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
        if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == SITE_MODIFIED:
            self._send(304, b"", None, {"ETag": etag, "Last-Modified": SITE_MODIFIED})
            return
        self._send(200, body, self._content_type(path, file), {"ETag": etag, "Last-Modified": SITE_MODIFIED})

    def _content_type(self, path: str, file: Path) -> str:
        kind = self.guess_type(str(file))
        if kind == "text/html":
            charset = self.charsets.get(path, "utf-8")
            return f"text/html; charset={charset}" if charset else "text/html"
        return kind

    def _send(self, status: int, body: bytes, content_type: str | None, headers: dict[str, str] | None = None,
              length: int | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def _misbehave(self, fault: Fault, path: str) -> bool:
        """Act out the fault; False when this request should be served normally."""
        fault.seen += 1
        if fault.times is not None and fault.seen > fault.times:
            return False
        if fault.kind == "status":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            self._send(fault.status, b"<html><body>error</body></html>", "text/html", headers)
        elif fault.kind == "flaky":
            self._send(500, b"<html><body>try again</body></html>", "text/html")
        elif fault.kind == "reset":
            # SO_LINGER with a zero timeout turns close() into a TCP RST.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif fault.kind == "slow":
            time.sleep(fault.delay)
            return False
        elif fault.kind == "truncated":
            body = site_file(path, self.directory).read_bytes()
            self._send(200, body[: len(body) // 2], "text/html; charset=utf-8", length=len(body))
            self.close_connection = True
        elif fault.kind == "redirect_loop":
            self._send(302, b"", None, {"Location": path})
        elif fault.kind == "redirect":
            self._send(301, b"", None, {"Location": fault.location})
        elif fault.kind == "huge":
            self._send(200, b"<html><body>" + b"x" * fault.size + b"</body></html>", "text/html")
        elif fault.kind in ("trickle", "trickle_headers"):
            self._trickle(fault)
        elif fault.kind == "mislabelled":
            body = site_file(path, self.directory).read_bytes()
            self._send(200, body.decode("utf-8").encode("gbk", errors="xmlcharrefreplace"), "text/html; charset=utf-8")
        elif fault.kind == "body":
            self._send(200, fault.body, fault.content_type)
        return True

    def _trickle(self, fault: Fault) -> None:
        head = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {fault.size}\r\n"
                "Connection: close\r\n\r\n").encode("ascii")
        if fault.kind == "trickle":
            self.wfile.write(head)
            head = b""
        self.close_connection = True
        try:
            for byte in head + b"x" * fault.size:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(fault.delay)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A client that gives up mid-answer (a timeout, a size cap) is expected here.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(site_dir: Path = SITE_DIR, port: int = 0, faults: dict[str, Fault] | None = None,
          robots: str = DEFAULT_ROBOTS) -> Iterator[SampleSite]:
    """Serve `site_dir` on 127.0.0.1 in a background thread; yields the running site."""
    site = SampleSite(url="")
    handler = type("Handler", (SampleSiteHandler,), {
        "charsets": _charsets(), "faults": dict(faults or {}), "robots": robots, "site": site,
    })
    server = _QuietServer(("127.0.0.1", port), lambda *a: handler(*a, directory=str(site_dir)))
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def article_urls(base_url: str) -> list[str]:
    """URLs of every article page of the sample site (page 1 of multi-page ones)."""
    return [base_url + content["path"] for content in load_content()]


class _LoggedRequests(list):
    """Request records that are also appended to a file as they arrive: a process of its own
    measuring arrivals is not disturbed by what the client process does with its GIL."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.handle = path.open("a", encoding="utf-8")

    def append(self, request: Request) -> None:
        super().append(request)
        self.handle.write(f"{time.time():.6f} {request.path}\n")
        self.handle.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the bundled sample site on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--request-log", type=Path, help="append 'unix-time path' per request to this file")
    args = parser.parse_args()
    with serve(port=args.port) as site:
        if args.request_log:
            site.requests = _LoggedRequests(args.request_log)
        print(f"serving the sample site at {site.url}/ (Ctrl-C to stop)", flush=True)
        for url in article_urls(site.url):
            print(" ", url)
        threading.Event().wait()


if __name__ == "__main__":
    main()
