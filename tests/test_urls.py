from __future__ import annotations

from pipeline.urls import article_id, canonicalize_url


def test_canonical_form():
    assert canonicalize_url("HTTP://WWW.X.Example:80/a/b.html?utm_source=home&id=3&from=list#comments") == "http://www.x.example/a/b.html?id=3"
    assert canonicalize_url("https://x.example") == "https://x.example/"
    assert canonicalize_url("http://x.example:8080/a?b=2&a=1") == "http://x.example:8080/a?a=1&b=2"


def test_article_id_is_stable_across_tracking_variants():
    assert article_id("http://x.example/a.html?utm_source=x#top") == article_id("http://x.example/a.html")
    assert article_id("http://x.example/a.html") != article_id("http://x.example/b.html")
    assert len(article_id("http://x.example/a.html")) == 16
