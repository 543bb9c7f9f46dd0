from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pipeline.intervals import backfill_window

DAY = timedelta(days=1)
MIDNIGHT = datetime(2025, 3, 11, tzinfo=UTC)


def test_the_interval_that_just_ended_crawls_even_when_its_run_starts_late():
    yesterday = (MIDNIGHT - DAY, MIDNIGHT)
    assert backfill_window(*yesterday, now=MIDNIGHT + timedelta(minutes=5)) is None
    assert backfill_window(*yesterday, now=MIDNIGHT + timedelta(hours=23)) is None


def test_an_interval_that_ended_longer_ago_is_a_backfill_of_that_interval():
    march_10 = (MIDNIGHT - DAY, MIDNIGHT)
    assert backfill_window(*march_10, now=MIDNIGHT + DAY + timedelta(seconds=1)) == march_10
    assert backfill_window(*march_10, now=datetime(2026, 12, 2, tzinfo=UTC)) == march_10
    hour = (MIDNIGHT, MIDNIGHT + timedelta(hours=1))  # an hourly schedule: the bound is its own length
    assert backfill_window(*hour, now=MIDNIGHT + timedelta(hours=3)) == hour


def test_a_run_without_an_interval_crawls():
    assert backfill_window(None, None, now=MIDNIGHT) is None
    assert backfill_window(MIDNIGHT - DAY, MIDNIGHT - DAY, now=MIDNIGHT + 30 * DAY) is None
