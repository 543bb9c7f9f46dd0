"""`make bench-accuracy`: body F1 and publish-date accuracy on the cwce pages, and body F1 on
the daniel-dev pages, beside readability-lxml and trafilatura, with the worst pages listed."""

from __future__ import annotations

import statistics

from benchmarks import tools
from benchmarks.corpus import GoldPage, load_cwce, load_daniel
from benchmarks.metrics import bigram_f1, bigram_scores, date_matches
from benchmarks.report import write_section
from devkit.sample_site import expected_speech, load_content, page_paths, site_file
from pipeline.records import ExtractionError
from pipeline.text import article_from_pages
from pipeline.text.clean import clean, normalize_text
from pipeline.text.extract import extract

WORST_SHOWN = 10


def _ours(page: GoldPage):
    try:
        return clean(extract(page.raw, url=page.url))
    except ExtractionError:
        return None


def speaker_attribution() -> tuple[int, int, int, list[str]]:
    """(speeches attributed right, speeches expected, speeches found, misses) over the sample
    site. Right means the same paragraphs, speaker name, org, position and role."""
    right = expected_total = found_total = 0
    misses = []
    for content in load_content():
        pages = [extract(site_file(path).read_bytes(), url="http://www.cipnews.example" + path) for path in page_paths(content)]
        article = article_from_pages(pages)
        paragraphs = [text for text in map(normalize_text, content["paragraphs"]) if text]
        expected = {(expected_speech(s, paragraphs)[0], s["speaker_name"], s["speaker_org"], s["speaker_position"], s["role"])
                    for s in content["speeches"]}
        found = {(s.paragraphs, s.speaker_name, s.speaker_org, s.speaker_position, s.role) for s in article.speeches}
        right += len(expected & found)
        expected_total += len(expected)
        found_total += len(found)
        misses += [f"{content['slug']}: expected {e[1] or e[4]} ({e[2]} {e[3]}), not found" for e in expected - found]
        misses += [f"{content['slug']}: found {f[1] or f[4]} ({f[2]} {f[3]}), not expected" for f in found - expected]
    return right, expected_total, found_total, misses


def daniel_section(runners: dict) -> list[str]:
    """Body F1 on daniel-dev, scored as its SOURCE.md says: (title + body) against the reference."""
    pages = load_daniel()
    ours, theirs = [], {name: [] for name in runners}
    for page in pages:
        article = _ours(page)
        ours.append((bigram_f1(f"{article.title}\n{article.body_text}" if article else "", page.body), page.page_id))
        for name, run in runners.items():
            theirs[name].append(bigram_f1(tools.output_text(run(page.raw)), page.body))
    lines = ["", f"daniel-dev: {len(pages)} pages from 89 sites (`../shared/eval/daniel-dev`), (title + body) against the reference.",
             "", "| extractor | mean F1 | median | pages under 0.5 |", "|---|---|---|---|",
             f"| **forum-etl** | **{statistics.fmean(f for f, _ in ours):.4f}** | {statistics.median(f for f, _ in ours):.3f} | "
             f"{sum(f < 0.5 for f, _ in ours)} |"]
    lines += [f"| {name} | {statistics.fmean(scores):.3f} | {statistics.median(scores):.3f} | {sum(s < 0.5 for s in scores)} |"
              for name, scores in theirs.items()]
    worst = ", ".join(f"{page_id[:40]} ({f1:.2f})" for f1, page_id in sorted(ours)[:WORST_SHOWN])
    lines += ["", f"Worst {WORST_SHOWN} daniel-dev pages: {worst}"]
    return lines


def main() -> None:
    pages = load_cwce()
    rows = []
    day_hits, minute_hits = [], []
    date_misses = []
    runners = {"readability-lxml": tools.readability(), "trafilatura": tools.trafilatura()}
    competitors: dict[str, list[float]] = {name: [] for name in runners}
    for page in pages:
        article = _ours(page)
        body = article.body_text if article else ""
        published = article.published_at if article else None
        rows.append((*bigram_scores(body, page.body), page.page_id, page.url))
        day = date_matches(published, page.date, fields=3)
        if day is not None:
            day_hits.append(day)
            if not day:
                date_misses.append((page.page_id, page.date, published.isoformat() if published else "none"))
        minute = date_matches(published, page.date, fields=5)
        if minute is not None and " " in page.date:
            minute_hits.append(bool(minute))
        for name, run in runners.items():
            competitors[name].append(bigram_f1(tools.output_text(run(page.raw)), page.body))

    mean_f1 = statistics.fmean(r[0] for r in rows)
    lines = [
        f"Pages: {len(pages)} (`../shared/eval/cwce`). Body: character-bigram multiset F1 over letters and digits.",
        "",
        "| extractor | mean body F1 | median |",
        "|---|---|---|",
        f"| **forum-etl** | **{mean_f1:.4f}** | {statistics.median(r[0] for r in rows):.3f} |",
    ]
    for name, scores in competitors.items():
        lines.append(f"| {name} | {statistics.fmean(scores):.3f} | {statistics.median(scores):.3f} |")
    lines += [
        "",
        f"Publish date (day) accuracy: **{sum(day_hits) / len(day_hits):.3f}** "
        f"({sum(day_hits)}/{len(day_hits)} pages with a gold date); "
        f"to the minute where the gold gives a time: {sum(minute_hits) / max(1, len(minute_hits)):.3f} "
        f"({sum(minute_hits)}/{len(minute_hits)}).",
        "",
        f"Worst {WORST_SHOWN} pages (F1, precision, recall):",
        "",
        "| page | F1 | P | R | url |",
        "|---|---|---|---|---|",
    ]
    for f1, precision, recall, page_id, url in sorted(rows)[:WORST_SHOWN]:
        lines.append(f"| {page_id[:8]} | {f1:.3f} | {precision:.3f} | {recall:.3f} | {url} |")
    lines += daniel_section(runners)
    right, expected_speeches, found_speeches, misses = speaker_attribution()
    lines += [
        "",
        f"Speaker attribution on the sample site: **{right}/{expected_speeches}** speeches right "
        f"(same paragraphs, name, org, position and role; recall {right / expected_speeches:.3f}, "
        f"precision {right / max(1, found_speeches):.3f}).",
    ]
    lines += [f"- {miss}" for miss in misses]
    lines += ["", "Date misses (page, gold, extracted):", ""]
    lines += [f"- {page_id[:8]}: gold {gold}, got {got}" for page_id, gold, got in date_misses]
    report = "\n".join(lines)
    print(report)
    write_section("bench-accuracy", "make bench-accuracy", report)


if __name__ == "__main__":
    main()
