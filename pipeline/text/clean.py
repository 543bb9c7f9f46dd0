"""Clean: normalise whitespace, take credit and furniture lines out of the body (keeping what
they say as metadata), and join names typeset with a space inside."""

from __future__ import annotations

import dataclasses
import re

from pipeline.records import Article
from pipeline.text.credits import (
    Credits,
    caption_lines,
    is_credit_line,
    is_furniture_line,
    is_meta_line,
    is_plain_short_line,
    lead_credits,
    parse_credits,
)
from pipeline.text.extract.dates import parse_date, precision_of
from pipeline.text.names import join_spaced_names

# Every kind of blank a CMS writes: ideographic and no-break spaces, tabs, zero-width
# characters, the byte-order mark.
_BLANKS = re.compile(r"[\s\u00a0\u3000\u2000-\u200b\u202f\u205f\ufeff]+")
# Anything but a single ASCII space between words needs the full substitution above.
_UNUSUAL_BLANKS = re.compile(r"[^\S ]|  |[\u200b\ufeff]")
_FULLWIDTH_ALNUM = str.maketrans(
    {chr(code): chr(code - 0xFEE0) for code in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
)

_HAS_FULLWIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
# Every blank but the ASCII space, spelled out: a plain character class scans much faster
# than the alternation above.
_BLANKS_BUT_SPACE = re.compile("[\t\n\x0b-\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]")
# Either of the two above, so that one scan of a page usually rules out both.
_UNUSUAL_CHARACTER = re.compile(_BLANKS_BUT_SPACE.pattern[:-1] + _HAS_FULLWIDTH_ALNUM.pattern[1:])


def normalize_whitespace(text: str) -> str:
    if _UNUSUAL_BLANKS.search(text):
        text = _BLANKS.sub(" ", text)
    return text.strip()


def normalize_text(text: str) -> str:
    """The cleaned form of a line: whitespace collapsed, full-width letters and digits made
    ASCII, spaced names joined. CJK punctuation is left alone (no blanket NFKC)."""
    return _normalize_characters(normalize_whitespace(text))


def _normalize_characters(text: str) -> str:
    if _HAS_FULLWIDTH_ALNUM.search(text):
        text = text.translate(_FULLWIDTH_ALNUM)
    return join_spaced_names(text)


def _normalized_lines(lines: list[str]) -> tuple[list[str], bool]:
    """normalize_whitespace over lines, empty ones dropped, and whether any line may hold a
    full-width letter or digit. Lines from `extract` are already whitespace-normal; one scan
    of the joined text confirms it instead of a call per line."""
    joined = "\x00".join(lines)
    unusual = _UNUSUAL_CHARACTER.search(joined) is not None
    if (
        (unusual and _BLANKS_BUT_SPACE.search(joined)) or "  " in joined or " \x00" in joined
        or "\x00 " in joined or joined.startswith(" ") or joined.endswith(" ")
    ):
        lines = list(map(normalize_whitespace, lines))
    return [line for line in lines if line], unusual


def _normalized_paragraphs(lines: list[str], fullwidth: bool) -> list[str]:
    """normalize_text over whitespace-normal lines: only the lines it would change (with a
    space, or with a full-width letter or digit when there may be any)."""
    return [
        _normalize_characters(line) if " " in line or (fullwidth and _HAS_FULLWIDTH_ALNUM.search(line)) else line
        for line in lines
    ]


# How far into the body the headline, byline and metadata lines can reach.
_HEAD_LINES = 8


def _is_footer_line(line: str) -> bool:
    return is_credit_line(line) or is_furniture_line(line) or is_meta_line(line)


def _is_header_line(line: str, title: str) -> bool:
    """The headline (or a line quoting it) or any line a footer may hold."""
    return line == title or (bool(title) and title in line and len(line) <= len(title) + 12) or _is_footer_line(line)


def _head_end(lines: list[str], title: str) -> int:
    """Where the body starts: after the last headline/metadata line among the first few,
    passing over short plain lines (a byline) before it."""
    start = 0
    for index, line in enumerate(lines[:_HEAD_LINES]):
        if _is_header_line(line, title):
            start = index + 1
        elif not is_plain_short_line(line):
            break
    return start


def clean(article: Article) -> Article:
    """A new Article whose paragraphs are the body only, normalised, with credits moved
    into authors/editor/photographers/source and a byline into `byline`."""
    title = normalize_whitespace(article.title)
    raw, fullwidth = _normalized_lines(article.paragraphs_raw)
    credits = Credits(list(article.authors), list(article.photographers), article.editor, article.source)

    start, stop = _head_end(raw, title), len(raw)
    byline = [line for line in raw[:start] if not _is_header_line(line, title)]
    published, precision = article.published_at, article.published_precision
    for line in raw[:start]:
        credits.merge(parse_credits(line))
        if published is None and is_meta_line(line) and (published := parse_date(line)):
            precision = precision_of(published)
    while stop > start and _is_footer_line(raw[stop - 1]):
        credits.merge(parse_credits(raw[stop - 1]))
        stop -= 1
    captions = caption_lines(raw[start:stop])
    for index in sorted(captions):
        credits.merge(parse_credits(raw[start + index]))
    # A headline repeated in the body is a video or photo caption too.
    body_raw = [
        line for index, line in enumerate(raw[start:stop]) if line != title and index not in captions
    ]
    if body_raw:
        credits.merge(lead_credits(body_raw[0]))
    return dataclasses.replace(
        article,
        title=title,
        source=credits.source,
        authors=credits.authors,
        editor=credits.editor,
        photographers=credits.photographers,
        byline=normalize_text(" ".join(byline)),
        published_at=published,
        published_precision=precision,
        paragraphs=_normalized_paragraphs(body_raw, fullwidth),
        paragraphs_raw=body_raw,
    )


def join_pages(pages: list[Article]) -> Article:
    """One article from the extracted pages of a multi-page article, in order: the first
    page's metadata, every page's lines, with the headline and metadata lines that later
    pages repeat at their top dropped. Clean the result as usual."""
    first, rest = pages[0], pages[1:]
    title = normalize_whitespace(first.title)
    lines = list(first.paragraphs_raw)
    credits = Credits(list(first.authors), list(first.photographers), first.editor, first.source)
    for page in rest:
        page_lines, _ = _normalized_lines(page.paragraphs_raw)
        start = 0
        while start < len(page_lines) and _is_header_line(page_lines[start], title):
            start += 1
        lines += page_lines[start:]
        credits.merge(Credits(page.authors, page.photographers, page.editor, page.source))
    return dataclasses.replace(
        first, paragraphs=lines, paragraphs_raw=list(lines), authors=credits.authors,
        photographers=credits.photographers, editor=credits.editor, source=credits.source,
    )
