"""`make bench-extract`: throughput of forum-etl's extract+clean on the cwce pages beside
trafilatura (default and fast), readability-lxml and a bare lxml parse, in one run.

Throughput is documents per CPU second (process time, so a busy machine does not skew it),
the median over repeated rounds with the min–max spread. Rounds are interleaved across the
tools (round 1 of each, then round 2 of each, …), so a change in the machine's speed during
the run falls on all of them alike; a ratio is the median of the per-round ratios.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from benchmarks import tools
from benchmarks.corpus import load_cwce
from benchmarks.metrics import bigram_f1
from benchmarks.report import write_section

ROUNDS = 9
SLOW_ROUNDS = 3  # for the tools that take seconds per round


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


def _interleaved_rounds(runners: dict[str, tuple[Callable[[bytes], object], int]], pages: list[bytes]) -> dict[str, list[float]]:
    for run, _ in runners.values():
        for raw in pages[:5]:  # warm imports and caches
            run(raw)
    rates: dict[str, list[float]] = {name: [] for name in runners}
    for round_index in range(max(rounds for _, rounds in runners.values())):
        for name, (run, rounds) in runners.items():
            if round_index < rounds:
                rates[name].append(_round(run, pages))
    return rates


def main() -> None:
    corpus = load_cwce()
    pages = [page.raw for page in corpus]
    megabytes = sum(map(len, pages)) / 1e6
    runners = {
        "forum-etl extract+clean": (_forum_etl(), ROUNDS),
        "forum-etl extract+clean+split+quotes": (_forum_etl_with_statements(), ROUNDS),
        "bare lxml parse": (tools.bare_parse(), ROUNDS),
        "trafilatura (default)": (tools.trafilatura(fast=False), SLOW_ROUNDS),
        "trafilatura (fast)": (tools.trafilatura(fast=True), SLOW_ROUNDS),
        "readability-lxml": (tools.readability(), SLOW_ROUNDS),
    }
    rates = _interleaved_rounds(runners, pages)
    accuracy = {
        name: statistics.fmean(bigram_f1(tools.output_text(run(page.raw)), page.body) for page in corpus)
        for name, (run, _) in runners.items() if name != "bare lxml parse"
    }
    median = {name: statistics.median(r) for name, r in rates.items()}
    ours = rates["forum-etl extract+clean"]
    # How many times faster forum-etl is than each tool: per round, then the median.
    times_faster = {name: statistics.median(a / b for a, b in zip(ours, r)) for name, r in rates.items()}
    per_doc_mb = megabytes / len(pages)
    whole_chain = statistics.median(a / b for a, b in zip(rates["forum-etl extract+clean+split+quotes"], rates["trafilatura (default)"]))
    lines = [
        f"{len(pages)} pages, {megabytes:.2f} MB; median of {ROUNDS} rounds ({SLOW_ROUNDS} for the slow tools).",
        "",
        "| tool | docs / CPU s (median) | min–max | MB / CPU s | forum-etl is × faster | mean body F1 |",
        "|---|---|---|---|---|---|",
    ]
    for name, values in rates.items():
        lines.append(
            f"| {name} | {median[name]:.0f} | {min(values):.0f}–{max(values):.0f} "
            f"| {median[name] * per_doc_mb:.1f} | {times_faster[name]:.2f} | "
            f"{f'{accuracy[name]:.3f}' if name in accuracy else '—'} |"
        )
    lines += [
        "",
        f"Targets: ≥ 10× trafilatura (default): **{times_faster['trafilatura (default)']:.1f}×**; "
        f"≥ 0.5× the bare lxml parse: **{times_faster['bare lxml parse']:.2f}×** "
        f"(per round: {', '.join(f'{a / b:.2f}' for a, b in zip(ours, rates['bare lxml parse']))}). "
        f"The whole text chain (split by speaker and quotes too) is **{whole_chain:.1f}×** trafilatura (default) "
        "(issue 14's target: ≥ 10×).",
    ]
    report = "\n".join(lines)
    print(report)
    write_section("bench-extract", "make bench-extract", report)


if __name__ == "__main__":
    main()
