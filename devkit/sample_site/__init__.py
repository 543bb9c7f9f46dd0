"""Bundled sample news site (test fixtures, demo input, benchmark templates).

A small static site in the style of a Chinese IP-news portal with a
"高层论坛" (forum) section.  Ground truth lives in ``content/*.toml`` (one file
per article, schema in README.md); ``build.py`` renders it with the HTML
templates in ``templates/`` into ``site/``.

Only the standard library is used.
"""

from __future__ import annotations

import pathlib
import tomllib

PACKAGE_DIR = pathlib.Path(__file__).resolve().parent
CONTENT_DIR = PACKAGE_DIR / "content"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
SITE_DIR = PACKAGE_DIR / "site"

__all__ = [
    "PACKAGE_DIR",
    "CONTENT_DIR",
    "TEMPLATES_DIR",
    "SITE_DIR",
    "load_content",
    "page_paths",
    "site_file",
]


def load_content() -> list[dict]:
    """Return every content file parsed from TOML, sorted by ``slug``."""
    items = []
    for path in sorted(CONTENT_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            items.append(tomllib.load(fh))
    items.sort(key=lambda c: c["slug"])
    return items


def page_paths(content: dict) -> list[str]:
    """Site paths of every page of an article (one entry unless multipage).

    Page 1 is ``content["path"]``; page N (N >= 2) inserts ``_N`` before the
    extension: ``/a/content_1.html`` -> ``/a/content_1_2.html``.
    """
    path = content["path"]
    pages = 1 + len(content.get("page_breaks") or [])
    stem, dot, ext = path.rpartition(".")
    if not dot:
        stem, ext = path, ""
    out = [path]
    for n in range(2, pages + 1):
        out.append(f"{stem}_{n}.{ext}" if ext else f"{stem}_{n}")
    return out


def site_file(path: str, site_dir: pathlib.Path | None = None) -> pathlib.Path:
    """Map a site path such as ``/gclt/index.html`` to the file under ``site_dir``."""
    base = SITE_DIR if site_dir is None else pathlib.Path(site_dir)
    return base / path.lstrip("/")


def expected_speech(speech: dict, paragraphs: list[str]) -> tuple[tuple[str, ...], str]:
    """(the speech's paragraphs, its speaker label) as the README's ground-truth rules give them,
    from a content speech and the article's normalised paragraphs: the heading and speaker
    line are not text, and a turn's label is cut from its first paragraph."""
    from pipeline.text.clean import normalize_text

    texts = paragraphs[speech["first_paragraph"] : speech["last_paragraph"] + 1]
    if speech["role"] == "speaker":
        heading_and_line = {normalize_text(speech["title"]), normalize_text(speech["label"])} - {""}
        while texts and texts[0] in heading_and_line:
            texts = texts[1:]
        return tuple(texts), speech["label"]
    first = texts[0]
    rest = first[len(speech["label"]):].lstrip() if first.startswith(speech["label"]) else first
    words = rest[1:].lstrip() if rest[:1] in "：:" else rest
    label = first[: len(first) - len(words)].strip()
    return ((words, *texts[1:]) if words else tuple(texts[1:])), label
