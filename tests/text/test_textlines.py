from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.text.textlines import line_of, line_starts, lines_containing

LINES = ["首页", "版权所有 © 2024", "正文第一段。", "", "本文未经许可不得转载"]


def test_line_starts_and_line_of_map_positions_of_the_joined_text():
    starts = line_starts(LINES)
    joined = "\n".join(LINES)
    assert starts == [0, 3, 15, 22, 23]
    for index, line in enumerate(LINES):
        assert joined[starts[index] : starts[index] + len(line)] == line
        assert line_of(starts, starts[index]) == index


def test_lines_containing():
    assert lines_containing(LINES, ("版权", "未经")) == {1, 4}
    assert lines_containing(LINES, ("不存在",)) == set()
    assert lines_containing([], ("x",)) == set()


@given(st.lists(st.text(alphabet="ab\u7248\u6743 x", max_size=8), max_size=12),
       st.lists(st.sampled_from(["ab", "\u7248\u6743", "x x", "b"]), min_size=1, max_size=3))
def test_joined_search_agrees_with_a_search_per_line(lines, substrings):
    expected = {index for index, line in enumerate(lines) if any(s in line for s in substrings)}
    assert lines_containing(lines, tuple(substrings)) == expected
