"""Who a speaker is: name, position and organisation, read from speaker lines and labels.

Chinese writes a speaker as ORG + POSITION + NAME run together ("国家知识产权局局长 申长雨",
"最高人民检察院检察委员会副部级专职委员 宫 鸣") or as NAME（ORG POSITION）. The grammar:

    description := org position
    position    := segment ("、" segment)*            # 局长、新闻发言人
    segment     := body? modifier* domain? core         # 检察委员会 副部级 专职委员
    org         := the text before the position; it ends with an org suffix (局, 院, 委员会,
                   市, 大学, 有限公司 …) and names the unit the post belongs to

The org is the deepest unit whose post the core title names ("国家知识产权局知识产权保护司" +
"司长"), except that a membership body (委员会, 党组, 办公室 …) directly before the core belongs
to the position ("最高人民检察院" + "检察委员会副部级专职委员"), because such posts are ranks
within the institution, not offices of a separate unit. The vocabularies below are curated
from Chinese official and corporate usage; extend them rather than special-casing a page.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipeline.text.names import COMPOUND_SURNAMES, is_cjk, is_name, is_proper_noun, is_surname, looks_like_name, simplified


def _longest_first(word: str) -> tuple[int, str]:
    """Longest first, so a regex alternation prefers "副院长" to "院长"; ties in a fixed order,
    so the compiled pattern is the same in every process (a set's order depends on the hash seed)."""
    return -len(word), word


# Core titles: what a person is (longest first when matching).
CORE_TITLES = tuple(sorted(set("""
    局长 院长 部长 厅长 司长 处长 科长 署长 所长 庭长 站长 社长 校长 馆长 行长 会长 理事长 秘书长 委员长
    市长 省长 区长 县长 州长 镇长 乡长 村长 主席 总理 总统 首相 大使 公使 参赞 总领事 领事
    主任 书记 委员 专职委员 常委 成员 组长 队长 团长 主任委员 主编 总编辑 编辑 记者 主持人
    发言人 新闻发言人 负责人 创始人 联合创始人 合伙人 律师 法官 检察官 审判员 检察员 审判长
    教授 研究员 讲师 院士 博士 博士生导师 导师 专家 学者 顾问 代表 工程师 总工程师 审查员
    专利代理师 代理人 商标代理人 干事 总干事 检察长 长官 司令员 政委 参事 馆员 巡视员 调研员 督察长 督察员 总监 经理 总经理 总裁 董事长
    董事 监事 监事会主席 首席执行官 执行官 首席 官员 分析师 经济学家 首席经济学家 总会计师 总经济师
    总法律顾问 法律顾问 知识产权官 首席知识产权官 党组书记 党委书记 纪委书记 主管 管理合伙人 秘书
    评论员 评论家 观察员 分析员 撰稿人 作家 主播 议员 官 校董 园长 理事 医师 医生 护士长 护士 教练 主教练 球员 院长
""".split()), key=_longest_first))
# Words before a core title that qualify it.
MODIFIERS = tuple(sorted(set("""
    副 常务 首席 专职 执行 名誉 荣誉 代理 资深 高级 特级 一级 二级 三级 正 原 前 候补 特约 特聘 兼职
    副部级 正部级 副部长级 正部长级 副省级 正省级 正厅级 副厅级 正局级 副局级 正司级 副司级 正处级 副处级
    驻会 驻华 驻京 党组 党委 临时 终身 客座 兼任 主审 助理 第一
""".split()), key=_longest_first))
# Fields a title can be narrowed to ("法务总监", "技术总监", "新闻发言人").
DOMAINS = tuple(sorted(set("""
    法务 技术 财务 市场 运营 品牌 研发 产品 人力资源 知识产权 专利 商标 版权 新闻 宣传 外事 信息 数据 安全
    合规 风控 投资 战略 首席知识产权 执行
""".split()), key=_longest_first))
# Bodies whose membership or office is a post of the enclosing institution.
MEMBER_BODIES = ("审判委员会", "检察委员会", "常务委员会", "常委会", "委员会", "党组", "党委", "办公室", "理事会", "董事会", "监事会",
                 "学术委员会", "专家委员会")
# Endings of organisation names (and of the units inside them).
ORG_SUFFIXES = tuple(sorted(set("""
    局 院 部 委 办 厅 署 司 处 科 室 所 庭 站 社 馆 行 会 团 组 队 系 中心 组织 联盟 集团 公司 有限公司 股份有限公司
    委员会 政府 人民政府 法院 检察院 人民法院 人民检察院 大学 学院 学校 研究院 研究所 研究中心 实验室 基金会 协会
    学会 商会 联合会 事务所 律师事务所 银行 医院 报社 杂志社 出版社 电视台 广播电台 网 报 党组 党委 市委 省委
    区委 县委 常委会 办公室 中央 国务院 人大 政协 市 省 区 县 州 自治区 特别行政区 特区政府 镇 乡 村 街道
    分局 总局 支队 大队 分会 总会 基地 园区 平台 小组 工作组 代表处 办事处 分公司 子公司 事业部 工作室
    中学 小学 高中 初中 幼儿园 立法会 议会 国会 部门
    Office Inc Ltd LLC Corporation University Institute
""".split()), key=_longest_first))

_SEGMENT = re.compile(
    "(?:%s)?(?:%s)*(?:%s)?(?:%s)"
    % ("|".join(MEMBER_BODIES), "|".join(MODIFIERS), "|".join(DOMAINS), "|".join(CORE_TITLES))
)
# After "、" a further post may name its own unit: "常委、宣传部部长", "委员、中国科学院院士".
_UNIT = "[^、]{1,20}?(?:%s)" % "|".join(map(re.escape, ORG_SUFFIXES))
_POSITION = re.compile(rf"{_SEGMENT.pattern}(?:[、兼](?:{_UNIT})?{_SEGMENT.pattern})*")
_ENVOY = re.compile(r"(?P<country>[^\s驻]{2,8}?)(?P<post>驻[^\s]{1,8}?(?:特命全权大使|大使|总领事|领事|代表|公使|参赞))")
_ENDS_WITH_TITLE = re.compile("(?:%s)$" % "|".join(CORE_TITLES))
_ORG_SUFFIX = re.compile("(?:%s)$" % "|".join(map(re.escape, ORG_SUFFIXES)))
_CLOSE_BRACKETS = ")）"
# Role words that label a turn or introduce a person in a transcript.
ROLE_WORDS = {
    "主持人": "host", "主持": "host", "记者": "journalist", "本报记者": "journalist", "问": "journalist",
    "提问": "journalist", "网友": "audience", "观众": "audience", "听众": "audience", "读者": "audience",
    "提问者": "audience", "嘉宾": "guest", "受访嘉宾": "guest", "访谈嘉宾": "guest", "特邀嘉宾": "guest",
    "对话嘉宾": "guest", "答": "guest", "受访者": "guest", "采访对象": "guest", "主讲人": "speaker",
    "主讲嘉宾": "speaker", "Q": "journalist", "A": "guest", "与谈人": "guest", "与谈嘉宾": "guest", "访谈对象": "guest",
    "对话人": "guest",
}
# What a person is called by in a transcript after the introduction: "申局长", "易教授", "王先生".
HONORIFICS = ("先生", "女士", "老师", "同志", "总", "董", "博士", "教授", "律师", "医生", "大夫", "院士", "主任")


@dataclass(slots=True, frozen=True)
class Speaker:
    name: str  # normalised: no inner spaces, Simplified characters
    name_raw: str  # as the page wrote it
    position: str = ""
    org: str = ""


# A space between two characters of a Chinese or transliterated name.
_SPACE_IN_NAME = re.compile(r"(?<=[\u3400-\u9fff·•]) (?=[\u3400-\u9fff·•])")


@functools.lru_cache(maxsize=65536)  # pure, and asked of the same words many times per page
def normalize_name(raw: str) -> str:
    """"宫 鸣" → "宫鸣", "黃福來" → "黄福来"; Latin names keep their spaces."""
    name = _SPACE_IN_NAME.sub("", " ".join(raw.split()))
    return simplified(name).replace("•", "·")


@functools.lru_cache(maxsize=65536)  # pure, and asked of the same words many times per page
def is_position(text: str) -> bool:
    return bool(text) and _POSITION.fullmatch(simplified(text)) is not None


@functools.lru_cache(maxsize=65536)  # pure, and asked of the same words many times per page
def split_org_position(description: str) -> tuple[str, str]:
    """"最高人民检察院检察委员会副部级专职委员" → ("最高人民检察院", "检察委员会副部级专职委员").

    Returns ("", description) when no position can be recognised, ("", position) when there is
    no organisation before it.
    """
    tokens = description.split()
    # "资深财经评论员 某某日报副总编辑": a leading descriptor that is a post of no named unit
    # describes the person too, but the org belongs to the post after it.
    while (len(tokens) > 1 and _ENDS_WITH_TITLE.search(simplified(tokens[0])) and not split_org_position(tokens[0])[0]
           and any(split_org_position(token)[0] for token in tokens[1:])):
        tokens = tokens[1:]
    text = " ".join(tokens)
    envoy = _ENVOY.fullmatch(text.replace(" ", ""))
    if envoy:  # "埃及驻华大使": the country is the org
        return envoy.group("country"), envoy.group("post")
    if " " in text:  # "国家工业信息安全发展研究中心 副主任": the page separated them itself
        org, _, position = text.rpartition(" ")
        if is_position(position):
            return org.replace(" ", ""), position
        text = text.replace(" ", "")
    folded = simplified(text)
    if _POSITION.fullmatch(folded):
        return "", text
    best = None
    # The organisation is named once, before the first post; "、" only separates posts.
    last_end = folded.find("、") if "、" in folded else len(folded) - 1
    for end in range(last_end, 0, -1):
        if not _ORG_SUFFIX.search(folded[:end]):
            continue
        cut = end
        while cut < len(folded) and folded[cut] in _CLOSE_BRACKETS:
            cut += 1
        if _POSITION.fullmatch(folded[cut:]):
            best = cut
            break
    if best is None:
        return "", text
    org, position = text[:best], text[best:]
    for body in MEMBER_BODIES:
        if org.endswith(body) or simplified(org).endswith(body):
            outer = org[: -len(body)]
            if outer and _ORG_SUFFIX.search(simplified(outer)):
                return outer, body + position
    return org, position


# Praise, and the scope before it, ahead of what a person is ("我国著名", "台湾著名"): not part of the post.
_PRAISE = re.compile(r"^.*?(?:著名|知名|资深|杰出|优秀|权威)+(?=..)")
# Bracketed notes after a name that say nothing of who the person is.
_NOT_DESCRIPTIONS = frozenset("化名 音译 音 左 右 中 图 摄 记者 微博 博客 本报 下同".split())


@functools.lru_cache(maxsize=65536)  # pure, and asked of the same words many times per page
def bracket_description(text: str) -> tuple[str, str]:
    """(org, position) of the note in "NAME（…）", read leniently, since the brackets say it is
    about the person: "院士、我国细胞研究领域前辈" → 院士; "我国著名飞行器设计专家、北京航天航空大学
    教授" → the part that names an org; "为…预测的运动医学专家" → 运动医学专家; "重庆大学材料科学系"
    → an org alone; "著名科普作家" → 科普作家 (a profession the post grammar does not list)."""
    best_org, best_position, rank = "", "", 0
    for part in re.split(r"[、，,;；]", text):
        part = _PRAISE.sub("", part.strip().rpartition("的")[2].strip())
        if not part or simplified(part) in _NOT_DESCRIPTIONS:
            continue
        org, position = split_org_position(part)
        if is_position(position):
            found = (org, position, 3 if org else 2)
        elif _ORG_SUFFIX.search(simplified(part)):
            found = (part, "", 1)
        elif 2 <= len(part) <= 8 and all(map(is_cjk, part)):
            found = ("", part, 0.5)
        else:
            continue
        if found[2] > rank:
            best_org, best_position, rank = found[0] or best_org, found[1] or best_position, found[2]
        else:
            best_org, best_position = best_org or found[0], best_position or found[1]
    return best_org, best_position


def _uncommon_surname_name(token: str, before: list[str]) -> bool:
    """A 2–3 character name whose surname is not among the common ones ("茆荣华"), accepted
    only right after a recognisable post, which vouches for it."""
    return 2 <= len(token) <= 3 and all(map(is_cjk, token)) and bool(before) and is_position(
        split_org_position(" ".join(before))[1]
    )


def _name_at_end(text: str) -> tuple[str, str] | None:
    """(description, raw name) when `text` ends with a name: "…局长 申长雨", "…委员 宫 鸣",
    "…局长何振东" (glued), "…副总干事 马丁·霍夫曼"."""
    tokens = text.split()
    if len(tokens) >= 4 and all(len(token) == 1 and is_cjk(token) for token in tokens[-3:]):  # "…教授 張 文 華"
        name_raw = " ".join(tokens[-3:])
        if looks_like_name(name_raw.replace(" ", "")):
            return " ".join(tokens[:-3]), name_raw
    if len(tokens) >= 3 and len(tokens[-1]) == 1 and len(tokens[-2]) == 1 and is_cjk(tokens[-2]) and is_cjk(tokens[-1]):
        name_raw = f"{tokens[-2]} {tokens[-1]}"
        if looks_like_name(tokens[-2] + tokens[-1]):
            return " ".join(tokens[:-2]), name_raw
    if len(tokens) >= 2 and (looks_like_name(simplified(tokens[-1])) or _uncommon_surname_name(tokens[-1], tokens[:-1])):
        return " ".join(tokens[:-1]), tokens[-1]
    glued = tokens[-1] if tokens else ""
    for size in (3, 2, 4):  # a name glued to its title: "局长何振东"
        if len(glued) > size and looks_like_name(simplified(glued[-size:])):
            head = " ".join(tokens[:-1] + [glued[:-size]])
            if is_position(split_org_position(head)[1]):
                return head, glued[-size:]
    return None


def _name_and_title(text: str) -> tuple[str, str] | None:
    """(name as written, title) of "刘天模教授" (a name then the post or title it goes by) or
    (name, "") of a bare name; None when the text is neither."""
    if looks_like_name(normalize_name(text)):
        return text, ""
    for size in (3, 2, 4):
        head, title = text[:size], text[size:]
        if size == 4 and simplified(head[:2]) not in COMPOUND_SURNAMES:
            continue  # four characters are a name only with a compound surname ("欧阳明"), not "欧洲政府"
        if title and is_position(title) and is_name(normalize_name(head)) and not is_proper_noun(normalize_name(head)):
            return head, title  # not "华尔街分析师", "皮肤科医师": places and departments are no names
    return None


@functools.lru_cache(maxsize=65536)  # pure, and asked of the same words many times per page
def parse_description(text: str) -> Speaker | None:
    """A speaker written as "ORG POSITION NAME", "NAME ORG POSITION" or "NAME（ORG POSITION）";
    None when the text is not one."""
    text = " ".join(text.strip(" ：:").split())
    if not text or len(text) > 60:
        return None
    bracketed = re.fullmatch(r"(.+?)\s*[（(]([^（）()]+)[）)]", text)
    if bracketed:
        named = _name_and_title(bracketed.group(1))
        if named:
            name_raw, title = named
            org, position = bracket_description(bracketed.group(2))
            return Speaker(normalize_name(name_raw), name_raw, position or title, org)
    named = _name_and_title(text)
    if named and named[1]:
        return Speaker(normalize_name(named[0]), named[0], named[1])
    found = _name_at_end(text)
    if found:
        description, name_raw = found
        org, position = split_org_position(description)
        if is_position(position):
            return Speaker(normalize_name(name_raw), name_raw, position, org)
    first, _, rest = text.partition(" ")
    if rest and looks_like_name(normalize_name(first)):
        org, position = split_org_position(rest)
        if is_position(position):
            return Speaker(normalize_name(first), first, position, org)
    if looks_like_name(normalize_name(text)) and len(text) <= 8:
        return Speaker(normalize_name(text), text)
    return None


# People described in running text ("下面连线江南省交通运输厅副厅长王强", "李金泽同志现任…董事长").

# Words that open the clause before a person's description ("下面连线 … 王强", "欢迎 … 李金泽"):
# the description starts after the last of them.
_DESCRIPTION_OPENERS = re.compile(
    r"是|为|由|请|邀请到?|请到|连线|采访了?|专访了?|访问了?|对话|走访|欢迎|会见|记者|本报|日前|近日|昨天|昨日|今天|今日|下面|现任|担任|出任|作为|身为|特邀"
)
# A description after the name: "李金泽同志现任黑龙江省勃农机械有限责任公司党委书记、董事长兼总经理。"
_DESCRIPTION_AFTER = re.compile(r"(?:同志|先生|女士)?(?:现任|任|是|系|为|担任|出任)(?P<description>[^，。；：,;:！？!?]{2,40})")
_CONJUNCTION = re.compile(r"[和与及、]|以及")
_CLAUSE_END = re.compile(r"[，。；：！？,;:!?“”\"'‘’\s—－《》「」]")
_DESCRIPTION_CHARS = 60


def describe_in_text(name: str, text: str) -> Speaker | None:
    """Who `name` is, as `text` (Simplified) describes them right before or after the name, or
    None: an org and a post beat a post alone, the first such description wins."""
    best = None
    start = text.find(name)
    while start >= 0:
        before = text[max(0, start - _DESCRIPTION_CHARS) : start].rstrip()  # "…研究部主管 梁国权"
        clause = before[max((m.end() for m in _CLAUSE_END.finditer(before)), default=0):]
        cuts = [m.end() for m in _DESCRIPTION_OPENERS.finditer(clause)]
        # "…局长申长雨和北京大学法学院教授易明": the description starts after the person before
        cuts += [m.end() for m in _CONJUNCTION.finditer(clause) if _ends_with_person(clause[: m.start()])]
        for cut in [*sorted(cuts, reverse=True), 0]:
            org, position = split_org_position(clause[cut:]) if clause[cut:] else ("", "")
            if is_position(position) and parse_description(f"{clause[cut:]} {name}") is not None:
                best = _better(best, Speaker(name, name, position, org))
                break
        after = _DESCRIPTION_AFTER.match(text, start + len(name))
        if after:
            org, position = split_org_position(after.group("description"))
            if is_position(position) and org:
                best = _better(best, Speaker(name, name, position, org))
        if best and best.org:
            return best
        start = text.find(name, start + len(name))
    return best


def _ends_with_person(text: str) -> bool:
    """`text` ends with a described person ("国家知识产权局局长申长雨")."""
    return any(len(text) > size and looks_like_name(text[-size:]) and is_position(split_org_position(text[:-size])[1])
               for size in (3, 2))


def _better(known: Speaker | None, found: Speaker) -> Speaker:
    """The more complete of two descriptions of one person (an org and a post beat a post)."""
    if known is None or (found.org and not known.org):
        return found
    return known


def _surname_and_title(short: str) -> tuple[str, str]:
    folded = normalize_name(short)
    folded = folded[1:] if len(folded) == 2 and folded[0] in "老小" else folded
    surname = folded[:2] if folded[:2] in COMPOUND_SURNAMES else folded[:1]
    return surname, folded[len(surname):]


def is_short_form(text: str) -> bool:
    """A surname with a post or honorific ("申局长", "易教授"), or 老/小 + surname ("老王")."""
    surname, title = _surname_and_title(text)
    return bool(surname) and is_surname(surname[0]) and (
        (bool(title) and (title in HONORIFICS or is_position(title))) or (not title and text[:1] in "老小" and len(text) == 2))


def person_by_short_form(short: str, known: dict[str, Speaker], text: str) -> Speaker | None:
    """The one person a short form means — a surname with a post or honorific ("申局长",
    "易教授"), a bare surname ("申"), or 老/小 + surname — among the `known` people (by
    normalised name) and those `text` (Simplified) describes anywhere; None when not exactly one."""
    surname, title = _surname_and_title(short)
    if not surname or not is_surname(surname[0]) or (title and title not in HONORIFICS and not is_position(title)):
        return None
    people = {name: speaker for name, speaker in known.items() if name.startswith(surname) and not is_short_form(name)}
    start = text.find(surname)
    while start >= 0:
        for size in (3, 2):
            name = text[start : start + size]
            if name in people:
                break
            described = describe_in_text(name, text) if looks_like_name(name) else None
            if described:
                people[name] = described
                break
        start = text.find(surname, start + 1)
    if title and len(people) > 1:  # "申局长": the one whose post it is
        people = {name: p for name, p in people.items() if p.position.endswith(title)} or (people if title in HONORIFICS else {})
    return next(iter(people.values())) if len(people) == 1 else None


_TITLE_THEN_NAME = re.compile("(?:%s)(?=[\u3400-\u9fff])" % "|".join(CORE_TITLES))
_DOTTED_NAME = re.compile(r"[\u3400-\u9fff]{1,8}[·•][\u3400-\u9fff]{1,8}")
# What comes right after a name in running text: a cue, a preposition, punctuation.
AFTER_A_NAME = frozenset("表指在说认介强透称告等和与及也还则对向的率带出会一是就将已曾同今昨日近接坦直解建呼回提预估相承宣谈分补重披证否为"
                          "连主作受发参致讲答问进访没未不并通"
                          "，。、；：！？“”（() \n")


_SPEECH_VERBS = frozenset("指出 表示 认为 介绍 强调 透露 告诉 说道 称赞 讲话 回答 问道".split())


def described_people(text: str) -> list[Speaker]:
    """Everyone `text` (Simplified) names right after a post ("…发展局局长黄德明出席", "驻华大使
    哈桑·拉巴尼接受…"), with the description the text gives them, in order of first mention."""
    people: dict[str, Speaker] = {}
    for match in _TITLE_THEN_NAME.finditer(text):
        start = match.end()
        dotted = _DOTTED_NAME.match(text, start)
        if dotted:  # the name's last part runs up to what usually follows a name ("哈桑·拉巴尼接受…")
            given, _, family = dotted.group().partition("·" if "·" in dotted.group() else "•")
            family = family[: next((i for i, char in enumerate(family) if i and char in AFTER_A_NAME), len(family))]
            candidates = [f"{given}·{family}"]
        else:  # three characters unless the third starts a verb of speech ("讲师刘菲指出")
            verb = text[start + 2 : start + 4] in _SPEECH_VERBS or text[start + 2 : start + 3] in ("说", "称")
            candidates = [text[start : start + size] for size in ((2,) if verb else (3, 2))]
        for name in candidates:
            following = text[start + len(name) : start + len(name) + 1]
            if looks_like_name(name) and (dotted or not following or following in AFTER_A_NAME):
                if name not in people and (described := describe_in_text(name, text)):
                    people[name] = described
                break
    return list(people.values())
