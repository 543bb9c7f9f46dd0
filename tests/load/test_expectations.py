"""The suites ship inside the package (tests/test_package.py checks the installed wheel finds
them), and a caller may name a directory of its own instead."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pyarrow as pa

from pipeline.load.validate import PACKAGED_EXPECTATIONS, validate
from pipeline.warehouse.schemas import PUBLISHED_TABLES


def test_every_published_table_has_a_packaged_suite():
    suites = {json.loads(path.read_text(encoding="utf-8"))["name"]
              for path in PACKAGED_EXPECTATIONS.iterdir() if path.name.endswith(".json")}
    assert suites == set(PUBLISHED_TABLES)


def test_suites_from_a_directory_given_replace_the_packaged_ones(tmp_path):
    no_rows_allowed = {"name": "articles", "expectations": [
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 0, "max_value": 0}}]}
    (tmp_path / "articles.json").write_text(json.dumps(no_rows_allowed), encoding="utf-8")
    table = pa.table({"article_id": ["a1"]})
    validation = validate({"articles": table, "speeches": table}, {"a1"}, "r1", datetime.now(UTC),
                          docs_dir=str(tmp_path / "docs"), expectations_dir=tmp_path)
    assert validation.batch_failures == ["articles: expect_table_row_count_to_be_between"]
    assert {result["table_name"] for result in validation.results} == {"articles"}  # no suite for speeches here


def test_the_quotes_suite_refuses_vague_sources_but_not_a_named_bodys_people(tmp_path):
    packaged = json.loads((PACKAGED_EXPECTATIONS / "quotes.json").read_text(encoding="utf-8"))
    speaker_rules = [rule for rule in packaged["expectations"]
                     if rule["type"] == "expect_column_values_to_not_match_regex" and rule["kwargs"]["column"] == "speaker_name"]
    (tmp_path / "quotes.json").write_text(json.dumps({"name": "quotes", "expectations": speaker_rules}), encoding="utf-8")

    def failed_rows(*names: str) -> list[int]:  # a failing row quarantines its article
        table = pa.table({"article_id": ["a1"] * len(names), "speaker_name": list(names)})
        validation = validate({"quotes": table}, {"a1"}, "r1", datetime.now(UTC), docs_dir=str(tmp_path / "docs"),
                              expectations_dir=tmp_path)
        return sorted(validation.failed_rows.get("quotes", {}))

    assert failed_rows("广汽有关高层人士", "国家知识产权局专利局人士", "申长雨", "业内人士", "知情人士", "他") == [3, 4, 5]


def test_a_publish_time_without_its_day_is_held_back(tmp_path):
    from datetime import date

    at = pa.array([datetime(2021, 9, 13, 16, tzinfo=UTC), None, datetime(2021, 9, 13, 16, tzinfo=UTC)], pa.timestamp("us", tz="UTC"))
    day = pa.array([date(2021, 9, 14), None, None], pa.date32())
    failed = {}
    for name in ("articles", "speeches", "quotes"):
        table = pa.table({"article_id": ["a1", "a2", "a3"], "published_at": at, "published_date": day})
        validation = validate({name: table}, {"a1", "a2", "a3"}, "r1", datetime.now(UTC), docs_dir=str(tmp_path / "docs"))
        failed[name] = {row for row, expectations in validation.failed_rows.get(name, {}).items()
                        if any("published_date" in expectation for expectation in expectations)}
    assert failed == {"articles": {2}, "speeches": {2}, "quotes": {2}}
