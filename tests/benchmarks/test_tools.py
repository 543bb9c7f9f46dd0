"""The competitors' wrappers in benchmarks/tools.py and how their output is scored."""

from __future__ import annotations

import pytest

from benchmarks import tools
from pipeline.records import Article


def test_output_text_takes_the_headline_only_when_asked():
    article = Article(url="", article_id="", canonical_url="", raw_sha256="", encoding="utf-8", title="标题",
                      paragraphs=["第一段。", "第二段。"])
    assert tools.output_text(article) == "第一段。\n第二段。"
    assert tools.output_text(article, with_title=True) == "标题\n第一段。\n第二段。"
    assert tools.output_text(None) == ""
    assert tools.output_text("<div><p>正文</p></div>") == "正文"


def test_resiliparse_reads_an_undeclared_gbk_page_by_its_own_detection():
    pytest.importorskip("resiliparse")
    article = "".join(f"<p>{'国家知识产权局今天发布了新的专利审查指南，要求各地加强保护。' * 3}</p>" for _ in range(6))
    page = f"<html><body><div class=nav><a href=/>首页</a></div><div>{article}</div></body></html>".encode("gbk")
    text = tools.resiliparse()(page)
    assert "国家知识产权局今天发布了新的专利审查指南" in text
