"""Query results as other programs read them: lists as JSON arrays, times as ISO 8601."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.serve.output import write_result

RESULT = pa.table({
    "title": ["标题 | 网站名", "第二行\n换行"],
    "authors": pa.array([["张弛", "王雨桐"], []], pa.list_(pa.string())),
    "published_at": pa.array([datetime(2021, 9, 13, 16, tzinfo=UTC), None], pa.timestamp("us", tz="UTC")),
    "published_date": pa.array([date(2021, 9, 14), None], pa.date32()),
    "counts": pa.array([[("fetched", 3)], None], pa.map_(pa.string(), pa.int64())),
})


def written(output_format: str) -> str:
    stream = io.BytesIO()
    write_result(RESULT, output_format, stream)
    return stream.getvalue().decode("utf-8")


def test_csv_writes_lists_and_maps_as_json_and_times_as_iso_8601():
    header, first, second = csv.reader(io.StringIO(written("csv")))
    assert header == ["title", "authors", "published_at", "published_date", "counts"]
    assert json.loads(first[1]) == ["张弛", "王雨桐"] and json.loads(second[1]) == []
    assert datetime.fromisoformat(first[2]) == datetime(2021, 9, 13, 16, tzinfo=UTC) and first[2].endswith("Z")
    assert first[3] == "2021-09-14" and json.loads(first[4]) == {"fetched": 3}
    assert second[0] == "第二行\n换行" and second[2] == ""


def test_json_is_an_array_of_objects_with_native_lists():
    rows = json.loads(written("json"))
    assert rows[0]["authors"] == ["张弛", "王雨桐"] and rows[0]["published_date"] == "2021-09-14"
    assert datetime.fromisoformat(rows[0]["published_at"]) == datetime(2021, 9, 13, 16, tzinfo=UTC)
    assert rows[1]["published_at"] is None


def test_markdown_escapes_what_would_break_the_table():
    lines = written("markdown").splitlines()
    assert lines[0] == "| title | authors | published_at | published_date | counts |" and lines[1] == "|---|---|---|---|---|"
    assert lines[2].startswith("| 标题 \\| 网站名 | [\"张弛\",\"王雨桐\"] | 2021-09-13T16:00:00")
    assert lines[3].startswith("| 第二行<br>换行 | [] |") and len(lines) == 4


@pytest.mark.parametrize("output_format", ["parquet", "csv"])
def test_a_file_path_is_written_by_duckdb(tmp_path, output_format):
    target = tmp_path / f"result.{output_format}"
    write_result(RESULT, output_format, str(target))
    if output_format == "parquet":
        assert pq.read_table(target).cast(RESULT.schema).equals(RESULT)
    else:
        assert target.read_text(encoding="utf-8").startswith("title,authors,")
