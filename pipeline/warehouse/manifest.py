"""The warehouse's commit log: which files make up each version of the published tables.

Each version is one JSON file, `_log/VERSION.json`, naming every file of every table. A
commit creates the next version's file only if it does not exist yet (put-if-absent, see
`Warehouse.create_exclusive`), so two publishes racing for the same version cannot both
win: the loser learns of the conflict and redoes its merge on top of the winner's version.
This is the protocol of Delta Lake's log on object stores that offer conditional writes.

Superseded files are not deleted at commit: `vacuum` removes a file only when no version
that is current, or was superseded less than the retention window ago, names it, so a
reader holding an older version (a DuckDB connection, a BI extract in progress) keeps
reading. Files no version names (the leftovers of a killed run, or the files of a publish
still in flight) are removed only once they are older than the window too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pipeline.settings import DEFAULT_RETENTION
from pipeline.warehouse.layout import STAGING
from pipeline.warehouse.storage import Warehouse

LOG = "_log"
LEGACY_MANIFEST = "_manifest.json"  # the single manifest of warehouses made before the log
RAW_PAGES = "raw_pages"  # the crawl archive (pipeline.warehouse.archive): a warehouse crawled, not yet published
# Staged rows of a run that never published are kept longer: a DAG run may be retried later.
STAGING_RETENTION = timedelta(days=2)
_VERSION_DIGITS = 20


class NotAWarehouse(ValueError):
    """A location given as a warehouse where nothing was ever committed or crawled."""


def require_warehouse(warehouse: Warehouse) -> None:
    """Raise NotAWarehouse unless `warehouse` holds a commit log or a crawl archive, so that a
    command that only reads never answers "0 rows" from a mistyped path."""
    if not any(warehouse.exists(mark) for mark in (LOG, LEGACY_MANIFEST, RAW_PAGES)):
        raise NotAWarehouse(f"{warehouse.uri}: not a forum-etl warehouse (no {LOG}/ commit log, no {RAW_PAGES}/ "
                            "archive); check --warehouse, FORUM_ETL_WAREHOUSE or the configuration's warehouse")


class CommitConflict(RuntimeError):
    """Another writer kept committing first; nothing of this run was published."""


def _version_file(version: int) -> str:
    return f"{LOG}/{version:0{_VERSION_DIGITS}d}.json"


def _version_of(path: str) -> int | None:
    name = path.rsplit("/", 1)[-1]
    stem = name[: -len(".json")] if name.endswith(".json") else ""
    return int(stem) if stem.isdigit() else None


def _versions(warehouse: Warehouse) -> dict[int, str]:
    """Committed versions → their log files (inside the filesystem)."""
    found = {}
    for path in warehouse.files(LOG, suffix=".json"):
        version = _version_of(path)
        if version is not None:
            found[version] = path
    return found


def _load(warehouse: Warehouse, path: str) -> dict | None:
    data = warehouse.read_bytes(path[len(warehouse.root) + 1:])
    return None if data is None else json.loads(data.decode("utf-8"))


def read_manifest(warehouse: Warehouse) -> dict:
    """The newest committed version: {"version", "committed_at", "run_id", "tables": {name: [files]}}."""
    versions = _versions(warehouse)
    for version in sorted(versions, reverse=True):
        manifest = _load(warehouse, versions[version])
        if manifest is not None:  # else vacuumed between listing and reading: take the next
            return manifest
    legacy = warehouse.read_bytes(LEGACY_MANIFEST)
    if legacy is not None:
        return json.loads(legacy.decode("utf-8"))
    return {"version": 0, "tables": {}}


def commit(warehouse: Warehouse, manifest: dict) -> bool:
    """Make `manifest` the next version if no one else committed that version first."""
    data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    return warehouse.create_exclusive(_version_file(manifest["version"]), data)


@dataclass
class VacuumResult:
    files: int = 0  # table files deleted
    versions: int = 0  # expired log entries deleted
    staging_runs: int = 0  # staging folders of runs that never published
    temporaries: int = 0  # half-written files of killed writers


def _is_older(modified: datetime | None, limit: datetime) -> bool:
    return modified is not None and modified < limit


def vacuum(warehouse: Warehouse, tables: list[str], retention: timedelta = DEFAULT_RETENTION,
           now: datetime | None = None) -> VacuumResult:
    """Delete what no reader can still need: files of versions superseded more than
    `retention` ago, unnamed files and temporaries older than that, stale staging."""
    now = now or datetime.now(UTC)
    horizon = now - retention
    result = VacuumResult()
    versions = _versions(warehouse)
    manifests = {version: _load(warehouse, path) for version, path in versions.items()}
    manifests = {version: manifest for version, manifest in manifests.items() if manifest is not None}
    live, expired = set(), []
    ordered = sorted(manifests)
    for version, successor in zip(ordered, ordered[1:] + [None]):
        superseded_at = datetime.fromisoformat(manifests[successor]["committed_at"]) if successor else None
        if superseded_at is None or superseded_at > horizon:
            live.update(warehouse.path(f) for files in manifests[version]["tables"].values() for f in files)
        else:
            expired.append(version)
    if not manifests:  # a warehouse from before the log: its one manifest is what is live
        legacy = read_manifest(warehouse)
        live.update(warehouse.path(f) for files in legacy["tables"].values() for f in files)
    for table in tables:
        for stored in warehouse.stored_files(table, ".parquet"):
            if stored.path not in live and _is_older(stored.modified, horizon):
                warehouse.filesystem.delete_file(stored.path)
                result.files += 1
    for version in expired:
        warehouse.filesystem.delete_file(versions[version])
        result.versions += 1
    result.staging_runs = _remove_stale_staging(warehouse, now - max(retention, STAGING_RETENTION))
    for stored in warehouse.stored_files("", temporary=True):
        if _is_older(stored.modified, horizon):
            warehouse.filesystem.delete_file(stored.path)
            result.temporaries += 1
    return result


def _remove_stale_staging(warehouse: Warehouse, horizon: datetime) -> int:
    """Staging folders (one per run) whose newest file is older than `horizon`: their run was
    killed or abandoned."""
    newest: dict[str, datetime] = {}
    prefix = warehouse.path(STAGING) + "/"
    for stored in warehouse.stored_files(STAGING) + warehouse.stored_files(STAGING, temporary=True):
        run_dir = stored.path[len(prefix):].split("/", 1)[0]
        modified = stored.modified or horizon  # unknown age: keep it
        newest[run_dir] = max(newest.get(run_dir, modified), modified)
    stale = [run_dir for run_dir, modified in newest.items() if modified < horizon]
    for run_dir in stale:
        warehouse.delete(f"{STAGING}/{run_dir}")
    return len(stale)
