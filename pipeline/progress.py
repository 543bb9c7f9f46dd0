"""Progress of a long command for the person running it, on stderr: a tqdm bar with total
and ETA on a terminal; elsewhere (a log file, a CI job, a container) a plain line every
`interval` seconds and at the end, since a redrawn bar there is an unreadable smear; nothing at
all when disabled (-q, or JSON logs, whose stream holds log records only)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TextIO

PLAIN_INTERVAL_SECONDS = 10.0


class Progress:
    def __init__(self, what: str, *, enabled: bool, unit: str = "item", stream: TextIO | None = None,
                 interval: float = PLAIN_INTERVAL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.what = what
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.interval = interval
        self.clock = clock
        self.bar = None
        if enabled and self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(desc=what, file=self.stream, unit=unit, dynamic_ncols=True)
        self.total: int | None = None
        self.done = 0
        self.note = ""
        self.started = self.last_line = self.last_update = clock()

    def update(self, done: int, total: int | None = None, note: str = "") -> None:
        """`done` of `total` (None: not known yet); `note` says more in a few words."""
        if not self.enabled:
            return
        if total != self.total:  # a new phase (fetching after discovery) began at the last update
            self.started = self.last_update
            if self.bar is not None:
                self.bar.reset(total=total)
        self.done, self.total, self.note = done, total, note
        self.last_update = self.clock()
        if self.bar is not None:
            self.bar.update(done - self.bar.n)
            if note:
                self.bar.set_postfix_str(note, refresh=False)
        elif self.clock() - self.last_line >= self.interval:
            self._print_line()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.enabled:
            self._print_line()

    def line(self) -> str:
        """The plain line: what, how far, how fast, and when it should end."""
        seconds = self.clock() - self.started
        rate = self.done / seconds if seconds > 0 else 0.0
        parts = [f"{self.what}: {self.done}" + (f"/{self.total} ({self.done / self.total:.0%})" if self.total else "")]
        parts.append(f"{rate:.1f}/s")
        if self.total and rate > 0 and self.done < self.total:
            parts.append(f"ETA {timedelta(seconds=round((self.total - self.done) / rate))}")
        if self.note:
            parts.append(self.note)
        return " · ".join(parts)

    def _print_line(self) -> None:
        self.last_line = self.clock()
        print(self.line(), file=self.stream, flush=True)
