"""Publish: validated rows into the warehouse's Parquet tables, atomically and idempotently.

Layout under the warehouse root:
  articles/ speeches/ paragraphs/ speech_terms/   year=YYYY/month=MM/part-VERSION-ID.parquet
  speakers/speakers-VERSION.parquet                (derived from every published speech)
  validation_results/ quarantine/                  run_id=RUN/part-00000.parquet
  _log/VERSION.json                                the files that make up each version
  _data_docs/                                      Great Expectations Data Docs

A publish writes new files only, then creates the next version's log entry if no other
writer did (`pipeline.warehouse.manifest.commit`): that is the commit. A crash before it leaves the
previous version whole; a publish that loses the race merges again on top of the winner's
version, so concurrent publishes neither lose nor duplicate rows. Superseded files stay for
the retention window (`pipeline.warehouse.manifest.vacuum`). The same article published again
replaces its rows everywhere (latest extraction wins), so rerunning an input changes
nothing but `extracted_at`.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.records import Article
from pipeline.warehouse.manifest import STAGING, CommitConflict, commit, read_manifest
from pipeline.warehouse.schemas import (
    MANIFEST_TABLES,
    PUBLISHED_TABLES,
    QUARANTINE,
    SPEAKER_SOURCE_COLUMNS,
    VALIDATION_RESULTS,
    rows,
    speakers,
)
from pipeline.warehouse.storage import Warehouse

DOCS = "_data_docs"
_DICTIONARY_COLUMNS = ["source", "language", "published_precision", "role", "speaker_org", "speaker_position",
                       "editor", "pipeline_version"]


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


def read_table(warehouse: Warehouse, name: str, columns: list[str] | None = None, manifest: dict | None = None) -> pa.Table:
    """The current version of a published table (only the files the manifest names)."""
    manifest = manifest or read_manifest(warehouse)
    schema = MANIFEST_TABLES[name]
    files = manifest["tables"].get(name, [])
    if not files:
        table = schema.empty_table()
        return table.select(columns) if columns else table
    tables = [pq.read_table(warehouse.path(f), filesystem=warehouse.filesystem, columns=columns, schema=schema) for f in files]
    return pa.concat_tables(tables)


def row_count(warehouse: Warehouse, name: str, manifest: dict | None = None) -> int:
    """Rows in the current version of a table, from the files' footers (no data read)."""
    manifest = manifest or read_manifest(warehouse)
    return sum(pq.read_metadata(warehouse.path(f), filesystem=warehouse.filesystem).num_rows
               for f in manifest["tables"].get(name, []))


def _partition_of(path: str) -> tuple[int, int]:
    parts = dict(part.split("=", 1) for part in path.split("/") if "=" in part)
    return int(parts["year"]), int(parts["month"])


def _write(warehouse: Warehouse, relative: str, table: pa.Table) -> None:
    columns = [c for c in _DICTIONARY_COLUMNS if c in table.column_names]
    warehouse.write_parquet(relative, table, compression="zstd", use_dictionary=columns,
                            row_group_size=100_000, write_statistics=True)


def _quarantine_rows(tables: dict[str, pa.Table], validation, held: set[str], run_id: str, now: datetime) -> pa.Table:
    records = []
    held_ids = pa.array(sorted(held), pa.string())
    for name, table in tables.items():
        failed_rows = validation.failed_rows.get(name, {})
        # Only the held rows become Python objects.
        indexes = pc.indices_nonzero(pc.is_in(table["article_id"], value_set=held_ids))
        for index, row in zip(indexes.to_pylist(), table.take(indexes).to_pylist()):
            records.append({"run_id": run_id, "table_name": name, "article_id": row["article_id"],
                            "failed_expectations": failed_rows.get(index, []),
                            "row_json": json.dumps(row, ensure_ascii=False, default=str), "quarantined_at": now})
    return pa.Table.from_pylist(records, schema=QUARANTINE)


# A publish that keeps losing the commit race gives up after this many merges.
COMMIT_ATTEMPTS = 8
# Staged batches are validated together up to this many articles.
VALIDATION_GROUP_ARTICLES = 2000


def stage(warehouse: Warehouse, run_id: str, batch: str, articles: Iterable[Article], now: datetime | None = None) -> dict[str, int]:
    """Derive every table's rows from a batch of articles and stage them (not yet visible)."""
    articles = list({article.article_id: article for article in articles}.values())  # one row per article
    tables = rows(articles, now or datetime.now(timezone.utc))
    for name, table in tables.items():
        _write(warehouse, f"{STAGING}/run_id={run_id}/batch={batch}/{name}.parquet", table)
    return {name: table.num_rows for name, table in tables.items()}


def _batch_dirs(warehouse: Warehouse, run_id: str) -> list[str]:
    """The run's staged batch directories (each holds one file per published table)."""
    return sorted({f.rsplit("/", 1)[0] for f in warehouse.files(f"{STAGING}/run_id={run_id}")
                   if f.endswith("/articles.parquet")})


def _staged(warehouse: Warehouse, name: str, batch_dirs: list[str], columns: list[str] | None = None) -> pa.Table:
    """One staged table of some batch directories."""
    schema = PUBLISHED_TABLES[name]
    parts = [pq.read_table(f"{d}/{name}.parquet", filesystem=warehouse.filesystem, schema=schema, columns=columns)
             for d in batch_dirs]
    if parts:
        return pa.concat_tables(parts)
    return schema.empty_table().select(columns) if columns else schema.empty_table()


def validate_staged(warehouse: Warehouse, run_id: str, now: datetime | None = None, *,
                    docs_dir: str | None = None, expectations_dir: str | None = None) -> PublishResult:
    """Validate everything staged for a run, a group of staged batches at a time (memory stays
    that of a group; GX's fixed cost per validation is paid once per group); record results,
    quarantine failing articles, and remember which are held back for `publish_staged`.
    Data Docs go to `docs_dir` (default: _data_docs/ in a local warehouse, else a temporary
    folder); the suites come from `expectations_dir` (default: the packaged ones)."""
    from pipeline.load.validate import validate

    now = now or datetime.now(timezone.utc)
    batch_dirs = _batch_dirs(warehouse, run_id)
    staged_ids = set(_staged(warehouse, "articles", batch_dirs, ["article_id"]).column("article_id").to_pylist())
    known = set(read_table(warehouse, "articles", ["article_id"]).column("article_id").to_pylist()) | staged_ids
    # One folder for every group, so GX's context (cached per folder) is built once per run.
    docs_dir = docs_dir or (warehouse.path(DOCS) if warehouse.is_local else tempfile.mkdtemp(prefix="forum-etl-docs-"))
    results, failed, batch_failures, held = [], {}, [], set()
    docs_index = None
    groups, group, size = [], [], 0
    for batch_dir in batch_dirs:
        group.append(batch_dir)
        size += pq.read_metadata(batch_dir + "/articles.parquet", filesystem=warehouse.filesystem).num_rows
        if size >= VALIDATION_GROUP_ARTICLES:
            groups.append(group)
            group, size = [], 0
    if group:
        groups.append(group)
    for number, group in enumerate(groups):
        tables = {name: _staged(warehouse, name, group) for name in PUBLISHED_TABLES}
        validation = validate(tables, known, run_id, now, docs_dir, expectations_dir)
        docs_index = os.path.join(validation.docs_dir, "index.html")
        batch_ids = set(tables["articles"].column("article_id").to_pylist())
        batch_held = set(validation.failed_articles) | (batch_ids if validation.batch_failures else set())
        results += validation.results
        failed.update(validation.failed_articles)
        batch_failures += validation.batch_failures
        held |= batch_held
        if batch_held:
            _write(warehouse, f"quarantine/run_id={run_id}/part-{number:05d}.parquet",
                   _quarantine_rows(tables, validation, batch_held, run_id, now))
    _write(warehouse, f"validation_results/run_id={run_id}/part-00000.parquet",
           pa.Table.from_pylist(results, schema=VALIDATION_RESULTS))
    result = PublishResult(run_id, read_manifest(warehouse)["version"], 0,
                           {article_id: failed.get(article_id, set()) for article_id in held}, batch_failures,
                           docs_index=docs_index)
    verdict = {"held": sorted(held), "quarantined": {k: sorted(v) for k, v in result.quarantined.items()},
               "batch_failures": result.batch_failures, "docs_index": result.docs_index}
    warehouse.write_bytes(f"{STAGING}/run_id={run_id}/validation.json", json.dumps(verdict, ensure_ascii=False).encode("utf-8"))
    return result


def publish_staged(warehouse: Warehouse, run_id: str, now: datetime | None = None) -> PublishResult:
    """Merge a run's staged rows (less those validation held back) into the published tables
    and commit a new version; the staging area is removed afterwards. When another writer
    commits first, the merge is redone on top of its version (CommitConflict after
    COMMIT_ATTEMPTS tries; nothing of this run is published then)."""
    started = time.monotonic()
    now = now or datetime.now(timezone.utc)
    verdict = {"held": [], "quarantined": {}, "batch_failures": [], "docs_index": None}
    verdict_data = warehouse.read_bytes(f"{STAGING}/run_id={run_id}/validation.json")
    if verdict_data is not None:
        verdict = json.loads(verdict_data.decode("utf-8"))
    held = set(verdict["held"])
    result = PublishResult(run_id, 0, 0, {k: set(v) for k, v in verdict["quarantined"].items()},
                           verdict["batch_failures"], docs_index=verdict["docs_index"])
    batch_dirs = _batch_dirs(warehouse, run_id)
    batch_ids = set(_staged(warehouse, "articles", batch_dirs, ["article_id"]).column("article_id").to_pylist())
    publishing = batch_ids - held
    for attempt in range(COMMIT_ATTEMPTS):
        manifest = read_manifest(warehouse)
        new_manifest, rows_written = _merge(warehouse, manifest, batch_dirs, publishing, run_id, now)
        if commit(warehouse, new_manifest):
            break
        _discard_uncommitted(warehouse, manifest, new_manifest)
        time.sleep(random.uniform(0.05, 0.2) * 2 ** attempt)  # jitter, so racers fall out of step
    else:
        raise CommitConflict(f"run {run_id}: {COMMIT_ATTEMPTS} commits lost to concurrent publishes; "
                             f"its staged rows are kept under {STAGING}/run_id={run_id} for a retry")
    warehouse.delete(f"{STAGING}/run_id={run_id}")
    result.version, result.published, result.rows_written = new_manifest["version"], len(publishing), rows_written
    result.commit_attempts = attempt + 1
    result.seconds = time.monotonic() - started
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
    for name in PUBLISHED_TABLES:  # one table in memory at a time
        batch = _staged(warehouse, name, batch_dirs)
        batch = batch.filter(pc.is_in(batch["article_id"], value_set=keep))
        new_partitions = set(zip(batch.column("year").to_pylist(), batch.column("month").to_pylist()))
        touched = old_partitions | new_partitions
        files_by_partition: dict[tuple[int, int], list[str]] = {}
        for f in manifest["tables"].get(name, []):
            files_by_partition.setdefault(_partition_of(f), []).append(f)
        kept_files = [f for partition, files in files_by_partition.items() if partition not in touched for f in files]
        written = 0
        for year, month in sorted(touched):
            old_files = files_by_partition.get((year, month), [])
            old = [pq.read_table(warehouse.path(f), filesystem=warehouse.filesystem, schema=PUBLISHED_TABLES[name]) for f in old_files]
            old = [t.filter(pc.invert(pc.is_in(t["article_id"], value_set=keep))) for t in old]
            fresh = batch.filter(pc.and_(pc.equal(batch["year"], year), pc.equal(batch["month"], month)))
            merged = pa.concat_tables([*old, fresh]) if old else fresh
            if merged.num_rows == 0:
                continue
            merged = merged.sort_by([(merged.column_names[0], "ascending")])
            relative = f"{name}/year={year}/month={month:02d}/part-{version:06d}-{uuid.uuid4().hex[:8]}.parquet"
            _write(warehouse, relative, merged)
            kept_files.append(relative)
            written += fresh.num_rows
        new_manifest["tables"][name] = sorted(kept_files)
        rows_written[name] = written
    speakers_file = f"speakers/speakers-{version:06d}-{uuid.uuid4().hex[:8]}.parquet"
    _write(warehouse, speakers_file, speakers(read_table(warehouse, "speeches", SPEAKER_SOURCE_COLUMNS, new_manifest)))
    new_manifest["tables"]["speakers"] = [speakers_file]
    return new_manifest, rows_written


def _discard_uncommitted(warehouse: Warehouse, base: dict, lost: dict) -> None:
    """Delete the files a lost commit wrote: no version names them, no reader has seen them."""
    previous = {f for files in base["tables"].values() for f in files}
    for files in lost["tables"].values():
        for relative in files:
            if relative not in previous:
                warehouse.delete(relative)


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:4]


def publish(warehouse: Warehouse, articles: Iterable[Article], run_id: str | None = None,
            now: datetime | None = None, validate_rows: bool = True, *,
            docs_dir: str | None = None, expectations_dir: str | None = None) -> PublishResult:
    """Stage, validate (see validate_staged for `docs_dir` and `expectations_dir`) and
    publish a batch of articles in one go (the CLI's path)."""
    started = time.monotonic()
    now = now or datetime.now(timezone.utc)
    run_id = run_id or new_run_id(now)
    stage(warehouse, run_id, "0000", articles, now)
    if validate_rows:
        validate_staged(warehouse, run_id, now, docs_dir=docs_dir, expectations_dir=expectations_dir)
    result = publish_staged(warehouse, run_id, now)
    result.seconds = time.monotonic() - started
    return result


def quarantine_table(warehouse: Warehouse) -> pa.Table:
    return warehouse.read_parquet("quarantine", QUARANTINE)


def validation_results(warehouse: Warehouse) -> pa.Table:
    return warehouse.read_parquet("validation_results", VALIDATION_RESULTS)


