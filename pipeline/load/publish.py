"""Publish: a run's staged rows, less those validation held back, merged into the warehouse's
published tables (`pipeline.warehouse.layout`), atomically and idempotently.

A publish writes new files only, then creates the next version's log entry if no other
writer did (`pipeline.warehouse.manifest.commit`): that is the commit. A crash before it leaves the
previous version whole; a publish that loses the race merges again on top of the winner's
version, so concurrent publishes neither lose nor duplicate rows. Superseded files stay for
the retention window (`pipeline.warehouse.manifest.vacuum`). The same article published again
replaces its rows everywhere (latest extraction wins), so rerunning an input changes
nothing but `extracted_at`.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.load.dedup import ITEM_KINDS, link, restore
from pipeline.load.identity import IDENTITY_COLUMNS, STATEMENT_TABLES, registry_of, speaker_ids, with_speaker_ids
from pipeline.load.quarantine import read_verdict, validate_staged
from pipeline.load.rows import QUOTE_SOURCE_COLUMNS, SPEAKER_SOURCE_COLUMNS, speakers
from pipeline.load.stage import read_staged, stage, staged_article_ids, staged_batches
from pipeline.records import Article
from pipeline.warehouse.layout import dedup_index_file, partition_of, speakers_file, staged_run
from pipeline.warehouse.manifest import CommitConflict, commit, read_manifest
from pipeline.warehouse.schemas import DEDUP_INDEX, PUBLISHED_TABLES
from pipeline.warehouse.storage import Warehouse
from pipeline.warehouse.tables import read_file, read_table, write_partition, write_table

log = logging.getLogger(__name__)

# A publish that keeps losing the commit race gives up after this many merges.
COMMIT_ATTEMPTS = 8


@dataclass
class PublishResult:
    run_id: str
    version: int
    published: int  # articles published by this run
    quarantined: dict[str, set[str]] = field(default_factory=dict)  # article_id → expectations failed
    batch_failures: list[str] = field(default_factory=list)
    rows_written: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    docs_index: str | None = None
    commit_attempts: int = 0  # more than 1 when concurrent publishes committed first

    @property
    def success(self) -> bool:
        return not self.quarantined and not self.batch_failures


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:4]


def publish(warehouse: Warehouse, articles: Iterable[Article], run_id: str | None = None,
            now: datetime | None = None, validate_rows: bool = True, *,
            docs_dir: str | None = None, expectations_dir: str | None = None) -> PublishResult:
    """Stage, validate (see validate_staged for `docs_dir` and `expectations_dir`) and
    publish a batch of articles in one go (the CLI's path)."""
    started = time.monotonic()
    now = now or datetime.now(UTC)
    run_id = run_id or new_run_id(now)
    stage(warehouse, run_id, "0000", articles, now)
    result = validate_and_publish(warehouse, run_id, now, validate_rows, docs_dir=docs_dir, expectations_dir=expectations_dir)
    result.seconds = time.monotonic() - started
    return result


def validate_and_publish(warehouse: Warehouse, run_id: str, now: datetime | None = None, validate_rows: bool = True, *,
                         docs_dir: str | None = None, expectations_dir: str | None = None) -> PublishResult:
    """Validate (see validate_staged) and publish what a run staged (the CLI's path after
    `transform.stage_archive`)."""
    now = now or datetime.now(UTC)
    if validate_rows:
        validate_staged(warehouse, run_id, now, docs_dir=docs_dir, expectations_dir=expectations_dir)
    return publish_staged(warehouse, run_id, now)


def publish_staged(warehouse: Warehouse, run_id: str, now: datetime | None = None) -> PublishResult:
    """Merge a run's staged rows (less those validation held back) into the published tables
    and commit a new version; the staging area is removed afterwards. When another writer
    commits first, the merge is redone on top of its version (CommitConflict after
    COMMIT_ATTEMPTS tries; nothing of this run is published then)."""
    started = time.monotonic()
    now = now or datetime.now(UTC)
    verdict = read_verdict(warehouse, run_id)
    result = PublishResult(run_id, 0, 0, verdict.quarantined, verdict.batch_failures, docs_index=verdict.docs_index)
    batch_dirs = staged_batches(warehouse, run_id)
    publishing = staged_article_ids(warehouse, batch_dirs) - verdict.held
    for attempt in range(COMMIT_ATTEMPTS):
        manifest = read_manifest(warehouse)
        new_manifest, rows_written = _merge(warehouse, manifest, batch_dirs, publishing, run_id, now)
        if commit(warehouse, new_manifest):
            break
        log.info("run %s: version %d was committed by another publish first; merging again on top of it",
                 run_id, new_manifest["version"], extra={"stage": "publish", "run_id": run_id})
        _discard_uncommitted(warehouse, manifest, new_manifest)
        time.sleep(random.uniform(0.05, 0.2) * 2 ** attempt)  # jitter, so racers fall out of step
    else:
        raise CommitConflict(f"run {run_id}: {COMMIT_ATTEMPTS} commits lost to concurrent publishes; "
                             f"its staged rows are kept under {staged_run(run_id)} for a retry")
    warehouse.delete(staged_run(run_id))
    result.version, result.published, result.rows_written = new_manifest["version"], len(publishing), rows_written
    result.commit_attempts = attempt + 1
    result.seconds = time.monotonic() - started
    log.info("run %s committed version %d: %d articles published, %d held back (%s)", run_id, result.version,
             result.published, len(verdict.held), ", ".join(f"{rows} {table}" for table, rows in rows_written.items()),
             extra={"stage": "publish", "run_id": run_id, "version": result.version, "rows_written": rows_written})
    return result


def _merge(warehouse: Warehouse, manifest: dict, batch_dirs: list[str], publishing: set[str], run_id: str,
           now: datetime) -> tuple[dict, dict[str, int]]:
    """Write the partitions the batch touches, merged with `manifest`'s rows, as new files;
    returns the next version's manifest (not yet committed) and the rows written per table."""
    keep = pa.array(sorted(publishing), pa.string())
    published_index = read_table(warehouse, "articles", ["article_id", "year", "month"], manifest)
    version = manifest["version"] + 1
    new_manifest = {"version": version, "committed_at": now.isoformat(), "run_id": run_id, "tables": {}}
    rows_written = {}
    # Partitions to rewrite: where the batch's articles go, and where their old rows are.
    old_partitions = {
        (year, month)
        for article_id, year, month in zip(*(published_index.column(c).to_pylist() for c in ("article_id", "year", "month")))
        if article_id in publishing
    }
    # One identity per person, against everyone published before, in speeches and quotes alike.
    registry = registry_of([read_table(warehouse, table, IDENTITY_COLUMNS, manifest) for table in STATEMENT_TABLES])
    ids: dict[str, dict[str, str | None]] = {}
    # One story, one count: each new article, speech and quote against everything published before.
    published_index = read_table(warehouse, "dedup_index", None, manifest).to_pylist()
    index_rows: list[dict] = []
    for name in PUBLISHED_TABLES:  # one table in memory at a time
        batch = read_staged(warehouse, name, batch_dirs)
        batch = batch.filter(pc.is_in(batch["article_id"], value_set=keep))
        if name in ITEM_KINDS:
            kind, row_id = ITEM_KINDS[name]
            batch, added = _with_canonical_ids(batch, kind, row_id, [row for row in published_index if row["item_kind"] == kind])
            index_rows += added
        if name in STATEMENT_TABLES:
            ids[name] = speaker_ids(registry, name, batch)
            batch = with_speaker_ids(batch, ids[name], STATEMENT_TABLES[name][0])
        elif name == "speech_terms":
            batch = with_speaker_ids(batch, ids["speeches"], "speech_id")
        new_partitions = set(zip(batch.column("year").to_pylist(), batch.column("month").to_pylist()))
        touched = old_partitions | new_partitions
        files_by_partition: dict[tuple[int, int], list[str]] = {}
        for f in manifest["tables"].get(name, []):
            files_by_partition.setdefault(partition_of(f), []).append(f)
        kept_files = [f for partition, files in files_by_partition.items() if partition not in touched for f in files]
        written = 0
        for year, month in sorted(touched):
            old_files = files_by_partition.get((year, month), [])
            old = [read_file(warehouse, f, PUBLISHED_TABLES[name]) for f in old_files]
            old = [t.filter(pc.invert(pc.is_in(t["article_id"], value_set=keep))) for t in old]
            fresh = batch.filter(pc.and_(pc.equal(batch["year"], year), pc.equal(batch["month"], month)))
            merged = pa.concat_tables([*old, fresh]) if old else fresh
            if merged.num_rows == 0:
                continue
            merged = merged.sort_by([(merged.column_names[0], "ascending")])
            kept_files.append(write_partition(warehouse, name, year, month, version, merged))
            written += fresh.num_rows
        new_manifest["tables"][name] = sorted(kept_files)
        rows_written[name] = written
    files = list(manifest["tables"].get("dedup_index", []))
    if index_rows:
        relative = dedup_index_file(version)
        write_table(warehouse, relative, pa.Table.from_pylist(index_rows, schema=DEDUP_INDEX))
        files.append(relative)
    new_manifest["tables"]["dedup_index"] = files
    speakers_relative = speakers_file(version)
    write_table(warehouse, speakers_relative, speakers(read_table(warehouse, "speeches", SPEAKER_SOURCE_COLUMNS, new_manifest),
                                                       read_table(warehouse, "quotes", QUOTE_SOURCE_COLUMNS, new_manifest)))
    new_manifest["tables"]["speakers"] = [speakers_relative]
    return new_manifest, rows_written


def _with_canonical_ids(batch: pa.Table, kind: str, row_id: str, published: list[dict]) -> tuple[pa.Table, list[dict]]:
    """`batch` with its canonical_id column set by the near-duplicate index, and the index rows it adds."""
    index = restore(published)
    columns = [row_id, "published_at", "speaker_name", "text"] if kind == "quote" else [row_id, "published_at",
                                                                                          "body_text" if kind == "article" else "text"]
    rows = batch.select(columns).to_pylist()
    text_of = (lambda row: f"{row['speaker_name']}：{row['text']}") if kind == "quote" else (lambda row: row[columns[2]])
    canonical, added = link(index, kind, [(row[row_id], text_of(row), row["published_at"]) for row in rows])
    column = pa.array([canonical[value] for value in batch.column(row_id).to_pylist()], pa.string())
    return batch.set_column(batch.schema.get_field_index("canonical_id"), batch.schema.field("canonical_id"), column), added


def _discard_uncommitted(warehouse: Warehouse, base: dict, lost: dict) -> None:
    """Delete the files a lost commit wrote: no version names them, no reader has seen them."""
    previous = {f for files in base["tables"].values() for f in files}
    for files in lost["tables"].values():
        for relative in files:
            if relative not in previous:
                warehouse.delete(relative)
