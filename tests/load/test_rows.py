from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from devkit.publish_helpers import sample_articles
from pipeline.load.identity import name_id
from pipeline.load.rows import rows, speakers

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_speeches_are_staged_with_the_id_of_their_name():
    seed = next(a for a in sample_articles() if a.title.startswith("【高层论坛】2022") and a.encoding == "utf-8")
    speeches = rows([seed], NOW)["speeches"].to_pylist()
    assert [s["speaker_id"] for s in speeches] == [name_id(s.speaker_name) for s in seed.speeches]


def test_rows_of_the_seed():
    seed = next(a for a in sample_articles() if a.title.startswith("【高层论坛】2022") and a.encoding == "utf-8")
    tables = rows([seed], NOW)
    article = tables["articles"].to_pylist()[0]
    assert (article["n_speeches"], article["n_paragraphs"], article["year"], article["month"]) == (4, 67, 2022, 4)
    speeches = tables["speeches"].to_pylist()
    assert [s["speech_id"] for s in speeches] == [f"{seed.article_id}-{i}" for i in range(4)]
    assert speeches[2]["speaker_name_raw"] == "宫 鸣" and speeches[2]["speaker_name"] == "宫鸣"
    paragraphs = tables["paragraphs"].to_pylist()
    # the seed has no lead: only the keynotes' headings and speaker lines belong to no speech
    assert sorted(p["text"] for p in paragraphs if p["speech_id"] is None) == sorted(
        text for s in seed.speeches for text in (s.title, s.speaker_label.replace("宫 鸣", "宫鸣").replace("殷 勇", "殷勇")))
    body = article["body_text"]
    for speech in speeches:
        assert body[speech["start_offset"]:speech["end_offset"]] == speech["text"]
    assert tables["speech_terms"].num_rows > 100


def test_an_article_row_keeps_the_fetched_url_and_the_declared_canonical_one():
    seed = next(a for a in sample_articles() if a.title.startswith("【高层论坛】2022") and a.encoding == "utf-8")
    copy = dataclasses.replace(seed, url="http://copier.example/a/9.html", canonical_url="http://origin.example/news/1.html")
    article = rows([copy], NOW)["articles"].to_pylist()[0]
    assert (article["url"], article["canonical_url"]) == ("http://copier.example/a/9.html", "http://origin.example/news/1.html")


def test_speakers_merge_spellings_and_posts():
    tables = rows(sample_articles(), NOW)
    table = {row["speaker_name"]: row for row in speakers(tables["speeches"], tables["quotes"]).to_pylist()}
    assert [seen["name"] for seen in table["宫鸣"]["names_seen"]] == ["宫 鸣"] and table["宫鸣"]["n_speeches"] == 2  # seed, GBK copy
    assert table["宫鸣"]["names_seen"][0]["first_published_at"] is not None
    assert table["周明远"]["positions_seen"][0]["position"] == "司长"


def test_quotes_rows_keep_lineage_to_their_article_and_raw_page():
    tables = rows(sample_articles(), NOW)
    articles = {row["article_id"]: row for row in tables["articles"].to_pylist()}
    quotes = tables["quotes"].to_pylist()
    assert {(q["speaker_name"], q["speaker_kind"]) for q in quotes} >= {("陈光远", "person"), ("知识产权署发言人", "office")}
    for quote in quotes:
        article = articles[quote["article_id"]]
        assert quote["raw_sha256"] == article["raw_sha256"] and (quote["year"], quote["month"]) == (article["year"], article["month"])
        assert article["body_text"][quote["start_offset"]:quote["end_offset"]].strip() == quote["text"]
        assert (quote["speaker_id"] is None) == (quote["speaker_kind"] != "person")


def test_a_day_precision_article_keeps_its_day_beside_the_utc_instant():
    """2021-09-14 (Asia/Shanghai, no time) is 2021-09-13 16:00 UTC: the day analysts count is the 14th."""
    from datetime import date, timedelta, timezone

    shanghai_day = datetime(2021, 9, 14, tzinfo=timezone(timedelta(hours=8)))
    seed = next(a for a in sample_articles() if a.speeches)
    days = [dataclasses.replace(article, published_at=shanghai_day, published_precision="day")
            for article in (seed, next(a for a in sample_articles() if a.quotes))]
    tables = rows(days, NOW)
    for name in ("articles", "speeches", "quotes"):
        row = tables[name].to_pylist()[0]
        assert row["published_at"] == datetime(2021, 9, 13, 16, tzinfo=UTC), name
        assert row["published_date"] == date(2021, 9, 14), name
    undated = rows([dataclasses.replace(seed, published_at=None, published_precision="")], NOW)["articles"].to_pylist()[0]
    assert undated["published_date"] is None
