from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.acquire.config import ConfigError, CrawlConfig, Politeness, load_config, parse_config

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

MINIMAL = """
[[sources]]
name = "site"
start_urls = ["http://news.example/forum/index.html"]
article_patterns = ['/content_\\d+\\.html$']
"""


def test_examples_load():
    sample = load_config(EXAMPLES / "sample-site.toml")
    real = load_config(EXAMPLES / "real-site.toml")
    assert sample.sources[0].allowed_hosts == ("127.0.0.1:8765",)
    assert real.sources[0].politeness.requests_per_second == 0.5 and real.warehouse.startswith("s3://")


def test_defaults_and_derived_hosts():
    config = parse_config(MINIMAL)
    source = config.sources[0]
    assert source.allowed_hosts == ("news.example",) and config.warehouse is None  # Settings decides
    assert source.politeness.respect_robots and source.politeness.min_interval == 1.0
    assert source.kind_of("http://news.example/a/content_12.html") == "article"
    assert source.kind_of("http://other.example/a/content_12.html") is None


def test_source_politeness_overrides_the_default():
    config = parse_config("[politeness]\nrequests_per_second = 4\n" + MINIMAL + "[sources.politeness]\nmax_retries = 0\n")
    politeness = config.sources[0].politeness
    assert (politeness.requests_per_second, politeness.max_retries) == (4.0, 0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one [[sources]]"),
        ("[[sources]]\nname = 'x'\narticle_patterns = ['a']\n", "give at least one of start_urls"),
        (MINIMAL.replace("start_urls", "start_url"), "unknown keys"),
        (MINIMAL.replace("'/content_\\d+\\.html$'", "'('"), "bad regular expression"),
        (MINIMAL + "[sources.politeness]\nrequests_per_second = 'fast'\n", "must be a float"),
        (MINIMAL + "[sources.politeness]\nspeed = 1\n", "unknown politeness setting"),
        (MINIMAL.replace("http://news.example", "ftp://news.example"), "not an http(s) URL"),
        (MINIMAL + MINIMAL, "names must be unique"),
        ("this is not toml [", "not valid TOML"),
    ],
)
def test_bad_configurations_say_what_is_wrong(text, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        parse_config(text)


def test_missing_file():
    with pytest.raises(ConfigError, match="No such file"):
        load_config("/nonexistent/forum.toml")


def test_rate_shared_among_parallel_fetchers():
    config = parse_config("[politeness]\nrequests_per_second = 2\n" + MINIMAL)
    assert config.shared_among(4).sources[0].politeness.requests_per_second == 0.5
    assert config.shared_among(1) is config


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("max_concurrency_per_host = 0", "max_concurrency_per_host must be at least 1, not 0"),
        ("max_concurrency_per_host = -2", "max_concurrency_per_host must be at least 1"),
        ("requests_per_second = nan", "requests_per_second must be a finite number, not nan"),
        ("requests_per_second = inf", "requests_per_second must be a finite number, not inf"),
        ("requests_per_second = -1", "requests_per_second must be at least 0"),
        ("timeout_seconds = 0", "timeout_seconds must be greater than 0"),
        ("timeout_seconds = inf", "timeout_seconds must be a finite number"),
        ("backoff_seconds = nan", "backoff_seconds must be a finite number"),
        ("max_retry_after_seconds = inf", "max_retry_after_seconds must be a finite number"),
        ("max_retries = -1", "max_retries must be at least 0"),
        ("max_redirects = -1", "max_redirects must be at least 0"),
        ("max_body_bytes = 0", "max_body_bytes must be at least 1"),
        ("user_agent = ' '", "user_agent must name the crawler"),
    ],
)
def test_settings_that_would_hang_or_drop_politeness_are_refused(setting, message):
    with pytest.raises(ConfigError, match=f"source 'site': {message}"):
        parse_config(MINIMAL + f"[sources.politeness]\n{setting}\n")
    with pytest.raises(ConfigError, match=f"politeness: {message}"):
        parse_config(f"[politeness]\n{setting}\n" + MINIMAL)


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_revisit_period_must_be_a_finite_number(value):
    with pytest.raises(ConfigError, match="revisit_after_days must be a finite, non-negative number"):
        parse_config(f"revisit_after_days = {value}\n" + MINIMAL)


def test_the_dataclasses_refuse_bad_numbers_however_built():
    with pytest.raises(ConfigError, match="max_concurrency_per_host"):
        Politeness(max_concurrency_per_host=0)
    with pytest.raises(ConfigError, match="timeout_seconds"):
        replace(Politeness(), timeout_seconds=float("nan"))
    with pytest.raises(ConfigError, match="revisit_after_days"):
        CrawlConfig(revisit_after_days=float("inf"))
    with pytest.raises(ConfigError, match="max_listing_pages"):
        replace(parse_config(MINIMAL).sources[0], max_listing_pages=0)


@pytest.mark.parametrize(("pattern", "link"), [
    (r"^/(\w+/?)*\.html$", "/" + "a" * 26),  # seconds of CPU with the re module, doubling per letter
    (r"^/(a|aa)+$", "/" + "a" * 40 + "!"),  # slow in any backtracking engine
])
def test_a_backtracking_url_pattern_costs_a_bounded_time(pattern, link):
    source = parse_config(MINIMAL.replace("'/content_\\d+\\.html$'", f"'{pattern}'")).sources[0]
    started = time.process_time()
    assert source.kind_of("http://news.example" + link) is None
    assert time.process_time() - started < 0.5
    assert source.kind_of("http://news.example/" + "a" * 10 + ("" if "aa" in pattern else ".html")) == "article"


def test_a_pattern_that_times_out_is_no_match_with_a_warning(caplog):
    source = parse_config(MINIMAL.replace("'/content_\\d+\\.html$'", r"'^/(a|aa)+$'")).sources[0]
    with caplog.at_level(logging.WARNING, logger="pipeline.acquire.config"):
        assert source.kind_of("http://news.example/" + "a" * 40 + "!") is None
    assert "gave up" in caplog.text


def test_credentials_in_config_urls_are_never_shown():
    with pytest.raises(ConfigError) as error:
        parse_config(MINIMAL.replace("http://news.example", "ftp://crawler:s3cret@news.example"))
    assert "s3cret" not in str(error.value) and "crawler:***@news.example" in str(error.value)
    config = parse_config(MINIMAL.replace("http://news.example", "http://crawler:s3cret@news.example"))
    assert config.sources[0].allowed_hosts == ("news.example",)
