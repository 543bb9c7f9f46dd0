"""Hostile pages, generated, each with what must become of it: published with its text, or an
error row with one of the extractor's reasons (tests and bench-faults feed them through every
front)."""

from __future__ import annotations

import encodings
import encodings.aliases
import pkgutil
import random
from dataclasses import dataclass
from datetime import UTC, datetime

from devkit.sample_site import load_content, page_paths, site_file
from pipeline.text.extract.encoding import _single_byte, canonical_codec
from pipeline.warehouse.archive import RawPage, write_raw_pages
from pipeline.warehouse.storage import Warehouse
from pipeline.warehouse.tables import read_table

TITLE = "知识产权保护高层论坛在京举行"
PARAGRAPHS = [
    "国家知识产权局局长在论坛上发表讲话，介绍了知识产权保护工作的最新进展和下一步安排。",
    "与会代表围绕全链条保护、数据知识产权和国际合作等议题展开深入讨论，提出了许多建议。",
    "论坛由国家知识产权局和北京市人民政府共同主办，来自各地的三百余名代表参加了会议。",
]
# The extractor's reasons for a page that is not an article: anything else in an error row
# would be an exception leaking from a library.
REASONS = {"empty page", "no main content", "not text", "unparseable HTML"}
# Every codec name Python knows: the aliases and the codec modules (idna, punycode, … have no alias).
CODEC_NAMES = sorted(set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values())
                     | {module.name for module in pkgutil.iter_modules(encodings.__path__)} - {"aliases"})


@dataclass(frozen=True)
class Hostile:
    kind: str
    raw: bytes
    http_charset: str | None = None
    published: bool | None = True  # False: an error row with one of `reasons`; None: either
    reasons: frozenset[str] = frozenset(REASONS)
    # When published: "exact" (TITLE and PARAGRAPHS), "cut" (the last character U+FFFD) or
    # "any" (bytes read as a wrongly declared codec, as a browser would read them).
    text: str = "exact"


def article(head: str = "", title: str = TITLE, before: str = "", after: str = "") -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
    return (f"<html><head>{head}<title>{title}</title></head><body>{before}<div class=article><h1>{TITLE}</h1>"
            f"{body}</div>{after}</body></html>")


def declared(name: str, in_header: bool, encoding: str) -> Hostile:
    """The article in `encoding`, declaring the codec `name` in a <meta> or the HTTP header."""
    raw = article(head="" if in_header else f'<meta charset="{name}">').encode(encoding)
    # UTF-8 is recognised whatever the declaration. Other bytes are read as declared when the
    # declaration names a document encoding (but a single-byte one over double-byte text): a
    # wrong multi-byte one gives mojibake or a refusal, as it would in a browser.
    exact = encoding == "utf-8" or canonical_codec(name) in (None, "gb18030") or _single_byte(canonical_codec(name))
    return Hostile(f"charset {name}", raw, name if in_header else None, published=True if exact else None,
                   text="exact" if exact else "any")


def nested_json_ld(depth: int) -> Hostile:
    ld = '{"a":' * depth + "1" + "}" * depth
    return Hostile("deep JSON-LD", article(head=f'<script type="application/ld+json">{ld}</script>').encode())


def nested_html_after(depth: int) -> Hostile:
    return Hostile("deep HTML after the article", article(after="<div>" * depth + "</div>" * depth).encode())


def nested_html_around(depth: int) -> Hostile:
    """The article deeper than libxml2 builds trees (256 levels): nothing is left of it."""
    raw = ("<div>" * depth + article() + "</div>" * depth).encode()
    return Hostile("article nested too deep", raw, published=False, reasons=frozenset({"no main content"}))


def huge_attribute(size: int) -> Hostile:
    return Hostile("huge attribute", article(before=f'<div data-x="{"x" * size}"></div>').encode())


def script_in_title() -> Hostile:
    return Hostile("script in title", article(title=f"<script>alert(1)</script>{TITLE}").encode())


def truncated(encoding: str) -> Hostile:
    """Cut inside the last character of the text: that character becomes U+FFFD."""
    html = article()
    cut = html.index(PARAGRAPHS[-1]) + len(PARAGRAPHS[-1]) - 1
    raw = html[:cut].encode(encoding) + html[cut].encode(encoding)[:1]
    return Hostile(f"truncated {encoding}", raw, text="cut")


def binary(seed: int, size: int) -> Hostile:
    return Hostile("binary", random.Random(seed).randbytes(size), published=False)


def mostly(character: str, count: int) -> Hostile:
    raw = article(after=f"<p>{character * count}</p>").encode() if count > 0 else (character * 5000).encode()
    return Hostile(f"mostly {character!r}", raw, published=False, reasons=frozenset({"not text"}))


def empty(raw: bytes) -> Hostile:
    return Hostile("empty", raw, published=False, reasons=frozenset({"empty page"}))


# One of each kind, for the publish path (where each run costs seconds, not milliseconds).
PUBLISH_CASES = [
    declared("idna", False, "gbk"), declared("punycode", True, "gbk"), declared("utf-16", False, "gbk"),
    declared("unicode_escape", False, "gbk"), nested_json_ld(1_000), nested_json_ld(100_000),
    nested_html_after(100_000), nested_html_around(100_000), huge_attribute(3_000_000), script_in_title(),
    truncated("utf-8"), truncated("gbk"), binary(1, 50_000), mostly("\x00", 20_000), mostly("\ufffd", 20_000),
    mostly("\x00", 0), empty(b""),
]
NOW = datetime(2024, 1, 1, tzinfo=UTC)


def archive(warehouse: Warehouse) -> dict[str, Hostile]:
    """The sample site's articles and PUBLISH_CASES in one raw archive; the hostile pages by URL."""
    pages = []
    for content in load_content():
        first = "http://sample.test" + content["path"]
        for number, path in enumerate(page_paths(content), start=1):
            charset = "utf-8" if content["encoding"] == "utf-8" else None
            pages.append(RawPage("http://sample.test" + path, None, "article", first, number, 200, "text/html", charset,
                                 None, None, NOW, "x" * 64, site_file(path).read_bytes(), "sample", "r"))
    hostile = {f"http://hostile.test/{index}.html": case for index, case in enumerate(PUBLISH_CASES)}
    for url, case in hostile.items():
        pages.append(RawPage(url, None, "article", url, 1, 200, "text/html", case.http_charset, None, None, NOW,
                             "x" * 64, case.raw, "hostile", "r"))
    write_raw_pages(warehouse, "r", "b0000-00000", pages)
    return hostile


def published_urls(warehouse: Warehouse) -> set[str]:
    return set(read_table(warehouse, "articles").column("canonical_url").to_pylist())
