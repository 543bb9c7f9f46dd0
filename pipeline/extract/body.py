"""Find the main content of a page and return it as an ordered list of lines.

The page is cut into lines at block boundaries and <br>. Each line gets a value: positive for
prose (its non-link characters), negative for link lists, short labels and anything inside an
element whose class or id names page furniture (nav, sidebar, comments …). The main content
is the element whose subtree has the largest total value — the smallest region that holds
most prose and least furniture. It is one pass over the tree plus one over the lines, so it
stays within a small multiple of the parse itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

BLOCK_TAGS = frozenset(
    """address article aside blockquote body center dd details dialog div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre
    section summary table tbody td tfoot th thead tr ul""".split()
)
# Removed before the walk: they never hold article text.
UNWANTED_TAGS = (
    "script", "style", "noscript", "iframe", "object", "embed", "svg", "canvas", "template",
    "select", "button", "input", "textarea", "title", "map", "audio", "video", "frameset",
)
_FURNITURE_HINT = re.compile(
    r"comment|footer|sidebar|crumb|share|related|recommend|copyright|advert|(?<![a-z])ad[sv]?(?![a-z])"
    r"|(?<![a-z])nav|menu|pinglun|xgxw|xgwz|tuijian|hotnews|paihang|login|toolbar|pager|pagination"
    r"|disclaimer|(?<![a-z])hot(?![a-z])|(?<![a-z])rank",
    re.IGNORECASE,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SENTENCE_PUNCTUATION = re.compile(r"[，。！？；：、,.!?;“”]")
# Site-wide notices read like prose but are never the article.
_NOTICE = re.compile(
    r"版权所有|版权声明|著作权|未经(?:书面)?(?:许可|授权)|不得(?:转载|复制)|免责声明|ICP备|ICP证"
    r"|copyright|all rights reserved|©",
    re.IGNORECASE,
)

# A line shorter than this without punctuation reads as a label ("首页", "分享到"), not prose.
_LABEL_CHARS = 20
# How much a character of a link list weighs against the region that holds it.
_LINK_PENALTY = 0.5
# A line with this much prose is article text wherever it stands.
_PARAGRAPH_CHARS = 50
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


@dataclass(slots=True)
class _Block:
    parent: int
    furniture: bool
    end: int = 0
    value: float = 0.0


def _is_furniture(element: etree._Element, tag: str) -> bool:
    if tag in ("nav", "aside", "footer"):
        return True
    if tag in ("html", "body"):  # their classes describe the whole page, not a region
        return False
    hint = (element.get("class") or "") + " " + (element.get("id") or "")
    if hint != " " and _FURNITURE_HINT.search(hint):
        return True
    style = element.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _line_values(text: str, link_chars: int, furniture: bool) -> tuple[float, float]:
    """(value when choosing the region, value when trimming its ends).

    Short plain lines count against a region (menus are made of them) but are neutral when
    trimming, so a speaker line or sub-heading at the edge of the article stays in.
    """
    chars = len(text)
    if furniture:
        return -chars, -chars
    if link_chars > _MAX_LINK_DENSITY * chars:
        # Link lists are dropped from the output anyway; they only weigh against a region.
        return -_LINK_PENALTY * chars, -chars
    prose = chars - link_chars
    if prose < _LABEL_CHARS and not _SENTENCE_PUNCTUATION.search(text):
        return -0.5 * prose, 0.0
    if _NOTICE.search(text):
        return -chars, -chars
    return prose, prose


def _trimmed(values: list[float]) -> tuple[int, int]:
    """The [start, stop) run from the first to the last real paragraph, widened over the
    neutral or prose lines beside it (a heading and speaker line before; credits, a table of
    short cells after) up to the first link list or furniture line.

    A paragraph is a run of prose lines (hard-wrapped pages break one into many short lines)
    holding at least _PARAGRAPH_CHARS of prose.
    """
    runs: list[tuple[int, int]] = []
    run_start, run_total = 0, 0.0
    for index, value in enumerate([*values, -1.0]):
        if value > 0:
            if run_total == 0:
                run_start = index
            run_total += value
            continue
        if run_total >= _PARAGRAPH_CHARS:
            runs.append((run_start, index))
        run_total = 0.0
    if not runs:
        return 0, len(values)
    start, stop = runs[0][0], runs[-1][1]
    while start > 0 and values[start - 1] >= 0:
        start -= 1
    while stop < len(values) and values[stop] >= 0:
        stop += 1
    return start, stop


def page_lines(root: etree._Element) -> PageLines:
    """Cut a parsed page into lines and find its main content. Removes script-like elements
    from `root` in place."""
    etree.strip_elements(root, *UNWANTED_TAGS, with_tail=False)
    blocks: list[_Block] = [_Block(parent=-1, furniture=False)]
    lines: list[tuple[int, str, int]] = []  # (block, text, characters inside links)
    stack = [0]
    pieces: list[str] = []
    link_chars = 0
    link_depth = 0

    def flush() -> None:
        nonlocal link_chars
        if pieces:
            text = " ".join("".join(pieces).split())
            if text:
                lines.append((stack[-1], text, link_chars))
            pieces.clear()
        link_chars = 0

    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag
        if not isinstance(tag, str):
            continue
        if event == "start":
            if tag in BLOCK_TAGS:
                flush()
                parent = stack[-1]
                blocks.append(_Block(parent, blocks[parent].furniture or _is_furniture(element, tag)))
                stack.append(len(blocks) - 1)
            elif tag == "br":
                flush()
            elif tag == "a":
                link_depth += 1
            text = element.text
            if text:
                pieces.append(text)
                if link_depth:
                    link_chars += len(text.strip())
        else:
            if tag in BLOCK_TAGS:
                flush()
                blocks[stack.pop()].end = len(blocks)
            elif tag == "a":
                link_depth -= 1
            tail = element.tail
            if tail:
                pieces.append(tail)
                if link_depth:
                    link_chars += len(tail.strip())
    flush()
    blocks[0].end = len(blocks)

    trim_values = []
    for block_index, text, in_links in lines:
        block = blocks[block_index]
        region_value, trim_value = _line_values(text, in_links, block.furniture)
        block.value += region_value
        trim_values.append(trim_value)
    totals = [block.value for block in blocks]
    for index in range(len(blocks) - 1, 0, -1):
        totals[blocks[index].parent] += totals[index]
    best = max(range(len(blocks)), key=totals.__getitem__)
    first, last = best, blocks[best].end
    keep_furniture = blocks[best].furniture
    region = [
        index
        for index, (block_index, text, in_links) in enumerate(lines)
        if first <= block_index < last
        and (keep_furniture or not blocks[block_index].furniture)
    ]
    start, stop = _trimmed([trim_values[index] for index in region])
    content = [
        index
        for index in region[start:stop]
        if lines[index][2] <= _MAX_LINK_DENSITY * len(lines[index][1])
    ]
    return PageLines(texts=[text for _, text, _ in lines], content=content)
