"""Find the main content of a page and return it as an ordered list of lines.

The page is cut into lines at block boundaries and <br>. Each line gets a value: positive for
prose (its non-link characters), negative for link lists, short labels, site notices and
anything inside an element whose class or id names page furniture (nav, sidebar, comments …).
The main content is the element whose subtree has the largest total value — the smallest
region that holds most prose and least furniture — trimmed to the span from its first to its
last paragraph, ending early at a stop line (a comment-section heading, the next post).

Speed matters here (this runs on every page of years of archives): cutting and scoring run
in C (`_lines.pyx`, compiled at install), over lxml's tree without a Python object per
element. The C code is mechanism only: its rules (tags, furniture words, thresholds) are
`rules.py`'s, handed over once as `RULES`. The rules that are patterns — site notices, stop
lines — stay here as regexes, searched only in the lines the cut flagged by substring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from pipeline.text.extract import rules
from pipeline.text.extract._lines import Rules, Substrings, cut_lines, main_content

# Headings of a comment section: the article ends there, however much prose the comments
# hold. ("相关阅读" and the like are not among them: such boxes also sit inside articles.)
_STOP_LINE = re.compile(r"^[【\[]?(?:网友评论|发表评论|我要评论|相关评论|评论区|热门评论|最新评论|精彩评论|网友留言|我要留言)")
# A short line stamped with a date and time, after the article has begun, heads the next
# post of a thread or the next comment ("〓 留言板 发布时间 2005/05/18 13:45:40 by 某某 〓").
# Lines are whitespace-normal (single spaces), so " *" is every run of blanks.
_POST_STAMP = re.compile(r"(?:19|20)\d\d *[-/.年] *\d{1,2} *[-/.月] *\d{1,2} *日? *\d{1,2}[:：]\d\d")
_STAMP_LINE_CHARS = 80
_STOP_LINE_HINTS = ("评论", "留言")
# Every stamp holds a digit and a colon (ASCII or full-width digits).
_POST_STAMP_HINTS = tuple(f"{digit}{colon}" for digit in "0123456789０１２３４５６７８９" for colon in ":：")
# Site-wide notices read like prose but are never the article.
_NOTICE = re.compile(
    r"版权所有|版权声明|著作权|未经(?:书面)?(?:许可|授权)|不得(?:转载|复制)|免责声明|ICP备|ICP证"
    r"|copyright|all rights reserved|©",
    re.IGNORECASE,
)
# Substrings every notice holds (matched ignoring ASCII case, as _NOTICE is).
_NOTICE_HINTS = ("版权", "著作权", "未经", "不得", "免责", "icp", "©", "copyright", "all rights reserved")


@dataclass(slots=True, frozen=True)
class PageLines:
    """Every text line of a page in document order, and which of them are the main content."""

    texts: list[str]
    content: list[int]  # indexes into `texts`, ascending

    @property
    def content_texts(self) -> list[str]:
        return [self.texts[index] for index in self.content]


# What the pattern rules look for, found by the cut (lines without any are never searched).
_SUBSTRINGS = Substrings((_NOTICE_HINTS, _STOP_LINE_HINTS, _POST_STAMP_HINTS))


def compiled_rules(**changes: object) -> Rules:
    """`rules.py`'s rules as the C module's tables; `changes` override some (keywords are the
    rules' names lower-cased, e.g. furniture_words=(...))."""
    names = {
        name.lower(): getattr(rules, name) for name in (
            "UNWANTED_TAGS", "INLINE_TAGS", "LINK_TAGS", "BREAK_TAGS", "FURNITURE_TAGS", "PAGE_TAGS",
            "FURNITURE_WORDS", "FURNITURE_WORD_STARTS", "FURNITURE_WHOLE_WORDS", "HIDDEN_STYLES",
            "LABEL_CHARS", "LABEL_PENALTY", "SENTENCE_PUNCTUATION", "SENTENCE_ENDS",
            "SENTENCE_ENDS_BEFORE_BLANK", "LINK_PENALTY", "PARAGRAPH_CHARS", "CLIMB_TOLERANCE",
            "MAX_LINK_DENSITY",
        )
    }
    return Rules(**(names | changes))


# Built once: every page is cut and scored with these tables.
RULES = compiled_rules()


def page_lines(root: etree._Element, line_rules: Rules = RULES) -> PageLines:
    """Cut a parsed page into lines and find its main content (under `line_rules`, rules.py's
    unless a caller passes others)."""
    texts, owners, link_chars, parents, ends, furniture, found = cut_lines(root, line_rules, _SUBSTRINGS)
    if not texts:
        return PageLines(texts=[], content=[])
    might_be_notices, might_be_headings, might_be_stamps = found
    notices = {index for index in might_be_notices if _NOTICE.search(texts[index])}
    # Stop lines: a comment-section heading, the stamp of the next post.
    stops = {index for index in might_be_headings if len(texts[index]) <= 20 and _STOP_LINE.match(texts[index])}
    stops.update(
        index for index in might_be_stamps
        if len(texts[index]) <= _STAMP_LINE_CHARS and "。" not in texts[index] and _POST_STAMP.search(texts[index])
    )
    content = main_content(texts, owners, link_chars, parents, ends, furniture, notices, stops, line_rules)
    return PageLines(texts=texts, content=content)
