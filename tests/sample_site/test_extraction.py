"""Every sample page gives the metadata and body it was rendered from, field by field."""

from __future__ import annotations

from datetime import datetime

import pytest

from devkit.sample_site import load_content, page_paths, site_file
from pipeline.records import Article
from pipeline.text.clean import clean, normalize_text, normalize_whitespace
from pipeline.text.extract import extract

CONTENT = load_content()
SINGLE_PAGE = [c for c in CONTENT if not c["page_breaks"]]


def _article(content: dict, page: int = 0) -> Article:
    path = page_paths(content)[page]
    raw = site_file(path).read_bytes()
    return clean(extract(raw, url="http://www.cipnews.example" + path))


def _expected_raw(paragraphs: list[str]) -> list[str]:
    return [line for line in map(normalize_whitespace, paragraphs) if line]


@pytest.mark.parametrize("content", SINGLE_PAGE, ids=lambda c: c["slug"])
def test_metadata(content):
    article = _article(content)
    assert article.title == content["title"]
    assert article.source == content["source"]
    published = datetime.fromisoformat(content["published"])
    if ":" in content["display_date"]:
        assert (article.published_at, article.published_precision) == (published, "time")
    else:  # the page shows the day only
        assert (article.published_at.date(), article.published_precision) == (published.date(), "day")
    assert article.authors == content["authors"]
    assert article.editor == content["editor"]
    assert article.language == content["language"]


@pytest.mark.parametrize("content", SINGLE_PAGE, ids=lambda c: c["slug"])
def test_photographers(content):
    assert _article(content).photographers == content["photographers"]


@pytest.mark.parametrize("content", SINGLE_PAGE, ids=lambda c: c["slug"])
def test_body_is_the_paragraphs_and_nothing_else(content):
    article = _article(content)
    assert article.paragraphs_raw == _expected_raw(content["paragraphs"])
    assert article.paragraphs == [normalize_text(p) for p in article.paragraphs_raw]


def test_two_page_article_pages_hold_their_own_paragraphs():
    content = next(c for c in CONTENT if c["page_breaks"])
    split = content["page_breaks"][0]
    first, second = _article(content, 0), _article(content, 1)
    assert first.paragraphs_raw == _expected_raw(content["paragraphs"][:split])
    assert second.paragraphs_raw == _expected_raw(content["paragraphs"][split:])
    assert second.editor == content["editor"] and second.authors == content["authors"]
    assert first.title == second.title == content["title"]


def test_seed_page_reference_values():
    seed = _article(next(c for c in CONTENT if c["slug"] == "seed"))
    assert seed.source == "中国知识产权报/中国知识产权资讯网"
    assert seed.published_at.isoformat() == "2022-04-27T18:40:00+08:00"
    assert (seed.editor, seed.authors, seed.photographers) == ("晏如", ["杨柳", "薛佩雯"], ["蒋文杰"])
    body = seed.body_text
    for speaker_line in ("国家知识产权局局长 申长雨", "最高人民法院副院长 贺小荣",
                         "最高人民检察院检察委员会副部级专职委员 宫鸣", "北京市副市长 殷勇"):
        assert speaker_line in seed.paragraphs
    for furniture in ("本报记者", "编辑", "转载", "主办单位", "ICP", "当前位置", "分享", "评论", "上一篇"):
        assert furniture not in body


def test_gbk_copy_extracts_like_the_utf8_page():
    by_slug = {c["slug"]: c for c in CONTENT}
    utf8, gbk = _article(by_slug["seed"]), _article(by_slug["seed-gbk"])
    assert gbk.encoding == "gb18030" and utf8.encoding == "utf-8"
    assert (gbk.title, gbk.paragraphs, gbk.published_at) == (utf8.title, utf8.paragraphs, utf8.published_at)


def test_wrong_declared_charset_is_recovered():
    content = next(c for c in CONTENT if c["slug"] == "wrong-charset")
    assert content["declared_charset"] == "utf-8" and content["encoding"] == "gbk"
    article = _article(content)
    assert article.encoding == "gb18030"
    assert "\ufffd" not in article.body_text
