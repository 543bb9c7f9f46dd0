"""Publish time: from structured metadata first, then from the dated line nearest the article."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from pipeline.text.textlines import line_of, line_starts, lines_containing

# Chinese news sites publish in Beijing time and rarely say so.
DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")

_DATE_TIME = re.compile(
    r"(?<!\d)((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?"
    r"(?:\s*(?:T|\s)?\s*(上午|下午|晚上|早上)?\s*(\d{1,2})\s*[:：时点]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?"
    r"\s*(?:秒)?\s*(am|pm)?\s*(Z|[+-]\d\d:?\d\d)?)?",
    re.IGNORECASE,
)
# Without a lookbehind the scan for it runs at C speed; the digit before is checked after.
_YEAR = re.compile(r"(?:19|20)\d\d")
# Year last, as English-language software prints dates ("9/17/2004 5:54:13 AM"): the month
# first when the clock has AM/PM (the US form) or the second number cannot be a month, the
# day first otherwise ("17/09/2004", as in Hong Kong and Britain).
_YEAR_LAST = re.compile(
    r"(?<!\d)(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)(?!\d)"
    r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?)?"
)
# How far before a year its "M/D/" can start.
_YEAR_LAST_LEAD = 6
# "1998年3月号", "2003年5月": a month with no day, as magazines and archives date articles.
_YEAR_MONTH = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*[日号])")
_COMPACT_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)(\d\d)(\d\d)(?!\d)")
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-/_]?(\d\d)[-/_]?(\d\d)(?!\d)")
_URL_YEAR_MONTH_DAY = re.compile(r"/((?:19|20)\d\d)[-_]?(\d\d)/(\d\d)/")
_LABEL = re.compile(r"发布|发表|时间|日期|更新|刊发|来源|posted|published|date", re.IGNORECASE)

META_DATE_KEYS = (
    "article:published_time", "og:article:published_time", "og:published_time", "datepublished",
    "pubdate", "publishdate", "publish_date", "publishtime", "publish-date", "dc.date.issued",
    "dc.date", "dcterms.created", "sailthru.date", "parsely-pub-date", "weibo:article:create_at",
    "article_date_original", "cxenseparse:recs:publishtime", "date",
)


def parse_date(text: str) -> datetime | None:
    """The first date (with time when given) in `text`, as an aware datetime, or None."""
    match = _DATE_TIME.search(text)
    if match:
        return _from_match(match)
    match = _YEAR_LAST.search(text)
    if match:
        return _from_year_last(match)
    match = _COMPACT_DATE.search(text)
    if match:
        return _build(match.group(1), match.group(2), match.group(3))
    return None


def _build(year: str, month: str, day: str, hour: int = 0, minute: int = 0, second: int = 0,
           zone: str | None = None) -> datetime | None:
    try:
        moment = datetime(int(year), int(month), int(day), hour, minute, second)
    except ValueError:
        return None
    if zone:
        if zone.upper() == "Z":
            return moment.replace(tzinfo=UTC)
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return moment.replace(tzinfo=timezone(sign * offset))
    return moment.replace(tzinfo=DEFAULT_ZONE)


def _from_match(match: re.Match[str]) -> datetime | None:
    year, month, day, half_day, hour, minute, second, am_pm, zone = match.groups()
    hour_value = int(hour) if hour else 0
    if hour_value < 12 and ((half_day in ("下午", "晚上")) or (am_pm and am_pm.lower() == "pm")):
        hour_value += 12
    if hour_value > 23 or (minute and int(minute) > 59) or (second and int(second) > 59):
        hour_value, minute, second = 0, None, None
    return _build(year, month, day, hour_value, int(minute or 0), int(second or 0), zone)


def _from_year_last(match: re.Match[str]) -> datetime | None:
    first, second, year, hour, minute, second_of_minute, am_pm = match.groups()
    month, day = (first, second) if am_pm or int(second) > 12 else (second, first)
    hour_value = int(hour or 0)
    if am_pm:
        hour_value = hour_value % 12 + (12 if am_pm.lower() == "pm" else 0)
    if hour_value > 23 or int(minute or 0) > 59 or int(second_of_minute or 0) > 59:
        hour_value, minute, second_of_minute = 0, None, None
    return _build(year, month, day, hour_value, int(minute or 0), int(second_of_minute or 0))


def _date_at(text: str, position: int) -> tuple[datetime, int, bool] | None:
    """(date, where it starts, whether it gives a time of day) for a date whose year is at
    `position`, written year first or year last; None when the year begins no date."""
    match = _DATE_TIME.match(text, position)
    if match is not None:
        moment = _from_match(match)
        return (moment, position, match.group(5) is not None) if moment else None
    if text[position - 1 : position] != "/":
        return None
    match = _YEAR_LAST.search(text, max(0, position - _YEAR_LAST_LEAD), position + 40)
    if match is None or match.start(3) != position:
        return None
    moment = _from_year_last(match)
    return (moment, match.start(), match.group(4) is not None) if moment else None


def date_from_meta(meta: dict[str, str]) -> datetime | None:
    for key in META_DATE_KEYS:
        value = meta.get(key)
        if value:
            parsed = parse_date(value)
            if parsed:
                return parsed
    return None


def date_from_url(url: str) -> datetime | None:
    for pattern in (_URL_YEAR_MONTH_DAY, _URL_DATE):
        match = pattern.search(url)
        if match:
            parsed = _build(*match.groups())
            if parsed:
                return parsed
    return None


# Dated lines are looked for around the start of the article first, in windows of (lines
# before, lines after) that widen until one can decide; the whole page last.
_WINDOWS = ((20, 10), (80, 40))
# Lines after a window that a date may run on into ("2022-04-27" / "18:40").
_SPILL_LINES = 4


def date_from_lines(lines: list[str], anchor: int) -> datetime | None:
    """The best-placed date among page lines, or None.

    Each dated line is scored by how far it stands from the start of the article (`anchor`;
    lines after it count double, since dates lead articles), with penalties for a date that
    no label ("发布时间") introduces, one without a time of day, and one inside a sentence
    of prose (a date the article talks about, not when it was published).
    """
    for before, after in _WINDOWS:
        first, stop = max(0, anchor - before), min(len(lines), anchor + after)
        best = _best_dated_line(lines, first, stop, anchor)
        if first == 0 and stop == len(lines):
            return best[-1] if best else None
        # A score is at least the line's distance, and every line outside is farther than this.
        outside = min(anchor - first + 1 if first else 2**31, 2 * (stop - anchor) + 1 if stop < len(lines) else 2**31)
        if best is not None and best[0] < outside:
            return best[-1]
    best = _best_dated_line(lines, 0, len(lines), anchor)
    return best[-1] if best else None


def _best_dated_line(lines: list[str], first: int, stop: int, anchor: int) -> tuple[int, int, int, datetime] | None:
    """(score, line index, offset, date) of the best date in lines[first:stop]; equal scores
    go to the earlier date on the page."""
    # One regex pass for years; then full dates are parsed nearest first, stopping once no
    # farther line could score better (a score is at least the distance).
    window = lines[first : stop + _SPILL_LINES]
    text = "\n".join(window)
    starts = line_starts(window)
    candidates = []
    for year in _YEAR.finditer(text):
        position = year.start()
        if position and text[position - 1].isdecimal():
            continue
        index = first + line_of(starts, position)
        if index >= stop:
            break
        distance = anchor - index if index < anchor else 2 * (index - anchor) + 1
        candidates.append((distance, position, index))
    candidates.sort()
    best = None
    for distance, position, index in candidates:
        if best is not None and distance > best[0]:
            break
        line = lines[index]
        if len(line) > 200:
            continue
        found = _date_at(text, position)
        if found is None:
            continue
        moment, start, timed = found
        offset = start - starts[index - first]
        prose = len(line) > 60 or "。" in line or "，" in line
        labelled = bool(_LABEL.search(line[max(0, offset - 12) : offset]))
        score = distance + 3 * (not labelled) + 2 * (not timed) + 10 * prose
        if best is None or (score, index, offset) < best[:3]:
            best = (score, index, offset, moment)
    return best


def month_from_lines(lines: list[str], anchor: int) -> datetime | None:
    """For pages dated only by month ("《北京之春》1998年3月号"): the first day of the month
    named nearest the article. Only a last resort, when no line carries a full date."""
    best_distance, best = float("inf"), None
    for index in sorted(lines_containing(lines, ("月",))):
        line = lines[index]
        if len(line) > 200:
            continue
        distance = abs(index - anchor)
        match = _YEAR_MONTH.search(line)
        if match and distance < best_distance:
            moment = _build(match.group(1), match.group(2), "1")
            if moment:
                best_distance, best = distance, moment
    return best


def precision_of(moment: datetime) -> str:
    """"day" for a date at midnight (no time of day given), else "time"."""
    return "day" if moment.time() == time() else "time"


def published_time(meta: dict[str, str], lines: list[str], anchor: int, url: str) -> tuple[datetime | None, str]:
    """(publish time, its precision: "time", "day" or "month"; "" when unknown).

    From metadata, else page lines, else the URL, else a month named on the page. A metadata
    date without a time of day takes the time from a page line of the same day.
    """
    from_meta = date_from_meta(meta)
    # Page lines are read only when metadata gives no time of day.
    from_lines = date_from_lines(lines, anchor) if from_meta is None or from_meta.time() == time() else None
    if from_meta and from_lines and from_lines.date() == from_meta.date():
        from_meta = from_lines
    found = from_meta or from_lines or date_from_url(url)
    if found:
        return found, precision_of(found)
    month = month_from_lines(lines, anchor)
    return month, "month" if month else ""
