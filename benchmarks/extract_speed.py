"""`make bench-extract`: throughput of forum-etl's extract+clean on the cwce and daniel-dev pages
beside resiliparse, trafilatura (default and fast), readability-lxml and a bare lxml parse, in one
run, with each tool's mean body F1 on the same pages.

Throughput is documents per CPU second (process time, so a busy machine does not skew it),
the median over repeated rounds with the min–max spread. Rounds are interleaved across the
tools (round 1 of each tool on cwce, then on daniel-dev, then round 2 …), so a change in the
machine's speed during the run falls on all of them alike; a ratio is the median of the per-round
ratios.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from benchmarks import tools
from benchmarks.corpus import GoldPage, load_cwce, load_daniel
from benchmarks.metrics import bigram_f1
from benchmarks.report import write_section

ROUNDS = 11
SLOW_ROUNDS = 3  # for the tools that take seconds per round
OURS = "forum-etl extract+clean"
CHAIN = "forum-etl extract+clean+split+quotes"
BARE = "bare lxml parse"
RESILIPARSE = "resiliparse (main content)"
TRAFILATURA = "trafilatura (default)"


def _forum_etl() -> Callable[[bytes], object]:
    from pipeline.records import ExtractionError
    from pipeline.text.clean import clean
    from pipeline.text.extract import extract

    def run(raw: bytes) -> object:
        try:
            return clean(extract(raw))
        except ExtractionError:
            return None

    return run


def _forum_etl_with_statements() -> Callable[[bytes], object]:
    """The whole text chain: extract, clean, split by speaker, attribute quotes."""
    from pipeline.records import ExtractionError
    from pipeline.text import article_from_page

    def run(raw: bytes) -> object:
        try:
            return article_from_page(raw)
        except ExtractionError:
            return None

    return run


def _round(run: Callable[[bytes], object], pages: list[bytes]) -> float:
    """Documents per CPU second of one pass over the pages."""
    start = time.process_time()
    for raw in pages:
        run(raw)
    return len(pages) / (time.process_time() - start)


Runners = dict[str, tuple[Callable[[bytes], object], int]]


def _interleaved_rounds(runners: Runners, corpora: dict[str, list[bytes]]) -> dict[str, dict[str, list[float]]]:
    """rates[corpus][tool]: docs / CPU s of each round."""
    for run, rounds in runners.values():
        for pages in corpora.values():
            # Warm imports and caches: a whole pass for the fast tools (a few pages load a codec
            # or a dictionary the first time), a few pages for the slow ones.
            for raw in pages if rounds == ROUNDS else pages[:5]:
                run(raw)
    rates: dict[str, dict[str, list[float]]] = {corpus: {name: [] for name in runners} for corpus in corpora}
    for round_index in range(max(rounds for _, rounds in runners.values())):
        for corpus, pages in corpora.items():
            for name, (run, rounds) in runners.items():
                if round_index < rounds:
                    rates[corpus][name].append(_round(run, pages))
    return rates


def _times_faster(ours: list[float], theirs: list[float]) -> float:
    """How many times faster forum-etl is than a tool: per round, then the median."""
    return statistics.median(a / b for a, b in zip(ours, theirs))


def _mean_f1(run: Callable[[bytes], object], pages: list[GoldPage], with_title: bool) -> float:
    return statistics.fmean(bigram_f1(tools.output_text(run(page.raw), with_title=with_title), page.body) for page in pages)


def _corpus_table(corpus: str, pages: list[GoldPage], rates: dict[str, list[float]], accuracy: dict[str, float]) -> list[str]:
    megabytes = sum(len(page.raw) for page in pages) / 1e6
    per_doc_mb = megabytes / len(pages)
    ours = rates[OURS]
    lines = [
        f"**{corpus}**: {len(pages)} pages, {megabytes:.2f} MB.",
        "",
        "| tool | docs / CPU s (median) | min–max | MB / CPU s | forum-etl is × faster | mean body F1 |",
        "|---|---|---|---|---|---|",
    ]
    for name, values in rates.items():
        median = statistics.median(values)
        lines.append(
            f"| {name} | {median:.0f} | {min(values):.0f}–{max(values):.0f} | {median * per_doc_mb:.1f} "
            f"| {_times_faster(ours, values):.2f} | {f'{accuracy[name]:.3f}' if name in accuracy else '—'} |"
        )
    return lines


def main() -> None:
    gold = {"cwce": load_cwce(), "daniel-dev": load_daniel()}
    corpora = {corpus: [page.raw for page in pages] for corpus, pages in gold.items()}
    # The tools of the targets first, so that their rounds on a corpus follow each other closely.
    runners: Runners = {
        OURS: (_forum_etl(), ROUNDS),
        RESILIPARSE: (tools.resiliparse(), ROUNDS),
        BARE: (tools.bare_parse(), ROUNDS),
        CHAIN: (_forum_etl_with_statements(), ROUNDS),
        TRAFILATURA: (tools.trafilatura(fast=False), SLOW_ROUNDS),
        "trafilatura (fast)": (tools.trafilatura(fast=True), SLOW_ROUNDS),
        "readability-lxml": (tools.readability(), SLOW_ROUNDS),
    }
    rates = _interleaved_rounds(runners, corpora)
    # Scored as bench-accuracy scores them: the body on cwce, (title + body) on daniel-dev.
    accuracy = {
        corpus: {name: _mean_f1(run, pages, with_title=corpus == "daniel-dev") for name, (run, _) in runners.items() if name != BARE}
        for corpus, pages in gold.items()
    }
    lines = [
        f"Median of {ROUNDS} rounds ({SLOW_ROUNDS} for trafilatura and readability-lxml), each round of the tools "
        "on a corpus back to back. resiliparse: `extract_plain_text(HTMLTree.parse_from_bytes(raw, "
        "detect_encoding(raw)), main_content=True)`. F1 as bench-accuracy scores it (body on cwce, title + body on daniel-dev).",
    ]
    for corpus, pages in gold.items():
        lines += ["", *_corpus_table(corpus, pages, rates[corpus], accuracy[corpus])]

    def per_round(corpus: str, theirs: str, ours: str = OURS) -> str:
        return ", ".join(f"{a / b:.2f}" for a, b in zip(rates[corpus][ours], rates[corpus][theirs]))

    targets = [
        ("extract+clean ≥ 1× resiliparse (docs / CPU s)", OURS, RESILIPARSE),
        ("extract+clean ≥ 0.5× the bare lxml parse", OURS, BARE),
        ("extract+clean ≥ 10× trafilatura (default)", OURS, TRAFILATURA),
        ("whole chain (extract+clean+split+quotes) ≥ 10× trafilatura (default), issue 14", CHAIN, TRAFILATURA),
    ]
    lines += ["", "| target | " + " | ".join(gold) + " |", "|---|" + "---|" * len(gold)]
    for label, ours, theirs in targets:
        lines.append(f"| {label} | " + " | ".join(
            f"**{_times_faster(rates[corpus][ours], rates[corpus][theirs]):.2f}×**" for corpus in gold) + " |")
    lines += [""]
    lines += [f"Per round, extract+clean ÷ {theirs} on {corpus}: {per_round(corpus, theirs)}."
              for theirs in (RESILIPARSE, BARE) for corpus in gold]
    report = "\n".join(lines)
    print(report)
    write_section("bench-extract", "make bench-extract", report)


if __name__ == "__main__":
    main()
