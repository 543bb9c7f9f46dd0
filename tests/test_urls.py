from __future__ import annotations

import pytest

from pipeline.urls import article_id, canonicalize_url, host_of, redact


def test_canonical_form():
    assert canonicalize_url("HTTP://WWW.X.Example:80/a/b.html?utm_source=home&id=3&from=list#comments") == "http://www.x.example/a/b.html?id=3"
    assert canonicalize_url("https://x.example") == "https://x.example/"
    assert canonicalize_url("http://x.example:8080/a?b=2&a=1") == "http://x.example:8080/a?a=1&b=2"


def test_article_id_is_stable_across_tracking_variants():
    assert article_id("http://x.example/a.html?utm_source=x#top") == article_id("http://x.example/a.html")
    assert article_id("http://x.example/a.html") != article_id("http://x.example/b.html")
    assert len(article_id("http://x.example/a.html")) == 16


def test_host_of_is_the_canonical_host():
    assert host_of("HTTP://crawler:pw@News.Example:80/a") == "news.example"
    assert host_of("http://127.0.0.1:8765/a") == "127.0.0.1:8765"
    assert host_of("http://[::1]:8765/a") == "[::1]:8765" and canonicalize_url("http://[::1]/a") == "http://[::1]/a"


@pytest.mark.parametrize(("text", "shown"), [
    ("GET http://crawler:s3cret@news.example/a failed", "GET http://crawler:***@news.example/a failed"),
    ("s3://AKIAKEY:wJalr/K7MDENG+bPxRfi@bucket/warehouse", "s3://AKIAKEY:***@bucket/warehouse"),
    ("postgresql+psycopg2://airflow:pw@db:5432/airflow and https://u:p@h/",
     "postgresql+psycopg2://airflow:***@db:5432/airflow and https://u:***@h/"),
    ("http://:token@h/x", "http://:***@h/x"),
    # An "@" after a port reads as the end of a password: hiding too much beats showing a key.
    ("http://news.example:8080/a@b", "http://news.example:***@b"),
])
def test_redact_hides_every_password_in_a_text(text, shown):
    assert redact(text) == shown


@pytest.mark.parametrize("text", ["http://news.example/a:b@c", "http://user@news.example/", "mailto:a@b.example", "plain text"])
def test_redact_leaves_urls_without_passwords_alone(text):
    assert redact(text) == text
