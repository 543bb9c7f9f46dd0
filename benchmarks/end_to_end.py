"""`make bench-e2e`: crawl from a loopback server (politeness off) → extract → split → validate
→ publish, for 1k and 10k generated articles: wall time, articles/s and peak RSS per stage
(each stage in its own process), the share of time spent in GX validation, then an
incremental rerun with nothing new."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus_generator import generate_site
from benchmarks.report import write_section

SIZES = [int(size) for size in os.environ.get("FORUM_ETL_BENCH_E2E", "1000,10000").split(",")]
STAGES = ("crawl", "process", "validate", "publish", "catalog", "rerun")
PROCESS_BATCH = 500


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


def _stage(stage: str, config_path: str, root: str) -> dict:
    """Runs in a child process; returns seconds (excluding interpreter start) and counts."""
    from pipeline.acquire.config import load_config
    from pipeline.warehouse.storage import Warehouse

    warehouse = Warehouse.open(root)
    started = time.monotonic()
    info: dict = {}
    if stage in ("crawl", "rerun"):
        from pipeline.acquire.crawl import crawl

        summary = crawl(load_config(config_path), warehouse)
        info = {"fetched": summary.fetched, "failed": summary.failed, "discovered": summary.discovered}
    elif stage == "process":
        from pipeline.load.transform import archived_articles, process_to_stage

        batch, number, staged = [], 0, 0
        for processed in archived_articles(warehouse):
            batch.append(processed)
            if len(batch) == PROCESS_BATCH:
                staged += process_to_stage(warehouse, "bench", f"{number:04d}", batch)["articles"]
                batch, number = [], number + 1
        if batch:
            staged += process_to_stage(warehouse, "bench", f"{number:04d}", batch)["articles"]
        info = {"articles": staged}
    elif stage == "validate":
        from pipeline.load.quarantine import validate_staged

        info = {"quarantined": len(validate_staged(warehouse, "bench").quarantined)}
    elif stage == "publish":
        from pipeline.load.publish import publish_staged

        result = publish_staged(warehouse, "bench")
        info = {"published": result.published, "rows": sum(result.rows_written.values())}
    elif stage == "catalog":
        from pipeline.serve.catalog import build_catalog

        build_catalog(warehouse)
    info["seconds"] = time.monotonic() - started
    info["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return info


def main() -> None:
    from devkit.sample_site.server import serve

    lines = ["| articles | stage | seconds | articles / s | peak RSS (MB) | notes |", "|---|---|---|---|---|---|"]
    notes = []
    for size in SIZES:
        with tempfile.TemporaryDirectory() as directory:
            site_dir, root = Path(directory) / "site", str(Path(directory) / "warehouse")
            generate_site(site_dir, size)
            with serve(site_dir=site_dir) as site:
                config = _config(site.url, Path(directory))
                results = {}
                for stage in STAGES:
                    output = subprocess.run([sys.executable, "-m", "benchmarks.end_to_end", "--stage", stage, str(config), root],
                                            capture_output=True, text=True, check=True).stdout
                    results[stage] = json.loads(output.strip().splitlines()[-1])
            for stage, info in results.items():
                detail = ", ".join(f"{k} {v}" for k, v in info.items() if k not in ("seconds", "peak_rss_mb"))
                rate = size / info["seconds"] if info["seconds"] and stage != "rerun" else 0
                lines.append(f"| {size:,} | {stage} | {info['seconds']:.1f} | {rate:.0f} | {info['peak_rss_mb']:.0f} | {detail} |")
            work = sum(results[s]["seconds"] for s in ("crawl", "process", "validate", "publish", "catalog"))
            notes.append(f"{size:,} articles: {work:.0f} s end to end ({size / work:.0f} articles/s); GX validation "
                         f"{results['validate']['seconds'] / work:.0%} of it; "
                         f"peak RSS {max(r['peak_rss_mb'] for r in results.values()):.0f} MB "
                         f"(target < 1024 MB at 10k); incremental rerun with nothing new {results['rerun']['seconds']:.2f} s "
                         f"beyond interpreter start (target < 5 s).")
    report = "\n".join(lines + [""] + [f"- {note}" for note in notes])
    print(report)
    write_section("bench-e2e", "make bench-e2e", report)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--stage":
        print(json.dumps(_stage(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        main()
