from __future__ import annotations

import dataclasses
import json
import os
import signal
import time
from datetime import UTC, datetime, timedelta

import duckdb
import pyarrow.parquet as pq
import pytest

from devkit.publish_helpers import copies, sample_articles, start_publisher
from pipeline.load.publish import publish
from pipeline.load.quarantine import quarantine_table, validation_results
from pipeline.records import Speech
from pipeline.serve.catalog import REPORT_VIEWS, build_catalog, query
from pipeline.warehouse.manifest import read_manifest, vacuum
from pipeline.warehouse.schemas import ARTICLES, MANIFEST_TABLES, SPEECHES
from pipeline.warehouse.storage import Warehouse
from pipeline.warehouse.tables import read_table


@pytest.fixture
def published(tmp_path):
    warehouse = Warehouse.open(str(tmp_path / "wh"))
    result = publish(warehouse, sample_articles())
    build_catalog(warehouse)
    return warehouse, result


def test_round_trip_readable_by_pyarrow_duckdb_and_pandas(published):
    warehouse, result = published
    assert result.success and result.published == 11
    assert read_table(warehouse, "speeches").num_rows == 49
    files = read_manifest(warehouse)["tables"]["speeches"]
    assert all("/year=" in f and "/month=" in f for f in files)
    speeches = pq.read_table(warehouse.path(files[0]))
    assert speeches.schema.field("published_at").type == SPEECHES.field("published_at").type
    assert pq.ParquetFile(warehouse.path(files[0])).metadata.row_group(0).column(0).compression == "ZSTD"
    frame = read_table(warehouse, "articles").to_pandas()
    assert str(frame["published_at"].dtype).startswith("datetime64") and frame["char_count"].dtype.name == "int32"
    # any DuckDB client, told where the warehouse is (README: Use it from BI and notebooks)
    with duckdb.connect(warehouse.path("forum.duckdb"), read_only=True, config={"file_search_path": warehouse.root}) as connection:
        columns = dict(connection.execute("SELECT column_name, data_type FROM information_schema.columns "
                                          "WHERE table_name = 'articles'").fetchall())
        assert columns["published_at"] == "TIMESTAMP WITH TIME ZONE" and columns["authors"] == "VARCHAR[]"
        assert connection.execute("SELECT count(*) FROM speakers").fetchone()[0] == 18  # 17 give speeches, 陈光远 is quoted
    assert set(ARTICLES.names) <= set(columns)


def test_report_views_return_the_expected_rows(published):
    warehouse, _ = published
    for view in REPORT_VIEWS:
        assert query(warehouse, f"SELECT count(*) AS n FROM {view}").to_pylist()[0]["n"] > 0
    orgs = {r["speaker_org"]: r for r in query(warehouse, "SELECT * FROM most_active_orgs").to_pylist()}
    assert orgs["国家知识产权局"]["speeches"] == 3  # 申长雨 once (the GBK copy of the seed is a copy), 林静怡, 李明哲
    per_year = query(warehouse, "SELECT speeches FROM speeches_per_speaker_per_year WHERE speaker_name = '宫鸣'").to_pylist()
    assert per_year == [{"speeches": 1}]
    copies = query(warehouse, "SELECT item_kind, copies, sites FROM copies ORDER BY item_kind").to_pylist()
    assert [row["item_kind"] for row in copies] == ["article"] + ["speech"] * 4  # the seed's GBK copy and its four keynotes
    assert copies[0]["copies"] == 1 and copies[0]["sites"] == ["www.cipnews.example"]
    months = query(warehouse, "SELECT year, month, articles FROM articles_per_month WHERE year = 2022").to_pylist()
    assert {(m["year"], m["month"]) for m in months} == {(2022, 4), (2022, 8)}
    terms = query(warehouse, "SELECT term FROM top_terms_per_speaker WHERE speaker_name = '申长雨' AND rank = 1").to_pylist()
    assert terms == [{"term": "知识产权"}]


def test_rerun_is_idempotent(published):
    warehouse, _ = published
    before = {name: read_table(warehouse, name).drop_columns(["extracted_at"] if name == "articles" else []).sort_by(
        [(read_table(warehouse, name).column_names[0], "ascending")]) for name in ("articles", "speeches", "paragraphs")}
    publish(warehouse, sample_articles())
    for name, table in before.items():
        again = read_table(warehouse, name)
        again = again.drop_columns(["extracted_at"] if name == "articles" else []).sort_by([(again.column_names[0], "ascending")])
        assert again.equals(table)
    superseded = len(warehouse.files("speeches")) - len(read_manifest(warehouse)["tables"]["speeches"])
    assert superseded > 0  # kept for readers of version 1 during the retention window
    vacuum(warehouse, list(MANIFEST_TABLES), retention=timedelta(0))
    assert len(warehouse.files("speeches")) == len(read_manifest(warehouse)["tables"]["speeches"])


def test_an_article_published_again_is_one_row_latest_wins(published):
    warehouse, _ = published
    seed = sample_articles()[next(i for i, a in enumerate(sample_articles()) if a.title.startswith("【高层论坛】2022"))]
    moved = dataclasses.replace(seed, title="新标题", published_at=datetime(2023, 6, 1, tzinfo=UTC),
                                speeches=seed.speeches[:2])
    publish(warehouse, [moved])
    articles = [r for r in read_table(warehouse, "articles").to_pylist() if r["article_id"] == seed.article_id]
    assert len(articles) == 1 and articles[0]["title"] == "新标题" and articles[0]["year"] == 2023
    speeches = [r for r in read_table(warehouse, "speeches").to_pylist() if r["article_id"] == seed.article_id]
    assert len(speeches) == 2  # the rows it no longer has are gone, from its old partition too


def test_bad_rows_are_quarantined_with_the_expectation_named_and_published_data_unchanged(published):
    warehouse, _ = published
    before = read_table(warehouse, "speeches")
    good = sample_articles()[0]
    future = dataclasses.replace(sample_articles()[1], published_at=datetime.now(UTC) + timedelta(days=30))
    nameless_speech = Speech(0, "", "", "局长", "国家知识产权局", "speaker", "", "", ("讲话内容",), 0, 4)
    nameless = dataclasses.replace(sample_articles()[2], speeches=[nameless_speech])
    result = publish(warehouse, [good, future, nameless])
    assert not result.success
    assert set(result.quarantined) == {future.article_id, nameless.article_id}
    assert any("published_at" in e for e in result.quarantined[future.article_id])
    assert any("expect_column_values_to_not_be_null(speaker_name)" in e for e in result.quarantined[nameless.article_id])
    held = quarantine_table(warehouse).to_pylist()
    assert {row["article_id"] for row in held} == {future.article_id, nameless.article_id}
    assert any(json.loads(row["row_json"])["speech_id"] == f"{nameless.article_id}-0" for row in held if row["table_name"] == "speeches")
    assert read_table(warehouse, "speeches").sort_by("speech_id").equals(before.sort_by("speech_id"))
    failed = [r for r in validation_results(warehouse).to_pylist() if not r["success"]]
    assert {r["table_name"] for r in failed} >= {"articles", "speeches"}
    assert os.path.exists(result.docs_index)


def test_killing_the_writer_mid_publish_leaves_the_previous_state_whole(published):
    warehouse, _ = published
    before = {name: read_table(warehouse, name).num_rows for name in ("articles", "speeches", "paragraphs")}
    titles = set(read_table(warehouse, "articles", ["title"]).column("title").to_pylist())
    killed = 0
    for delay in (0.3, 1.0, 2.0):
        # Many revised copies under new ids, so that the publish takes long enough to be interrupted
        # (40 copies published in 1.9 s here once processing got faster: within the 2 s wait).
        process = start_publisher(warehouse.root, 0, 400, "（修订）")
        assert process.stdout.readline().strip() == "ready"
        time.sleep(delay)
        if process.poll() is not None:
            break
        process.send_signal(signal.SIGKILL)
        process.wait()
        if read_manifest(warehouse)["version"] == 1:  # killed before its commit: nothing changed
            killed += 1
            assert {name: read_table(warehouse, name).num_rows for name in before} == before
            assert set(read_table(warehouse, "articles", ["title"]).column("title").to_pylist()) == titles
    assert killed
    build_catalog(warehouse)
    assert query(warehouse, "SELECT count(*) AS n FROM speeches").to_pylist()[0]["n"] == before["speeches"]


def _assert_one_row_per_key(warehouse: Warehouse) -> None:
    for name, key in (("articles", "article_id"), ("speeches", "speech_id")):
        keys = read_table(warehouse, name, [key]).column(key).to_pylist()
        assert len(keys) == len(set(keys)), f"duplicate rows in {name}"


def test_a_publish_that_loses_the_commit_race_merges_again_on_top_of_the_winner(published, monkeypatch):
    import pipeline.load.publish as publishing

    warehouse, _ = published
    merge, raced = publishing._merge, []

    def merge_while_a_rival_commits(*args):
        merged = merge(*args)
        if not raced:
            raced.append(True)
            publish(warehouse, copies(1, 1), validate_rows=False)  # takes the version this merge wanted
        return merged

    monkeypatch.setattr(publishing, "_merge", merge_while_a_rival_commits)
    result = publish(warehouse, copies(2, 1), validate_rows=False)
    assert result.version == 3 and result.commit_attempts == 2 and read_manifest(warehouse)["version"] == 3
    ids = set(read_table(warehouse, "articles", ["article_id"]).column("article_id").to_pylist())
    assert {a.article_id for a in [*sample_articles(), *copies(1, 1), *copies(2, 1)]} == ids
    _assert_one_row_per_key(warehouse)
    vacuum(warehouse, list(MANIFEST_TABLES), retention=timedelta(0))  # nothing the loser wrote is left behind
    named = {f for files in read_manifest(warehouse)["tables"].values() for f in files}
    assert {os.path.relpath(f, warehouse.root) for name in MANIFEST_TABLES for f in warehouse.files(name)} == named


def test_concurrent_publishes_lose_nothing_and_duplicate_nothing(published, tmp_path):
    """Two new batches and two publishes of the same articles (a reprocess beside a crawl's
    publish) commit at the same moment; all exit 0 and every row is there once."""
    warehouse, _ = published
    go = tmp_path / "go"
    racers = [(10, 3, ""), (20, 3, ""), (30, 3, "（一）"), (30, 3, "（二）")]
    processes = [start_publisher(warehouse.root, first, count, mark, go) for first, count, mark in racers]
    assert all(process.stdout.readline().strip() == "ready" for process in processes)
    go.touch()
    outcomes = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0] * len(racers), [err for _, err in outcomes]
    assert sorted(int(out.split()[0]) for out, _ in outcomes) == [2, 3, 4, 5]  # one version each, none lost
    ids = read_table(warehouse, "articles", ["article_id"]).column("article_id").to_pylist()
    expected = {a.article_id for a in [*sample_articles(), *copies(10, 3), *copies(20, 3), *copies(30, 3)]}
    assert set(ids) == expected
    _assert_one_row_per_key(warehouse)
    titles = {r["title"][-3:] for r in read_table(warehouse, "articles", ["article_id", "title"]).to_pylist()
              if r["article_id"].startswith("003")}
    assert len(titles) == 1 and titles <= {"（一）", "（二）"}  # the later commit won, whole
    build_catalog(warehouse)
    assert query(warehouse, "SELECT count(*) AS n FROM articles").to_pylist() == [{"n": len(expected)}]


def test_a_reader_holding_the_catalog_keeps_reading_across_a_publish(published):
    warehouse, _ = published
    reader = duckdb.connect(warehouse.path("forum.duckdb"), read_only=True, config={"file_search_path": warehouse.root})
    try:
        before = reader.execute("SELECT count(*), sum(length(text)) FROM speeches").fetchone()
        publish(warehouse, copies(0, 1, "（修订）"), validate_rows=False)  # same ids: every partition rewritten
        build_catalog(warehouse)
        vacuum(warehouse, list(MANIFEST_TABLES))  # default retention
        assert reader.execute("SELECT count(*), sum(length(text)) FROM speeches").fetchone() == before
    finally:
        reader.close()


def test_one_id_per_person_across_scripts_and_orgs_given_or_not(tmp_path):
    """The seed page in Traditional script gives its four keynotes the same ids as the Simplified
    page, and a speech naming 申长雨 with no org is the same person."""
    from opencc import OpenCC

    from devkit.sample_site import load_content, page_paths, site_file
    from pipeline.text import article_from_page

    seed = next(c for c in load_content() if c["slug"] == "seed")
    [path] = page_paths(seed)
    html = site_file(path).read_bytes().decode("utf-8")
    traditional = article_from_page(OpenCC("s2t").convert(html).encode("utf-8"), url="https://tw.example/seed.html")
    simplified = next(a for a in sample_articles() if a.url.endswith(path))
    bare = dataclasses.replace(simplified, article_id="f" * 16, speeches=[
        dataclasses.replace(simplified.speeches[0], speaker_org="", speaker_position="")])
    warehouse = Warehouse.open(str(tmp_path / "wh"))
    publish(warehouse, [simplified])
    publish(warehouse, [traditional, bare])
    speeches = read_table(warehouse, "speeches", ["article_id", "speaker_name", "speaker_id"]).to_pylist()
    ids = {}
    for row in speeches:
        ids.setdefault(row["speaker_name"], set()).add(row["speaker_id"])
    assert sorted(ids) == ["宫鸣", "殷勇", "申长雨", "贺小荣"]
    assert all(len(found) == 1 for found in ids.values()), ids
    people = {row["speaker_name"]: row for row in read_table(warehouse, "speakers").to_pylist()}
    # three copies of one speech (Simplified, Traditional, and again with no org): one person, one speech
    assert people["申长雨"]["n_speeches"] == 1 and people["申长雨"]["speaker_org"] == "国家知识产权局"
    assert {seen["name"] for seen in people["宫鸣"]["names_seen"]} == {"宫 鸣", "宮 鳴"}


def test_a_copy_published_in_a_later_run_links_to_the_earlier_story_and_nothing_moves(tmp_path):
    """The index lives in the warehouse: a copy published later (here the seed again in GBK) is
    matched against everything published before, and publishing again changes no canonical id."""
    articles = sample_articles()
    seed = next(a for a in articles if a.url.endswith("gclt-zzyj.html"))
    gbk = next(a for a in articles if a.url.endswith("gclt-zzyj_gb.html"))
    warehouse = Warehouse.open(str(tmp_path / "wh"))
    publish(warehouse, [seed])
    publish(warehouse, [gbk])
    columns = ["article_id", "canonical_id"]
    before = {row["article_id"]: row["canonical_id"] for row in read_table(warehouse, "articles", columns).to_pylist()}
    assert before == {seed.article_id: seed.article_id, gbk.article_id: seed.article_id}
    speeches = read_table(warehouse, "speeches", ["speech_id", "canonical_id", "article_id"]).to_pylist()
    assert all(row["canonical_id"].startswith(seed.article_id) for row in speeches) and len(speeches) == 8
    index_rows = read_table(warehouse, "dedup_index").num_rows
    publish(warehouse, [gbk, seed])
    after = {row["article_id"]: row["canonical_id"] for row in read_table(warehouse, "articles", columns).to_pylist()}
    assert after == before and read_table(warehouse, "dedup_index").num_rows == index_rows


def test_a_keynote_republished_alone_links_to_the_compilation_it_came_from(tmp_path):
    """A shorter article carrying one speech of a compilation: its speech is that speech's copy,
    and the article a partial copy of the compilation."""
    seed = next(a for a in sample_articles() if a.url.endswith("gclt-zzyj.html"))
    first = seed.speeches[0]
    alone = dataclasses.replace(
        seed, article_id="0" * 16, url="https://other.example/keynote.html", title="申长雨：全面加强知识产权保护",
        paragraphs=list(first.paragraphs), paragraphs_raw=list(first.paragraphs),
        speeches=[dataclasses.replace(first, start_offset=0, end_offset=len("\n".join(first.paragraphs)))], quotes=[])
    warehouse = Warehouse.open(str(tmp_path / "wh"))
    publish(warehouse, [seed])
    publish(warehouse, [alone])
    speeches = read_table(warehouse, "speeches", ["speech_id", "canonical_id"]).to_pylist()
    assert {row["speech_id"]: row["canonical_id"] for row in speeches}[f"{'0' * 16}-0"] == f"{seed.article_id}-0"
    articles = {row["article_id"]: row["canonical_id"]
                for row in read_table(warehouse, "articles", ["article_id", "canonical_id"]).to_pylist()}
    assert articles["0" * 16] == seed.article_id
