"""Building blocks for crawler tests: a config for a served sample site, quick to crawl."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

from pipeline.sources import CrawlConfig, Politeness, parse_config

ARTICLE_PATTERN = r"/\d{4}/\d{2}/\d{2}/[^/]+\.html$"
LISTING_PATTERN = r"/(gclt|xw|ft|zt|gj)/index(_\d+)?\.html$"


def _source_toml(base_url: str) -> str:
    host = base_url.split("//", 1)[1]
    return textwrap.dedent(f"""
        [[sources]]
        name = "sample"
        start_urls = ["{base_url}/gclt/index.html", "{base_url}/index.html"]
        allowed_hosts = ["{host}"]
        article_patterns = ['{ARTICLE_PATTERN}']
        listing_patterns = ['{LISTING_PATTERN}', '^/index\\.html$']
        """)


def sample_config(base_url: str, warehouse: str, revisit_after_days: float = 7.0, **politeness) -> CrawlConfig:
    config = parse_config(f'warehouse = "{warehouse}"\nrevisit_after_days = {revisit_after_days}\n' + _source_toml(base_url))
    fast = Politeness(requests_per_second=0, backoff_seconds=0.01, timeout_seconds=2.0, user_agent="forum-etl-tests")
    fast = replace(fast, **politeness)
    return replace(config, sources=tuple(replace(source, politeness=fast) for source in config.sources))


def config_file(base_url: str, directory: Path) -> Path:
    """The same source as a TOML file (for the CLI and the DAGs), quick and gentle on retries."""
    path = directory / "crawl.toml"
    politeness = "[politeness]\nrequests_per_second = 0\nbackoff_seconds = 0.01\nmax_retries = 1\n"
    path.write_text(politeness + _source_toml(base_url), encoding="utf-8")
    return path
