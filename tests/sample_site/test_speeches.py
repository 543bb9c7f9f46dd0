"""Each sample page gives the speeches it was written with, field by field."""

from __future__ import annotations

import re

import pytest

from devkit.sample_site import expected_speech, load_content, page_paths, site_file
from pipeline.records import Article
from pipeline.text import article_from_pages
from pipeline.text.clean import normalize_text
from pipeline.text.extract import extract

CONTENT = load_content()


def _article(content: dict) -> Article:
    pages = [extract(site_file(path).read_bytes(), url="http://www.cipnews.example" + path) for path in page_paths(content)]
    return article_from_pages(pages)


def _expected_paragraphs(content: dict) -> list[str]:
    return [text for text in map(normalize_text, content["paragraphs"]) if text]


@pytest.mark.parametrize("content", CONTENT, ids=lambda c: c["slug"])
def test_speeches_field_by_field(content):
    article = _article(content)
    paragraphs = _expected_paragraphs(content)
    assert article.paragraphs == paragraphs
    expected = [
        {
            "index": number,
            "speaker_name": s["speaker_name"],
            "speaker_name_raw": s["speaker_name_raw"],
            "speaker_position": s["speaker_position"],
            "speaker_org": s["speaker_org"],
            "role": s["role"],
            "title": normalize_text(s["title"]),
            "paragraphs": expected_speech(s, paragraphs)[0],
            "speaker_label": expected_speech(s, paragraphs)[1],
        }
        for number, s in enumerate(content["speeches"])
    ]
    got = [
        {key: getattr(s, key) for key in ("index", "speaker_name", "speaker_name_raw", "speaker_position",
                                          "speaker_org", "role", "title", "paragraphs", "speaker_label")}
        for s in article.speeches
    ]
    assert got == expected


@pytest.mark.parametrize("content", CONTENT, ids=lambda c: c["slug"])
def test_offsets_slice_the_body_and_speeches_do_not_overlap(content):
    article = _article(content)
    body = article.body_text
    previous_end = -1
    for speech in article.speeches:
        assert body[speech.start_offset : speech.end_offset] == "\n".join(speech.paragraphs)
        assert speech.start_offset > previous_end
        previous_end = speech.end_offset


def test_seed_has_exactly_the_four_keynotes_and_no_credit_text():
    seed = _article(next(c for c in CONTENT if c["slug"] == "seed"))
    assert [(s.speaker_name, s.speaker_org, s.speaker_position) for s in seed.speeches] == [
        ("申长雨", "国家知识产权局", "局长"), ("贺小荣", "最高人民法院", "副院长"),
        ("宫鸣", "最高人民检察院", "检察委员会副部级专职委员"), ("殷勇", "北京市", "副市长")]
    in_speeches = [p for s in seed.speeches for p in s.paragraphs]
    headings = [text for s in seed.speeches for text in (s.title, s.speaker_label)]
    # every body paragraph in exactly one speech, or its heading or speaker line
    assert sorted(in_speeches + [normalize_text(text) for text in headings]) == sorted(seed.paragraphs)
    for text in in_speeches:
        for furniture in ("本报记者", "编辑:", "转载", "主办单位", "ICP"):
            assert furniture not in text


def test_gbk_copy_splits_like_the_utf8_page():
    by_slug = {c["slug"]: c for c in CONTENT}
    assert _article(by_slug["seed-gbk"]).speeches == _article(by_slug["seed"]).speeches


@pytest.mark.parametrize("slug", ["narrative", "news", "wrong-charset"])
def test_reported_speech_and_plain_news_have_no_speeches(slug):
    assert _article(next(c for c in CONTENT if c["slug"] == slug)).speeches == []


@pytest.mark.parametrize("encoding", ["utf-8", "big5", "gb18030"])
def test_the_seed_in_traditional_script_in_any_encoding_gives_its_four_keynotes(encoding):
    from opencc import OpenCC

    from pipeline.text import article_from_page

    seed = next(c for c in CONTENT if c["slug"] == "seed")
    [path] = page_paths(seed)
    html = OpenCC("s2t").convert(site_file(path).read_bytes().decode("utf-8"))
    html = re.sub(r"charset=utf-8", f"charset={encoding}", html, flags=re.IGNORECASE)
    article = article_from_page(html.encode(encoding, errors="xmlcharrefreplace"), url="https://tw.example" + path)
    simplified = _article(seed)
    assert [(s.speaker_name, s.speaker_org, s.speaker_position, len(s.paragraphs)) for s in article.speeches] == [
        (s.speaker_name, s.speaker_org, s.speaker_position, len(s.paragraphs)) for s in simplified.speeches]
    assert [s.speaker_name_raw for s in article.speeches] == ["申長雨", "賀小榮", "宮 鳴", "殷 勇"]
