"""Where every file goes under the warehouse root. Each table lives in the directory of its name:

  articles/ speeches/ paragraphs/ speech_terms/   year=YYYY/month=MM/part-VERSION-ID.parquet
  speakers/speakers-VERSION-ID.parquet             (derived from every published speech)
  raw_pages/ fetch_errors/ extract_errors/         run_id=RUN/part-PART.parquet
  validation_results/ quarantine/                  run_id=RUN/part-PART.parquet
  runs/                                            run_id=RUN/part-COMMAND.parquet (one row: the run's summary)
  crawl_state/                                     see pipeline.warehouse.archive
  _staging/run_id=RUN/batch=BATCH/TABLE.parquet    rows staged for validation, not yet visible
  _staging/run_id=RUN/validation.json              validation's verdict, read when publishing
  _log/VERSION.json                                see pipeline.warehouse.manifest
  _data_docs/run_id=RUN/…, _data_docs/static/…     Data Docs: a site per publish run, shared files

Paths here are relative to the root unless they say otherwise.
"""

from __future__ import annotations

import uuid

STAGING = "_staging"
DOCS = "_data_docs"


def run_file(table: str, run_id: str, part: str) -> str:
    """One part of what a run wrote to a table that grows by runs (never rewritten)."""
    return f"{table}/run_id={run_id}/part-{part}.parquet"


def partition_file(table: str, year: int, month: int, version: int) -> str:
    """A new file of one month's partition of a published table, first named by `version`;
    unique, so a writer never replaces a file a reader may hold."""
    return f"{table}/year={year}/month={month:02d}/part-{version:06d}-{uuid.uuid4().hex[:8]}.parquet"


def partition_of(path: str) -> tuple[int, int]:
    """(year, month) of a `partition_file`."""
    parts = dict(part.split("=", 1) for part in path.split("/") if "=" in part)
    return int(parts["year"]), int(parts["month"])


def speakers_file(version: int) -> str:
    """A new file of the speakers table, which is rewritten whole by every version."""
    return f"speakers/speakers-{version:06d}-{uuid.uuid4().hex[:8]}.parquet"


def dedup_index_file(version: int) -> str:
    """A new file of the near-duplicate index: the items one version added."""
    return f"dedup_index/index-{version:06d}-{uuid.uuid4().hex[:8]}.parquet"


def staged_run(run_id: str) -> str:
    """Everything a run staged; removed once the run is published."""
    return f"{STAGING}/run_id={run_id}"


def staged_batch(run_id: str, batch: str) -> str:
    return f"{staged_run(run_id)}/batch={batch}"


def staged_file(batch_dir: str, table: str) -> str:
    """One table of a staged batch; `batch_dir` relative or inside the filesystem, as given."""
    return f"{batch_dir}/{table}.parquet"


def batch_dir_of(path: str) -> str:
    """The staged batch directory of a `staged_file`."""
    return path.rsplit("/", 1)[0]


def verdict_file(run_id: str) -> str:
    return f"{staged_run(run_id)}/validation.json"
