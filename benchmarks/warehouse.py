"""`make bench-warehouse`: publishing throughput (validation included), catalog rebuild time,
and every report view's query time — on the sample site and on a generated warehouse of
1M speeches — beside the same aggregations in pandas."""

from __future__ import annotations

import dataclasses
import os
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.generate import generate
from benchmarks.report import write_section
from devkit.publish_helpers import sample_articles
from pipeline.load.publish import publish
from pipeline.serve.catalog import REPORT_VIEWS, build_catalog, query
from pipeline.warehouse.storage import Warehouse
from pipeline.warehouse.tables import read_table

SPEECHES = int(os.environ.get("FORUM_ETL_BENCH_SPEECHES", "1000000"))
COPIES = 40  # sample-site copies published through the full path


def _median_seconds(action, rounds: int = 3) -> tuple[float, float, float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), max(times)


def _pandas_versions(warehouse: Warehouse) -> dict:
    speeches = read_table(warehouse, "speeches", ["speaker_id", "speaker_name", "speaker_org", "article_id", "year",
                                                  "char_count", "published_at"]).to_pandas()
    articles = read_table(warehouse, "articles", ["year", "month", "n_speeches", "char_count"]).to_pandas()
    terms = read_table(warehouse, "speech_terms", ["speaker_id", "term", "count"]).to_pandas()
    return {
        "speeches_per_speaker_per_year": lambda: speeches.dropna(subset=["speaker_id"]).groupby(["speaker_id", "year"]).agg(
            speeches=("char_count", "size"), characters=("char_count", "sum")),
        "avg_speech_length_by_org": lambda: speeches.groupby("speaker_org")["char_count"].agg(["size", "mean", "max"]),
        "most_active_orgs": lambda: speeches.groupby("speaker_org").agg(
            speeches=("char_count", "size"), speakers=("speaker_id", "nunique"), articles=("article_id", "nunique")),
        "top_terms_per_speaker": lambda: terms.groupby(["speaker_id", "term"])["count"].sum().reset_index()
            .sort_values(["speaker_id", "count"], ascending=[True, False]).groupby("speaker_id").head(10),
        "articles_per_month": lambda: articles[articles.year > 0].groupby(["year", "month"]).agg(
            articles=("n_speeches", "size"), speeches=("n_speeches", "sum")),
    }


def _queries(warehouse: Warehouse, with_pandas: bool) -> list[str]:
    lines = []
    pandas_versions = _pandas_versions(warehouse) if with_pandas else {}
    for view in REPORT_VIEWS:
        duck = _median_seconds(lambda view=view: query(warehouse, f"SELECT * FROM {view}"))
        cell = f"| {view} | {duck[0] * 1000:.0f} ms ({duck[1] * 1000:.0f}–{duck[2] * 1000:.0f}) |"
        if with_pandas:
            panda = _median_seconds(pandas_versions[view])
            cell += f" {panda[0] * 1000:.0f} ms |"
        lines.append(cell)
    return lines


def _size(directory: str) -> float:
    return sum(p.stat().st_size for p in Path(directory).rglob("*.parquet")) / 1e6


def main() -> None:
    lines = []
    with tempfile.TemporaryDirectory() as directory:
        warehouse = Warehouse.open(directory)
        articles = [dataclasses.replace(a, article_id=f"{copy:04d}{a.article_id[4:]}") for copy in range(COPIES) for a in sample_articles()]
        result = publish(warehouse, articles)
        rows = sum(result.rows_written.values())
        catalog_seconds = _median_seconds(lambda: build_catalog(warehouse))
        lines += [
            f"Publishing {len(articles)} sample-site articles ({result.rows_written['speeches']} speeches) through the full "
            f"path (rows, jieba terms, GX validation, partitioned zstd Parquet, manifest commit): {result.seconds:.2f} s, "
            f"**{rows / result.seconds:,.0f} rows/s** over all tables ({rows:,} rows).",
            f"Catalog rebuild: {catalog_seconds[0] * 1000:.0f} ms.", "",
            "Report views on the sample-site warehouse (DuckDB, median of 3):", "",
            "| view | DuckDB |", "|---|---|", *_queries(warehouse, with_pandas=False), "",
        ]
    with tempfile.TemporaryDirectory() as directory:
        warehouse = Warehouse.open(directory)
        started = time.perf_counter()
        counts = generate(warehouse, SPEECHES)
        written = time.perf_counter() - started
        catalog_seconds = _median_seconds(lambda: build_catalog(warehouse))
        total = sum(counts.values())
        lines += [
            f"Generated warehouse: {counts['speeches']:,} speeches, {counts['articles']:,} articles, "
            f"{counts['speech_terms']:,} term rows — generated and written in {written:.1f} s "
            f"({total / written:,.0f} rows/s), {_size(directory):.0f} MB of Parquet. Catalog rebuild: "
            f"{catalog_seconds[0] * 1000:.0f} ms.", "",
            f"Report views on {counts['speeches']:,} speeches (target < 1 s each; median of 3, min–max):", "",
            "| view | DuckDB | pandas (same aggregation, tables already in memory) |", "|---|---|---|",
            *_queries(warehouse, with_pandas=True),
        ]
    report = "\n".join(lines)
    print(report)
    write_section("bench-warehouse", "make bench-warehouse", report)


if __name__ == "__main__":
    main()
