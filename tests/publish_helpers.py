"""Articles of the sample site, extracted once per test session."""

from __future__ import annotations

import functools

from pipeline.clean import clean, join_pages
from pipeline.extract import extract
from pipeline.records import Article
from pipeline.sample_site import load_content, page_paths, site_file
from pipeline.split import split


@functools.lru_cache(maxsize=1)
def sample_articles() -> tuple[Article, ...]:
    return tuple(
        split(clean(join_pages([extract(site_file(p).read_bytes(), url="https://www.cipnews.example" + p) for p in page_paths(c)])))
        for c in load_content()
    )
