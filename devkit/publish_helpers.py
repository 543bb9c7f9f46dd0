"""Articles of the sample site, extracted once per test session, and copies of them published
from a process of its own (to be raced, or killed)."""

from __future__ import annotations

import dataclasses
import functools
import subprocess
import sys
import time
from pathlib import Path

from devkit.sample_site import load_content, page_paths, site_file
from pipeline.records import Article
from pipeline.text import article_from_pages
from pipeline.text.extract import extract


@functools.lru_cache(maxsize=1)
def sample_articles() -> tuple[Article, ...]:
    return tuple(
        article_from_pages([extract(site_file(p).read_bytes(), url="https://www.cipnews.example" + p) for p in page_paths(c)])
        for c in load_content()
    )


def copies(first: int, count: int, mark: str = "") -> list[Article]:
    """Copies of the sample articles under other ids (copy numbers first … first+count-1),
    `mark` appended to their titles."""
    return [dataclasses.replace(a, article_id=f"{copy:04d}{a.article_id[4:]}", title=a.title + mark)
            for copy in range(first, first + count) for a in sample_articles()]


def start_publisher(root: str, first: int, count: int, mark: str = "", go: Path | None = None) -> subprocess.Popen:
    """A process publishing `copies(first, count, mark)` into `root` (no validation). It prints
    "ready" once its articles are made, waits for the file `go` if given, then publishes and
    prints the version it committed and its commit attempts."""
    return subprocess.Popen([sys.executable, "-m", "devkit.publish_helpers", root, str(first), str(count), mark,
                             str(go or "")], cwd=Path(__file__).resolve().parents[1],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _publish_copies(root: str, first: str, count: str, mark: str, go: str) -> None:
    from pipeline.load.publish import publish
    from pipeline.warehouse.storage import Warehouse

    articles = copies(int(first), int(count), mark)
    print("ready", flush=True)
    while go and not Path(go).exists():
        time.sleep(0.005)
    result = publish(Warehouse.open(root), articles, validate_rows=False)
    print(result.version, result.commit_attempts, flush=True)


if __name__ == "__main__":
    _publish_copies(*sys.argv[1:])
