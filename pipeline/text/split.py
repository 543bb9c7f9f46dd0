"""Split: cut a cleaned article into speeches, each attributed to one speaker.

Three layouts are recognised, and anything else has no speeches (never invented ones):

- keynote compilation: a heading and a speaker line ("国家知识产权局局长 申长雨", in either
  order) open each speech, which runs to the next heading+speaker pair;
- dialogue / transcript: turns labelled "主持人：", "记者：", "网友：", "问：/答：", "NAME：" or
  "NAME（ORG POSITION）："; unlabelled paragraphs continue the turn before them, until a
  sub-heading, a credit or the reporter's narration; introduction lines ("受访嘉宾：…",
  "主持人 NAME") are not turns but tell later turns who is speaking;
- single speech: a title "XX在…上的讲话" or "XX“…”演讲" — the body after any editor's note is
  one speech by XX, whose post the byline or the title gives.

A speech's text never holds its label or heading: those are kept in `speaker_label` and
`title`. Who a speaker is (org, position) is read from wherever the article says it: the label,
an introduction, the title, or a sentence that names them ("下面连线某省交通厅副厅长王强",
"李金泽现任…公司董事长") — one parse (`pipeline.text.speakers`) for all of them.

All matching runs on the text folded to Simplified script (character for character, so offsets
hold); names as written are cut from the page's own spelling.

Reported speech in narrative news ("申长雨表示，…") is not a speech here.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from pipeline.records import Article, Speech
from pipeline.text.credits import is_credit_line, is_photo_credit
from pipeline.text.names import join_spaced_names, looks_like_name, simplified
from pipeline.text.speakers import (
    ROLE_WORDS,
    Speaker,
    bracket_description,
    describe_in_text,
    described_people,
    is_position,
    normalize_name,
    parse_description,
    person_by_short_form,
    split_org_position,
)
from pipeline.text.textlines import line_starts

_SENTENCE_MARKS = re.compile(r"[，。！？；,!?;]")
_SENTENCE_END = re.compile(r"[。！？!?]")
# "王强：…", or "【王强】…" with the words after the brackets.
_TURN = re.compile(
    r"^(?P<label>[^：:，。！？“”\"]{1,40}?)\s*[：:]\s*(?P<rest>.*)$|^[【\[](?P<bracketed>[^】\]：:]{1,20})[】\]]\s*(?P<said>\S.*)$"
)
# The role words that introduce a transcript's guests and host ("受访嘉宾：ORG POSITION NAME");
# each is one of ROLE_WORDS, which gives its role.
_INTRODUCTION_ROLES = ("受访嘉宾", "访谈嘉宾", "特邀嘉宾", "对话嘉宾", "主讲嘉宾", "与谈嘉宾", "嘉宾", "主持人", "主持", "主讲人",
                       "采访对象", "访谈对象", "受访者", "与谈人", "对话人")
assert set(_INTRODUCTION_ROLES) <= set(ROLE_WORDS)
_INTRO = re.compile(
    rf"^(?P<role>{'|'.join(sorted(_INTRODUCTION_ROLES, key=len, reverse=True))})(?=[\s：:])\s*[：:]?\s*(?P<people>[^：:\s].*)$"
)
_PEOPLE_SEPARATORS = re.compile(r"\s*[；;，,]\s*|\s{2,}")
# What pages glue after a name in an introduction: a link to the person's blog or microblog.
_LINK_SUFFIX = re.compile(r"\s*[(（\[【<《]?(?:微博|博客|简介|个人主页|主页|twitter|weibo|blog)[)）\]】>》]?\s*$", re.IGNORECASE)
_SPEECH_WORDS = "讲话|致辞|发言|主旨演讲|演讲|报告|主旨发言|总结讲话|讲话全文|讲座"
_SINGLE_SPEECH_TITLE = re.compile(
    rf"^(?:[【\[][^】\]]*[】\]])?(?P<who>[^在，,“”\"]{{2,40}}?)在(?P<event>.+?)的(?:{_SPEECH_WORDS})"
)
# "台湾著名教育家许宜铭先生“关于亲子”演讲精选2": a person, a quoted topic, a speech word.
_QUOTED_TOPIC_SPEECH_TITLE = re.compile(
    rf"^(?:[【\[][^】\]]*[】\]])?(?P<who>[^在，,“”\"《》]{{2,40}}?)(?:先生|女士|教授|博士|老师)?\s*[“\"《「](?P<topic>[^”\"》」]+)[”\"》」]\s*"
    rf"(?:主题)?(?:{_SPEECH_WORDS})(?:精选|全文|实录|摘要|摘编|节选|稿)?\s*\d*$"
)
_INTERVIEWEE_TITLE = re.compile(r"(?:——|—|－|-|:|：|^)\s*(?:专访|访|对话)(?P<who>.{3,50})$")
_EDITOR_NOTE = re.compile(r"^[【\[（(]?(?:编者按|编者的话|编辑按|编者注|按)[】\]）)]?\s*[：:]?")
# A paragraph wholly in brackets: an editor's note or a date line, nobody's words ("（2024年2月26日）").
_NOTE = re.compile(r"^[（(][^（）()]*[）)]$")
_SUB_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|【.+】$|\d+[.、．]\s*\S)")
# Labels that look like short names but introduce data, not a speaker ("时间：", "地点：").
_NOT_SPEAKERS = frozenset(
    "时间 地点 主题 题目 地址 电话 来源 作者 编者按 编者 说明 备注 注 摘要 提要 导语 关键词 议程 主办 承办 协办 "
    "日期 会议 标签 链接 原标题 责编 编辑 记者手记 图 图片 视频 附 附件 同志们 各位 朋友们 女士们 简介 个人简介".split()
)
# A sentence of the reporter's, not the speaker's: it reports someone speaking or the reporter
# at work ("他说", "王强表示", "记者了解到").
_NARRATION = re.compile(
    r"^(?:记者|本报|据[^，。]{0,12}(?:介绍|了解|报道))|(?:他|她|其)(?:说|表示|指出|认为|告诉记者)|记者(?:了解|获悉|注意|发现|看到|问)"
)
_QUOTED = re.compile(r"“[^”]*”|「[^」]*」|\"[^\"]*\"")
_THIRD_PERSON_SUBJECT = re.compile(r"(?:^|[，。；！？：])(?:他|她)(?!们)")
_FIRST_OR_SECOND_PERSON = re.compile(r"[我咱你您]")
# Not a person's handle: a number or ordinal, a pronoun, a speech verb.
_NOT_A_HANDLE = re.compile(
    r"\d|^(?:第|例|其)|[一二三四五六七八九十][、.．]|[我你他她它]|[说道称曰]$|(?:提醒|表示|认为|指出|强调|介绍|建议|透露)$"
)
_ROLE_SUFFIX = re.compile(rf"^(?P<org>[^，。\s]{{2,24}}?)(?P<role>{'|'.join(sorted(ROLE_WORDS, key=len, reverse=True))})$")
# A news outlet as a label: the interviewer's ("新华网：").
_MEDIA = re.compile(r"(?:网|日报|晚报|早报|时报|电视台|电台|卫视|新华社|通讯社|频道|杂志|周刊)$")
_AUDIENCE_CUE = re.compile(r"网友|读者|观众|听众")
_HEADING_CHARS = 40
_SPEAKER_LINE_CHARS = 60
_SHORT_LABEL_CHARS = 8
# A run of this many consecutive labelled paragraphs is a list of people's comments.
_COMMENT_RUN = 3


@dataclass(slots=True)
class _Turn:
    speaker: Speaker
    role: str
    label: str  # as written, with its colon
    first: int
    skip: int  # characters of the first paragraph taken by the label
    last: int = -1


@dataclass(slots=True)
class _Cast:
    """The people an article introduces, by normalised name and by role."""

    by_name: dict[str, tuple[Speaker, str]] = field(default_factory=dict)
    by_role: dict[str, list[Speaker]] = field(default_factory=dict)

    def add(self, speaker: Speaker, role: str) -> None:
        if speaker.name and speaker.name not in self.by_name:
            self.by_name[speaker.name] = (speaker, role)
            self.by_role.setdefault(role, []).append(speaker)

    def only(self, role: str) -> Speaker | None:
        people = self.by_role.get(role, [])
        return people[0] if len(people) == 1 else None


def _is_heading(text: str) -> bool:
    return len(text) <= _HEADING_CHARS and not _SENTENCE_MARKS.search(text)


def speaker_line(text: str) -> Speaker | None:
    """The speaker a keynote's speaker line names ("北京市副市长 殷 勇"), or None."""
    if len(text) > _SPEAKER_LINE_CHARS or _SENTENCE_MARKS.search(text) or "：" in text or ":" in text:
        return None
    if is_credit_line(text) or is_photo_credit(text):  # "本报记者 某某", "新华社记者廖宇杰摄": no one gives a keynote as a reporter
        return None
    speaker = parse_description(text)
    return speaker if speaker and speaker.position else None


def _is_prose(paragraphs: list[str]) -> bool:
    """Most of the paragraphs are sentences: a speech, not an agenda or a list of titles."""
    return 2 * sum(1 for text in paragraphs if _SENTENCE_END.search(text)) >= len(paragraphs)


def _intro_person(text: str) -> Speaker | None:
    """One person of an introduction line: "ORG POSITION NAME", or descriptors then a name
    that need not be a common one ("资深财经评论员 某某日报副总编辑 老段(微博)"): the role word
    before them vouches that the last word is a name."""
    text = _LINK_SUFFIX.sub("", text).strip()
    person = parse_description(text)
    if person:
        return person
    *descriptors, name = text.split() or [""]
    if not 1 <= len(name) <= 6 or _SENTENCE_MARKS.search(name):
        return None
    described = [split_org_position(part) for part in descriptors]
    described = [(org, position) for org, position in described if position] or [("", "")]
    org, position = max(described, key=lambda pair: bool(pair[0]))  # the one that names an org
    if descriptors and not position:
        return None
    return Speaker(normalize_name(name), name, position, org)


def _intro(text: str) -> tuple[str, list[Speaker]] | None:
    """(role, people) of an introduction line such as "受访嘉宾：ORG POSITION NAME"."""
    match = _INTRO.match(text)
    if not match or _SENTENCE_END.search(text):
        return None
    people = [_intro_person(part) for part in _PEOPLE_SEPARATORS.split(match.group("people")) if part]
    if not people or any(person is None for person in people):
        # "资深财经评论员，某某日报副总编辑，老段": one person's descriptors, not several people
        people = [_intro_person(_PEOPLE_SEPARATORS.sub(" ", match.group("people")))]
        if people[0] is None:
            return None
    return ROLE_WORDS[match.group("role")], people


_WHOLE_QUOTATION = re.compile(r"[“「『][^“”「」『』]*[”」』][。！？!?]?")


def _turn_label(text: str) -> tuple[str, str, int] | None:
    """(label, the words after it, where they start) of a labelled paragraph."""
    match = _TURN.match(text)
    if not match:
        return None
    label_group, rest_group = ("label", "rest") if match.group("label") is not None else ("bracketed", "said")
    label = " ".join(match.group(label_group).split())
    if label in _NOT_SPEAKERS or _LINK_SUFFIX.sub("", label) in _NOT_SPEAKERS:
        return None
    return label, match.group(rest_group), match.start(rest_group)


def _described(speaker: Speaker, description: Speaker | None) -> Speaker:
    """`speaker` completed with what the article says of them elsewhere."""
    if description is None or (speaker.org and speaker.position):
        return speaker
    if not speaker.position or (not speaker.org and description.org and description.position.endswith(speaker.position)):
        return Speaker(speaker.name, speaker.name_raw, description.position, description.org)
    return speaker


@dataclass(slots=True, frozen=True)
class _Keynote:
    speaker: Speaker
    title: str
    label: str  # the speaker line as written
    opens: int  # its heading or speaker line, whichever comes first
    text: int  # the first paragraph of the speech's own words


def _keynotes(paragraphs: list[str], raw: list[str]) -> list[_Keynote]:
    """Each keynote's heading and speaker line; the caller closes the ranges. Speaker lines
    are read in the page's spelling (`raw`), so "宫 鸣" stays the raw name."""
    starts = []
    taken = set()
    for index, text in enumerate(raw):
        speaker = speaker_line(text)
        if speaker is None:
            continue
        before = index - 1
        after = index + 1
        if before >= 0 and before not in taken and _is_heading(paragraphs[before]) and speaker_line(paragraphs[before]) is None:
            starts.append(_Keynote(speaker, paragraphs[before], text, before, index + 1))
            taken.update((before, index))
        elif after < len(paragraphs) and _is_heading(paragraphs[after]) and speaker_line(paragraphs[after]) is None:
            starts.append(_Keynote(speaker, paragraphs[after], text, index, index + 2))
            taken.update((index, after))
        else:
            starts.append(_Keynote(speaker, "", text, index, index + 1))
            taken.add(index)
    return starts


def _introduced(title: str, folded: list[str]) -> tuple[_Cast, set[int]]:
    """The people the title and the introduction lines introduce, and those lines' indexes."""
    cast = _Cast()
    interviewee = _INTERVIEWEE_TITLE.search(title)
    if interviewee:
        person = parse_description(interviewee.group("who"))
        if person:
            cast.add(person, "guest")
    intros: set[int] = set()
    role = None  # the role of the introduction just read: the lines right after it may list more people
    for index, text in enumerate(folded):
        intro = _intro(text)
        if intro:
            role, people = intro
        elif role and (person := speaker_line(text)) is not None:  # "嘉宾：A" then a line "ORG POSITION B"
            people = [person]
        else:
            role = None
            continue
        for person in people:
            cast.add(person, role)
        intros.add(index)
    return cast, intros


def _comment_runs(labelled: list[tuple[int, str, str, int]], folded: list[str]) -> dict[int, str]:
    """The role of each paragraph in a run of consecutive paragraphs each opened by another
    short label with a sentence after it ("将就：…", "马青松：…"), some of them people's names:
    a list of people's comments — the audience's when the line before the run says so
    ("网友提出质疑："). Numbered points ("例一：", "1、初试科目："), clauses ("我说：") and
    role words are not such labels."""
    runs: dict[int, str] = {}
    run: list[tuple[int, str]] = []
    for index, label, rest, _ in [*labelled, (-2, "", "", 0)]:
        short = (len(label) <= _SHORT_LABEL_CHARS and label not in ROLE_WORDS and not _NOT_A_HANDLE.search(label)
                 and bool(_SENTENCE_END.search(rest) or len(rest) >= 30))
        if short and run and index == run[-1][0] + 1:
            run.append((index, label))
            continue
        labels = [label for _, label in run]
        names = sum(1 for label in labels if len(label) <= 3 and looks_like_name(label))  # 4-letter "名字" are rarely names
        if len(run) >= _COMMENT_RUN and len(set(labels)) == len(labels) and names >= 2:
            opening = run[0][0]
            role = "audience" if opening and _AUDIENCE_CUE.search(folded[opening - 1]) else "guest"
            runs.update((index, role) for index, _ in run)
        run = [(index, label)] if short else []
    return runs


def _dialogue(folded: list[str], raw: list[str], article: Article, cleaned: list[str]) -> list[_Turn]:
    """The turns of a transcript (at least two); [] for none. `folded` is the page's spelling
    folded to Simplified, `cleaned` the cleaned paragraphs folded (spaced names joined), where
    people are looked up."""
    cast, intros = _introduced(simplified(article.title), folded)
    labelled = [(index, *turn) for index, text in enumerate(folded) if index not in intros and (turn := _turn_label(text))]
    label_counts: dict[str, int] = {}
    speaks: set[str] = set()
    unquoted: set[str] = set()  # labels that say something outside quotation marks
    for index, label, rest, _ in labelled:
        label_counts[label] = label_counts.get(label, 0) + 1
        said = rest or (folded[index + 1] if index + 1 < len(folded) else "")
        if _SENTENCE_END.search(said) or (len(said) >= 30 and _SENTENCE_MARKS.search(said)):
            speaks.add(label)
        if not _WHOLE_QUOTATION.fullmatch(rest.strip()):
            unquoted.add(label)
    # "主任楊麗珍：「…」" between the reporter's sentences: a news report's soundbites (quotes),
    # never a transcript, whose turns are not put in quotation marks.
    speaks &= unquoted
    if sum(1 for _, label, _, _ in labelled if label in speaks) < 2:
        return []  # most pages: no two turns, and nothing below is worth its cost
    comments = _comment_runs(labelled, folded)
    title = simplified(article.title)
    first_turn = min((index for index, label, _, _ in labelled if label in speaks), default=len(folded))
    text = _Text(cast, join_spaced_names("\n".join([title, *cleaned])),
                 join_spaced_names("\n".join([title, *cleaned[:first_turn]])))
    alternating = _alternating(labelled, speaks)
    for _, label, _, _ in labelled:  # a guest labelled "NAME（POST）" once is NAME in every turn
        described = parse_description(label) if label in speaks and label not in ROLE_WORDS else None
        if described and (described.position or described.org):
            cast.add(_described(described, describe_in_text(described.name, text.text)), "guest")

    turns: list[_Turn] = []
    for index, label, _, skip in labelled:
        # A label under which nothing is ever said in a sentence is a form's field ("时间：",
        # "索引号：", an agenda's "主持人：NAME"), not a speaker.
        if label not in speaks:
            continue
        resolved = _resolve(label, label_counts[label], text, comments.get(index) or alternating.get(label))
        if resolved:
            speaker, role = resolved
            at = folded[index].find(speaker.name_raw) if speaker.name_raw else -1
            name_raw = raw[index][at : at + len(speaker.name_raw)] if at >= 0 else speaker.name_raw
            spoken = Speaker(speaker.name, name_raw, speaker.position, speaker.org)
            turns.append(_Turn(spoken, role, raw[index][:skip].strip(), index, skip))
    if len(turns) < 2:
        return []
    _close_turns(turns, folded, intros)
    turns = [turn for turn in turns if turn.last >= turn.first]
    return turns if len(turns) >= 2 else []


def _close_turns(turns: list[_Turn], folded: list[str], intros: set[int]) -> None:
    """Each turn runs over the unlabelled paragraphs after it, up to the next turn, an
    introduction, a sub-heading, a credit or a paragraph of the reporter's narration."""
    turn_starts = {turn.first for turn in turns}
    for turn in turns:
        last = turn.first
        if turn.skip == len(folded[turn.first]):  # the label stands alone: its words follow, if any
            if last + 1 >= len(folded) or last + 1 in turn_starts or last + 1 in intros:
                continue  # nothing said: no turn (turn.last stays -1)
            last += 1
        while last + 1 < len(folded) and last + 1 not in turn_starts and last + 1 not in intros:
            following = folded[last + 1]
            if (_SUB_HEADING.match(following) or _is_heading(following) or _NOTE.match(following)
                    or (len(following) <= _HEADING_CHARS and following.rstrip().endswith(("？", "?")))
                    or is_credit_line(following) or _turn_label(following)
                    or _is_narration(following, turn.speaker.name)):
                break
            last += 1
        turn.last = min(last, len(folded) - 1)


def _alternating(labelled: list[tuple[int, str, str, int]], speaks: set[str]) -> dict[str, str]:
    """Labels that answer an interviewer: each recurs, and an interviewer's or host's turn comes
    between every two of them ("记者：… 老段：… 记者：… 老段：…") — a guest, whatever the label
    looks like."""
    order = [label for _, label, _, _ in labelled if label in speaks]
    asking = {label for label in order if ROLE_WORDS.get(label) in ("journalist", "host")}
    found = {}
    for label in set(order) - set(ROLE_WORDS):
        places = [i for i, seen in enumerate(order) if seen == label]
        if (len(places) >= 2 and len(label) <= _SHORT_LABEL_CHARS and not _NOT_A_HANDLE.search(label)
                and all(asking & set(order[a + 1 : b]) for a, b in zip(places, places[1:]))):
            found[label] = "guest"
    return found


def _is_narration(text: str, speaker: str) -> bool:
    """A paragraph of the reporter's, not the speaker's: it reports someone speaking or the
    reporter at work, names the speaker in the third person, or — quotations aside — tells of
    "他/她" and never says "我" or "你"."""
    if _NARRATION.search(text) or (speaker and speaker in text):
        return True
    unquoted = _QUOTED.sub("", text)
    return bool(_THIRD_PERSON_SUBJECT.search(unquoted)) and not _FIRST_OR_SECOND_PERSON.search(unquoted)


@dataclass(slots=True)
class _Text:
    """What the article says, for telling who a label means: the people it introduces, its
    text (title first, folded), its lead (before the first turn) and the people it describes."""

    cast: _Cast
    text: str
    lead: str
    _people: list[Speaker] | None = None

    @property
    def people(self) -> list[Speaker]:  # described_people scans the whole text: only when a label needs it
        if self._people is None:
            self._people = described_people(self.text)
        return self._people


def _resolve(label: str, count: int, article: _Text, found_role: str | None) -> tuple[Speaker, str] | None:
    """Who speaks under `label`, or None when the label is no speaker's; `found_role` is the
    role the transcript's structure gives the label (see _comment_runs and _alternating)."""
    cast = article.cast
    if label in ROLE_WORDS:
        role = ROLE_WORDS[label]
        known = cast.only(role)
        if known is None and role == "guest":  # "答：" — the one person the lead describes
            in_lead = [person for person in described_people(article.lead) if person.position not in ROLE_WORDS]
            known = in_lead[0] if len(in_lead) == 1 else None
        return (known or Speaker("", "")), role
    bare = normalize_name(_LINK_SUFFIX.sub("", label))
    if bare in cast.by_name:  # a name the title or an introduction gave, in any short form
        known, role = cast.by_name[bare]
        return Speaker(known.name, label, known.position, known.org), role
    asking = _ROLE_SUFFIX.match(label)  # "中央广播电视总台央视记者", "本台主持人"
    if asking and ROLE_WORDS[asking.group("role")] != "guest":
        org = "" if asking.group("org") in ("本报", "本台", "本网", "本刊") else asking.group("org")
        return Speaker("", "", "", org), ROLE_WORDS[asking.group("role")]
    if _MEDIA.search(label) and not looks_like_name(bare):  # "新华网：" asks the questions
        return Speaker("", "", "", label), "journalist"
    described = parse_description(label)
    if described is None or not described.position:
        short = person_by_short_form(label, {speaker.name: speaker for speaker, _ in cast.by_name.values()}, article.text)
        if short:
            role = cast.by_name.get(short.name, (short, "guest"))[1]
            cast.add(short, role)
            return Speaker(short.name, label, short.position, short.org), role
        holder = _holder(label, bare, article.people)
        if holder:
            role = ROLE_WORDS.get(holder.position, "guest")
            cast.add(holder, role)
            return Speaker(holder.name, label, "" if role != "guest" else holder.position, holder.org), role
    if described is None:
        if found_role and not _SENTENCE_MARKS.search(label):
            return Speaker(bare, label), found_role
        return None
    if described.name in cast.by_name:
        known, role = cast.by_name[described.name]
        if described.position and not known.position:
            known = described
        return Speaker(known.name, described.name_raw, known.position, known.org), role
    elsewhere = describe_in_text(described.name, article.text)
    # An unknown bare name is a speaker only when it labels several turns, comes with a post,
    # is described somewhere in the article, or is one of a list of comments.
    if (described.position or "（" in label or "(" in label or elsewhere or found_role
            or (count >= 2 and looks_like_name(described.name))):
        described = _described(described, elsewhere)
        role = found_role if found_role and not elsewhere and not described.position else "guest"
        if described.position in ROLE_WORDS:  # "主持人林涛" in the lead, "林涛：" in the transcript
            role, described = ROLE_WORDS[described.position], Speaker(described.name, described.name_raw, "", described.org)
        cast.add(described, role)
        return described, role
    return None


def _holder(label: str, bare: str, people: list[Speaker]) -> Speaker | None:
    """The person the article describes under a label that is their post ("发展局局长：" after
    "发展局局长黄德明…"), or whose foreign name ends with the label ("拉巴尼：" for 哈桑·拉巴尼)."""
    org, position = split_org_position(label)
    if is_position(position):
        wanted = simplified(org + position)
        found = [person for person in people if simplified(person.org + person.position) == wanted
                 or (not org and simplified(person.position) == simplified(position))]
    else:
        found = [person for person in people if "·" in person.name and person.name.endswith("·" + bare)]
    return found[0] if len(found) == 1 else None


def _single_speech(article: Article) -> tuple[Speaker, int] | None:
    title = simplified(article.title)
    match = _SINGLE_SPEECH_TITLE.match(title) or _QUOTED_TOPIC_SPEECH_TITLE.match(title)
    if not match:
        return None
    who = article.title[match.start("who") : match.end("who")].strip()
    speaker = parse_description(who) or (Speaker(normalize_name(who), who) if looks_like_name(normalize_name(who)) else None)
    if speaker is None:
        speaker = _trailing_name(who)
    if speaker is None:
        return None
    byline = parse_description(article.byline) if article.byline else None
    if byline and byline.name == speaker.name and not speaker.position:
        speaker = byline
    first = 0
    while first < len(article.paragraphs) and (_EDITOR_NOTE.match(article.paragraphs[first]) or _NOTE.match(article.paragraphs[first])):
        first += 1
    return (speaker, first) if first < len(article.paragraphs) else None


def _trailing_name(who: str) -> Speaker | None:
    """"台湾著名教育家许宜铭" → 许宜铭, 教育家: a name at the end of a description whose post is
    a profession rather than an office."""
    for size in (3, 2, 4):
        name, description = who[-size:], who[:-size]
        if len(who) > size and looks_like_name(normalize_name(name)):
            org, position = split_org_position(description)
            if not is_position(position):
                org, position = bracket_description(description)
            return Speaker(normalize_name(name), name, position, org)
    return None


def _speech(index: int, speaker: Speaker, role: str, title: str, label: str, first: int, skip: int, last: int,
            paragraphs: list[str], offsets: list[int]) -> Speech:
    if skip >= len(paragraphs[first]) and first < last:  # a label alone in its paragraph
        first, skip = first + 1, 0
    texts = [paragraphs[first][skip:].lstrip(), *paragraphs[first + 1 : last + 1]]
    skip = len(paragraphs[first]) - len(texts[0])
    return Speech(
        index=index,
        speaker_name=speaker.name,
        speaker_name_raw=speaker.name_raw,
        # Folded like the name: a Traditional page's 局長 is the same post as 局长.
        speaker_position=simplified(speaker.position),
        speaker_org=simplified(speaker.org),
        role=role,
        title=title,
        speaker_label=label,
        paragraphs=tuple(texts),
        start_offset=offsets[first] + skip,
        end_offset=offsets[last] + len(paragraphs[last]),
    )


def _with_source(speaker: Speaker, role: str, article: Article) -> Speaker:
    """An interviewer the text leaves unnamed works for the outlet that published the interview."""
    outlet = re.split(r"[/／|｜\s]", article.source.strip(), maxsplit=1)[0] if article.source else ""
    if role == "journalist" and not speaker.org and outlet and "." not in outlet:
        return Speaker(speaker.name, speaker.name_raw, speaker.position, outlet)
    return speaker


def split(article: Article) -> Article:
    """A new Article with `speeches` filled; paragraphs are left as they are."""
    paragraphs = article.paragraphs
    if not paragraphs:
        return dataclasses.replace(article, speeches=[])
    offsets = line_starts(paragraphs)  # where each paragraph starts in body_text
    raw = article.paragraphs_raw if len(article.paragraphs_raw) == len(paragraphs) else paragraphs
    folded = [simplified(text) for text in paragraphs]
    speeches: list[Speech] = []
    turns = _dialogue(folded if raw is paragraphs else [simplified(text) for text in raw], raw, article, folded)
    keynotes = _keynotes(paragraphs, raw) if not turns else []
    if keynotes:
        for number, keynote in enumerate(keynotes):
            last = keynotes[number + 1].opens - 1 if number + 1 < len(keynotes) else len(paragraphs) - 1
            if keynote.text <= last and _is_prose(folded[keynote.text : last + 1]):
                speeches.append(_speech(len(speeches), keynote.speaker, "speaker", keynote.title, keynote.label,
                                        keynote.text, 0, last, paragraphs, offsets))
    elif turns:
        for number, turn in enumerate(turns):
            speaker = _with_source(turn.speaker, turn.role, article)
            label = _turn_label(folded[turn.first])  # the label's length in the cleaned text
            speeches.append(_speech(number, speaker, turn.role, "", turn.label, turn.first, label[2] if label else 0, turn.last,
                                    paragraphs, offsets))
    else:
        single = _single_speech(article)
        if single:
            speaker, first = single
            speeches.append(_speech(0, speaker, "speaker", "", "", first, 0, len(paragraphs) - 1, paragraphs, offsets))
    return dataclasses.replace(article, speeches=speeches)
