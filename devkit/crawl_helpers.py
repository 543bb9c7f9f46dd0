"""Building blocks for crawler tests and benchmarks: a config for a served sample site, quick to
crawl, what a crawl archived, an archive dated in the past, and a crawl that is killed mid-run."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from devkit.sample_site import load_content, page_paths
from pipeline.acquire.config import CrawlConfig, Politeness, parse_config
from pipeline.warehouse.archive import read_fetch_errors, read_raw_pages
from pipeline.warehouse.storage import Warehouse

REPO = Path(__file__).resolve().parents[1]

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


ALL_ARTICLE_PATHS = {path for content in load_content() for path in page_paths(content)}
SEED = "/zscqb/2022/04/27/gclt-zzyj.html"
NEWS = "/gj/2021/12/08/content_220917.html"


def fetched_paths(warehouse: Warehouse, base_url: str) -> set[str]:
    table = read_raw_pages(warehouse, ["url", "kind"])
    return {url[len(base_url):] for url, kind in zip(table["url"].to_pylist(), table["kind"].to_pylist()) if kind == "article"}


def errors_by_path(warehouse: Warehouse, base_url: str) -> dict[str, dict]:
    return {row["url"][len(base_url):]: row for row in read_fetch_errors(warehouse).to_pylist()}


KILLED_CRAWL = """
import os, signal, sys
import pipeline.acquire.crawl
from devkit.crawl_helpers import sample_config
from pipeline.warehouse.storage import Warehouse

pipeline.acquire.crawl.PART_PAGES = 3
written = pipeline.acquire.crawl.write_raw_pages
article_parts = 0

def write_then_die(warehouse, run_id, part, pages):
    global article_parts
    if pages[0].kind == "article":
        article_parts += 1
        if article_parts == 3:  # killed as the third part of articles is about to be written
            os.kill(os.getpid(), signal.SIGKILL)
    written(warehouse, run_id, part, pages)

pipeline.acquire.crawl.write_raw_pages = write_then_die
pipeline.acquire.crawl.crawl(sample_config(sys.argv[1], sys.argv[2]), Warehouse.open(sys.argv[2]))
"""


def date_archive_run(warehouse: Warehouse, run_id: str, fetched_at: datetime) -> None:
    """Make what one crawl run archived look fetched at `fetched_at`: an archive that grew over
    past days, built from a crawl today."""
    for path in warehouse.files(f"raw_pages/run_id={run_id}"):
        table = pq.read_table(path, filesystem=warehouse.filesystem)
        column = table.schema.get_field_index("fetched_at")
        moments = pa.array([fetched_at] * table.num_rows, table.schema.field(column).type)
        relative = path[len(warehouse.root) + 1:]
        warehouse.write_parquet(relative, table.set_column(column, table.schema.field(column), moments), compression="zstd")
