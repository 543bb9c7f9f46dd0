"""Credit and furniture lines: who reported, edited and photographed an article, and where
it came from — read from lines such as "(本报记者 杨 柳 实习记者 薛佩雯 整理,图片由记者 蒋文杰 摄)",
"(编辑:晏如)", "文章来源: 中国知识产权报  发布时间: 2022/4/27 18:40:00"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.text.names import join_spaced_names, looks_like_name, simplified
from pipeline.text.textlines import lines_containing

_COLON = r"\s*[:：]\s*"
_OPEN, _CLOSE = "(（[【", ")）]】"
# A person's name as credited: CJK (possibly spaced, possibly with ·) or Latin letters.
_NAME_CHARS = re.compile(r"[\u3400-\u9fff·•]+|[A-Za-z][A-Za-z.\- ]*[A-Za-z]")

# A label that inline markup glues onto the name before it ("责任编辑：黄敏标签：郭德纲").
_GLUED_LABEL = r"(?:标签|標籤|关键[字词]|關鍵[字詞]|来源|來源|作者|发布|發佈|时间|時間|日期|tags?)\s*[:：]"
_EDITOR = re.compile(rf"(?:责任编辑|责编|编辑|編輯|責任編輯|责任校对|值班编辑|审核|审校){_COLON}?"
                     rf"((?:(?!{_GLUED_LABEL})[^\s()（）\[\]【】|,，;；])+(?: [^\s()（）\[\]【】|,，;；:：]{{1,2}})?)",
                     re.IGNORECASE)
# The source runs up to the next label, which inline markup often glues on without a space
# ("来源：中国知识产权报发布时间：…"), or up to the page furniture set beside it: a comment
# counter or link ("网友评论 0 条", "参与互动(0)", "我来说两句"), "read on your phone", keywords.
_SOURCE = re.compile(
    rf"(?:文章来源|稿件来源|新闻来源|来源|來源|出处|转自|摘自){_COLON}(.+?)"
    r"(?=\s*(?:发布|發佈|发表|發表|时间|時間|日期|作者|编辑|編輯|责任|責任|点击|浏览|瀏覽|阅读|閱讀|字号|字體|字体|【|\||\d{4}[-/年]"
    r"|网友评论|網友評論|我来说两句|我要评论|参与互动|有\d+人参与|手机看|手機看|关键[字词]|關鍵[字詞]|标签|標籤|tags?\s*[:：]"
    r"|[(（]\d+[)）])|\s+(?:评论|評論|参与|參與)|\s{2,}|\s*$)",
    re.IGNORECASE,
)
# Icon-font glyphs (Unicode private use) that pages put beside a field.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_UNBALANCED_CLOSE = re.compile(r"[)）\]】]$")
_OPENING_OF = {")": "(", "）": "（", "]": "[", "】": "【"}
# Between the names of one credit ("杨柳、薛佩雯", "杨柳 和 薛佩雯").
_NAME_SEPARATORS = re.compile(r"[\s、,，/／;；和及]+")
_PHOTO = re.compile(r"(?:图片由|图/|圖/|摄影[:：]?|摄影记者|攝影[:：]?|图片[:：]|图[:：])\s*(?:记者|本报记者)?"
                    r"\s*([^,，;；()（）]+?)\s*(?:摄|攝)?\s*$|^(.+?)\s*(?:摄|攝)$")
_AUTHOR_ROLES = re.compile(
    r"本报特派记者|本报特约记者|本报见习记者|本报实习记者|本报记者|本报通讯员|特派记者|特约记者|见习记者|实习记者"
    r"|实习生|首席记者|新华社记者|中新网记者|中新社记者|记者|記者|通讯员|通訊員|撰稿人|撰文|作者|作者[:：]|文/|文／"
)
_AUTHOR_LABEL = re.compile(r"(?:作者|撰文|撰稿|文)\s*[:：/／]\s*")
# A page's domain given as its author ("www.yunnan.cn"): domains are written in lower case.
_DOMAIN = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}")
# Lower-case words a Latin personal name may hold ("Ludwig van Beethoven"); any other makes a
# phrase of it ("Designer by Netsourcer").
_NAME_PARTICLES = frozenset(("van", "von", "de", "der", "den", "da", "di", "du", "del", "la", "le", "bin", "al"))
# Words that make a Latin name an organisation's ("Comsenz UI Team").
_ORGANISATION_WORDS = frozenset(("team", "inc", "ltd", "co", "corp", "group", "studio", "network", "media", "online"))
_TRAILING_VERBS = re.compile(r"(?:整理|报道|報道|采写|采访|撰写|编译|发自\S*|综合报道|联合报道|讯|摄|攝)$")
_FURNITURE_LINE = re.compile(
    r"^(?:当前位置|您的位置|您现在的位置|你现在的位置|你的位置|所在位置|现在位置|(?:网站)?首页\s*(?:>|›|»|＞|→)"
    r"|分享到|分享至|打印本页|打印|关闭窗口|关闭|【?字号|字体[:：]|返回顶部|上一篇|下一篇|上一页|下一页"
    r"|相关(?:链接|新闻|文章|阅读|报道)|点击(?:数|量|次数)|浏览(?:次数|量)|阅读\s*\(|责任编辑[:：]?\s*$"
    r"|主办单位|承办单位|ICP|京ICP|地址[:：]|联系电话|电话[:：]|E-?mail[:：]|邮箱[:：]|扫一扫|【纠错】|【打印】|【关闭】)",
    re.IGNORECASE,
)
_NOTICE_LINE = re.compile(
    r"未经(?:书面)?(?:许可|授权)|不得(?:转载|复制|摘编)|版权所有|版权归|独家稿件|转载请注明|禁止转载|免责声明"
    r"|仅代表作者|不代表本(?:网|站)|copyright|all rights reserved|©",
    re.IGNORECASE,
)


# Clauses of a credit line: punctuation, wide gaps, or a new role after a finished one
# ("本报记者 许可 整理 图片由记者 蒋文杰 摄").
_CLAUSE_BREAK = re.compile(r"[,，;；|]|\s{2,}|(?<=整理|报道|采写|撰文)\s+|\s+(?=图片由|摄影|图/|圖/|通讯员|通訊員|实习记者|本报记者)")
_CAPTION_START = re.compile(r"^[（(]?(?:图为|图：|图:|图片：|图片:|上图|下图|左图|右图|▲|△)")
_CAPTION_END = re.compile(r"(?:摄|攝|摄影)\s*[)）]?$")
# Every caption starts or ends with one of these.
_CAPTION_HINTS = ("图", "▲", "△", "摄", "攝")
_ANY_PUNCTUATION = re.compile(r"[，。！？；：,.!?;:、]")
_BYLINE_CHARS = 40
_SENTENCE_END = re.compile(r"[。！？!?]|，.*，")
_LEAD_CREDIT = re.compile(r"^[^（(]{0,16}[（(]((?:[^（()）]{0,8})(?:记者|通讯员|記者)[^（()）]{2,40})[）)]")
_META_HINT = re.compile(r"来源|來源|时间|時間|日期|发布|發佈|作者|编辑|编者|点击|浏览|阅读|\d{4}\s*[-/.年]\s*\d{1,2}")
_DATE_HINT = re.compile(r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}|来源|來源")


@dataclass(slots=True)
class Credits:
    authors: list[str] = field(default_factory=list)
    photographers: list[str] = field(default_factory=list)
    editor: str = ""
    source: str = ""

    def merge(self, other: Credits) -> None:
        self.authors += [a for a in other.authors if a not in self.authors]
        self.photographers += [p for p in other.photographers if p not in self.photographers]
        self.editor = self.editor or other.editor
        self.source = self.source or other.source

    def __bool__(self) -> bool:
        return bool(self.authors or self.photographers or self.editor or self.source)


def _names(fragment: str) -> list[str]:
    """Names in a fragment of a credit ("杨 柳 薛佩雯" → ["杨柳", "薛佩雯"]; a Latin name
    stays whole: "周思博 (Joel Spolsky)" → ["周思博", "Joel Spolsky"])."""
    fragment = join_spaced_names(_TRAILING_VERBS.sub("", fragment.strip()).strip())
    tokens = []
    for token in _NAME_SEPARATORS.split(fragment):
        token = _TRAILING_VERBS.sub("", token.strip(_OPEN + _CLOSE + " "))
        if token.lower() == "and":
            tokens.append("")  # names apart, as 和 keeps them
        elif tokens and token.isascii() and token.isalpha() and tokens[-1].isascii() and tokens[-1][-1:].isalpha():
            tokens[-1] += " " + token
        else:
            tokens.append(token)
    return [token for token in tokens if _is_credited_name(token)]


def _is_credited_name(token: str) -> bool:
    if not (2 <= len(token) <= 20 and _NAME_CHARS.fullmatch(token)):
        return False
    if not token.isascii():
        return looks_like_name(token)
    words = token.split()
    if _DOMAIN.fullmatch(token) or any(word.lower() in _ORGANISATION_WORDS for word in words):
        return False
    return len(words) == 1 or all(word[0].isupper() or word in _NAME_PARTICLES for word in words)


def _balanced(text: str) -> str:
    """Drop a closing bracket the text does not open ("来源：新华社）" from "（来源：新华社）")."""
    while _UNBALANCED_CLOSE.search(text):
        close = text[-1]
        opening = _OPENING_OF[close]
        if text.count(opening) >= text.count(close):
            break
        text = text[:-1].rstrip()
    return text


def _strip_brackets(line: str) -> str:
    line = line.strip()
    while line and line[0] in _OPEN and line[-1] in _CLOSE:
        line = line[1:-1].strip()
    return line


def parse_credits(line: str) -> Credits:
    """Credits named in one line (empty when it names none)."""
    credits = Credits()
    text = _strip_brackets(line)
    source = _SOURCE.search(text)
    if source:
        credits.source = _strip_brackets(_balanced(_PRIVATE_USE.sub("", source.group(1)).strip()))
    editor = _EDITOR.search(text)
    # An editor named by a CMS account ("AP0015") is no name.
    if editor and not any(char.isdecimal() for char in editor.group(1)):
        credits.editor = join_spaced_names(editor.group(1)).replace(" ", "")
    for clause in _CLAUSE_BREAK.split(text):
        clause = clause.strip(" " + _OPEN + _CLOSE)
        if not clause or _EDITOR.search(clause) or _SOURCE.search(clause):
            continue
        photo = _PHOTO.search(clause)
        if photo and ("摄" in clause or "攝" in clause or "图" in clause or "圖" in clause):
            credits.photographers += _names(photo.group(1) or photo.group(2) or "")
            continue
        label = _AUTHOR_LABEL.match(clause)
        if label:
            credits.authors += _names(clause[label.end():])
            continue
        if _AUTHOR_ROLES.search(clause):
            for fragment in _AUTHOR_ROLES.split(clause)[1:]:
                credits.authors += _names(fragment)
    return credits


def is_photo_credit(line: str) -> bool:
    """A line that ends by crediting a photographer ("新华社记者廖宇杰摄", "（张三 摄影）")."""
    return bool(_CAPTION_END.search(line.strip()))


def is_credit_line(line: str) -> bool:
    """A short line that only carries credits (not a sentence that mentions a reporter)."""
    text = _strip_brackets(line)
    if len(text) > 80 or not text:
        return False
    bracketed = line.strip()[:1] in _OPEN
    labelled = _AUTHOR_ROLES.match(text) or _EDITOR.match(text) or _SOURCE.match(text)
    # "新京报记者 彭冲 山东冠县报道": a short unpunctuated line naming a reporter.
    byline = len(text) <= 40 and not _SENTENCE_END.search(text) and _AUTHOR_ROLES.search(text)
    if not (bracketed or labelled or byline):
        return False
    return bool(parse_credits(line))


def lead_credits(paragraph: str) -> Credits:
    """Credits in the dateline that opens a news lead: "本报讯（记者 张三 通讯员 李四）昨天……"."""
    match = _LEAD_CREDIT.match(paragraph)
    return parse_credits(match.group(1)) if match else Credits()


def is_meta_line(line: str) -> bool:
    """A short line of article metadata near the title: date, source, author, views."""
    text = line.strip()
    if len(text) > 100 or _SENTENCE_END.search(text):
        return False
    return bool(_META_HINT.search(text)) and (bool(_DATE_HINT.search(text)) or bool(parse_credits(text)))


def is_furniture_line(line: str) -> bool:
    """Page furniture that slipped into the body: share/print bars, pagers, footers, notices."""
    text = simplified(line.strip())  # a Traditional page's notices read the same
    if _FURNITURE_LINE.match(_strip_brackets(text)):
        return True
    return len(text) <= 120 and bool(_NOTICE_LINE.search(text))


def caption_lines(lines: list[str]) -> set[int]:
    """Indexes of the photo captions among `lines` (see is_caption_line)."""
    return {index for index in lines_containing(lines, _CAPTION_HINTS) if is_caption_line(lines[index])}


def is_caption_line(line: str) -> bool:
    """A photo caption inside the body: "图为启动仪式现场。本报记者 钱锋 摄"."""
    text = line.strip()
    if len(text) > 100:
        return False
    if not (_CAPTION_START.match(text) or _CAPTION_END.search(text)):
        return False
    return bool(parse_credits(text).photographers) or bool(_CAPTION_START.match(text))


def is_plain_short_line(line: str) -> bool:
    """A short line with no sentence punctuation: a byline, heading or speaker line."""
    return len(line) <= _BYLINE_CHARS and not _ANY_PUNCTUATION.search(line)
