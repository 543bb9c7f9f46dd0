from __future__ import annotations

from datetime import UTC, datetime

from devkit.publish_helpers import sample_articles
from pipeline.load.rows import rows, speaker_id, speakers

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_speaker_id_rule():
    assert speaker_id("宫鸣", "最高人民检察院") == speaker_id("宫鸣", "最高人民检察院")
    assert speaker_id("宫鸣", "最高人民检察院") != speaker_id("宫鸣", "北京市")
    assert speaker_id("", "x") is None and speaker_id(None, None) is None
    assert len(speaker_id("申长雨", "")) == 16


def test_rows_of_the_seed():
    seed = next(a for a in sample_articles() if a.title.startswith("【高层论坛】2022") and a.encoding == "utf-8")
    tables = rows([seed], NOW)
    article = tables["articles"].to_pylist()[0]
    assert (article["n_speeches"], article["n_paragraphs"], article["year"], article["month"]) == (4, 67, 2022, 4)
    speeches = tables["speeches"].to_pylist()
    assert [s["speech_id"] for s in speeches] == [f"{seed.article_id}-{i}" for i in range(4)]
    assert speeches[2]["speaker_name_raw"] == "宫 鸣" and speeches[2]["speaker_name"] == "宫鸣"
    paragraphs = tables["paragraphs"].to_pylist()
    assert all(p["speech_id"] is not None for p in paragraphs)  # the seed has no lead
    body = article["body_text"]
    for speech in speeches:
        assert body[speech["start_offset"]:speech["end_offset"]] == speech["text"]
    assert tables["speech_terms"].num_rows > 100


def test_speakers_merge_spellings_and_posts():
    tables = rows(sample_articles(), NOW)
    table = {row["speaker_name"]: row for row in speakers(tables["speeches"]).to_pylist()}
    assert table["宫鸣"]["names_seen"] == ["宫 鸣"] and table["宫鸣"]["n_speeches"] == 2  # seed and its GBK copy
    assert table["周明远"]["positions_seen"][0]["position"] == "司长"
