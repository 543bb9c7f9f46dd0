"""Serve the sample site on 127.0.0.1 (tests, demo and benchmarks never touch a real site).

UTF-8 article pages are sent with `charset=utf-8` in Content-Type; GBK pages with no charset,
as old Chinese sites do, so the page's own <meta> (right or wrong) is all a client has.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

from pipeline.sample_site import SITE_DIR, load_content, page_paths


def _charsets() -> dict[str, str]:
    """Site path → the charset to announce in the Content-Type header ("" for none)."""
    announced = {}
    for content in load_content():
        for path in page_paths(content):
            announced[path] = "utf-8" if content["encoding"] == "utf-8" else ""
    return announced


class SampleSiteHandler(http.server.SimpleHTTPRequestHandler):
    charsets: dict[str, str] = {}

    def guess_type(self, path: str) -> str:
        kind = super().guess_type(path)
        if kind == "text/html":
            site_path = "/" + Path(path).resolve().relative_to(Path(self.directory).resolve()).as_posix()
            charset = self.charsets.get(site_path, "utf-8")
            return f"text/html; charset={charset}" if charset else "text/html"
        return kind

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


@contextlib.contextmanager
def serve(site_dir: Path = SITE_DIR, port: int = 0) -> Iterator[str]:
    """Serve `site_dir` on 127.0.0.1 in a background thread; yields the base URL."""
    handler = type("Handler", (SampleSiteHandler,), {"charsets": _charsets()})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(handler, directory=str(site_dir))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def article_urls(base_url: str) -> list[str]:
    """URLs of every article page of the sample site (page 1 of multi-page ones)."""
    return [base_url + content["path"] for content in load_content()]


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the bundled sample site on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    with serve(port=args.port) as base_url:
        print(f"serving the sample site at {base_url}/ (Ctrl-C to stop)")
        for url in article_urls(base_url):
            print(" ", url)
        threading.Event().wait()


if __name__ == "__main__":
    main()
