"""The crawler against the sample site served on 127.0.0.1, with faults injected."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime

import pyarrow.compute as pc
import pytest

from devkit.crawl_helpers import (
    ALL_ARTICLE_PATHS,
    ARTICLE_PATTERN,
    KILLED_CRAWL,
    NEWS,
    REPO,
    SEED,
    errors_by_path,
    fetched_paths,
    sample_config,
)
from devkit.sample_site import load_content
from devkit.sample_site.server import Fault, serve
from pipeline.acquire.config import parse_config
from pipeline.acquire.crawl import CrawlSummary, crawl, fetch_batch, plan_crawl
from pipeline.load.transform import archived_articles
from pipeline.warehouse.archive import latest_pages, read_fetch_errors, read_raw_pages, read_state
from pipeline.warehouse.storage import Warehouse


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_full_crawl_finds_every_article_and_joins_the_two_page_one(tmp_path):
    with serve() as site:
        warehouse = Warehouse.open(str(tmp_path))
        summary = crawl(sample_config(site.url, str(tmp_path)), warehouse)
    assert fetched_paths(warehouse, site.url) == ALL_ARTICLE_PATHS
    assert summary.failed == 0 and summary.discovered == len(load_content())
    articles = {processed.article.title: processed.article for processed in archived_articles(warehouse)}
    assert len(articles) == len({c["title"] for c in load_content()})
    multipage = next(c for c in load_content() if c["page_breaks"])
    assert len(articles[multipage["title"]].paragraphs) == len(multipage["paragraphs"])


def test_second_run_fetches_no_article_body_and_adds_no_rows(tmp_path):
    with serve() as site:
        warehouse = Warehouse.open(str(tmp_path))
        config = sample_config(site.url, str(tmp_path))
        crawl(config, warehouse)
        rows_before = read_raw_pages(warehouse).num_rows
        requests_before = len(site.requests)
        summary = crawl(config, warehouse)
        second = site.requests[requests_before:]
    assert summary.fetched == 0 and summary.failed == 0
    assert read_raw_pages(warehouse).num_rows == rows_before
    article_requests = [r for r in second if r.path in ALL_ARTICLE_PATHS]
    assert article_requests == []  # known articles are not due for a revisit yet
    listing_requests = [r for r in second if r.path.endswith("index.html") or "index_" in r.path]
    assert listing_requests and all("If-None-Match" in r.headers for r in listing_requests)


def test_revisits_are_conditional_and_answered_304(tmp_path):
    with serve() as site:
        warehouse = Warehouse.open(str(tmp_path))
        crawl(sample_config(site.url, str(tmp_path)), warehouse)
        rows_before = read_raw_pages(warehouse).num_rows
        start = len(site.requests)
        summary = crawl(sample_config(site.url, str(tmp_path), revisit_after_days=0), warehouse)
        revisits = [r for r in site.requests[start:] if r.path == SEED]
    assert revisits and all(r.headers.get("If-None-Match") for r in revisits)
    assert summary.fetched == 0 and summary.not_modified > 0
    assert read_raw_pages(warehouse).num_rows == rows_before


def test_max_pages_and_since_limit_what_is_fetched(tmp_path):
    with serve() as site:
        warehouse = Warehouse.open(str(tmp_path / "a"))
        crawl(sample_config(site.url, str(tmp_path / "a")), warehouse, max_pages=3)
        assert len({p for p in fetched_paths(warehouse, site.url)}) <= 3 + 1  # + page 2 of a two-page article
        recent = Warehouse.open(str(tmp_path / "b"))
        crawl(sample_config(site.url, str(tmp_path / "b")), recent, since=date(2023, 1, 1))
    years = {int(path.split("/")[2]) for path in fetched_paths(recent, site.url)}
    assert years and min(years) >= 2023


def test_links_outside_the_allowed_hosts_are_never_fetched(tmp_path):
    with serve() as outside, serve() as site:
        # The listing links to another host; point it at a server we can watch.
        config = sample_config(site.url, str(tmp_path))
        source = config.sources[0]
        assert not source.allows_host(outside.url + "/gclt/index.html")
        summary = crawl(config, Warehouse.open(str(tmp_path)))
    assert outside.requests == []
    assert summary.skipped >= 1  # the off-site partner link on the listing page


def crawl_with(tmp_path, faults, robots=None, revisit_after_days=7.0, **politeness):
    kwargs = {"faults": faults}
    if robots is not None:
        kwargs["robots"] = robots
    with serve(**kwargs) as site:
        warehouse = Warehouse.open(str(tmp_path))
        summary = crawl(sample_config(site.url, str(tmp_path), revisit_after_days, **politeness), warehouse)
    return site, warehouse, summary


@pytest.mark.parametrize("status", [404, 410])
def test_gone_pages_become_error_rows_without_retries(tmp_path, status):
    site, warehouse, _ = crawl_with(tmp_path, {SEED: Fault("status", status=status)})
    error = errors_by_path(warehouse, site.url)[SEED]
    assert (error["error_class"], error["attempts"], error["status"]) == (f"HTTP {status}", 1, status)
    assert site.paths().count(SEED) == 1
    assert fetched_paths(warehouse, site.url) == ALL_ARTICLE_PATHS - {SEED}


def test_429_waits_for_retry_after_then_gives_up_with_an_error_row(tmp_path):
    site, warehouse, _ = crawl_with(tmp_path, {SEED: Fault("status", status=429, retry_after="1")}, max_retries=1)
    times = [r.at for r in site.requests if r.path == SEED]
    assert len(times) == 2 and times[1] - times[0] >= 0.95
    assert errors_by_path(warehouse, site.url)[SEED]["error_class"] == "HTTP 429"


def test_429_then_success_is_fetched(tmp_path):
    site, warehouse, _ = crawl_with(tmp_path, {SEED: Fault("status", status=429, retry_after="0", times=1)})
    assert site.paths().count(SEED) == 2
    assert SEED in fetched_paths(warehouse, site.url) and SEED not in errors_by_path(warehouse, site.url)


def test_500_then_success_is_retried_and_fetched(tmp_path):
    site, warehouse, summary = crawl_with(tmp_path, {SEED: Fault("flaky", times=2)})
    assert site.paths().count(SEED) == 3
    assert SEED in fetched_paths(warehouse, site.url) and SEED not in errors_by_path(warehouse, site.url)


def test_connection_reset_is_retried_then_an_error_row(tmp_path):
    site, warehouse, _ = crawl_with(tmp_path, {SEED: Fault("reset")}, max_retries=2)
    error = errors_by_path(warehouse, site.url)[SEED]
    assert error["attempts"] == 3 and error["error_class"] in {"ReadError", "RemoteProtocolError", "ConnectError"}
    assert fetched_paths(warehouse, site.url) == ALL_ARTICLE_PATHS - {SEED}


def test_read_timeout_is_an_error_row(tmp_path):
    site, warehouse, _ = crawl_with(tmp_path, {SEED: Fault("slow", delay=1.5)}, timeout_seconds=0.5, max_retries=1)
    error = errors_by_path(warehouse, site.url)[SEED]
    assert (error["error_class"], error["attempts"]) == ("ReadTimeout", 2)


def test_truncated_body_is_retried_then_an_error_row(tmp_path):
    site, warehouse, _ = crawl_with(tmp_path, {SEED: Fault("truncated")}, max_retries=1)
    error = errors_by_path(warehouse, site.url)[SEED]
    assert error["error_class"] == "RemoteProtocolError" and error["attempts"] == 2


def test_redirect_loop_is_an_error_row(tmp_path):
    site, warehouse, _ = crawl_with(tmp_path, {SEED: Fault("redirect_loop")}, max_redirects=3)
    error = errors_by_path(warehouse, site.url)[SEED]
    assert (error["error_class"], error["attempts"]) == ("TooManyRedirects", 1)


def test_page_over_the_size_cap_is_an_error_row(tmp_path):
    site, warehouse, _ = crawl_with(tmp_path, {SEED: Fault("huge", size=300_000)}, max_body_bytes=200_000)
    error = errors_by_path(warehouse, site.url)[SEED]
    assert (error["error_class"], error["attempts"]) == ("BodyTooLarge", 1)


def test_body_declared_utf8_that_is_gbk_is_archived_and_extracts(tmp_path):
    site, warehouse, _ = crawl_with(tmp_path, {SEED: Fault("mislabelled")})
    page = latest_pages(warehouse).filter(pc.equal(latest_pages(warehouse)["url"], site.url + SEED)).to_pylist()[0]
    assert page["charset"] == "utf-8"
    article = next(p.article for p in archived_articles(warehouse) if p.url == site.url + SEED)
    assert article.encoding == "gb18030" and len(article.speeches) == 4


def test_robots_disallow_is_respected_and_recorded(tmp_path):
    robots = "User-agent: *\nDisallow: /zscqb/\n"
    site, warehouse, _ = crawl_with(tmp_path, {}, robots=robots)
    assert not any(path.startswith("/zscqb/") for path in site.paths())
    errors = errors_by_path(warehouse, site.url)
    assert errors[SEED]["error_class"] == "RobotsDisallowed" and errors[SEED]["attempts"] == 0


def test_an_unreachable_robots_txt_is_recorded_as_unreachable_and_fails_the_run(tmp_path):
    site, warehouse, summary = crawl_with(tmp_path, {"/robots.txt": Fault("status", status=503)}, max_retries=1)
    assert site.paths() == ["/robots.txt", "/robots.txt"]  # retried, then the host is off limits for the run
    errors = read_fetch_errors(warehouse).to_pylist()
    assert len(errors) == summary.failed == summary.attempted == 2  # the two start URLs
    assert {row["error_class"] for row in errors} == {"RobotsUnreachable"}
    assert all(row["message"].startswith("robots.txt unreachable (HTTP 503: Service Unavailable)") for row in errors)
    assert summary.failures == {"RobotsUnreachable": 2}
    assert summary.failure(0.5) == ("all 2 URLs it tried failed: 2 RobotsUnreachable (robots.txt unreachable "
                                    "(HTTP 503: Service Unavailable), so the host is off limits)")


def test_allow_opens_one_page_of_a_disallowed_folder(tmp_path):
    robots = f"User-agent: *\nDisallow: /zscqb/\nAllow: {SEED}$\n"
    site, warehouse, _ = crawl_with(tmp_path, {}, robots=robots)
    fetched = fetched_paths(warehouse, site.url)
    assert SEED in fetched and not any(path.startswith("/zscqb/") for path in fetched - {SEED})
    assert errors_by_path(warehouse, site.url)[SEED.replace(".html", "_gb.html")]["error_class"] == "RobotsDisallowed"


@pytest.mark.parametrize(("fetched", "failed", "threshold", "verdict"), [
    (10, 0, 0.5, None),
    (5, 5, 0.5, None),  # half is not more than half
    (4, 6, 0.5, "6 of 10 URLs failed (60%, more than the 50% allowed): 6 HTTP 404 (Not Found)"),
    (9, 1, 0.0, "1 of 10 URLs failed (10%, more than the 0% allowed): 1 HTTP 404 (Not Found)"),
    (0, 3, 1.0, "all 3 URLs it tried failed: 3 HTTP 404 (Not Found)"),  # all failed fails whatever the threshold
    (0, 0, 0.0, None),  # nothing tried, nothing failed
])
def test_a_run_fails_over_the_threshold_or_when_every_url_failed(fetched, failed, threshold, verdict):
    summary = CrawlSummary("r", fetched=fetched)
    for _ in range(failed):
        summary.add_failure("HTTP 404", "Not Found")
    assert summary.failure(threshold) == verdict


def test_the_commonest_causes_come_first_and_the_rest_are_counted():
    summary = CrawlSummary("r")
    for error_class, count in (("HTTP 404", 1), ("ReadTimeout", 5), ("HTTP 503", 2), ("ConnectError", 2), ("X", 1)):
        for number in range(count):
            summary.add_failure(error_class, f"{error_class} #{number}")
    assert summary.main_causes() == ("5 ReadTimeout (ReadTimeout #0); 2 ConnectError (ConnectError #0); "
                                     "2 HTTP 503 (HTTP 503 #0); 2 other")


def test_a_failing_revisit_loses_nothing_already_archived(tmp_path):
    with serve() as site:
        warehouse = Warehouse.open(str(tmp_path))
        crawl(sample_config(site.url, str(tmp_path)), warehouse)
    port = int(site.url.rsplit(":", 1)[1])
    with serve(port=port, faults={SEED: Fault("status", status=500), NEWS: Fault("reset")}) as again:
        summary = crawl(sample_config(again.url, str(tmp_path), revisit_after_days=0, max_retries=1), warehouse)
    assert summary.failed == 2
    assert {SEED, NEWS} <= set(errors_by_path(warehouse, site.url))
    seed_rows = [row for row in read_raw_pages(warehouse, ["url"]).to_pylist() if row["url"] == site.url + SEED]
    assert len(seed_rows) == 1  # the first run's page is still archived
    assert any(p.url == site.url + SEED and p.article and len(p.article.speeches) == 4 for p in archived_articles(warehouse))


def test_request_rate_per_host_is_never_exceeded(tmp_path):
    # The server runs in a process of its own, so its arrival times do not wait on this
    # process's threads (parsing holds the GIL).
    port = free_port()
    log = tmp_path / "requests.log"
    server = subprocess.Popen([sys.executable, "-m", "devkit.sample_site.server", "--port", str(port),
                               "--request-log", str(log)], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().startswith("serving")
        crawl(sample_config(f"http://127.0.0.1:{port}", str(tmp_path), requests_per_second=8.0, max_concurrency_per_host=2),
              Warehouse.open(str(tmp_path)))
    finally:
        server.terminate()
        server.wait()
    times = sorted(float(line.split()[0]) for line in log.read_text().splitlines())
    assert len(times) > 20
    # Over any 4 intervals in a row, no more than 8 per second: one request held up on its way
    # (a loaded machine) may arrive close to the next, but the rate never goes over.
    spans = [later - earlier for earlier, later in zip(times, times[4:])]
    assert min(spans) >= 4 / 8.0 - 0.05


def test_crawl_delay_from_robots_slows_the_crawler_down(tmp_path):
    with serve(robots="User-agent: *\nCrawl-delay: 0.3\n") as site:
        crawl(sample_config(site.url, str(tmp_path), requests_per_second=100.0), Warehouse.open(str(tmp_path)), max_pages=2)
    times = sorted(request.at for request in site.requests)
    # 0.3 s asked for; the margin absorbs this process holding the GIL while the server records arrivals
    assert min(later - earlier for earlier, later in zip(times[1:], times[2:])) >= 0.2


def test_state_lives_in_the_warehouse(tmp_path):
    with serve() as site:
        warehouse = Warehouse.open(str(tmp_path))
        crawl(sample_config(site.url, str(tmp_path)), warehouse)
    state = read_state(warehouse)
    assert site.url + SEED in state and state[site.url + SEED].etag


def test_a_redirect_off_site_is_an_error_row_and_never_requested(tmp_path):
    with serve() as outside:
        faults = {SEED: Fault("redirect", location=outside.url + SEED),
                  NEWS: Fault("redirect", location="http://169.254.169.254/latest/meta-data/")}
        site, warehouse, summary = crawl_with(tmp_path, faults)
    assert outside.requests == []
    errors = errors_by_path(warehouse, site.url)
    assert errors[SEED]["error_class"] == errors[NEWS]["error_class"] == "RedirectOffsite"
    assert fetched_paths(warehouse, site.url) == ALL_ARTICLE_PATHS - {SEED, NEWS}


def test_credentials_in_start_urls_and_redirects_stay_secret(tmp_path):
    with serve() as outside:
        leak = outside.url.replace("http://", "http://crawler:s3cret-pw@") + SEED
        with serve(faults={SEED: Fault("redirect", location=leak)}) as site:
            config = parse_config(f"""
                [politeness]
                requests_per_second = 0
                user_agent = "forum-etl-tests"
                [[sources]]
                name = "sample"
                start_urls = ["{site.url.replace('http://', 'http://crawler:s3cret-pw@')}/gclt/index.html"]
                article_patterns = ['{ARTICLE_PATTERN}']
                """)
            warehouse = Warehouse.open(str(tmp_path))
            crawl(config, warehouse)
    errors = read_fetch_errors(warehouse).to_pylist()
    assert [row["error_class"] for row in errors] == ["RedirectOffsite"]
    assert "s3cret-pw" not in str(errors) and "crawler:***@" in errors[0]["message"]
    assert fetched_paths(warehouse, site.url)  # the hosts of the start URLs are allowed, credentials or not


def test_a_killed_crawl_does_not_refetch_what_it_archived(tmp_path):
    with serve() as site:
        killed = subprocess.run([sys.executable, "-c", KILLED_CRAWL, site.url, str(tmp_path)], cwd=REPO,
                                env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=120)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        warehouse = Warehouse.open(str(tmp_path))
        archived = fetched_paths(warehouse, site.url)
        assert 6 <= len(archived) < len(ALL_ARTICLE_PATHS)
        start = len(site.requests)
        crawl(sample_config(site.url, str(tmp_path)), warehouse)
        refetched = {request.path for request in site.requests[start:]} & archived
    assert refetched == set()
    assert fetched_paths(warehouse, site.url) == ALL_ARTICLE_PATHS


def test_a_backfill_rediscovers_its_interval_from_dated_sitemaps_and_fetches_only_what_was_never_archived(tmp_path):
    year_2022 = (datetime(2022, 1, 1, tzinfo=UTC), datetime(2023, 1, 1, tzinfo=UTC))
    with serve() as site:
        warehouse = Warehouse.open(str(tmp_path))
        config = sample_config(site.url, str(tmp_path))
        dated = replace(config, sources=tuple(replace(source, sitemap_urls=(site.url + "/sitemap.xml",))
                                              for source in config.sources))
        fetch_batch(dated, warehouse, "sample", [site.url + SEED], "earlier", "b0000")  # archived before
        assert plan_crawl(config, warehouse, published_between=year_2022).due == {"sample": []}  # no dates: not asked
        requests_before = len(site.requests)
        plan = plan_crawl(dated, warehouse, published_between=year_2022)
        asked = {request.path for request in site.requests[requests_before:]}
    published_2022 = {site.url + content["path"] for content in load_content()
                      if year_2022[0] <= datetime.fromisoformat(content["published"]) < year_2022[1]}
    assert site.url + SEED in published_2022 and len(published_2022) > 1
    assert set(plan.due["sample"]) == published_2022 - {site.url + SEED}
    assert asked <= {"/robots.txt", "/sitemap.xml"}  # no listing page: listings date nothing
