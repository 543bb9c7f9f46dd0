"""Find the main content of a page and return it as an ordered list of lines.

The page is cut into lines at block boundaries and <br>. Each line gets a value: positive for
prose (its non-link characters), negative for link lists, short labels, site notices and
anything inside an element whose class or id names page furniture (nav, sidebar, comments …).
The main content is the element whose subtree has the largest total value — the smallest
region that holds most prose and least furniture — trimmed to the span from its first to its
last paragraph.

Speed matters here (this runs on every page of years of archives), so the tree is first
flattened by lxml itself: formatting tags dissolved into their text, links marked inline,
<br> turned into newlines. The Python walk then visits block elements only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from pipeline.extract._lines import cut_lines
from pipeline.textlines import lines_matching

_SENTENCE_PUNCTUATION = re.compile(r"[，。！？；：、,.!?;“”]")
_SENTENCE_END = re.compile(r"[。！？]|[.!?](?:\s|$)")
# Headings of a comment section: the article ends there, however much prose the comments
# hold. ("相关阅读" and the like are not among them: such boxes also sit inside articles.)
_STOP_LINE = re.compile(r"^[【\[]?(?:网友评论|发表评论|我要评论|相关评论|评论区|热门评论|最新评论|精彩评论|网友留言|我要留言)")
# A short line stamped with a date and time, after the article has begun, heads the next
# post of a thread or the next comment ("〓 留言板 发布时间 2005/05/18 13:45:40 by 某某 〓").
# Lines are whitespace-normal (single spaces), so " *" is every run of blanks and never
# reaches into the next line when lines are scanned joined.
_POST_STAMP = re.compile(r"(?:19|20)\d\d *[-/.年] *\d{1,2} *[-/.月] *\d{1,2} *日? *\d{1,2}[:：]\d\d")
_STAMP_LINE_CHARS = 80
_STOP_LINE_HINTS = ("评论", "留言")


# Site-wide notices read like prose but are never the article.
_NOTICE = re.compile(
    r"版权所有|版权声明|著作权|未经(?:书面)?(?:许可|授权)|不得(?:转载|复制)|免责声明|ICP备|ICP证"
    r"|copyright|all rights reserved|©",
    re.IGNORECASE,
)
_NOTICE_HINTS = ("版权", "著作权", "未经", "不得", "免责", "ICP", "©", "opyright", "OPYRIGHT", "ights reserved", "IGHTS RESERVED")

# A line shorter than this without punctuation reads as a label ("首页", "分享到"), not prose.
_LABEL_CHARS = 20
# How much a character of a link list weighs against the region that holds it.
_LINK_PENALTY = 0.5
# A run of prose lines with this many characters is article text wherever it stands.
_PARAGRAPH_CHARS = 50
# How much label weight a parent may add and still count as the same region.
_CLIMB_TOLERANCE = 20.0
# Above this share of characters inside links, a line is navigation.
_MAX_LINK_DENSITY = 0.4


@dataclass(slots=True, frozen=True)
class PageLines:
    """Every text line of a page in document order, and which of them are the main content."""

    texts: list[str]
    content: list[int]  # indexes into `texts`, ascending

    @property
    def content_texts(self) -> list[str]:
        return [self.texts[index] for index in self.content]


def _line_values(texts: list[str], link_chars: list[int], furniture: list[bool]) -> tuple[list[float], list[float]]:
    """Per line: (value when choosing the region, value when trimming its ends).

    Short plain lines count against a region (menus are made of them) but are neutral when
    trimming, so a speaker line or sub-heading at the edge of the article stays in.
    """
    notices = lines_matching(_NOTICE, texts, _NOTICE_HINTS)
    region_values: list[float] = []
    trim_values: list[float] = []
    for index, text in enumerate(texts):
        chars = len(text)
        linked = link_chars[index]
        if furniture[index]:
            region_value = trim_value = -chars
        elif linked > _MAX_LINK_DENSITY * chars:
            # Link lists are dropped from the output anyway; they only weigh against a region.
            region_value, trim_value = -_LINK_PENALTY * chars, -chars
        elif chars - linked < _LABEL_CHARS and not _SENTENCE_PUNCTUATION.search(text):
            region_value, trim_value = -0.5 * (chars - linked), 0.0
        elif index in notices:
            region_value = trim_value = -chars
        else:
            region_value = trim_value = chars - linked
        region_values.append(region_value)
        trim_values.append(trim_value)
    return region_values, trim_values


def _stop_lines(texts: list[str]) -> set[int]:
    """Indexes of the lines that end an article: a comment-section heading, the stamp of
    the next post."""
    headings = {
        index for index in lines_matching(_STOP_LINE, texts, _STOP_LINE_HINTS) if len(texts[index]) <= 20
    }
    stamps = {
        index for index in lines_matching(_POST_STAMP, texts)
        if len(texts[index]) <= _STAMP_LINE_CHARS and "。" not in texts[index]
    }
    return headings | stamps


def _trimmed(values: list[float], texts: list[str]) -> tuple[int, int]:
    """The [start, stop) run from the first to the last real paragraph, widened over the
    neutral or prose lines beside it (a heading and speaker line before; credits, a table of
    short cells after) up to the first link list or furniture line.

    A paragraph is a run of prose lines (hard-wrapped pages break one into many short lines)
    holding at least _PARAGRAPH_CHARS of prose. A stop line (a comment-section heading, the
    stamp of the next post) ends the article whatever follows, once a sentence of it has been
    read (so the dated metadata line under a headline is not mistaken for the next post).
    """
    stops = _stop_lines(texts)
    runs: list[tuple[int, int]] = []
    run_start, run_total = 0, 0.0
    read_a_sentence = False
    for index, value in enumerate([*values, -1.0]):
        stop_here = read_a_sentence and index in stops
        if not read_a_sentence and value > 0 and _SENTENCE_END.search(texts[index]):
            read_a_sentence = True
        if value > 0 and not stop_here:
            if run_total == 0:
                run_start = index
            run_total += value
            continue
        if run_total >= _PARAGRAPH_CHARS:
            runs.append((run_start, index))
        run_total = 0.0
        if stop_here:
            break
    if not runs:
        return 0, len(values)
    start, stop = runs[0][0], runs[-1][1]
    while start > 0 and values[start - 1] >= 0:
        start -= 1
    while stop < len(values) and values[stop] >= 0 and stop not in stops:
        stop += 1
    return start, stop


def page_lines(root: etree._Element) -> PageLines:
    """Cut a parsed page into lines and find its main content."""
    texts, owners, link_chars, parents, ends, furniture = cut_lines(root)
    if not texts:
        return PageLines(texts=[], content=[])

    region_values, trim_values = _line_values(texts, link_chars, [furniture[owner] for owner in owners])
    totals = [0.0] * len(parents)
    for owner, value in zip(owners, region_values):
        totals[owner] += value
    for index in range(len(parents) - 1, 0, -1):
        totals[parents[index]] += totals[index]
    best = max(range(len(parents)), key=totals.__getitem__)
    # A parent that adds only a few short labels (a heading, a speaker line above a lone
    # paragraph) is the article too.
    while parents[best] >= 0 and totals[parents[best]] >= totals[best] - _CLIMB_TOLERANCE:
        best = parents[best]
    first, last, keep_furniture = best, ends[best], furniture[best]
    region = [
        index
        for index, owner in enumerate(owners)
        if first <= owner < last and (keep_furniture or not furniture[owner])
    ]
    start, stop = _trimmed([trim_values[index] for index in region], [texts[index] for index in region])
    content = [
        index for index in region[start:stop] if link_chars[index] <= _MAX_LINK_DENSITY * len(texts[index])
    ]
    return PageLines(texts=texts, content=content)
