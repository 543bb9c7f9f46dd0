"""Find the main content of a page and return it as an ordered list of lines.

The page is cut into lines at block boundaries and <br>. Each line gets a value: positive for
prose (its non-link characters), negative for link lists, short labels, site notices, contact
boxes, teasers and anything inside an element whose class or id names page furniture (nav,
sidebar, comments …). The main content is the element whose subtree has the largest total
value — the smallest region that holds most prose and least furniture — trimmed to the span
from its first to its last paragraph, ending early at a stop line (a comment-section or notice
heading, the next post).

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

# Headings of a comment section or of the site's notices ("版权声明", "反侵权公告：", a bare
# "声明："): the article ends there, however much prose follows. ("相关阅读" and the like are
# not among them: such boxes also sit inside articles; nor is a statement in the news, "联合声明".)
_STOP_LINE = re.compile(
    r"^[【\[]?(?:网友评论|发表评论|我要评论|相关评论|评论区|热门评论|最新评论|精彩评论|网友留言|我要留言)"
    r"|^\W{0,3}[^\s，。]{0,10}?(?:版[权權]|著作[权權]|免[责責]|法律|侵[权權]|隐私|隱私)[^\s，。]{0,4}"
    r"(?:[声聲]明|公告|条款|條款)\W{0,3}$"
    r"|^\W{0,3}[声聲]明 *[:：]$"
)
# The editor's credit ("责任编辑：某某", "（编辑 某某）") closes an article: blocks after it, still
# in the article's container (editor's picks, most read), are not the article.
_CLOSING_CREDIT = re.compile(
    r"^[（(\[【]? *[^\s，。：:]{0,8}?(?:责任编辑|責任編輯|责编|責編|编辑|編輯) *[:：]? *[^，。]{1,20}?[）)\]】]?$"
)
_CLOSING_CREDIT_CHARS = 30
_CLOSING_CREDIT_HINTS = ("编辑", "編輯", "责编", "責編")
# Only once the article has begun: an editor may be named above it too.
_SENTENCE_END = re.compile(f"[{rules.SENTENCE_ENDS}]")
# A short line stamped with a date and time, after the article has begun, heads the next
# post of a thread or the next comment ("〓 留言板 发布时间 2005/05/18 13:45:40 by 某某 〓").
# Lines are whitespace-normal (single spaces), so " *" is every run of blanks.
_POST_STAMP = re.compile(r"(?:19|20)\d\d *[-/.年] *\d{1,2} *[-/.月] *\d{1,2} *日? *\d{1,2}[:：]\d\d")
_STAMP_LINE_CHARS = 80
_STOP_LINE_HINTS = ("评论", "留言", "声明", "聲明", "公告", "条款", "條款")
# Every stamp holds a digit and a colon (ASCII or full-width digits).
_POST_STAMP_HINTS = tuple(f"{digit}{colon}" for digit in "0123456789０１２３４５６７８９" for colon in ":：")
# Site notices read like prose but are never the article. What makes a line one is its
# phrasing, not a word: a paragraph about copyright law ("著作权法", "版权所有者") is prose.
# Ownership, reproduction bans, disclaimers of endorsement or advice, a statement's label at
# the start of a line ("免责声明：", "网易声明："), licence numbers.
_NOTICE = re.compile(
    r"版[权權]所有(?![者人])|(?:版[权權]|著作[权權])均?(?:归|歸|属|屬)"
    r"|^\W{0,3}[^\s，。,.]{0,12}[声聲]明\s*[:：]"
    r"|不(?:代表|表明)本(?:网|網|站|报|報|刊|台)|不(?:代表|表明)(?:证实|證實|赞同|贊同)|[仅僅]代表作者"
    r"|不[构構]成(?:任何)?投[资資]建[议議]|[风風][险險]自[担擔负負]"
    r"|(?:不得|禁止|[请請]勿|[严嚴]禁)[^。]{0,12}?(?:[转轉][载載]|[复複]制|摘[编編]|[镜鏡]像|下[载載]使用)"
    r"|[侵违違][权權]必究|[违違]者(?:必究|依法)|文[责責]自[负負]|[转轉][载載][请請须須]注明"
    r"|(?i:icp)[备備证證经經]|(?i:copyright *(?:©|\(c\)|\d{4})|all rights? reserved)|©"
)
# Substrings every notice holds (matched ignoring ASCII case, as _NOTICE's Latin words are).
_NOTICE_HINTS = (
    "版权", "版權", "著作权", "著作權", "声明", "聲明", "不代表", "不表明", "代表作者", "投资建议", "投資建議",
    "风险自", "風險自", "不得", "禁止", "请勿", "請勿", "严禁", "嚴禁", "必究", "违者", "違者", "文责", "文責",
    "转载", "轉載", "icp", "copyright", "reserved", "©",
)
# A line longer than this is prose whatever it says: notices are a few sentences at most.
_NOTICE_MAX_CHARS = 300
# The site's contact box: a newsroom or tip-off line ("新闻热线：", "举报电话", "短信爆料"), or two
# contact fields in one line ("电话：… 传真：…"). One phone number in an article is not one.
_CONTACT_ROLE = re.compile(
    r"(?:新[闻聞]|[爆报報]料|[举舉][报報]|投稿|投[诉訴]|[监監]督)(?:[热熱][线線]|[电電][话話]|[邮郵]箱|信箱)|短信[爆报報]料"
)
_CONTACT_FIELD = re.compile(r"(?:[电電][话話]|[热熱][线線]|[传傳]真|[邮郵]箱|信箱|e-?mail|地址|[邮郵][编編])\s*[:：]", re.IGNORECASE)
_CONTACT_HINTS = (
    "电话", "電話", "热线", "熱線", "传真", "傳真", "邮箱", "郵箱", "信箱", "mail", "地址", "邮编", "郵編", "爆料", "报料", "報料",
)
_CONTACT_MAX_CHARS = 100  # longer: prose that happens to give a number
# A teaser: an excerpt cut short, then a link to the rest ("…… [详情]", "...全文>>").
_TEASER = re.compile(r"(?:\.{3,}|…+)\s*[\[【(（]?\s*(?:[详詳][情细細]|全文|更多|[阅閱][读讀]全文)\s*[\]】)）]?\s*(?:>>|»)?$")
_TEASER_HINTS = ("详情", "詳情", "详细", "詳細", "全文", "更多")


@dataclass(slots=True, frozen=True)
class PageLines:
    """Every text line of a page in document order, and which of them are the main content."""

    texts: list[str]
    content: list[int]  # indexes into `texts`, ascending

    @property
    def content_texts(self) -> list[str]:
        return [self.texts[index] for index in self.content]


# What the pattern rules look for, found by the cut (lines without any are never searched).
_SUBSTRINGS = Substrings(
    (_NOTICE_HINTS, _CONTACT_HINTS, _TEASER_HINTS, _STOP_LINE_HINTS, _POST_STAMP_HINTS, _CLOSING_CREDIT_HINTS)
)


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
    might_be_notices, might_be_contacts, might_be_teasers, might_be_headings, might_be_stamps, might_be_credits = found
    # Lines that are never the article: site notices, contact boxes, teasers.
    notices = {index for index in might_be_notices
               if len(texts[index]) <= _NOTICE_MAX_CHARS and _NOTICE.search(texts[index])}
    notices.update(index for index in might_be_contacts if len(texts[index]) <= _CONTACT_MAX_CHARS and (
        _CONTACT_ROLE.search(texts[index]) or len(_CONTACT_FIELD.findall(texts[index])) >= 2))
    notices.update(index for index in might_be_teasers if _TEASER.search(texts[index]))
    # Stop lines: the heading of comments or notices, the stamp of the next post.
    stops = {index for index in might_be_headings if len(texts[index]) <= 20 and _STOP_LINE.match(texts[index])}
    stops.update(
        index for index in might_be_stamps
        if len(texts[index]) <= _STAMP_LINE_CHARS and "。" not in texts[index] and _POST_STAMP.search(texts[index])
    )
    closing_credits = {
        index for index in might_be_credits
        if len(texts[index]) <= _CLOSING_CREDIT_CHARS and _CLOSING_CREDIT.match(texts[index])
    }
    content = main_content(texts, owners, link_chars, parents, ends, furniture, notices, stops, line_rules)
    if not content:
        # Class names are only hints: when nothing outside "furniture" is content, a name was
        # wrong (a layout column "twosidebarL" around the article), so the text alone decides.
        content = main_content(texts, owners, link_chars, parents, ends, [False] * len(furniture), notices, stops, line_rules)
    if closing_credits:
        content = _closed_at_the_credit(texts, content, closing_credits)
    return PageLines(texts=texts, content=content)


def _closed_at_the_credit(texts: list[str], content: list[int], closing_credits: set[int]) -> list[int]:
    """`content` up to its first closing credit after a sentence of the article."""
    read_a_sentence = False
    for position, index in enumerate(content):
        if read_a_sentence and index in closing_credits:
            return content[: position + 1]
        read_a_sentence = read_a_sentence or _SENTENCE_END.search(texts[index]) is not None
    return content
