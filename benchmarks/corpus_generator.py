"""A scaled corpus: N article pages rendered from the sample site's templates and content
(paragraphs, speakers and dates recombined), written into a directory — a site the crawler
can crawl (listing pages included) or a pile of pages to extract; or N pages made from the
real pages of ../shared/eval, in their own chrome. Never committed."""

from __future__ import annotations

import html
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from devkit.sample_site import load_content
from devkit.sample_site.build import render_article

LISTING_SIZE = 50


def _variant(number: int, singles: list[dict], pool: list[str], rng: random.Random) -> dict:
    """Article `number`: a single-page sample article with a third of its long paragraphs
    swapped for others from `pool`, dated 7 hours after the one before."""
    base = dict(rng.choice(singles))
    paragraphs = list(base["paragraphs"])
    for index in rng.sample(range(len(paragraphs)), k=min(len(paragraphs), max(1, len(paragraphs) // 3))):
        if len(paragraphs[index]) > 40 and not base["speeches"]:
            paragraphs[index] = rng.choice(pool)
    published = datetime(2015, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=8))) + timedelta(hours=number * 7)
    day = published.strftime("%Y/%m/%d")
    base.update(
        slug=f"gen-{number}", paragraphs=paragraphs, path=f"/gen/{day}/content_{number}.html",
        title=f"{base['title']}（{number}）", published=published.isoformat(),
        display_date=published.strftime("%Y-%m-%d %H:%M"), page_breaks=[],
    )
    return base


def generate_site(directory: Path, count: int, seed: int = 11) -> list[str]:
    """Write `count` article pages plus listing pages /gen/index.html, index_2.html, …;
    returns the article paths."""
    rng = random.Random(seed)
    contents = load_content()
    singles = [c for c in contents if not c["page_breaks"]]
    pool = [p for c in contents for p in c["paragraphs"] if len(p) > 40]
    paths = []
    for number in range(count):
        content = _variant(number, singles, pool, rng)
        target = directory / content["path"].lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render_article(content))
        paths.append(content["path"])
    pages = [paths[i:i + LISTING_SIZE] for i in range(0, len(paths), LISTING_SIZE)]
    for number, chunk in enumerate(pages, start=1):
        name = "index.html" if number == 1 else f"index_{number}.html"
        links = "".join(f'<li><a href="{path}">第{path.rsplit("_", 1)[-1]}篇</a></li>' for path in chunk)
        following = f'<a href="index_{number + 1}.html">下一页</a>' if number < len(pages) else ""
        (directory / "gen").mkdir(parents=True, exist_ok=True)
        (directory / "gen" / name).write_text(
            f"<html><head><meta charset='utf-8'><title>列表{number}</title></head><body><ul>{links}</ul>{following}</body></html>",
            encoding="utf-8")
    return paths


# A page's own URL and canonical declarations: a variant must be an article of its own.
_CANONICAL = re.compile(r"<link[^>]+rel=[\"']?canonical[^>]*>|<meta[^>]+property=[\"']og:url[^>]*>", re.I)


@dataclass(slots=True, frozen=True)
class _Template:
    """A real page as text, with the paragraphs of its body that appear in it verbatim."""

    html: str
    encoding: str
    title: str
    paragraphs: list[str]


def _templates() -> tuple[list[_Template], list[str]]:
    """The real pages of ../shared/eval (cwce, daniel-dev) usable as templates, and every body
    paragraph of them (the pool variants draw from)."""
    from benchmarks.corpus import load_cwce, load_daniel
    from pipeline.records import PageFailure, page_outcome
    from pipeline.text import article_from_page

    templates, pool = [], []
    for page in load_cwce() + load_daniel():
        article = page_outcome(page.raw, article_from_page, page.raw, url=page.url)
        if isinstance(article, PageFailure):
            continue
        encoding = article.encoding if article.encoding in ("utf-8", "ascii") else "gb18030"
        text = page.raw.decode(encoding, errors="replace")
        found = [paragraph for paragraph in article.paragraphs_raw if len(paragraph) > 20 and html.escape(paragraph, quote=False) in text]
        pool += [paragraph for paragraph in article.paragraphs_raw if len(paragraph) > 20]
        if len(found) >= 2:
            templates.append(_Template(_CANONICAL.sub("", text), encoding, article.title, found))
    return templates, pool


def real_template_pages(count: int, seed: int = 13) -> Iterator[tuple[str, bytes]]:
    """`count` (URL, page) pairs: real pages of ../shared/eval, each in its own site's chrome
    and encoding, with a third of its body paragraphs (at least one) swapped for paragraphs of
    other real pages and a numbered title, so that every page is an article of its own."""
    rng = random.Random(seed)
    templates, pool = _templates()
    for number in range(count):
        template = templates[number % len(templates)]
        text = template.html
        for paragraph in rng.sample(template.paragraphs, k=max(1, len(template.paragraphs) // 3)):
            text = text.replace(html.escape(paragraph, quote=False), html.escape(rng.choice(pool), quote=False), 1)
        if template.title:
            text = text.replace(html.escape(template.title, quote=False), html.escape(f"{template.title}（{number}）", quote=False))
        yield f"http://real.invalid/{number // 1000}/{number}.html", text.encode(template.encoding, errors="xmlcharrefreplace")
