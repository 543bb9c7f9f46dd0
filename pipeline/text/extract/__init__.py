"""Extract: page bytes → an `Article` with its main-content lines and page metadata.

Generic by design: the main content is found by text and link density over the DOM
(`body`), the publish time from metadata or the dated line nearest the content (`dates`),
credits from the lines around the headline (`pipeline.text.credits`). Per-site `SiteHints`
are only a fallback for what the generic pass could not find.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from lxml import etree

from pipeline.records import Article, ExtractionError
from pipeline.text.credits import Credits, is_credit_line, is_meta_line, parse_credits
from pipeline.text.extract.body import page_lines
from pipeline.text.extract.dates import parse_date, published_time
from pipeline.text.extract.encoding import utf8_page
from pipeline.text.extract.metadata import (
    MetadataElements,
    canonical_url,
    document_title,
    element_text,
    language,
    meta_tags,
    names_the_site,
    title,
)
from pipeline.urls import article_id

# Lines around the start of the content to read for the byline, source and date: the
# metadata line often sits just above the body, or is the body's first line.
_HEADER_LINES = 12
_HEADER_LINES_INSIDE = 4
# A page whose generic content is shorter than this gets the site hint's body, if any.
_MIN_CONTENT_CHARS = 80
# A page is refused as "not text" when more than this share of the characters of its
# headline and content are NULs, control characters other than blanks, or U+FFFD (bytes
# that no encoding explained; the parser also turns NULs into it). Real pages have next to
# none; random bytes decode to about 12 % control characters, garbled pages to mostly U+FFFD.
MAX_NOT_TEXT_SHARE = 0.05
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


@dataclass(slots=True, frozen=True)
class SiteHints:
    """Selectors for one site, used only where the generic extraction finds nothing.
    Each is XPath when it starts with "/" or "(", CSS otherwise."""

    title: str = ""
    body: str = ""
    published: str = ""

    def select(self, root: etree._Element, selector: str) -> list[etree._Element]:
        if not selector:
            return []
        if selector.startswith(("/", "(")):
            return [e for e in root.xpath(selector) if isinstance(e, etree._Element)]
        from lxml.cssselect import CSSSelector  # only sites with CSS hints pay for it

        return CSSSelector(selector)(root)


# libxml2 parses UTF-8 bytes fastest, and the page has been converted to UTF-8 already, so
# the parser is told so rather than left to read the page's own (possibly wrong) declaration.
# Nothing looks elements up by id or reads the doctype: not building them saves 5 % of a parse.
_PARSER = etree.HTMLParser(
    encoding="utf-8", remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False,
)


def _parse(utf8: bytes) -> etree._Element:
    try:
        root = etree.fromstring(utf8, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as error:
        raise ExtractionError("unparseable HTML", str(error)) from error
    if root is None:
        raise ExtractionError("unparseable HTML", "no elements")
    return root


def extract(raw: bytes, url: str = "", http_charset: str | None = None,
            hints: SiteHints | None = None) -> Article:
    """Decode, parse and extract one article page. Raises ExtractionError with a reason."""
    if not raw or not raw.strip():
        raise ExtractionError("empty page")
    utf8, codec = utf8_page(raw, http_charset)
    root = _parse(utf8)
    elements = MetadataElements.of(root)
    meta = meta_tags(elements)
    canonical = canonical_url(elements, meta, url)
    page_title = document_title(elements)
    lines = page_lines(root)
    paragraphs = lines.content_texts
    anchor = lines.content[0] if lines.content else len(lines.texts)
    headline = title(page_title, elements, meta, lines.texts, anchor)
    hints = hints or SiteHints()
    if sum(map(len, paragraphs)) < _MIN_CONTENT_CHARS:
        for element in hints.select(root, hints.body)[:1]:
            paragraphs = page_lines(element).texts
    if not paragraphs:
        raise ExtractionError("no main content", "the page has no text outside navigation")
    if not headline:
        headline = next((element_text(e) for e in hints.select(root, hints.title)), "")
    text = headline + "".join(paragraphs)
    not_text = len(_NOT_TEXT.findall(text))
    if not_text > MAX_NOT_TEXT_SHARE * len(text):
        raise ExtractionError("not text", f"{not_text} of its {len(text)} characters are control characters or U+FFFD")

    credits = Credits()
    for line in lines.texts[max(0, anchor - _HEADER_LINES) : anchor + _HEADER_LINES_INSIDE]:
        if is_meta_line(line) or is_credit_line(line):
            credits.merge(parse_credits(line))
    if meta.get("author") and not credits.authors:
        credits.merge(parse_credits("作者：" + meta["author"]))
    credits.source = credits.source or meta.get("source", "") or meta.get("og:site_name", "")
    credits.authors = [name for name in credits.authors if not names_the_site(name, meta, credits.source)]

    published, precision = published_time(meta, lines.texts, anchor, canonical)
    if published is None:
        published = next((parse_date(e.xpath("string()")) for e in hints.select(root, hints.published)), None)
        precision = "time" if published else ""
    return Article(
        url=url,
        article_id=article_id(canonical or url),
        canonical_url=canonical,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        encoding=codec,
        title=headline,
        source=credits.source,
        published_at=published,
        published_precision=precision,
        authors=credits.authors,
        editor=credits.editor,
        photographers=credits.photographers,
        language=language("".join(paragraphs[:40]), root),
        paragraphs=paragraphs,
        paragraphs_raw=list(paragraphs),
    )
