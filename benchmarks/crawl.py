"""`make bench-crawl`: crawl speed against the sample site on loopback, at the default
politeness and with politeness off, and the outcome of every injected fault."""

from __future__ import annotations

import tempfile
from dataclasses import replace

from benchmarks.report import write_section
from devkit.crawl_helpers import sample_config  # noqa: E402  (the tests' own config builder)
from devkit.sample_site.server import Fault, serve
from pipeline.acquire.config import Politeness
from pipeline.acquire.crawl import crawl
from pipeline.warehouse.archive import read_fetch_errors, read_raw_pages
from pipeline.warehouse.storage import Warehouse

SEED = "/zscqb/2022/04/27/gclt-zzyj.html"
FAULTS = {
    "404": ({SEED: Fault("status", status=404)}, {}),
    "410": ({SEED: Fault("status", status=410)}, {}),
    "429 with Retry-After: 1, then OK": ({SEED: Fault("status", status=429, retry_after="1", times=1)}, {}),
    "500 twice, then OK": ({SEED: Fault("flaky", times=2)}, {}),
    "connection reset": ({SEED: Fault("reset")}, {}),
    "read timeout (server waits 1.5 s)": ({SEED: Fault("slow", delay=1.5)}, {"timeout_seconds": 0.5}),
    "truncated body": ({SEED: Fault("truncated")}, {}),
    "redirect loop": ({SEED: Fault("redirect_loop")}, {}),
    "body over the size cap": ({SEED: Fault("huge", size=300_000)}, {"max_body_bytes": 200_000}),
    "GBK body labelled UTF-8": ({SEED: Fault("mislabelled")}, {}),
}


def _speed(politeness: Politeness, label: str) -> str:
    with serve() as site, tempfile.TemporaryDirectory() as directory:
        config = sample_config(site.url, directory)
        config = replace(config, sources=tuple(replace(s, politeness=politeness) for s in config.sources))
        summary = crawl(config, Warehouse.open(directory))
        requests = len(site.requests)
    return (f"| {label} | {requests} | {summary.fetched} | {summary.seconds:.2f} | "
            f"{requests / summary.seconds:.1f} |")


def _fault(name: str, faults: dict, politeness: dict) -> str:
    with serve(faults=faults) as site, tempfile.TemporaryDirectory() as directory:
        warehouse = Warehouse.open(directory)
        summary = crawl(sample_config(site.url, directory, max_retries=2, backoff_seconds=0.1, **politeness), warehouse)
        hits = site.paths().count(SEED)
        errors = [row for row in read_fetch_errors(warehouse).to_pylist() if row["url"].endswith(SEED)]
        archived = any(url.endswith(SEED) for url in read_raw_pages(warehouse, ["url"])["url"].to_pylist())
    outcome = (f"error row: {errors[0]['error_class']} after {errors[0]['attempts']} attempt(s)" if errors
               else "fetched and archived" if archived else "not fetched")
    return f"| {name} | {hits} | {outcome} | {summary.fetched} fetched, {summary.failed} failed |"


def main() -> None:
    default = Politeness(user_agent="forum-etl-bench")
    lines = [
        "Crawl of the sample site served on 127.0.0.1 (listing pages, 11 articles, one of them two pages).",
        "",
        "| politeness | requests | bodies archived | seconds | requests / s |",
        "|---|---|---|---|---|",
        _speed(default, f"default ({default.requests_per_second:g} request/s per host, {default.max_concurrency_per_host} at a time)"),
        _speed(replace(default, requests_per_second=0, max_concurrency_per_host=4), "off (no spacing, 4 at a time)"),
        "",
        "Fault matrix (one fault on the seed article each run, 2 retries, the rest of the site healthy):",
        "",
        "| fault | requests to the page | outcome | run |",
        "|---|---|---|---|",
    ]
    lines += [_fault(name, faults, politeness) for name, (faults, politeness) in FAULTS.items()]
    with serve(robots="User-agent: *\nDisallow: /zscqb/\n") as site, tempfile.TemporaryDirectory() as directory:
        warehouse = Warehouse.open(directory)
        crawl(sample_config(site.url, directory), warehouse)
        robots_errors = [r for r in read_fetch_errors(warehouse).to_pylist() if r["error_class"] == "RobotsDisallowed"]
        requested = sum(path.startswith("/zscqb/") for path in site.paths())
    lines.append(f"| robots.txt disallows /zscqb/ | {requested} | {len(robots_errors)} RobotsDisallowed error rows, never requested | — |")
    lines.append("| link to a host outside allowed_hosts | 0 | never requested, counted as skipped | — |")
    report = "\n".join(lines)
    print(report)
    write_section("bench-crawl", "make bench-crawl", report)


if __name__ == "__main__":
    main()
