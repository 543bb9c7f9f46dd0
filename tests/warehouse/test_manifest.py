"""The commit log: exclusive commits, the newest version for readers, vacuum by retention."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import pyarrow as pa

from pipeline.warehouse.manifest import DEFAULT_RETENTION, STAGING_RETENTION, commit, read_manifest, vacuum
from pipeline.warehouse.storage import Warehouse

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _manifest(version: int, files: list[str], committed_at: datetime) -> dict:
    return {"version": version, "committed_at": committed_at.isoformat(), "run_id": f"r{version}",
            "tables": {"articles": files}}


def _age(warehouse: Warehouse, relative: str, moment: datetime) -> None:
    os.utime(warehouse.path(relative), (moment.timestamp(), moment.timestamp()))


def _table_file(warehouse: Warehouse, relative: str, moment: datetime) -> str:
    warehouse.write_parquet(relative, pa.table({"article_id": ["a"]}))
    _age(warehouse, relative, moment)
    return relative


def test_a_version_is_committed_once_and_the_newest_is_read(tmp_path):
    warehouse = Warehouse.open(str(tmp_path))
    assert read_manifest(warehouse)["version"] == 0
    assert commit(warehouse, _manifest(1, ["articles/a.parquet"], T0))
    assert not commit(warehouse, _manifest(1, ["articles/b.parquet"], T0))  # the loser of a race
    assert read_manifest(warehouse)["tables"]["articles"] == ["articles/a.parquet"]
    assert commit(warehouse, _manifest(2, ["articles/c.parquet"], T0))
    (tmp_path / "_log" / "README.txt").write_text("not a version")
    assert read_manifest(warehouse)["version"] == 2
    assert not [name for name in os.listdir(tmp_path / "_log") if ".tmp-" in name]


def test_a_warehouse_from_before_the_log_reads_its_single_manifest(tmp_path):
    warehouse = Warehouse.open(str(tmp_path))
    (tmp_path / "_manifest.json").write_text(json.dumps(_manifest(7, ["articles/old.parquet"], T0)))
    assert read_manifest(warehouse)["version"] == 7
    assert commit(warehouse, _manifest(8, ["articles/new.parquet"], T0))
    assert read_manifest(warehouse)["version"] == 8


def test_vacuum_keeps_what_a_reader_may_still_hold(tmp_path):
    warehouse = Warehouse.open(str(tmp_path))
    old = _table_file(warehouse, "articles/year=2024/month=01/part-1.parquet", T0)
    new = _table_file(warehouse, "articles/year=2024/month=01/part-2.parquet", T0 + timedelta(hours=5))
    in_flight = _table_file(warehouse, "articles/year=2024/month=01/part-3.parquet", T0 + timedelta(hours=5))
    killed = _table_file(warehouse, "articles/year=2024/month=01/part-0.parquet", T0)
    commit(warehouse, _manifest(1, [old], T0))
    commit(warehouse, _manifest(2, [new], T0 + timedelta(hours=5)))

    # Ten minutes after version 2: version 1's file stays readable, the killed run's goes.
    result = vacuum(warehouse, ["articles"], now=T0 + timedelta(hours=5, minutes=10))
    assert (result.files, result.versions) == (1, 0)
    assert os.path.exists(warehouse.path(old)) and os.path.exists(warehouse.path(in_flight))
    assert not os.path.exists(warehouse.path(killed))
    assert read_manifest(warehouse)["version"] == 2

    # Past the retention window: version 1 and what it alone named are gone, the newest stays.
    result = vacuum(warehouse, ["articles"], now=T0 + timedelta(hours=5) + DEFAULT_RETENTION + timedelta(minutes=1))
    assert (result.files, result.versions) == (2, 1)
    assert not os.path.exists(warehouse.path(old)) and not os.path.exists(warehouse.path(in_flight))
    assert os.path.exists(warehouse.path(new))
    assert read_manifest(warehouse)["tables"]["articles"] == [new]
    assert sorted(os.listdir(tmp_path / "_log")) == [f"{2:020d}.json"]


def test_vacuum_removes_the_staging_and_temporaries_of_killed_runs_only_when_stale(tmp_path):
    warehouse = Warehouse.open(str(tmp_path))
    now = T0 + timedelta(days=10)
    for run, moment in (("killed", T0), ("running", now - timedelta(minutes=5))):
        warehouse.write_parquet(f"_staging/run_id={run}/batch=0000/articles.parquet", pa.table({"a": [1]}))
        _age(warehouse, f"_staging/run_id={run}/batch=0000/articles.parquet", moment)
    for name, moment in (("old", T0), ("fresh", now)):
        path = tmp_path / "articles" / f"part.parquet.tmp-{name}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half a file")
        os.utime(path, (moment.timestamp(), moment.timestamp()))
    result = vacuum(warehouse, ["articles"], now=now)
    assert (result.staging_runs, result.temporaries) == (1, 1)
    assert os.listdir(tmp_path / "_staging") == ["run_id=running"]
    assert os.listdir(tmp_path / "articles") == ["part.parquet.tmp-fresh"]
    assert STAGING_RETENTION >= DEFAULT_RETENTION
