"""The evaluation corpora: 69 real Chinese news pages with hand-made gold (shared/eval/cwce),
and 126 more from 89 sites (shared/eval/daniel-dev)."""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

DANIEL_DIR_NAME = "daniel-dev"
CWCE_DIR = Path(os.environ.get("FORUM_ETL_CWCE", Path(__file__).resolve().parents[2] / "shared" / "eval" / "cwce"))


@dataclass(slots=True, frozen=True)
class GoldPage:
    page_id: str
    url: str
    raw: bytes
    body: str
    date: str
    authors: str


def load_cwce(directory: Path = CWCE_DIR) -> list[GoldPage]:
    """The pages as their sites served them. The dataset's authors put a `<text id=URL …>`
    wrapper line above each page; it is not part of the page, so it is cut off here (its
    encoding attribute is not used: detecting the encoding is part of what is measured)."""
    if not directory.is_dir():
        raise SystemExit(f"evaluation corpus not found at {directory} (set FORUM_ETL_CWCE)")
    bodies = json.loads((directory / "eval" / "cleaned_ground.json").read_text(encoding="utf-8"))
    pages = []
    for path in sorted((directory / "original").glob("*.html")):
        raw = path.read_bytes()
        url = f"http://cwce.invalid/{path.stem}.html"
        if raw.startswith(b"<text "):
            wrapper, _, raw = raw.partition(b"\n")
            start = wrapper.find(b'id="')
            if start >= 0:
                url = wrapper[start + 4 : wrapper.find(b'"', start + 4)].decode("ascii", "replace")
        pages.append(
            GoldPage(
                page_id=path.stem,
                url=url,
                raw=raw,
                body=bodies[path.stem]["articleBody"],
                date=(directory / "date" / f"{path.stem}.txt").read_text(encoding="utf-8").strip(),
                authors=(directory / "author" / f"{path.stem}.txt").read_text(encoding="utf-8").strip(),
            )
        )
    return pages


_TAG = re.compile(r"<[^>]+>")


def load_daniel(directory: Path | None = None) -> list[GoldPage]:
    """The daniel-dev pages as saved, with their reference text (headline first, a paragraph a
    line; see its SOURCE.md). No dates or authors are given."""
    directory = directory or CWCE_DIR.parent / DANIEL_DIR_NAME
    if not directory.is_dir():
        raise SystemExit(f"evaluation corpus not found at {directory}")
    pages = []
    for path in sorted((directory / "html").glob("*.html")):
        gold = (directory / "gold" / f"{path.stem}.txt").read_text(encoding="utf-8", errors="replace")
        body = html.unescape(_TAG.sub("\n", gold))
        pages.append(GoldPage(page_id=path.stem, url=f"http://daniel.invalid/{path.stem}.html", raw=path.read_bytes(),
                              body=body, date="", authors=""))
    return pages
