from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.text.extract.dates import (
    DEFAULT_ZONE,
    _best_dated_line,
    date_from_lines,
    date_from_meta,
    date_from_url,
    month_from_lines,
    parse_date,
    published_time,
)


def beijing(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=DEFAULT_ZONE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发布时间: 2022/4/27 18:40:00", beijing(2022, 4, 27, 18, 40)),
        ("2022年04月27日 18:40", beijing(2022, 4, 27, 18, 40)),
        ("2022年4月27日18时40分", beijing(2022, 4, 27, 18, 40)),
        ("2005-5-7 21:23:57", beijing(2005, 5, 7, 21, 23, 57)),
        ("2005.03.11", beijing(2005, 3, 11)),
        ("2005-04-03 05:19PM", beijing(2005, 4, 3, 17, 19)),
        ("2004年12月11日 下午3:05", beijing(2004, 12, 11, 15, 5)),
        ("20050311", beijing(2005, 3, 11)),
        ("9/17/2004 5:54:13 AM", beijing(2004, 9, 17, 5, 54, 13)),
        ("7/5/2005 9:23:57 PM", beijing(2005, 7, 5, 21, 23, 57)),
        ("12/3/2005 12:10 AM", beijing(2005, 12, 3, 0, 10)),
        ("17/09/2004", beijing(2004, 9, 17)),
        ("05/07/2005 14:20", beijing(2005, 7, 5, 14, 20)),
        ("2022-04-27T10:40:00Z", datetime(2022, 4, 27, 10, 40, tzinfo=UTC)),
        ("2022-04-27T18:40:00+08:00", datetime(2022, 4, 27, 18, 40, tzinfo=timezone(timedelta(hours=8)))),
        ("2022-02-30", None),
        ("no date here", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_every_date_is_aware():
    assert parse_date("2022-04-27 18:40").tzinfo is not None


def test_meta_keys_in_order_of_trust():
    meta = {"date": "2020-01-01", "article:published_time": "2022-04-27T18:40:00+08:00"}
    assert date_from_meta(meta) == datetime.fromisoformat("2022-04-27T18:40:00+08:00")


def test_url_dates():
    assert date_from_url("http://x.cn/zscqb/2022/04/27/a.html") == beijing(2022, 4, 27)
    assert date_from_url("http://x.cn/20050311/n224643115.shtml") == beijing(2005, 3, 11)
    assert date_from_url("http://x.cn/a/b.html") is None


def test_labelled_line_near_the_article_wins_over_dates_in_prose():
    lines = [
        "热点新闻 2021-01-01 10:00",
        "发布时间：2022-02-13 23:37",
        "沈斌同志因病医治无效，于2022年2月12日23时16分在上海逝世，享年78岁。",
        "更多内容",
    ]
    assert date_from_lines(lines, anchor=2) == beijing(2022, 2, 13, 23, 37)


def test_a_date_written_year_last_is_read_on_the_page():
    lines = ["茉莉：我是怎样卷入八九民运的", "发布日期：", "7/5/2005 9:23:57 PM",
             "【看中国2005年07月03日报道】一九八九年四月，我在湖南开一个会议。"]
    assert date_from_lines(lines, anchor=0) == beijing(2005, 7, 5, 21, 23, 57)


def test_nearest_date_before_the_article_beats_a_labelled_one_far_below():
    lines = ["2004-12-10 阅读10544次", "正文第一段。"] + ["……"] * 300 + ["发表时间：2004-12-11 9:51:00"]
    assert date_from_lines(lines, anchor=1) == beijing(2004, 12, 10)


def test_month_only_dates_are_a_last_resort_with_month_precision():
    lines = ["正文。", "——《北京之春》1998年3月号"]
    assert month_from_lines(lines, anchor=0) == beijing(1998, 3, 1)
    assert published_time({}, lines, 0, "http://x.invalid/a.html") == (beijing(1998, 3, 1), "month")


def test_metadata_day_takes_the_time_shown_on_the_page():
    moment, precision = published_time({"pubdate": "2022-02-13"}, ["2022-02-13 07:48 来源：新华网"], 1, "")
    assert (moment, precision) == (beijing(2022, 2, 13, 7, 48), "time")


def test_unknown_date():
    assert published_time({}, ["没有日期的一行"], 0, "http://x.invalid/") == (None, "")


DATED_LINES = st.sampled_from([
    "首页 > 新闻", "发布时间：2022-04-27 18:40", "2021年3月5日", "来源：新华社 2020/01/02",
    "这是一段正文，提到了2019年5月6日召开的会议。", "18:40", "2023-07-08", "编辑：晏如", "",
    "相关新闻 2018-02-03 10:00", "正文第二段，没有日期。", "9/17/2004 5:54:13 AM",
])


@given(st.lists(DATED_LINES, max_size=80), st.integers(min_value=0, max_value=80))
def test_the_window_around_the_article_finds_what_the_whole_page_would(lines, anchor):
    anchor = min(anchor, len(lines))
    whole_page = _best_dated_line(lines, 0, len(lines), anchor)
    assert date_from_lines(lines, anchor) == (whole_page[-1] if whole_page else None)
