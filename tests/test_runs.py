"""Run summaries: JSON for --summary-json, a row of `runs` in the warehouse."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

from pipeline import __version__
from pipeline.runs import RunSummary, read_run_summaries, versions, write_run_summary
from pipeline.warehouse.storage import Warehouse


def test_versions_name_forum_etl_python_and_the_key_libraries():
    found = versions()
    assert found["forum-etl"] == __version__
    assert {"python", "lxml", "httpx", "protego", "jieba", "rjieba", "pyarrow", "duckdb", "great-expectations"} <= set(found)


def test_a_summary_as_json_and_as_a_row_of_runs(tmp_path):
    summary = RunSummary("20240101T000000Z-ab12", "crawl", {"max_pages": "3"},
                         started_at=datetime(2024, 1, 1, tzinfo=UTC))
    with summary.timed("fetch"):
        time.sleep(0.01)
    summary.counts.update(fetched=2, failed=1)
    summary.count_failures({"HTTP 404": 1})
    summary.count_failures({"HTTP 404": 2, "ReadTimeout": 1})
    summary.end(1, "3 of 5 URLs failed")
    document = json.loads(json.dumps(summary.as_json()))
    assert document["status"] == "failed" and document["failures"] == {"HTTP 404": 3, "ReadTimeout": 1}
    assert document["durations"]["fetch"] >= 0.01 and document["started_at"] == "2024-01-01T00:00:00+00:00"
    warehouse = Warehouse.open(str(tmp_path))
    location = write_run_summary(warehouse, summary)
    assert location.endswith("runs/run_id=20240101T000000Z-ab12/part-crawl.parquet")
    [row] = read_run_summaries(warehouse).to_pylist()
    assert (row["run_id"], row["command"], row["status"], row["exit_code"]) == (summary.run_id, "crawl", "failed", 1)
    assert dict(row["failures"]) == {"HTTP 404": 3, "ReadTimeout": 1} and dict(row["arguments"]) == {"max_pages": "3"}
    assert row["started_at"] == summary.started_at and row["ended_at"] == summary.ended_at


def test_a_run_without_an_exit_status_is_not_a_success():
    assert RunSummary("r", "publish").status == "failed"
