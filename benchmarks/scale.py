"""`make bench-scale`: how extraction cost grows with the corpus (1k → 10k → 100k pages
generated from the sample site's templates), with memory per size, beside the bare lxml
parse at every size and trafilatura / readability-lxml at 1k (they take minutes beyond).

Each size runs in its own process, so its peak RSS is its own; pages stream from disk one
at a time, so memory must stay flat however large the corpus.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import tools
from benchmarks.corpus_generator import generate_site
from benchmarks.report import write_section

SIZES = [int(size) for size in os.environ.get("FORUM_ETL_BENCH_SIZES", "1000,10000,100000").split(",")]


def _measure(directory: str, count: int, tool: str) -> dict:
    """Runs in a child process: CPU seconds of `tool` over the first `count` pages."""
    files = sorted(Path(directory).rglob("content_*.html"), key=lambda p: int(p.stem.split("_")[1]))[:count]
    if tool == "forum-etl":
        from pipeline.text import article_from_page

        run = article_from_page
    elif tool == "bare lxml parse":
        run = tools.bare_parse()
    elif tool.startswith("trafilatura"):
        run = tools.trafilatura(fast=tool.endswith("(fast)"))
    else:
        run = tools.readability()
    size = 0
    started = time.process_time()
    for path in files:
        raw = path.read_bytes()
        size += len(raw)
        run(raw)
    seconds = time.process_time() - started
    return {"tool": tool, "pages": len(files), "seconds": seconds, "megabytes": size / 1e6,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _child(directory: str, count: int, tool: str) -> dict:
    output = subprocess.run([sys.executable, "-m", "benchmarks.scale", "--measure", directory, str(count), tool],
                            capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    largest = max(SIZES)
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        started = time.monotonic()
        generate_site(Path(directory), largest)
        generated = time.monotonic() - started
        for size in SIZES:
            tools = ["forum-etl", "bare lxml parse"]
            if size == min(SIZES):
                tools += ["trafilatura (default)", "trafilatura (fast)", "readability-lxml"]
            rows += [{**_child(directory, size, tool), "size": size} for tool in tools]
    ours = {r["size"]: r for r in rows if r["tool"] == "forum-etl"}
    bare = {r["size"]: r for r in rows if r["tool"] == "bare lxml parse"}
    lines = [
        f"Corpus: {largest:,} pages rendered from the sample site's templates in {generated:.0f} s (temporary directory).",
        "",
        "| pages | tool | docs / CPU s | MB / CPU s | ms / doc | peak RSS (MB) |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(f"| {row['size']:,} | {row['tool']} | {row['pages'] / row['seconds']:.0f} | "
                     f"{row['megabytes'] / row['seconds']:.1f} | {row['seconds'] / row['pages'] * 1000:.2f} | {row['peak_rss_mb']:.0f} |")
    per_doc = [ours[size]["seconds"] / ours[size]["pages"] for size in SIZES]
    growth = per_doc[-1] / per_doc[0]
    verdict = "linear" if growth < 1.2 else f"WORSE THAN LINEAR (×{growth:.2f} per document)"
    memory = [ours[size]["peak_rss_mb"] for size in SIZES]
    lines += [
        "",
        f"forum-etl cost per document from {SIZES[0]:,} to {SIZES[-1]:,} pages: ×{growth:.2f} ({verdict}); "
        f"peak RSS {memory[0]:.0f} → {memory[-1]:.0f} MB (streaming, one page at a time). "
        f"Ratio to the bare parse: " + ", ".join(
            f"{size:,}: {bare[size]['seconds'] / ours[size]['seconds']:.2f}×" for size in SIZES) + ".",
    ]
    small = {r["tool"]: r for r in rows if r["size"] == min(SIZES)}
    for tool in ("trafilatura (default)", "trafilatura (fast)", "readability-lxml"):
        if tool in small:
            lines.append(f"At {min(SIZES):,} pages forum-etl (extract+clean+split) is "
                         f"{small[tool]['seconds'] / small['forum-etl']['seconds']:.1f}× faster than {tool}.")
    report = "\n".join(lines)
    print(report)
    write_section("bench-scale", "make bench-scale", report)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        print(json.dumps(_measure(sys.argv[2], int(sys.argv[3]), sys.argv[4])))
    else:
        main()
