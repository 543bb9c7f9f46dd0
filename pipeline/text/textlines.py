"""Searching all the lines of a page at once.

A regex or substring call per line costs more in Python than the search itself; these
helpers scan the lines joined into one text and map what they find back to line indexes.
"""

from __future__ import annotations

import bisect
import itertools


def line_starts(lines: list[str]) -> list[int]:
    """Where each line starts in "\\n".join(lines)."""
    return list(itertools.accumulate(map((1).__add__, map(len, lines[:-1])), initial=0))


def line_of(starts: list[int], position: int) -> int:
    """The index of the line that holds `position` of the joined text."""
    return bisect.bisect_right(starts, position) - 1


def lines_containing(lines: list[str], substrings: tuple[str, ...]) -> set[int]:
    """Indexes of the lines that hold any of `substrings`."""
    joined = "\n".join(lines)
    found: set[int] = set()
    starts: list[int] = []
    for substring in substrings:
        position = joined.find(substring)
        while position >= 0:
            starts = starts or line_starts(lines)
            found.add(line_of(starts, position))
            position = joined.find(substring, position + 1)
    return found
