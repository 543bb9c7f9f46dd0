from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.records import Article
from pipeline.text.clean import clean, normalize_text, normalize_whitespace

PARAGRAPH = "党的十八大以来，知识产权保护工作取得历史性成就，“严保护”的政策导向更加鲜明。"


def article(lines: list[str], title: str = "标题") -> Article:
    return Article(url="http://x.example/a.html", article_id="0" * 16, canonical_url="", raw_sha256="",
                   encoding="utf-8", title=title, paragraphs=list(lines), paragraphs_raw=list(lines))


def test_whitespace_of_every_kind_collapses():
    assert normalize_whitespace("\u3000\u3000全面加强\u00a0推动  发展\t\u200b") == "全面加强 推动 发展"


def test_cjk_punctuation_is_kept_and_fullwidth_digits_become_ascii():
    assert normalize_text("２０２２年，“十四五”规划（ＡＩ）") == "2022年，“十四五”规划（AI）"


def test_headline_metadata_credits_and_footer_leave_the_body():
    cleaned = clean(article([
        "标题", "文章来源: 中国知识产权报 发布时间: 2022/4/27 18:40:00",
        "全面加强知识产权保护", "国家知识产权局局长 申长雨", PARAGRAPH,
        "(本报记者 杨 柳 整理,图片由记者 蒋文杰 摄)", "(编辑:晏如)", "(中国知识产权报独家稿件,未经授权不得转载。)",
    ]))
    assert cleaned.paragraphs == ["全面加强知识产权保护", "国家知识产权局局长 申长雨", PARAGRAPH]
    assert (cleaned.source, cleaned.authors, cleaned.photographers, cleaned.editor) == (
        "中国知识产权报", ["杨柳"], ["蒋文杰"], "晏如")


def test_byline_above_the_metadata_line_is_kept_apart():
    cleaned = clean(article(["国家知识产权局副局长 李 明", "时间：2023年02月16日 来源：国家知识产权局", PARAGRAPH]))
    assert cleaned.byline == "国家知识产权局副局长 李明"
    assert cleaned.paragraphs == [PARAGRAPH]


def test_spaced_names_are_joined_and_the_raw_form_kept():
    cleaned = clean(article(["北京市副市长 殷 勇", PARAGRAPH]))
    assert cleaned.paragraphs[0] == "北京市副市长 殷勇"
    assert cleaned.paragraphs_raw[0] == "北京市副市长 殷 勇"


def test_captions_leave_the_body_but_credit_the_photographer():
    cleaned = clean(article([PARAGRAPH, "图为启动仪式现场。本报记者 钱锋 摄", PARAGRAPH]))
    assert cleaned.paragraphs == [PARAGRAPH, PARAGRAPH] and cleaned.photographers == ["钱锋"]


def test_lead_dateline_names_the_reporters():
    cleaned = clean(article(["本报讯（记者 赵婧 孙小雨）4月26日，" + PARAGRAPH]))
    assert cleaned.authors == ["赵婧", "孙小雨"]
    assert cleaned.paragraphs[0].startswith("本报讯")


def test_clean_returns_a_new_record():
    original = article(["标题", PARAGRAPH])
    clean(original)
    assert original.paragraphs == ["标题", PARAGRAPH]


LINE_PIECES = st.sampled_from(["全面", "加强", " ", "  ", "\u3000", "\xa0", "\t", "\u200b", "２０", "ＡＩ", "殷", "勇", "，", "a"])


@given(st.lists(st.lists(LINE_PIECES, max_size=8).map("".join), min_size=1, max_size=12))
def test_whole_page_shortcuts_give_what_normalising_each_line_gives(lines):
    cleaned = clean(article(lines, title=""))
    expected_raw = [line for line in map(normalize_whitespace, lines) if line]
    assert cleaned.paragraphs_raw == [line for line in expected_raw if line in cleaned.paragraphs_raw]
    assert cleaned.paragraphs == [normalize_text(line) for line in cleaned.paragraphs_raw]
