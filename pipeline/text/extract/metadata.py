"""Page-level metadata: <meta> tags, JSON-LD, title, canonical URL and language."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

# How many lines above the article may hold its headline.
_HEADLINE_WINDOW = 15
_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜]|--|—|–|-\s|\s-)\s*")
# Characters written differently in Traditional and Simplified Chinese, among the most
# frequent in news text; their counts decide the script of a page.
_TRADITIONAL_ONLY = frozenset("這個們說國會來時為與後對於發經過現動還開關點體業學實將從長區當機麼問"
                              "題選給讓應該進員議論總統術電網東萬華線務頭聽見歲產護標權辦處據內監級")
_SIMPLIFIED_ONLY = frozenset("这个们说国会来时为与后对于发经过现动还开关点体业学实将从长区当机么问题选给让应该"
                             "进员议论总统术电网东万华线务头听见岁产护标权办处据内监级")

_TRADITIONAL_CHARS = re.compile("[" + "".join(sorted(_TRADITIONAL_ONLY)) + "]")
_SIMPLIFIED_CHARS = re.compile("[" + "".join(sorted(_SIMPLIFIED_ONLY)) + "]")
# The script of a page shows in its first few thousand characters.
_LANGUAGE_SAMPLE_CHARS = 1000
_LETTERS = re.compile(r"[^\W\d_]")
_LATIN_LETTERS = re.compile(r"[A-Za-z]")


@dataclass(slots=True)
class MetadataElements:
    """The elements page metadata is read from, in document order, gathered in one walk of
    the tree (a walk per tag costs as much as the reading)."""

    metas: list[etree._Element] = field(default_factory=list)
    scripts: list[etree._Element] = field(default_factory=list)
    links: list[etree._Element] = field(default_factory=list)
    titles: list[etree._Element] = field(default_factory=list)
    headings: list[etree._Element] = field(default_factory=list)  # h1, h2, h3

    @classmethod
    def of(cls, root: etree._Element) -> MetadataElements:
        elements = cls()
        lists = {"meta": elements.metas, "script": elements.scripts, "link": elements.links,
                 "title": elements.titles, "h1": elements.headings, "h2": elements.headings,
                 "h3": elements.headings}
        for element in root.iter(*lists):
            lists[element.tag].append(element)
        return elements


def meta_tags(elements: MetadataElements) -> dict[str, str]:
    """<meta name|property|itemprop|http-equiv=… content=…> as a dict with lower-case keys
    (first occurrence wins), plus `datepublished`/`author` from JSON-LD when present."""
    meta: dict[str, str] = {}
    for element in elements.metas:
        key = element.get("name") or element.get("property") or element.get("itemprop") or element.get("http-equiv")
        content = element.get("content")
        if key and content and content.strip():
            meta.setdefault(key.strip().lower(), content.strip())
    for script in elements.scripts:
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            _read_json_ld(script.text, meta)
    return meta


def _json_ld_items(text: str) -> list:
    """The top-level items of a JSON-LD script; none when it is not JSON, or nested too
    deep for the parser (hostile pages nest thousands of levels to raise RecursionError)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return []
    if isinstance(data, dict):
        data = data.get("@graph", [data])
    return data if isinstance(data, list) else []


def _read_json_ld(text: str, meta: dict[str, str]) -> None:
    for item in _json_ld_items(text):
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("datePublished"), str):
            meta.setdefault("datepublished", item["datePublished"])
        if isinstance(item.get("headline"), str):
            meta.setdefault("headline", item["headline"])
        authors = item.get("author")
        authors = authors if isinstance(authors, list) else [authors]
        names = [a.get("name") if isinstance(a, dict) else a for a in authors]
        names = [n for n in names if isinstance(n, str) and n.strip()]
        if names:
            meta.setdefault("author", " ".join(names))


def element_text(element: etree._Element) -> str:
    """An element's text, blanks collapsed. libxml2 gathers the text in one buffer (the text
    serialisation): the same string as joining itertext(), a third of the cost on headings."""
    return " ".join(etree.tostring(element, method="text", encoding="unicode", with_tail=False).split())


def document_title(elements: MetadataElements) -> str:
    """The text of <title>."""
    return element_text(elements.titles[0]) if elements.titles else ""


def title(document_title: str, elements: MetadataElements, meta: dict[str, str], lines: list[str], anchor: int) -> str:
    """The article's headline.

    The <title> usually quotes it beside the site and section names, and the page shows it
    as a heading or as a line just above the article (`anchor`): the longest such quoted
    text wins. Without one: og:title and the like, a lone <h1>, else the longest part of
    <title> once the site name is split off.
    """
    headings = [(heading.tag, element_text(heading)) for heading in elements.headings]
    quoted = [text for _, text in headings if len(text) >= 4 and text in document_title]
    quoted += [line for line in lines[max(0, anchor - _HEADLINE_WINDOW) : anchor + 3] if len(line) >= 4 and line in document_title]
    if quoted:
        return max(quoted, key=len)
    for key in ("og:title", "headline", "twitter:title", "title"):
        if meta.get(key):
            return " ".join(meta[key].split())
    h1s = [text for tag, text in headings if tag == "h1"]
    if len(h1s) == 1 and 4 <= len(h1s[0]) <= 80:
        return h1s[0]
    parts = [p for p in _TITLE_SEPARATORS.split(document_title) if p]
    return max(parts, key=len) if parts else document_title


# Meta tags in which a page names its site or owner.
_SITE_META_KEYS = ("og:site_name", "application-name", "copyright", "dc.publisher", "publisher")


def names_the_site(name: str, meta: dict[str, str], source: str) -> bool:
    """Whether a credited "author" is the site itself: the meta author of many portals is the
    site's name ("南方网", "chinanews"), or an author line repeats the source ("PConline")."""
    folded = name.casefold()
    return folded == source.casefold() or any(folded in meta.get(key, "").casefold() for key in _SITE_META_KEYS)


def canonical_url(elements: MetadataElements, meta: dict[str, str], url: str) -> str:
    for link in elements.links:
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return urljoin(url, link.get("href").strip())
    if meta.get("og:url"):
        return urljoin(url, meta["og:url"])
    return url


def language(text: str, root: etree._Element) -> str:
    """BCP 47 tag of the body: zh-Hans / zh-Hant by counting script-specific characters,
    otherwise the page's own lang attribute."""
    text = text[:_LANGUAGE_SAMPLE_CHARS]
    traditional = len(_TRADITIONAL_CHARS.findall(text))
    simplified = len(_SIMPLIFIED_CHARS.findall(text))
    if traditional or simplified:
        return "zh-Hant" if traditional > simplified else "zh-Hans"
    declared = (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip()
    if declared:
        return declared
    letters = len(_LETTERS.findall(text))
    if letters and len(_LATIN_LETTERS.findall(text)) > 0.8 * letters:
        return "en"
    return ""
