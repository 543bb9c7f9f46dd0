"""`make bench-dedup`: near-duplicate detection on copies of real pages.

Every real page of `../shared/eval` (cwce and daniel-dev) that extracts to a body of some
length is republished as copies the way syndication changes an article, and each copy is
rendered as a new page in another site's chrome and another encoding, then extracted again:

- `restyled`: the same text, new chrome, GBK (or Big5 for Traditional text), credits changed;
- `retitled`: a reworded headline and the last paragraph dropped;
- `resplit`: long paragraphs split at a sentence end, the lead dropped;
- `excerpt`: the first half of the paragraphs only (a partial copy).

The originals are each other's negatives — among them several reports of one event from
different sites (Kodak's bankruptcy, the Han Han ghost-writing row) and pages of one site's
template. Pair precision and recall are over all pairs of items: a pair is predicted when the
two share a canonical id, true when they come from the same original page.

Throughput: indexing N articles (default 100,000) made of real paragraphs recombined, on one
core: articles per second and peak RSS.
"""

from __future__ import annotations

import html
import random
import re
import resource
import sys
import time
from collections import defaultdict
from itertools import combinations

from benchmarks.report import write_section
from benchmarks.speech import load_pages
from pipeline.load.dedup import DedupIndex, key_text, shingles
from pipeline.records import PageFailure, page_outcome
from pipeline.text import article_from_page

MIN_BODY = 200
SCALE = 100_000
_SENTENCE = re.compile(r"(?<=[。！？])")


def _page(title: str, paragraphs: list[str], encoding: str, site: str) -> bytes:
    """The article as another site would serve it."""
    body = "".join(f"<p>{html.escape(text)}</p>" for text in paragraphs)
    page = (f'<html><head><meta charset="{encoding}"><title>{html.escape(title)}_{site}</title></head><body>'
            f'<div class="nav"><a href="/">{site}首页</a> | <a href="/news">新闻中心</a> | <a href="/finance">财经</a></div>'
            f'<h1>{html.escape(title)}</h1><div class="info">来源：{site}　2026-01-05 10:00</div>'
            f'<div class="content">{body}</div>'
            f'<div class="footer">关于我们 | 联系方式 | 版权所有 {site} 未经授权禁止转载</div></body></html>')
    return page.encode(encoding, errors="xmlcharrefreplace")


def _encoding_for(text: str) -> str:
    try:
        text.encode("gbk")
        return "gbk"
    except UnicodeEncodeError:
        return "big5"


def copies(title: str, paragraphs: list[str]) -> dict[str, tuple[str, list[str]]]:
    """The ways syndication changes an article: variant name → (title, paragraphs)."""
    variants = {"restyled": (title, ["（本报记者 王明 通讯员 李华）", *paragraphs, "（责任编辑：张强）"])}
    if len(paragraphs) >= 3:
        variants["retitled"] = (f"{title}——各方热议", paragraphs[:-1])
    split = [piece for text in paragraphs for piece in (_SENTENCE.split(text) if len(text) > 120 else [text]) if piece]
    if len(split) > len(paragraphs) and len(paragraphs) >= 2:
        variants["resplit"] = (title, split[1:])
    if len(paragraphs) >= 6:
        variants["excerpt"] = (title, paragraphs[: len(paragraphs) // 2])
    return variants


def accuracy() -> tuple[list[str], dict[str, float]]:
    originals = []
    for name, (raw, url) in sorted(load_pages().items()):
        article = page_outcome(raw, article_from_page, raw, url=url)
        if not isinstance(article, PageFailure) and len(article.body_text) >= MIN_BODY and not name.endswith("-gbk"):
            originals.append((name, article))
    items: list[tuple[str, str, str, float]] = []  # (item id, origin, text, publish time)
    for number, (name, article) in enumerate(originals):
        items.append((f"{name}#original", name, article.body_text, float(number)))
        for variant, (title, paragraphs) in copies(article.title, article.paragraphs).items():
            raw = _page(title, paragraphs, _encoding_for("".join(paragraphs)), f"转载网{number % 7}")
            copy = page_outcome(raw, article_from_page, raw, url=f"http://copy{number % 7}.invalid/{number}/{variant}.html")
            if not isinstance(copy, PageFailure):
                items.append((f"{name}#{variant}", name, copy.body_text, 1e6 + number))
    index = DedupIndex()
    canonical = {item_id: index.add(item_id, text, when) for item_id, _, text, when in sorted(items, key=lambda item: item[3])}
    same = _syndicated(originals)
    origin = {item_id: same.get(source, source) for item_id, source, _, _ in items}
    by_canonical: dict[str, list[str]] = defaultdict(list)
    for item_id, group in canonical.items():
        by_canonical[group].append(item_id)
    predicted = {frozenset(pair) for group in by_canonical.values() for pair in combinations(group, 2)}
    by_origin: dict[str, list[str]] = defaultdict(list)
    for item_id, source in origin.items():
        by_origin[source].append(item_id)
    truth = {frozenset(pair) for group in by_origin.values() for pair in combinations(group, 2)}
    found = len(predicted & truth)
    figures = {"precision": found / len(predicted) if predicted else 1.0, "recall": found / len(truth) if truth else 1.0,
               "originals": len(originals), "items": len(items), "true pairs": len(truth), "predicted pairs": len(predicted)}
    wrong = sorted(tuple(sorted(pair)) for pair in predicted - truth)[:5]
    missed = sorted(tuple(sorted(pair)) for pair in truth - predicted)[:5]
    notes = [f"wrongly linked: {a} ~ {b}" for a, b in wrong] + [f"missed: {a} ~ {b}" for a, b in missed]
    notes += [f"real copies within the corpus (one story on two sites), counted as one origin: {a} ~ {b}" for a, b in same.items()]
    return notes, figures


def _syndicated(originals: list) -> dict[str, str]:
    """Pages of the corpus that are themselves copies of one another (a story two portals
    carried): measured exactly on their shingles, not by the detector. name → the group's
    first name."""
    sets = {name: set(shingles(key_text(article.body_text)).tolist()) for name, article in originals}
    group = {}
    for (a, sa), (b, sb) in combinations(sets.items(), 2):
        if sa and sb and len(sa & sb) / min(len(sa), len(sb)) >= 0.8:
            group[b] = group.get(a, a)
    return group


def throughput(count: int) -> dict[str, float]:
    """Index `count` articles of real sentences drawn at random (so that, as in a real archive,
    two articles rarely share much); articles/s and peak RSS."""
    pool = []
    for raw, url in load_pages().values():
        article = page_outcome(raw, article_from_page, raw, url=url)
        if not isinstance(article, PageFailure):
            pool.extend(sentence for text in article.paragraphs for sentence in _SENTENCE.split(text) if len(sentence) >= 12)
    chance = random.Random(7)
    index = DedupIndex()
    started = time.process_time()
    for number in range(count):
        text = "".join(chance.sample(pool, chance.randint(10, 30)))
        index.add(str(number), text, float(number))
    seconds = time.process_time() - started
    return {"articles": count, "seconds": seconds, "per_second": count / seconds,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else SCALE
    notes, figures = accuracy()
    speed = throughput(count)
    lines = [
        f"{figures['originals']} real pages with a body of {MIN_BODY}+ characters, each republished as up to 4 copies "
        f"rendered in another site's chrome and encoding and extracted again: {figures['items']} items, "
        f"{figures['true pairs']} true pairs; the originals are each other's negatives (several reports of one event, "
        "pages of one site) except where the corpus itself holds one story twice (exact shingle containment ≥ 0.8).",
        "",
        "| pair precision | pair recall | predicted pairs | indexing (1 core) | peak RSS |",
        "|---|---|---|---|---|",
        f"| {figures['precision']:.3f} | {figures['recall']:.3f} | {figures['predicted pairs']} | "
        f"{speed['articles']:,} articles in {speed['seconds']:.0f} s ({speed['per_second']:,.0f}/s) | {speed['peak_rss_mib']:.0f} MiB |",
        "",
        *(f"- {note}" for note in notes),
        "",
        "Anchor: text-dedup's MinHash reaches 0.953 macro F1 on the CORE near-duplicate benchmark (English).",
    ]
    print("\n".join(lines))
    write_section("bench-dedup", "make bench-dedup", "\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
