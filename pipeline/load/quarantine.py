"""Validating a staged run: its rows are checked against the suites (`pipeline.load.validate`)
a group of staged batches at a time; the results are recorded, the articles that fail are
quarantined (held back whole, with the rows they would have published), and the verdict is
kept beside the staged rows for `pipeline.load.publish.publish_staged`.
"""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.load.data_docs import docs_storage, store_data_docs
from pipeline.load.stage import read_staged, staged_article_count, staged_article_ids, staged_batches
from pipeline.load.validate import Validation, build_docs_index, validate
from pipeline.warehouse.layout import run_file, verdict_file
from pipeline.warehouse.schemas import PUBLISHED_TABLES, QUARANTINE, VALIDATION_RESULTS
from pipeline.warehouse.storage import Warehouse
from pipeline.warehouse.tables import read_table, write_table

log = logging.getLogger(__name__)

# Staged batches are validated together up to this many articles.
VALIDATION_GROUP_ARTICLES = 2000


@dataclass
class Verdict:
    """What validation decided about a staged run."""

    quarantined: dict[str, set[str]] = field(default_factory=dict)  # article_id → expectations failed
    batch_failures: list[str] = field(default_factory=list)  # table-level failures
    docs_index: str | None = None

    @property
    def held(self) -> set[str]:
        """The articles not to publish."""
        return set(self.quarantined)

    @property
    def success(self) -> bool:
        return not self.quarantined and not self.batch_failures


def validate_staged(warehouse: Warehouse, run_id: str, now: datetime | None = None, *,
                    docs_dir: str | None = None, expectations_dir: str | None = None) -> Verdict:
    """Validate everything staged for a run, a group of staged batches at a time (memory stays
    that of a group; GX's fixed cost per validation is paid once per group); record results,
    quarantine failing articles, and keep the verdict for `publish_staged`. The run's Data Docs
    are stored below `docs_dir` (a folder or s3:// URI; default: the warehouse's _data_docs/,
    on S3 too) in run_id=RUN/; the suites come from `expectations_dir` (default: the packaged
    ones)."""
    now = now or datetime.now(UTC)
    batch_dirs = staged_batches(warehouse, run_id)
    known = set(read_table(warehouse, "articles", ["article_id"]).column("article_id").to_pylist())
    known |= staged_article_ids(warehouse, batch_dirs)
    storage, docs_root = docs_storage(warehouse, docs_dir)
    results, failed, batch_failures, held, docs_index = [], {}, [], set(), None
    # One site for every group (GX's context is cached per folder, so built once per run),
    # stored with the run's id once the run is validated.
    with tempfile.TemporaryDirectory(prefix="forum-etl-docs-") as site:
        for number, group in enumerate(_groups(warehouse, batch_dirs)):
            tables = {name: read_staged(warehouse, name, group) for name in PUBLISHED_TABLES}
            validation = validate(tables, known, run_id, now, site, expectations_dir)
            group_ids = set(tables["articles"].column("article_id").to_pylist())
            group_held = set(validation.failed_articles) | (group_ids if validation.batch_failures else set())
            results += validation.results
            failed.update(validation.failed_articles)
            batch_failures += validation.batch_failures
            held |= group_held
            if group_held:
                write_table(warehouse, run_file("quarantine", run_id, f"{number:05d}"),
                            _quarantine_rows(tables, validation, group_held, run_id, now))
        if results:
            build_docs_index(site, expectations_dir)
            docs_index = store_data_docs(Path(site), storage, docs_root, run_id)
    write_table(warehouse, run_file("validation_results", run_id, "00000"),
                pa.Table.from_pylist(results, schema=VALIDATION_RESULTS))
    verdict = Verdict({article_id: failed.get(article_id, set()) for article_id in held}, batch_failures, docs_index)
    _write_verdict(warehouse, run_id, verdict)
    log.info("run %s validated: %d expectations checked, %d failed; %d articles held back", run_id, len(results),
             sum(not result["success"] for result in results), len(held),
             extra={"stage": "validate", "run_id": run_id, "quarantined": len(held)})
    return verdict


def _groups(warehouse: Warehouse, batch_dirs: list[str]) -> list[list[str]]:
    """Consecutive batches of about VALIDATION_GROUP_ARTICLES articles together."""
    groups, group, size = [], [], 0
    for batch_dir in batch_dirs:
        group.append(batch_dir)
        size += staged_article_count(warehouse, batch_dir)
        if size >= VALIDATION_GROUP_ARTICLES:
            groups.append(group)
            group, size = [], 0
    if group:
        groups.append(group)
    return groups


def _quarantine_rows(tables: dict[str, pa.Table], validation: Validation, held: set[str], run_id: str,
                     now: datetime) -> pa.Table:
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


def _write_verdict(warehouse: Warehouse, run_id: str, verdict: Verdict) -> None:
    data = {"held": sorted(verdict.held), "quarantined": {k: sorted(v) for k, v in verdict.quarantined.items()},
            "batch_failures": verdict.batch_failures, "docs_index": verdict.docs_index}
    warehouse.write_bytes(verdict_file(run_id), json.dumps(data, ensure_ascii=False).encode("utf-8"))


def read_verdict(warehouse: Warehouse, run_id: str) -> Verdict:
    """The verdict `validate_staged` kept for a run; an empty one (publish everything) when the
    run was not validated."""
    data = warehouse.read_bytes(verdict_file(run_id))
    if data is None:
        return Verdict()
    saved = json.loads(data.decode("utf-8"))
    return Verdict({k: set(v) for k, v in saved["quarantined"].items()}, saved["batch_failures"], saved["docs_index"])


def quarantine_table(warehouse: Warehouse) -> pa.Table:
    return warehouse.read_parquet("quarantine", QUARANTINE)


def validation_results(warehouse: Warehouse) -> pa.Table:
    return warehouse.read_parquet("validation_results", VALIDATION_RESULTS)
