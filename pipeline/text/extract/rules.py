"""The rules of cutting and scoring a page's lines: which tags do what, which class and id words
name page furniture, and the scoring thresholds.

The C module (`_lines.pyx`) holds only the mechanism; `body.py` hands it these values once, at
import, as a `_lines.Rules` (C tables built from these lists), so changing a rule here needs no
recompile. The pattern rules (site notices, stop lines) are regexes in `body.py`.
"""

from __future__ import annotations

# Tags, by what they do to the cut (lower case, as libxml2's HTML parser names them).
# Elements that never hold article text: skipped with their content.
UNWANTED_TAGS = (
    "script", "style", "noscript", "iframe", "object", "embed", "svg", "canvas", "template",
    "select", "button", "input", "textarea", "title", "map", "audio", "video", "frameset",
)
# Formatting elements: dissolve into the line around them.
INLINE_TAGS = (
    "font", "span", "b", "strong", "em", "i", "u", "s", "strike", "small", "big", "sup", "sub",
    "nobr", "label", "abbr", "acronym", "cite", "code", "tt", "var", "q", "ins", "del", "mark",
    "time", "img", "wbr", "kbd", "samp", "dfn", "bdi", "bdo", "ruby", "rt", "rp", "data", "picture",
    "source", "tbody", "thead", "tfoot", "tr",
)
# Inline, and their text counts as link text.
LINK_TAGS = ("a",)
# End the line.
BREAK_TAGS = ("br",)
# Blocks that are page furniture by their tag alone.
FURNITURE_TAGS = ("nav", "aside", "footer")
# Blocks whose classes describe the page, not a region of it: never furniture by class or id.
PAGE_TAGS = ("html", "body")
# Every other tag is a block: it ends the line before it and starts a new one.

# Words in an element's class or id (any case) that name page furniture. Most count anywhere
# ("newsSidebar"); some only at the start of a word ("navbar", not "canvas"), or only as a
# whole word ("ad", "ads", "adv", "hot": not "head", "shot").
FURNITURE_WORDS = (
    "comment", "footer", "sidebar", "crumb", "share", "related", "recommend", "copyright",
    "advert", "menu", "pinglun", "xgxw", "xgwz", "tuijian", "hotnews", "paihang", "login",
    "toolbar", "pager", "pagination", "disclaimer",
)
FURNITURE_WORD_STARTS = ("nav", "rank")
FURNITURE_WHOLE_WORDS = ("ad", "ads", "adv", "hot")
# In a style attribute, blanks removed: hidden content is never the article.
HIDDEN_STYLES = ("display:none", "visibility:hidden")

# Scoring (see body.py for the method).
# A line shorter than this without punctuation reads as a label ("首页", "分享到"), not prose.
LABEL_CHARS = 20
# What a character of such a label weighs against the region that holds it.
LABEL_PENALTY = 0.5
# Punctuation that makes a short line prose rather than a label.
SENTENCE_PUNCTUATION = "，。！？；：、,.!?;“”"
# A line ends a sentence (the article has begun) when it holds one of these anywhere …
SENTENCE_ENDS = "。！？"
# … or one of these before a blank or at its end.
SENTENCE_ENDS_BEFORE_BLANK = ".!?"
# How much a character of a link list weighs against the region that holds it.
LINK_PENALTY = 0.5
# A run of prose lines with this many characters is article text wherever it stands.
PARAGRAPH_CHARS = 50
# How much label weight a parent may add and still count as the same region.
CLIMB_TOLERANCE = 20.0
# Above this share of characters inside links, a line is navigation.
MAX_LINK_DENSITY = 0.4
