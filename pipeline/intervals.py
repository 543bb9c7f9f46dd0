"""Backfills that mean something: which runs of a schedule re-read the raw archive instead of
crawling.

A scheduled run stands for a data interval. The run of the interval that has just ended crawls
the sites as they are now. A run of an interval that ended longer ago (an Airflow backfill, a
manual run or `dag.test()` with a past logical date) cannot see the sites as they were then:
crawling would archive today's pages under a past interval. It reprocesses the pages the raw
archive received during its interval instead, and fetches nothing.
"""

from __future__ import annotations

from datetime import datetime


def backfill_window(start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime] | None:
    """The archive window [start, end) a run of that data interval reprocesses, or None when the
    run crawls: it has no interval (or an empty one), or its interval ended less than one
    interval's length before `now` (the newest interval, whose run may well start late)."""
    if start is None or end is None or end <= start:
        return None
    return (start, end) if now - end > end - start else None
