"""Clean: normalise whitespace, take credit and furniture lines out of the body (keeping what
they say as metadata), and join names typeset with a space inside."""

from __future__ import annotations

import dataclasses
import re

from pipeline.credits import (
    Credits, is_credit_line, is_furniture_line, is_meta_line, lead_credits, parse_credits,
)
from pipeline.names import join_spaced_names
from pipeline.records import Article

# Every kind of blank a CMS writes: ideographic and no-break spaces, tabs, zero-width
# characters, the byte-order mark.
_BLANKS = re.compile(r"[\s\u00a0\u3000\u2000-\u200b\u202f\u205f\ufeff]+")
_FULLWIDTH_ALNUM = str.maketrans(
    {chr(code): chr(code - 0xFEE0) for code in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
)

_HAS_FULLWIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def normalize_whitespace(text: str) -> str:
    return _BLANKS.sub(" ", text).strip()


def normalize_text(text: str) -> str:
    """The cleaned form of a line: whitespace collapsed, full-width letters and digits made
    ASCII, spaced names joined. CJK punctuation is left alone (no blanket NFKC)."""
    text = normalize_whitespace(text)
    if _HAS_FULLWIDTH_ALNUM.search(text):
        text = text.translate(_FULLWIDTH_ALNUM)
    return join_spaced_names(text)


def _is_header_line(line: str, title: str) -> bool:
    return (
        line == title
        or (len(line) <= len(title) + 12 and bool(title) and title in line)
        or is_meta_line(line)
        or is_credit_line(line)
        or is_furniture_line(line)
    )


def _is_footer_line(line: str) -> bool:
    return is_credit_line(line) or is_furniture_line(line) or is_meta_line(line)


def clean(article: Article) -> Article:
    """A new Article whose paragraphs are the body only, normalised, with credits moved
    into authors/editor/photographers/source."""
    title = normalize_whitespace(article.title)
    raw = [line for line in map(normalize_whitespace, article.paragraphs_raw) if line]
    credits = Credits(list(article.authors), list(article.photographers), article.editor, article.source)

    start, stop = 0, len(raw)
    while start < stop and _is_header_line(raw[start], title):
        credits.merge(parse_credits(raw[start]))
        start += 1
    while stop > start and _is_footer_line(raw[stop - 1]):
        credits.merge(parse_credits(raw[stop - 1]))
        stop -= 1
    body_raw = raw[start:stop]
    if body_raw:
        credits.merge(lead_credits(body_raw[0]))
    return dataclasses.replace(
        article,
        title=title,
        source=credits.source,
        authors=credits.authors,
        editor=credits.editor,
        photographers=credits.photographers,
        paragraphs=[normalize_text(line) for line in body_raw],
        paragraphs_raw=body_raw,
    )
