from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from pipeline.textlines import line_of, line_starts, lines_containing, lines_matching

LINES = ["首页", "版权所有 © 2024", "正文第一段。", "", "本文未经许可不得转载"]


def test_line_starts_and_line_of_map_positions_of_the_joined_text():
    starts = line_starts(LINES)
    joined = "\n".join(LINES)
    assert starts == [0, 3, 15, 22, 23]
    for index, line in enumerate(LINES):
        assert joined[starts[index] : starts[index] + len(line)] == line
        assert line_of(starts, starts[index]) == index


def test_lines_containing_and_matching():
    assert lines_containing(LINES, ("版权", "未经")) == {1, 4}
    assert lines_containing(LINES, ("不存在",)) == set()
    assert lines_matching(re.compile(r"未经(?:许可|授权)"), LINES, ("未经",)) == {4}
    assert lines_matching(re.compile(r"\d{4}"), LINES) == {1}


@given(st.lists(st.text(alphabet="ab\u7248\u6743 x", max_size=8), max_size=12))
def test_joined_search_agrees_with_a_search_per_line(lines):
    pattern = re.compile("a+b|\u7248\u6743")
    expected = {index for index, line in enumerate(lines) if pattern.search(line)}
    assert lines_matching(pattern, lines) == expected
    assert lines_matching(pattern, lines, ("ab", "\u7248\u6743")) == expected
