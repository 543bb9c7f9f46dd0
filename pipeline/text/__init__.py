"""Text: bytes in, `Article` out, no I/O — extract (encoding, main content, metadata), clean
(body only, credits as metadata), split by speaker, quotes.

The chain is written once, here; callers that want one stage alone import it from its module.
"""

from __future__ import annotations

from pipeline.records import Article
from pipeline.text.clean import clean, join_pages

# Bound under another name: `pipeline.text.extract` stays the subpackage.
from pipeline.text.extract import SiteHints
from pipeline.text.extract import extract as extract_page
from pipeline.text.quotes import attribute_quotes
from pipeline.text.split import split


def clean_and_split(article: Article) -> Article:
    """An extracted (or hand-made) article cleaned, split by speaker, and its reported
    statements attributed (quotes)."""
    return attribute_quotes(split(clean(article)))


def article_from_page(raw: bytes, url: str = "", http_charset: str | None = None,
                      hints: SiteHints | None = None) -> Article:
    """One single-page article from the page's raw bytes. Raises ExtractionError with a reason."""
    return clean_and_split(extract_page(raw, url=url, http_charset=http_charset, hints=hints))


def article_from_pages(pages: list[Article]) -> Article:
    """One article from the extracted pages of an article, in page order."""
    return clean_and_split(join_pages(pages))
