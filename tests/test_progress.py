"""Progress where stderr is not a terminal: a plain line every interval and at the end."""

from __future__ import annotations

import io

from pipeline.progress import Progress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_plain_line_every_interval_with_total_rate_and_eta():
    stream, clock = io.StringIO(), Clock()
    progress = Progress("publish", enabled=True, stream=stream, interval=10, clock=clock)
    for done in range(1, 51):
        clock.now += 0.5  # 2 articles a second
        progress.update(done, 100, "3 failed")
    progress.close()
    lines = stream.getvalue().splitlines()
    assert lines[0] == "publish: 20/100 (20%) · 2.0/s · ETA 0:00:40 · 3 failed"
    assert len(lines) == 3 and lines[-1].startswith("publish: 50/100 (50%) · 2.0/s · ETA 0:00:25")


def test_without_a_total_there_is_no_eta_and_a_new_total_starts_the_rate_anew():
    stream, clock = io.StringIO(), Clock()
    progress = Progress("crawl", enabled=True, stream=stream, interval=0, clock=clock)
    clock.now += 10
    progress.update(30)  # discovering: 30 URLs found
    clock.now += 2
    progress.update(4, 8)  # fetching: 4 of 8 due URLs tried in 2 s
    assert stream.getvalue().splitlines() == ["crawl: 30 · 3.0/s", "crawl: 4/8 (50%) · 2.0/s · ETA 0:00:02"]


def test_disabled_progress_says_nothing():
    stream = io.StringIO()
    progress = Progress("crawl", enabled=False, stream=stream, interval=0)
    progress.update(1, 2)
    progress.close()
    assert stream.getvalue() == ""
