from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.sources import ConfigError, load_config, parse_config

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

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
    assert source.allowed_hosts == ("news.example",) and config.warehouse == "warehouse"
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
