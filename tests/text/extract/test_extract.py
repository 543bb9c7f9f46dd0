"""The extract stage as a whole: errors are clear, and no input crashes it."""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devkit.sample_site import SITE_DIR
from pipeline.records import ExtractionError, article_record
from pipeline.text.extract import SiteHints, extract

SEED_PAGE = (SITE_DIR / "zscqb/2022/04/27/gclt-zzyj.html").read_bytes()
PROSE = "知识产权保护工作取得积极进展，各地加大执法力度，维护了公平竞争的市场秩序。"


def test_traceability_fields():
    article = extract(SEED_PAGE, url="http://www.cipnews.example/zscqb/2022/04/27/gclt-zzyj.html?from=list")
    assert article.raw_sha256 == hashlib.sha256(SEED_PAGE).hexdigest()
    assert len(article.article_id) == 16
    same = extract(SEED_PAGE, url="http://www.cipnews.example/zscqb/2022/04/27/gclt-zzyj.html")
    assert same.article_id == article.article_id


def test_a_copy_keeps_its_own_url_beside_the_canonical_url_it_declares():
    copy = (f'<html><head><link rel="canonical" href="http://origin.example/news/1.html"></head>'
            f"<body><h1>标题</h1><p>{PROSE * 3}</p></body></html>").encode()
    record = article_record(extract(copy, url="http://copier.example/a/9.html"))
    assert (record["url"], record["canonical_url"]) == ("http://copier.example/a/9.html", "http://origin.example/news/1.html")
    plain = article_record(extract(copy.replace(b"canonical", b"stylesheet"), url="http://copier.example/a/9.html"))
    assert plain["url"] == plain["canonical_url"] == "http://copier.example/a/9.html"


def page(head: str, header: str) -> bytes:
    return f"<html><head>{head}</head><body><h1>标题</h1><p>{header}</p><p>{PROSE * 3}</p></body></html>".encode()


@pytest.mark.parametrize(
    ("head", "header"),
    [
        ('<meta name="author" content="南方网"><meta name="copyright" content="南方网版权所有">', "2012-01-17 20:05"),
        ('<meta name="author" content="chinanews"><meta name="copyright" content="www.chinanews.com,版权所有">', "2012-01-12"),
        ('<meta property="og:site_name" content="太平洋电脑网PConline">', "作者：PConline"),
        ("", "出处：pconline</p><p>作者：PConline"),
    ],
)
def test_the_site_credited_as_author_is_no_author(head, header):
    assert extract(page(head, header)).authors == []


def test_a_person_credited_beside_the_site_name_stays():
    article = extract(page('<meta name="author" content="李楠"><meta name="copyright" content="央广网版权所有">', "来源：央广网"))
    assert (article.authors, article.source) == (["李楠"], "央广网")


def test_furniture_beside_the_source_and_the_editor_is_left_out():
    header = "来源：人民网-社会频道 <a>手机看新闻</a></p><p><span>责任编辑：黄敏</span><span>标签：</span><a>郭德纲</a>"
    article = extract(page("", header))
    assert (article.source, article.editor) == ("人民网-社会频道", "黄敏")


@pytest.mark.parametrize(("raw", "reason"), [(b"", "empty page"), (b"   \n", "empty page"),
                                             (b"<html><body><nav><a href=/>home</a></nav></body></html>", "no main content")])
def test_pages_without_an_article_fail_with_a_reason(raw, reason):
    with pytest.raises(ExtractionError) as error:
        extract(raw)
    assert error.value.reason == reason


def test_site_hints_are_only_a_fallback():
    html = f"<html><body><div id=x><em>短</em></div><div class=story>{PROSE * 3}</div></body></html>".encode()
    generic = extract(html)
    hinted = extract(html, hints=SiteHints(body="div#x"))
    assert generic.paragraphs == hinted.paragraphs and PROSE * 3 in generic.paragraphs


def test_site_hint_body_used_when_the_generic_pass_finds_too_little():
    html = '<html><body><ul><li><a href="/1">第一条链接标题</a></li></ul><div id="story"><a href="/k">关键词</a>短文</div></body></html>'
    article = extract(html.encode(), hints=SiteHints(body="//div[@id='story']"))
    assert "短文" in "".join(article.paragraphs)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_random_bytes_never_crash(raw):
    try:
        article = extract(raw)
    except ExtractionError as error:
        assert error.reason
    else:
        assert isinstance(article.paragraphs, list)


@settings(max_examples=200, deadline=None)
@given(cut=st.integers(min_value=0, max_value=len(SEED_PAGE)), codec=st.sampled_from(["utf-8", "gb18030", "big5", "latin-1"]))
def test_truncated_and_misencoded_pages_never_crash(cut, codec):
    page = SEED_PAGE.decode("utf-8").encode(codec, errors="replace")[:cut]
    try:
        extract(page, http_charset="utf-8")
    except ExtractionError as error:
        assert error.reason in {"empty page", "no main content", "unparseable HTML"}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_random_text_in_a_page_never_crashes(text):
    try:
        extract(f"<html><body><p>{text}</p></body></html>".encode("utf-8", errors="surrogatepass"))
    except ExtractionError as error:
        assert error.reason


def _page(body: str) -> bytes:
    return f"<html><head><title>标题</title></head><body><div><p>{body}</p></div></body></html>".encode()


@pytest.mark.parametrize("raw", [
    random.Random(11).randbytes(50_000),  # binary garbage
    _page("\x00" * 5_000),  # the parser makes U+FFFD of NULs
    _page("\ufffd" * 500 + PROSE),
    _page(PROSE + "\x01\x02\x03\x04\x05\x06" * 100),
], ids=["binary", "nuls", "replacement-characters", "control-characters"])
def test_pages_that_are_not_text_are_refused_rather_than_published_as_mojibake(raw):
    with pytest.raises(ExtractionError) as error:
        extract(raw)
    assert error.value.reason == "not text"


def test_a_few_replacement_characters_are_tolerated():
    article = extract(_page(PROSE * 3 + "\ufffd"))
    assert article.paragraphs == [PROSE * 3 + "\ufffd"]
