"""Split: cut a cleaned article into speeches, each attributed to one speaker.

Three layouts are recognised, and anything else has no speeches (never invented ones):

- keynote compilation: a heading and a speaker line ("国家知识产权局局长 申长雨", in either
  order) open each speech, which runs to the next heading+speaker pair;
- dialogue / transcript: turns labelled "主持人：", "记者：", "网友：", "问：/答：", "NAME：" or
  "NAME（ORG POSITION）："; unlabelled paragraphs continue the turn before them; short
  sub-headings between turns belong to no one; introduction lines ("受访嘉宾：…",
  "主持人 NAME") are not turns but tell later turns who is speaking;
- single speech: a title "XX在…上的讲话" — the body after any editor's note is one speech
  by XX, whose post the byline or the title gives.

Reported speech in narrative news ("申长雨表示，…") is not a speech here.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from pipeline.records import Article, Speech
from pipeline.text.credits import is_credit_line
from pipeline.text.names import looks_like_name, simplified
from pipeline.text.speakers import ROLE_WORDS, Speaker, normalize_name, parse_description
from pipeline.text.textlines import line_starts

_SENTENCE_MARKS = re.compile(r"[，。！？；,!?;]")
_SENTENCE_END = re.compile(r"[。！？!?]")
_TURN = re.compile(r"^(?P<label>[^：:，。！？“”\"]{1,40}?)\s*[：:]\s*(?P<rest>.*)$")
# The role words that introduce a transcript's guests and host ("受访嘉宾：ORG POSITION NAME");
# each is one of ROLE_WORDS, which gives its role.
_INTRODUCTION_ROLES = ("受访嘉宾", "访谈嘉宾", "特邀嘉宾", "对话嘉宾", "主讲嘉宾", "嘉宾", "主持人", "主持", "主讲人", "采访对象")
assert set(_INTRODUCTION_ROLES) <= set(ROLE_WORDS)
_INTRO = re.compile(rf"^(?P<role>{'|'.join(_INTRODUCTION_ROLES)})\s*[：:]?\s*(?P<people>.+)$")
_PEOPLE_SEPARATORS = re.compile(r"\s*[；;，,]\s*|\s{2,}")
_SINGLE_SPEECH_TITLE = re.compile(
    r"^(?:[【\[][^】\]]*[】\]])?(?P<who>[^在，,]{2,40}?)在(?P<event>.+?)的(?:讲话|致辞|发言|主旨演讲|演讲|报告|主旨发言|总结讲话|讲话全文)"
)
_INTERVIEWEE_TITLE = re.compile(r"(?:——|—|－|-|:|：|^)\s*(?:专访|访|对话)(?P<who>.{3,50})$")
_EDITOR_NOTE = re.compile(r"^[【\[（(]?(?:编者按|编者的话|编辑按|编者注|按)[】\]）)]?\s*[：:]?")
_SUB_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|【.+】$|\d+[.、．]\s*\S)")
# Labels that look like short names but introduce data, not a speaker ("时间：", "地点：").
_NOT_SPEAKERS = frozenset(
    "时间 地点 主题 题目 地址 电话 来源 作者 编者按 编者 说明 备注 注 摘要 提要 导语 关键词 议程 主办 承办 协办 "
    "日期 会议 标签 链接 原标题 责编 编辑 记者手记 图 图片 视频 附 附件 同志们 各位 朋友们 女士们".split()
)
_HEADING_CHARS = 40
_SPEAKER_LINE_CHARS = 60


@dataclass(slots=True)
class _Turn:
    speaker: Speaker
    role: str
    first: int
    last: int


@dataclass(slots=True)
class _Cast:
    """The people a transcript introduces, by normalised name and by role."""

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
    if is_credit_line(text):  # "本报记者 某某" credits the reporter: no one gives a keynote as a reporter
        return None
    speaker = parse_description(text)
    return speaker if speaker and speaker.position else None


def _intro(text: str) -> tuple[str, list[Speaker]] | None:
    """(role, people) of an introduction line such as "受访嘉宾：ORG POSITION NAME"."""
    match = _INTRO.match(text)
    if not match or _SENTENCE_END.search(text):
        return None
    people = [parse_description(part) for part in _PEOPLE_SEPARATORS.split(match.group("people")) if part]
    if not people or any(person is None for person in people):
        return None
    return ROLE_WORDS[match.group("role")], people


def _turn_label(text: str) -> tuple[str, str] | None:
    match = _TURN.match(text)
    if not match or len(match.group("rest")) == 0 and len(text) < 6:
        return None
    label = " ".join(match.group("label").split())
    if label in _NOT_SPEAKERS:
        return None
    return label, match.group("rest")


def _speech(index: int, speaker: Speaker, role: str, title: str, first: int, last: int,
            paragraphs: list[str], offsets: list[int]) -> Speech:
    return Speech(
        index=index,
        speaker_name=speaker.name,
        speaker_name_raw=speaker.name_raw,
        # Folded like the name: a Traditional page's 局長 is the same post as 局长.
        speaker_position=simplified(speaker.position),
        speaker_org=simplified(speaker.org),
        role=role,
        title=title,
        paragraphs=tuple(paragraphs[first : last + 1]),
        start_offset=offsets[first],
        end_offset=offsets[last] + len(paragraphs[last]),
    )


def _keynotes(paragraphs: list[str], raw: list[str]) -> list[tuple[Speaker, str, int]]:
    """(speaker, title, first paragraph) of each keynote; the caller closes the ranges.
    Speaker lines are read in the page's spelling (`raw`), so "宫 鸣" stays the raw name."""
    starts = []
    taken = set()
    for index, text in enumerate(raw):
        speaker = speaker_line(text)
        if speaker is None:
            continue
        before = index - 1
        after = index + 1
        if before >= 0 and before not in taken and _is_heading(paragraphs[before]) and speaker_line(paragraphs[before]) is None:
            starts.append((speaker, paragraphs[before], before))
            taken.update((before, index))
        elif after < len(paragraphs) and _is_heading(paragraphs[after]) and speaker_line(paragraphs[after]) is None:
            starts.append((speaker, paragraphs[after], index))
            taken.update((index, after))
        else:
            starts.append((speaker, "", index))
            taken.add(index)
    return starts


def _dialogue(paragraphs: list[str], title: str) -> list[_Turn]:
    """The turns of a transcript (at least two), read in the page's spelling; [] for none."""
    cast = _Cast()
    interviewee = _INTERVIEWEE_TITLE.search(title)
    if interviewee:
        person = parse_description(interviewee.group("who"))
        if person:
            cast.add(person, "guest")
    labelled: list[tuple[int, str, str]] = []
    intros: set[int] = set()
    for index, text in enumerate(paragraphs):
        intro = _intro(text)
        if intro:
            role, people = intro
            for person in people:
                cast.add(person, role)
            intros.add(index)
            continue
        turn = _turn_label(text)
        if turn:
            labelled.append((index, *turn))
    label_counts: dict[str, int] = {}
    speaks: set[str] = set()
    for index, label, rest in labelled:
        label_counts[label] = label_counts.get(label, 0) + 1
        said = rest or (paragraphs[index + 1] if index + 1 < len(paragraphs) else "")
        if _SENTENCE_END.search(said) or (len(said) >= 30 and _SENTENCE_MARKS.search(said)):
            speaks.add(label)

    turns: list[_Turn] = []
    for index, label, _ in labelled:
        # A label under which nothing is ever said in a sentence is a form's field ("时间：",
        # "索引号：", an agenda's "主持人：NAME"), not a speaker.
        resolved = _resolve(label, label_counts[label], cast) if label in speaks else None
        if resolved:
            turns.append(_Turn(resolved[0], resolved[1], index, index))
    if len(turns) < 2:
        return []
    turn_starts = {turn.first for turn in turns}
    for turn in turns:
        last = turn.first
        while last + 1 < len(paragraphs) and last + 1 not in turn_starts and last + 1 not in intros:
            following = paragraphs[last + 1]
            if _SUB_HEADING.match(following) or (_is_heading(following) and not _SENTENCE_END.search(following)):
                break
            last += 1
        turn.last = last
    return turns


def _resolve(label: str, count: int, cast: _Cast) -> tuple[Speaker, str] | None:
    """Who speaks under `label`, or None when the label is no speaker's."""
    if label in ROLE_WORDS:
        role = ROLE_WORDS[label]
        known = cast.only(role)
        return (known or Speaker("", "")), role
    described = parse_description(label)
    if described is None:
        return None
    if described.name in cast.by_name:
        known, role = cast.by_name[described.name]
        if described.position and not known.position:
            known = described
        return Speaker(known.name, described.name_raw, known.position, known.org), role
    # An unknown bare name is a speaker only when it labels several turns or comes with a post.
    if described.position or "（" in label or "(" in label or (count >= 2 and looks_like_name(described.name)):
        cast.add(described, "guest")
        return described, "guest"
    return None


def _single_speech(article: Article) -> tuple[Speaker, int] | None:
    match = _SINGLE_SPEECH_TITLE.match(article.title)
    if not match:
        return None
    who = match.group("who").strip()
    speaker = parse_description(who) or (Speaker(normalize_name(who), who) if looks_like_name(normalize_name(who)) else None)
    if speaker is None:
        return None
    byline = parse_description(article.byline) if article.byline else None
    if byline and byline.name == speaker.name and not speaker.position:
        speaker = byline
    first = 0
    while first < len(article.paragraphs) and _EDITOR_NOTE.match(article.paragraphs[first]):
        first += 1
    return (speaker, first) if first < len(article.paragraphs) else None


def split(article: Article) -> Article:
    """A new Article with `speeches` filled; paragraphs are left as they are."""
    paragraphs = article.paragraphs
    offsets = line_starts(paragraphs)  # where each paragraph starts in body_text
    speeches: list[Speech] = []
    raw = article.paragraphs_raw if len(article.paragraphs_raw) == len(paragraphs) else paragraphs
    turns = _dialogue(raw, article.title)
    keynotes = _keynotes(paragraphs, raw) if not turns else []
    if keynotes:
        for number, (speaker, title, first) in enumerate(keynotes):
            last = keynotes[number + 1][2] - 1 if number + 1 < len(keynotes) else len(paragraphs) - 1
            speeches.append(_speech(number, speaker, "speaker", title, first, last, paragraphs, offsets))
    elif turns:
        for number, turn in enumerate(turns):
            speeches.append(_speech(number, turn.speaker, turn.role, "", turn.first, turn.last, paragraphs, offsets))
    else:
        single = _single_speech(article)
        if single:
            speaker, first = single
            speeches.append(_speech(0, speaker, "speaker", "", first, len(paragraphs) - 1, paragraphs, offsets))
    return dataclasses.replace(article, speeches=speeches)
