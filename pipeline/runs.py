"""Run summaries: what one run of crawl, publish or reprocess did, machine-readable (as dbt's
run_results.json): counts, failures by error class, seconds per stage, the versions that
ran, the run id, when it started and ended, and why it failed. A front fills one in, prints
it (`--summary-json`) and writes it into the warehouse as a row of `runs`
(`runs/run_id=RUN/part-COMMAND.parquet`), where the catalog shows it.
"""

from __future__ import annotations

import contextlib
import platform
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from typing import TYPE_CHECKING

from pipeline import __version__

if TYPE_CHECKING:
    from pipeline.warehouse.storage import Warehouse

# The libraries whose version changes what a run produces (parsing, extraction, validation,
# speech terms, storage, robots.txt), by distribution name.
KEY_LIBRARIES = ("lxml", "httpx", "protego", "charset-normalizer", "jieba", "rjieba", "datasketch", "pyarrow", "duckdb",
                 "great-expectations")


def versions() -> dict[str, str]:
    """forum-etl's, Python's and the key libraries' versions, read from the installed
    metadata (no library is imported for it)."""
    found = {"forum-etl": __version__, "python": platform.python_version()}
    for name in KEY_LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(name)
    return found


@dataclass
class RunSummary:
    run_id: str
    command: str  # crawl | publish | reprocess
    arguments: dict[str, str] = field(default_factory=dict)  # options and settings the run used
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    ended_at: datetime | None = None
    exit_code: int | None = None
    failed_because: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)  # error class → failed URLs or pages
    durations: dict[str, float] = field(default_factory=dict)  # stage → seconds
    versions: dict[str, str] = field(default_factory=versions)

    @property
    def status(self) -> str:
        return "success" if self.exit_code == 0 else "failed"

    @contextlib.contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Adds the seconds the block takes to `durations[stage]`."""
        started = time.monotonic()
        try:
            yield
        finally:
            self.durations[stage] = round(self.durations.get(stage, 0.0) + time.monotonic() - started, 3)

    def count_failures(self, error_classes: Mapping[str, int]) -> None:
        for error_class, count in error_classes.items():
            self.failures[error_class] = self.failures.get(error_class, 0) + count

    def end(self, exit_code: int, failed_because: str | None = None) -> None:
        self.exit_code, self.ended_at = exit_code, datetime.now(UTC)
        if failed_because is not None:
            self.failed_because = failed_because

    def as_json(self) -> dict[str, object]:
        """The summary as plain JSON values (times in ISO 8601, UTC)."""
        ended = self.ended_at or datetime.now(UTC)
        return {
            "run_id": self.run_id, "command": self.command, "status": self.status, "exit_code": self.exit_code,
            "failed_because": self.failed_because, "started_at": self.started_at.isoformat(),
            "ended_at": ended.isoformat(), "seconds": round((ended - self.started_at).total_seconds(), 3),
            "counts": self.counts, "failures": self.failures, "durations": self.durations,
            "versions": self.versions, "arguments": self.arguments,
        }


def write_run_summary(warehouse: Warehouse, summary: RunSummary) -> str:
    """The summary as the one row of its run's file of `runs`; returns the file's location."""
    import pyarrow as pa

    from pipeline.warehouse.layout import run_file
    from pipeline.warehouse.schemas import RUNS

    row = summary.as_json()
    row.update(started_at=summary.started_at, ended_at=summary.ended_at or datetime.now(UTC),
               **{name: list(row[name].items()) for name in ("counts", "failures", "durations", "versions", "arguments")})
    relative = run_file("runs", summary.run_id, summary.command)
    warehouse.write_parquet(relative, pa.Table.from_pylist([row], schema=RUNS), compression="zstd")
    return warehouse.location(relative)


def read_run_summaries(warehouse: Warehouse):
    """Every run's summary row, as an Arrow table."""
    from pipeline.warehouse.schemas import RUNS

    return warehouse.read_parquet("runs", RUNS)
