"""Transform archived raw pages into articles: extract → clean → split, with no network.

This is how a crawl's pages become articles, and how everything is reprocessed after an
extractor or splitter improvement. A page that fails becomes an error with its reason;
the others go on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from pipeline.archive import latest_page_index, read_bodies
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
                      hints: dict[str, SiteHints] | None = None, urls: Iterable[str] | None = None,
                      chunk: int = 200) -> Iterator[Processed]:
    """Every archived article (its newest pages), or those whose first page is in `urls`,
    processed; publish date within [since, until] when given (undated articles are kept).

    Bodies are read `chunk` articles at a time, in archive order, so memory stays that of a
    chunk however large the archive."""
    wanted = set(urls) if urls is not None else None
    groups: dict[str, list[dict]] = defaultdict(list)
    for page in latest_page_index(warehouse, "article"):
        first = page["article_url"] or page["url"]
        if wanted is None or first in wanted:
            groups[first].append(page)
    ordered = sorted(groups, key=lambda url: min((p["file"], p["row"]) for p in groups[url]))
    for start in range(0, len(ordered), chunk):
        selected = ordered[start : start + chunk]
        wanted_rows: dict[str, list[dict]] = defaultdict(list)
        for url in selected:
            for page in groups[url]:
                wanted_rows[page["file"]].append(page)
        for path, pages in wanted_rows.items():
            for page, body in zip(pages, read_bodies(warehouse, path, [page["row"] for page in pages])):
                page["body"] = body
        for url in selected:
            pages = groups.pop(url)
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


def process_to_stage(warehouse: Warehouse, run_id: str, batch: str, processed: Iterable[Processed]) -> dict[str, int]:
    """Stage the articles of a batch for validation and record the pages that failed
    extraction as rows of `extract_errors`; returns counts."""
    from datetime import datetime, timezone

    import pyarrow as pa

    from pipeline.publish import stage
    from pipeline.tables import EXTRACT_ERRORS

    articles, errors = [], []
    now = datetime.now(timezone.utc)
    for item in processed:
        if item.article is None:
            errors.append({"url": item.url, "source": item.source, "reason": item.error, "run_id": run_id, "failed_at": now})
        else:
            articles.append(item.article)
    counts = stage(warehouse, run_id, batch, articles, now)
    if errors:
        warehouse.write_parquet(f"extract_errors/run_id={run_id}/part-{batch}.parquet",
                                pa.Table.from_pylist(errors, schema=EXTRACT_ERRORS), compression="zstd")
    return {"articles": len(articles), "extract_errors": len(errors), **{f"{k}_rows": v for k, v in counts.items()}}
