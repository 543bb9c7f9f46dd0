"""`make bench-e2e`: the pipeline end to end, per stage: wall time, articles/s, CPU, peak
memory (each stage in its own process: its peak RSS, or for a process tree the peak of its
processes' summed PSS), the load average of the shared machine when the stage started, and
the incremental rerun.

Two corpora:
- the sample site's templates (`generate_site`, 1k and 10k articles), crawled from a loopback
  server (politeness off), then processed with 1 worker and with 2, validated, published;
- real page templates (`real_template_pages`: the pages of ../shared/eval in their own chrome,
  10k and 100k articles), archived straight into raw_pages (the crawl is measured above), then
  processed (1 and 2 workers at 10k, 2 at 100k), validated, published.

`bare` is the text chain alone (extract → clean → split → quotes, `article_from_page`) over
the same archived pages, bodies read beforehand: the work `process` wraps. `process` is
archive → extract → clean → split → quotes → stage (rows, speech terms, Parquet), through
`transform.stage_archive`, the path of `forum-etl publish`.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.corpus_generator import generate_site, real_template_pages
from benchmarks.report import write_section

SIZES = [int(size) for size in os.environ.get("FORUM_ETL_BENCH_E2E", "1000,10000").split(",") if size]
REAL_SIZES = [int(size) for size in os.environ.get("FORUM_ETL_BENCH_E2E_REAL", "10000,100000").split(",") if size]
# Stages per corpus; process:N runs with N workers, into a run of its own (the last one is validated and published).
SAMPLE_STAGES = ("crawl", "bare", "process:1", "process:2", "validate", "publish", "catalog", "rerun")
# Real templates: the ratios at the smaller sizes, end to end at the largest.
REAL_RATIO_STAGES = ("bare", "process:1", "process:2")
REAL_END_TO_END_STAGES = ("process:2", "validate", "publish", "catalog")


def _config(base_url: str, directory: Path) -> Path:
    host = base_url.split("//", 1)[1]
    path = directory / "crawl.toml"
    path.write_text(f"""
[politeness]
requests_per_second = 0
max_concurrency_per_host = 4
[[sources]]
name = "generated"
start_urls = ["{base_url}/gen/index.html"]
allowed_hosts = ["{host}"]
article_patterns = ['/gen/\\d{{4}}/\\d{{2}}/\\d{{2}}/content_\\d+\\.html$']
listing_patterns = ['/gen/index(_\\d+)?\\.html$']
max_listing_pages = 100000
""", encoding="utf-8")
    return path


def _archive_real(root: str, count: int) -> None:
    """`count` real-template pages written into raw_pages as a crawl would, a part at a time."""
    from pipeline.acquire.crawl import PART_PAGES
    from pipeline.warehouse.archive import RawPage, write_raw_pages
    from pipeline.warehouse.storage import Warehouse

    warehouse, now, part = Warehouse.open(root), datetime.now(UTC), []
    for number, (url, body) in enumerate(real_template_pages(count)):
        part.append(RawPage(url, url, "article", url, 1, 200, "text/html", None, None, None, now, "0" * 64, body, "real", "gen"))
        if len(part) == PART_PAGES or number == count - 1:
            write_raw_pages(warehouse, "gen", f"b{number // PART_PAGES:05d}-00000", part)
            part = []


class _TreeMonitor:
    """CPU seconds and peak memory of this process and every process under it (pool workers
    are children of a fork server): CPU sampled every 0.1 s, memory every second (reading a
    process's PSS costs ~7 ms). Memory is the sum of the processes' PSS: a page shared by
    several (the fork server's, copy-on-write) is counted once in all, not once in each as a
    sum of RSS would."""

    def __init__(self) -> None:
        import psutil

        self.root, self.cpu, self.peak_memory = psutil.Process(), {}, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        tick = 0
        while not self._stop.wait(0.1):
            tick += 1
            memory_sum = 0
            for process in [self.root, *self.root.children(recursive=True)]:
                try:
                    times = process.cpu_times()
                    self.cpu[process.pid] = times.user + times.system
                    if tick % 10 == 0:
                        memory_sum += process.memory_full_info().pss
                except psutil.Error:
                    continue
            self.peak_memory = max(self.peak_memory, memory_sum)

    def __enter__(self) -> _TreeMonitor:
        self._started_cpu = time.process_time()  # this process's imports before the stage are not the stage's
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.cpu[self.root.pid] = time.process_time() - self._started_cpu


def _stage(stage: str, config_path: str, root: str) -> dict:
    """Runs in a child process; returns seconds (excluding interpreter start) and counts."""
    from pipeline.warehouse.storage import Warehouse

    warehouse = Warehouse.open(root)
    info: dict = {"load": round(os.getloadavg()[0], 1)}
    if stage == "bare":  # single-page articles only (both corpora): one page, one article_from_page
        from pipeline.text import article_from_page
        from pipeline.warehouse.archive import latest_page_index, read_bodies

        files: dict[str, list[dict]] = {}
        for page in latest_page_index(warehouse, "article"):
            files.setdefault(page["file"], []).append(page)
        seconds = cpu = 0.0
        for path, pages in files.items():  # bodies read a file at a time, outside the clocks
            bodies = read_bodies(warehouse, path, [page["row"] for page in pages])
            started, cpu_started = time.monotonic(), time.process_time()
            for page, body in zip(pages, bodies):
                article_from_page(body, url=page["final_url"], http_charset=page["charset"])
            seconds, cpu = seconds + time.monotonic() - started, cpu + time.process_time() - cpu_started
        info.update(articles=sum(map(len, files.values())), seconds=seconds, cpu_seconds=cpu,
                    peak_memory_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        return info
    # Each stage's modules are imported before the clocks start, as bare's are.
    from pipeline.acquire.config import load_config
    from pipeline.acquire.crawl import crawl
    from pipeline.load.publish import publish_staged
    from pipeline.load.quarantine import validate_staged
    from pipeline.load.transform import stage_archive
    from pipeline.serve.catalog import build_catalog

    started, cpu = time.monotonic(), time.process_time()
    with _TreeMonitor() as tree:
        if stage in ("crawl", "rerun"):
            summary = crawl(load_config(config_path), warehouse)
            info.update(fetched=summary.fetched, failed=summary.failed, discovered=summary.discovered)
        elif stage.startswith("process:"):
            workers = int(stage.split(":")[1])
            staged = stage_archive(warehouse, f"bench-{workers}", workers=workers)
            info.update(articles=staged.articles, failed=len(staged.failed))
        elif stage == "validate":
            info["quarantined"] = len(validate_staged(warehouse, "bench-2").quarantined)
        elif stage == "publish":
            result = publish_staged(warehouse, "bench-2")
            info.update(published=result.published, rows=sum(result.rows_written.values()))
        elif stage == "catalog":
            build_catalog(warehouse)
    info["seconds"] = time.monotonic() - started
    info["cpu_seconds"] = sum(tree.cpu.values()) if stage.startswith("process:") else time.process_time() - cpu
    info["peak_memory_mb"] = max(tree.peak_memory / 2**20, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if stage == "process:1":  # measured for the ratios only: the 2-worker run is the one published
        from pipeline.warehouse.layout import staged_run

        warehouse.delete(staged_run("bench-1"))
    return info


def _run_stages(stages, config: str, root: str) -> dict[str, dict]:
    results = {}
    for stage in stages:
        output = subprocess.run([sys.executable, "-m", "benchmarks.end_to_end", "--stage", stage, config, root],
                                capture_output=True, text=True, check=True).stdout
        results[stage] = json.loads(output.strip().splitlines()[-1])
    return results


def _rows(corpus: str, size: int, results: dict[str, dict]) -> list[str]:
    lines = []
    for stage, info in results.items():
        detail = ", ".join(f"{k} {v}" for k, v in info.items() if k not in ("seconds", "cpu_seconds", "peak_memory_mb", "load"))
        rate = f"{size / info['seconds']:.0f}" if info["seconds"] and stage != "rerun" else "—"
        per_cpu = f"{size / info['cpu_seconds']:.0f}" if info.get("cpu_seconds") and stage != "rerun" else "—"
        lines.append(f"| {corpus} | {size:,} | {stage} | {info['seconds']:.1f} | {rate} | {per_cpu} | "
                     f"{info['peak_memory_mb']:.0f} | {info['load']} | {detail} |")
    return lines


def _notes(corpus: str, size: int, results: dict[str, dict]) -> list[str]:
    notes = []
    if "bare" in results and "process:1" in results:
        bare, one = results["bare"], results["process:1"]
        notes.append(f"{corpus}, {size:,}: process with 1 worker runs at "
                     f"{bare['cpu_seconds'] / one['cpu_seconds']:.0%} of the bare text chain's articles per CPU second "
                     f"({size / one['cpu_seconds']:.0f} against {size / bare['cpu_seconds']:.0f}; target ≥ 80 %).")
    if "process:1" in results and "process:2" in results:
        one, two = results["process:1"], results["process:2"]
        notes.append(f"{corpus}, {size:,}: 2 workers process {one['seconds'] / two['seconds']:.2f}× the articles per second "
                     f"of 1 (wall clock, load average {one['load']} and {two['load']} when they started), "
                     f"at {one['cpu_seconds'] / two['cpu_seconds']:.0%} of 1 worker's articles per CPU second; "
                     f"peak memory of the whole tree (PSS) {two['peak_memory_mb']:.0f} MB.")
    work = [s for s in ("crawl", "process:2", "validate", "publish", "catalog") if s in results]
    if "publish" in results:
        seconds = sum(results[s]["seconds"] for s in work)
        notes.append(f"{corpus}, {size:,} end to end ({' → '.join(work)}): {seconds:.0f} s, {size / seconds:.0f} articles/s; "
                     f"GX validation {results['validate']['seconds'] / seconds:.0%} of it; peak memory "
                     f"{max(results[s]['peak_memory_mb'] for s in work):.0f} MB (target < 1024 MB at 10k)"
                     + (f"; incremental rerun with nothing new {results['rerun']['seconds']:.2f} s beyond interpreter start "
                        "(target < 5 s)" if "rerun" in results else "") + ".")
    return notes


def main() -> None:
    from devkit.sample_site.server import serve

    lines = ["| corpus | articles | stage | seconds | articles / s | articles / CPU s | peak memory (MB) | load | notes |",
             "|---|---|---|---|---|---|---|---|---|"]
    notes = []
    for size in SIZES:
        with tempfile.TemporaryDirectory() as directory:
            site_dir, root = Path(directory) / "site", str(Path(directory) / "warehouse")
            generate_site(site_dir, size)
            with serve(site_dir=site_dir) as site:
                results = _run_stages(SAMPLE_STAGES, str(_config(site.url, Path(directory))), root)
        lines += _rows("sample site", size, results)
        notes += _notes("sample site", size, results)
        print("\n".join(lines[-len(results):]), flush=True)
    for size in REAL_SIZES:
        with tempfile.TemporaryDirectory() as directory:
            root = str(Path(directory) / "warehouse")
            started = time.monotonic()
            _archive_real(root, size)
            archived = time.monotonic() - started
            results = _run_stages(REAL_END_TO_END_STAGES if size == max(REAL_SIZES) else REAL_RATIO_STAGES, "", root)
        lines += _rows("real templates", size, results)
        notes += _notes("real templates", size, results)
        notes.append(f"real templates, {size:,}: pages generated and archived in {archived:.0f} s (not a pipeline stage).")
        print("\n".join(lines[-len(results):]), flush=True)
    report = "\n".join(lines + [""] + [f"- {note}" for note in notes])
    print(report)
    write_section("bench-e2e", "make bench-e2e", report)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--stage":
        print(json.dumps(_stage(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        main()
