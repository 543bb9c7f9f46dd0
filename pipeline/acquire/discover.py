"""Discover: article and listing URLs from listing pages, sitemaps and RSS/Atom feeds.

Listing pages are few and small, so BeautifulSoup is fine here (the extraction hot path
uses lxml directly). Every URL is canonicalised before it is compared or stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from lxml import etree

from pipeline.text.extract.dates import date_from_url, parse_date
from pipeline.urls import canonicalize_url

_NEXT_PAGE_TEXT = re.compile(r"^\s*(?:下一页|下页|下一頁|next(?: page)?|›|»|>)\s*$", re.IGNORECASE)


@dataclass(slots=True, frozen=True)
class Link:
    url: str  # canonical
    text: str
    published: datetime | None = None  # when a sitemap or feed says so


def _soup(html: bytes) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def _base(soup: BeautifulSoup, page_url: str) -> str:
    base = soup.find("base", href=True)
    return urljoin(page_url, base["href"]) if base else page_url


def page_links(html: bytes, page_url: str) -> list[Link]:
    """Every http(s) link of a page, resolved and canonicalised, in page order, once each."""
    soup = _soup(html)
    base = _base(soup, page_url)
    seen: dict[str, Link] = {}
    for anchor in soup.find_all("a", href=True):
        href = anchor["href"].strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = canonicalize_url(urljoin(base, href))
        if urlsplit(url).scheme in ("http", "https") and url not in seen:
            seen[url] = Link(url, anchor.get_text(" ", strip=True), date_from_url(url))
    return list(seen.values())


def canonical_link(html: bytes, page_url: str) -> str | None:
    soup = _soup(html)
    for link in soup.find_all("link", href=True):
        if "canonical" in [rel.lower() for rel in (link.get("rel") or [])]:
            return canonicalize_url(urljoin(_base(soup, page_url), link["href"].strip()))
    return None


def next_page(html: bytes, page_url: str, first_page_url: str | None = None) -> str | None:
    """The next page of a multi-page article: a "下一页" link to another page of the same
    article (X_2.html, or ?page=2 of the same path, counted from `first_page_url`), or None."""
    first = canonicalize_url(first_page_url or page_url)
    current = canonicalize_url(page_url)
    soup = _soup(html)
    base = _base(soup, page_url)
    for anchor in soup.find_all("a", href=True):
        if not _NEXT_PAGE_TEXT.match(anchor.get_text(" ", strip=True)):
            continue
        url = canonicalize_url(urljoin(base, anchor["href"].strip()))
        if url != current and page_number(url, first) > page_number(current, first):
            return url
    return None


def page_number(url: str, first_page_url: str) -> int:
    """1 for the article's first page, n for its page n ("X_n.html", "X.html?page=n"), 0 for
    a URL that is no page of it."""
    if url == first_page_url:
        return 1
    page, first = urlsplit(url), urlsplit(first_page_url)
    if page.netloc != first.netloc:
        return 0
    stem, dot, extension = first.path.rpartition(".")
    if not dot or "/" in extension:
        stem, extension = first.path, ""
    marked = re.fullmatch(re.escape(stem) + r"_(\d+)" + (re.escape("." + extension) if extension else ""), page.path)
    if marked and page.query == first.query:
        return int(marked.group(1))
    if page.path == first.path:
        number = re.search(r"(?:^|&)(?:page|p)=(\d+)", page.query)
        if number:
            return int(number.group(1))
    return 0


def _xml(data: bytes) -> etree._Element | None:
    try:
        return etree.fromstring(data, etree.XMLParser(recover=True, resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None


def sitemap_links(data: bytes) -> tuple[list[Link], list[str]]:
    """(page links, nested sitemap URLs) of a sitemap or sitemap index."""
    root = _xml(data)
    if root is None:
        return [], []
    pages, nested = [], []
    for element in root.iter("{*}url", "{*}sitemap"):
        location = element.findtext("{*}loc")
        if not location:
            continue
        url = canonicalize_url(location.strip())
        if etree.QName(element).localname == "sitemap":
            nested.append(url)
        else:
            lastmod = element.findtext("{*}lastmod")
            pages.append(Link(url, "", parse_date(lastmod) if lastmod else date_from_url(url)))
    return pages, nested


def feed_links(data: bytes) -> list[Link]:
    """Item links of an RSS 2.0 or Atom feed, with their publish dates."""
    root = _xml(data)
    if root is None:
        return []
    links = []
    for item in root.iter("item", "{*}entry"):
        url = item.findtext("link") or ""
        if not url:
            atom = item.find("{*}link")
            url = atom.get("href", "") if atom is not None else ""
        if not url.strip():
            continue
        stamp = item.findtext("pubDate") or item.findtext("{*}published") or item.findtext("{*}updated")
        published = None
        if stamp:
            try:
                published = email_date(stamp)
            except ValueError:
                published = parse_date(stamp)
        links.append(Link(canonicalize_url(url.strip()), item.findtext("title") or item.findtext("{*}title") or "", published))
    return links


def email_date(text: str) -> datetime:
    import email.utils

    moment = email.utils.parsedate_to_datetime(text)
    if moment is None:
        raise ValueError(text)
    return moment
