"""The dedup benchmark's copies: each variant changes what syndication changes, and a copy page
extracts back to the article's text."""

from __future__ import annotations

from benchmarks.dedup import _encoding_for, _page, copies
from pipeline.load.dedup import key_text
from pipeline.text import article_from_page

PARAGRAPHS = [f"第{n}段。国家知识产权局局长申长雨表示，要全面加强知识产权保护，推动构建新发展格局，服务高质量发展。" * 3 for n in range(8)]


def test_variants_restyle_retitle_resplit_and_excerpt():
    variants = copies("论坛在京举行", PARAGRAPHS)
    assert set(variants) == {"restyled", "retitled", "resplit", "excerpt"}
    assert variants["retitled"][0] != "论坛在京举行" and len(variants["retitled"][1]) == len(PARAGRAPHS) - 1
    assert len(variants["excerpt"][1]) == len(PARAGRAPHS) // 2
    assert len(variants["resplit"][1]) > len(PARAGRAPHS) - 1


def test_a_copy_page_in_another_encoding_extracts_to_the_same_text():
    title, paragraphs = copies("论坛在京举行", PARAGRAPHS)["restyled"]
    encoding = _encoding_for("".join(paragraphs))
    article = article_from_page(_page(title, paragraphs, encoding, "转载网"), url="http://copy.invalid/a.html")
    assert encoding == "gbk" and key_text("".join(PARAGRAPHS)) in key_text(article.body_text)
