"""Transform archived raw pages into articles: extract → clean → split, with no network.

This is how a crawl's pages become articles, and how everything is reprocessed after an
extractor or splitter improvement. A page that fails becomes an error with its reason;
the others go on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from pipeline.archive import latest_pages
from pipeline.clean import clean, join_pages
from pipeline.extract import SiteHints, extract
from pipeline.records import Article, ExtractionError
from pipeline.split import split
from pipeline.storage import Warehouse


@dataclass(slots=True, frozen=True)
class Processed:
    url: str  # the article's first-page URL
    source: str
    article: Article | None
    error: str = ""  # the reason, when article is None


def process_pages(pages: list[dict], hints: SiteHints | None = None) -> Article:
    """One article from its archived pages (dicts of raw_pages columns), in page order."""
    ordered = sorted(pages, key=lambda page: page["page_number"] or 1)
    extracted = [
        extract(page["body"], url=page["final_url"] or page["url"], http_charset=page["charset"], hints=hints)
        for page in ordered
    ]
    return split(clean(join_pages(extracted)))


def archived_articles(warehouse: Warehouse, since: date | None = None, until: date | None = None,
                      hints: dict[str, SiteHints] | None = None) -> Iterator[Processed]:
    """Every archived article (its newest pages), processed; publish date within
    [since, until] when given (articles without a date are kept)."""
    table = latest_pages(warehouse, "article")
    groups: dict[str, list[dict]] = defaultdict(list)
    for page in table.to_pylist():
        groups[page["article_url"] or page["url"]].append(page)
    for url in sorted(groups):
        pages = groups[url]
        source = pages[0]["source"]
        try:
            article = process_pages(pages, (hints or {}).get(source))
        except ExtractionError as error:
            yield Processed(url, source, None, str(error))
            continue
        published = article.published_at.date() if article.published_at else None
        if published and ((since and published < since) or (until and published > until)):
            continue
        yield Processed(url, source, article)
