"""`make bench-faults`: the faults a hostile site and a busy deployment bring, each tried for
real against the sample site served on 127.0.0.1, with what happened and how many articles
were lost or duplicated. Exits non-zero when any fault is not handled."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.report import write_section
from devkit.publish_helpers import copies, start_publisher

REPO = Path(__file__).resolve().parents[1]
FORUM_ETL = str(Path(sys.executable).with_name("forum-etl"))


@dataclasses.dataclass
class Trial:
    fault: str
    outcome: str
    lost: int = 0
    duplicated: int = 0
    handled: bool = True


FAULTS: list[Callable[[Path], Trial]] = []


def fault(function: Callable[[Path], Trial]) -> Callable[[Path], Trial]:
    FAULTS.append(function)
    return function


def _cli(*args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run([FORUM_ETL, *args], capture_output=True, text=True, timeout=600, **options)


def _published_ids(warehouse) -> list[str]:
    from pipeline.warehouse.tables import read_table

    return read_table(warehouse, "articles", ["article_id"]).column("article_id").to_pylist()



def _losses(warehouse, expected: set[str]) -> tuple[int, int]:
    """(articles expected but missing, duplicate rows over articles and speeches)."""
    from pipeline.warehouse.tables import read_table

    ids = _published_ids(warehouse)
    speech_ids = read_table(warehouse, "speeches", ["speech_id"]).column("speech_id").to_pylist()
    return len(expected - set(ids)), (len(ids) - len(set(ids))) + (len(speech_ids) - len(set(speech_ids)))


_ARCHIVE: Path | None = None


def _archive(scratch: Path) -> Path:
    """A warehouse holding the crawled sample site's raw archive (crawled once, copied per use)."""
    global _ARCHIVE
    if _ARCHIVE is None:
        from devkit.crawl_helpers import config_file
        from devkit.sample_site.server import serve

        _ARCHIVE = Path(tempfile.mkdtemp(prefix="forum-etl-faults-archive-")) / "wh"
        with serve() as site:
            crawled = _cli("crawl", "--config", str(config_file(site.url, _ARCHIVE.parent)), "--warehouse", str(_ARCHIVE))
        if crawled.returncode != 0:
            raise RuntimeError(f"crawling the sample site failed: {crawled.stderr}")
    copy = scratch / "wh"
    shutil.copytree(_ARCHIVE, copy)
    return copy


def _archived_ids(root: Path) -> set[str]:
    from pipeline.load.transform import archived_articles
    from pipeline.warehouse.storage import Warehouse

    return {item.article.article_id for item in archived_articles(Warehouse.open(str(root))) if item.article}


@fault
def two_cli_publishes_at_once(scratch: Path) -> Trial:
    from pipeline.warehouse.manifest import read_manifest
    from pipeline.warehouse.storage import Warehouse

    root = _archive(scratch)
    runs = [subprocess.Popen([FORUM_ETL, "publish", "--warehouse", str(root)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    codes = [run.wait(timeout=600) for run in runs]
    warehouse = Warehouse.open(str(root))
    lost, duplicated = _losses(warehouse, _archived_ids(root))
    version = read_manifest(warehouse)["version"]
    return Trial("two `forum-etl publish` at once on one archive (a CLI run beside a DAG run)",
                 f"exit codes {codes}; versions 1 and 2 committed one after the other (now {version})",
                 lost, duplicated, codes == [0, 0] and version == 2)


@fault
def racing_publishes_and_reprocess(scratch: Path) -> Trial:
    from pipeline.warehouse.storage import Warehouse

    root, go = scratch / "wh", scratch / "go"
    racers = [(0, 4, ""), (10, 4, ""), (20, 4, "（重抽）"), (20, 4, "（再抽）"), (30, 4, "")]
    processes = [start_publisher(str(root), first, count, mark, go) for first, count, mark in racers]
    for process in processes:
        process.stdout.readline()  # "ready": its articles are made
    go.touch()
    outputs = [process.communicate(timeout=600) for process in processes]
    codes = [process.returncode for process in processes]
    expected = {a.article_id for first, count, _ in racers for a in copies(first, count)}
    lost, duplicated = _losses(Warehouse.open(str(root)), expected)
    versions = sorted(int(out.split()[0]) for out, _ in outputs if out.strip())
    retries = sum(int(out.split()[1]) - 1 for out, _ in outputs if out.strip())
    return Trial(f"{len(racers)} publishes released at the same instant (two of them the same articles, as a "
                 "reprocess beside a crawl's publish)",
                 f"exit codes {codes}; versions {versions}; {retries} commits lost a race and merged again",
                 lost, duplicated,
                 codes == [0] * len(racers) and versions == list(range(1, len(racers) + 1)))


@fault
def publish_killed_at_random_moments(scratch: Path) -> Trial:
    import random
    from datetime import timedelta

    from pipeline.load.publish import publish
    from pipeline.warehouse.manifest import read_manifest, vacuum
    from pipeline.warehouse.schemas import MANIFEST_TABLES
    from pipeline.warehouse.storage import Warehouse
    from pipeline.warehouse.tables import read_table

    warehouse = Warehouse.open(str(scratch / "wh"))
    publish(warehouse, copies(0, 1), validate_rows=False)
    rng, kills, whole = random.Random(11), 0, 0
    for _ in range(5):
        version = read_manifest(warehouse)["version"]
        before = read_table(warehouse, "speeches").sort_by("speech_id")
        process = start_publisher(warehouse.root, 0, 40, "（修订）")
        process.stdout.readline()
        time.sleep(rng.uniform(0.1, 2.0))
        if process.poll() is not None:
            process.wait()
            continue  # it finished first: nothing to check
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
        committed = read_manifest(warehouse)["version"] > version  # killed after its commit: a whole new version
        whole += committed or read_table(warehouse, "speeches").sort_by("speech_id").equals(before)
    result = publish(warehouse, copies(0, 40, "（修订）"), validate_rows=False)
    lost, duplicated = _losses(warehouse, {a.article_id for a in copies(0, 40)})
    leftovers = vacuum(warehouse, list(MANIFEST_TABLES), retention=timedelta(0))
    return Trial(f"a publish SIGKILLed at a random moment, {kills} times",
                 f"the published version stayed whole after {whole} of {kills} kills; the next publish committed "
                 f"version {result.version}; vacuum then removed {leftovers.files} orphaned files",
                 lost, duplicated, kills > 0 and whole == kills)


@fault
def crash_between_commit_and_catalog(scratch: Path) -> Trial:
    from devkit.publish_helpers import sample_articles
    from pipeline.load.publish import publish
    from pipeline.serve.catalog import build_catalog
    from pipeline.warehouse.storage import Warehouse

    warehouse = Warehouse.open(str(scratch / "wh"))
    publish(warehouse, sample_articles()[:3], validate_rows=False)
    build_catalog(warehouse)
    publish(warehouse, sample_articles(), validate_rows=False)  # committed; the process "dies" here
    shown = _cli("query", "--warehouse", warehouse.root, "--format", "csv",
                 "SELECT (SELECT count(*) FROM articles) AS n, (SELECT manifest_version FROM catalog_info) AS v")
    counted = shown.stdout.splitlines()[-1] if shown.returncode == 0 else "failed"
    expected = f"{len(sample_articles())},2"
    lost = len(sample_articles()) - int(counted.split(",")[0]) if counted != "failed" else len(sample_articles())
    return Trial("a crash between the commit and the catalog rebuild",
                 "the next `forum-etl query` rebuilt the stale catalog: articles, version = " + counted.replace(",", ", "),
                 lost, 0, counted == expected)


@fault
def reader_open_across_publish(scratch: Path) -> Trial:
    import duckdb

    from pipeline.load.publish import publish
    from pipeline.serve.catalog import build_catalog
    from pipeline.warehouse.manifest import vacuum
    from pipeline.warehouse.schemas import MANIFEST_TABLES
    from pipeline.warehouse.storage import Warehouse

    warehouse = Warehouse.open(str(scratch / "wh"))
    publish(warehouse, copies(0, 2), validate_rows=False)
    path, _ = build_catalog(warehouse)
    reader = duckdb.connect(path, read_only=True, config={"file_search_path": warehouse.root})  # as a BI tool opens it
    try:
        before = reader.execute("SELECT count(*), sum(length(text)) FROM speeches").fetchone()
        publish(warehouse, copies(0, 2, "（修订）"), validate_rows=False)  # every partition rewritten
        build_catalog(warehouse)
        vacuum(warehouse, list(MANIFEST_TABLES))
        after = reader.execute("SELECT count(*), sum(length(text)) FROM speeches").fetchone()
    except duckdb.Error as error:
        return Trial("a DuckDB connection open across a publish and a vacuum", f"broke: {error}", before[0], 0, False)
    finally:
        reader.close()
    return Trial("a DuckDB connection open across a publish and a vacuum",
                 f"kept reading its version ({after[0]} speeches, as before)", before[0] - after[0], 0, after == before)


@fault
def query_that_writes(scratch: Path) -> Trial:
    from devkit.publish_helpers import sample_articles
    from pipeline.load.publish import publish
    from pipeline.serve.catalog import build_catalog
    from pipeline.warehouse.storage import Warehouse

    warehouse = Warehouse.open(str(scratch / "wh"))
    publish(warehouse, sample_articles(), validate_rows=False)
    build_catalog(warehouse)
    log_entry = next((scratch / "wh" / "_log").iterdir())
    before = {p: p.read_bytes() for p in (scratch / "wh").rglob("*") if p.is_file()}
    attempts = [f"COPY (SELECT 1) TO '{log_entry}' (FORMAT csv)", f"ATTACH '{scratch / 'other.duckdb'}' AS other",
                "SELECT * FROM read_csv('/etc/passwd')", "SET enable_external_access = true"]
    refused = sum(_cli("query", "--warehouse", warehouse.root, sql).returncode == 1 for sql in attempts)
    after = {p: p.read_bytes() for p in (scratch / "wh").rglob("*") if p.is_file()}
    changed = sum(before.get(p) != after.get(p) for p in set(before) | set(after) if p.suffix != ".lock")
    return Trial("`forum-etl query` asked to COPY over the commit log, ATTACH, read /etc/passwd, SET",
                 f"{refused} of {len(attempts)} refused (exit 1); {changed} warehouse files changed",
                 0, 0, refused == len(attempts) and changed == 0 and not (scratch / "other.duckdb").exists())


@fault
def hostile_pages_through_publish(scratch: Path) -> Trial:
    from devkit.hostile_pages import archive, published_urls
    from devkit.sample_site import load_content
    from pipeline.load.transform import read_extract_errors
    from pipeline.warehouse.storage import Warehouse

    warehouse = Warehouse.open(str(scratch / "wh"))
    hostile = archive(warehouse)
    refused = {url for url, case in hostile.items() if case.published is False}
    published_expected = {url for url, case in hostile.items() if case.published}
    run = _cli("publish", "--warehouse", warehouse.root)
    published = published_urls(warehouse)
    error_rows = {row["url"] for row in read_extract_errors(warehouse).to_pylist()}
    expected = len(load_content()) + len(published_expected) + sum(case.published is None for case in hostile.values())
    silently_dropped = (refused - error_rows) | (published_expected - published)
    kinds = sorted({case.kind.split(" ")[0] for case in hostile.values()})
    return Trial(f"{len(hostile)} hostile pages ({', '.join(kinds)}) archived beside the sample site, "
                 "then `forum-etl publish`",
                 f"exit {run.returncode}, {'no' if 'Traceback' not in run.stderr else 'a'} traceback; {len(published)} "
                 f"articles published of {expected} good ones; {len(error_rows)} extract_errors rows for "
                 f"{len(refused)} refused pages",
                 len(silently_dropped), 0,
                 run.returncode == 1 and "Traceback" not in run.stderr and not silently_dropped
                 and error_rows == refused and len(published) == expected)


@fault
def crawl_killed_mid_run(scratch: Path) -> Trial:
    from devkit.crawl_helpers import ALL_ARTICLE_PATHS, KILLED_CRAWL, fetched_paths, sample_config
    from devkit.sample_site.server import serve
    from pipeline.acquire.crawl import crawl
    from pipeline.warehouse.storage import Warehouse

    with serve() as site:
        killed = subprocess.run([sys.executable, "-c", KILLED_CRAWL, site.url, str(scratch)], cwd=REPO, timeout=300,
                                env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True)
        warehouse = Warehouse.open(str(scratch))
        archived = fetched_paths(warehouse, site.url)
        start = len(site.requests)
        crawl(sample_config(site.url, str(scratch)), warehouse)
        refetched = {request.path for request in site.requests[start:]} & archived
    missing = ALL_ARTICLE_PATHS - fetched_paths(warehouse, site.url)
    return Trial("a crawl SIGKILLed after archiving two parts of its articles",
                 f"killed with signal {-killed.returncode}; {len(archived)} articles archived before the kill, "
                 f"{len(refetched)} of them fetched again by the next crawl", len(missing), len(refetched),
                 killed.returncode == -signal.SIGKILL and not refetched and not missing)


@fault
def redirects_off_the_allowed_hosts(scratch: Path) -> Trial:
    from devkit.crawl_helpers import ALL_ARTICLE_PATHS, fetched_paths, sample_config
    from devkit.sample_site import load_content, page_paths
    from devkit.sample_site.server import Fault, serve
    from pipeline.acquire.crawl import crawl
    from pipeline.warehouse.archive import read_fetch_errors
    from pipeline.warehouse.storage import Warehouse

    contents = [content for content in load_content() if len(page_paths(content)) == 1][:3]
    paths = [content["path"] for content in contents]
    with serve() as outside:
        port = outside.url.rsplit(":", 1)[1]
        targets = [outside.url + paths[0], f"http://127.0.0.2:{port}{paths[1]}", "http://169.254.169.254/latest/meta-data/"]
        with serve(faults={path: Fault("redirect", location=target) for path, target in zip(paths, targets)}) as site:
            warehouse = Warehouse.open(str(scratch))
            crawl(sample_config(site.url, str(scratch)), warehouse)
    errors = {row["url"][len(site.url):]: row["error_class"] for row in read_fetch_errors(warehouse).to_pylist()}
    missing = (ALL_ARTICLE_PATHS - set(paths)) - fetched_paths(warehouse, site.url)
    refused = [errors.get(path) for path in paths]
    return Trial("article pages redirecting to another loopback port, to 127.0.0.2 and to 169.254.169.254",
                 f"error rows {refused}; requests that reached another host: {len(outside.requests)}",
                 len(missing), 0, refused == ["RedirectOffsite"] * 3 and not outside.requests and not missing)


@fault
def trickling_server(scratch: Path) -> Trial:
    from dataclasses import replace

    from devkit.sample_site.server import Fault, serve
    from pipeline.acquire.config import Politeness
    from pipeline.acquire.fetch import Fetcher, FetchError

    politeness = replace(Politeness(), respect_robots=False, max_retries=0, requests_per_second=0, timeout_seconds=2.0)
    with serve(faults={"/slow.html": Fault("trickle", size=600, delay=0.1)}) as site:
        with Fetcher(politeness) as fetcher:
            started = time.monotonic()
            try:
                fetcher.get(site.url + "/slow.html")
                outcome = "answered"
            except FetchError as error:
                outcome = error.reason
            elapsed = time.monotonic() - started
    return Trial("a server trickling a 600-byte page one byte every 0.1 s (60 s in all; timeout 2 s)",
                 f"{outcome} after {elapsed:.1f} s", 0, 0, outcome == "ReadTimeout" and elapsed < 3.0)


@fault
def backtracking_url_pattern(scratch: Path) -> Trial:
    from pipeline.acquire.config import parse_config

    cases = [(r"^/(\w+/?)*\.html$", "/" + "a" * 30), (r"^/(a|aa)+$", "/" + "a" * 40 + "!")]
    seconds, matched = [], []
    for pattern, link in cases:
        source = parse_config(f"""
            [[sources]]
            name = "hostile"
            start_urls = ["http://news.example/"]
            article_patterns = ['{pattern}']
            """).sources[0]
        started = time.process_time()
        matched.append(source.kind_of("http://news.example" + link))
        seconds.append(time.process_time() - started)
    return Trial("URL patterns `^/(\\w+/?)*\\.html$` and `^/(a|aa)+$` on links built to make them backtrack",
                 f"no match after {seconds[0]:.2f} s and {seconds[1]:.2f} s of CPU", 0, 0,
                 matched == [None, None] and max(seconds) < 0.5)


@fault
def script_in_scraped_titles(scratch: Path) -> Trial:
    from devkit.browser import PAYLOAD, TOO_LONG, dump_dom, ran_script
    from devkit.publish_helpers import sample_articles
    from pipeline.load.publish import publish
    from pipeline.warehouse.storage import Warehouse

    first, *rest = sample_articles()[:3]
    hostile = dataclasses.replace(first, title=PAYLOAD + TOO_LONG)
    result = publish(Warehouse.open(str(scratch / "wh")), [hostile, *rest])
    pages = list((Path(result.docs_index).parent / "validations").rglob("*.html"))
    ran = [page.name for page in pages if ran_script(dump_dom(page, scratch))]
    return Trial("a title holding `<script>` and `onerror` payloads that fails validation (shown in Data Docs)",
                 f"quarantined {sorted(result.quarantined) == [hostile.article_id]}; {len(pages)} Data Docs pages "
                 f"opened in headless Chromium, a script ran in {len(ran)}", 0, 0,
                 bool(pages) and not ran and set(result.quarantined) == {hostile.article_id})


_AIRFLOW_HOME: dict[str, str] | None = None


def _airflow_env(scratch: Path, site_url: str) -> dict[str, str]:
    """Environment for a dag.test() run on SQLite (one migrated AIRFLOW_HOME for the suite)."""
    global _AIRFLOW_HOME
    from devkit.crawl_helpers import config_file

    if _AIRFLOW_HOME is None:
        home = Path(tempfile.mkdtemp(prefix="forum-etl-faults-airflow-"))
        _AIRFLOW_HOME = {**os.environ, "AIRFLOW_HOME": str(home), "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
                         "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
        subprocess.run([str(Path(sys.executable).with_name("airflow")), "db", "migrate"], env=_AIRFLOW_HOME,
                       check=True, capture_output=True)
    return {**_AIRFLOW_HOME, "FORUM_ETL_WAREHOUSE": str(scratch / "wh"),
            "FORUM_ETL_CONFIG": str(config_file(site_url, scratch)), "FORUM_ETL_BATCH_SIZE": "3"}


def _dag_run(scratch: Path, storage_broken: bool) -> tuple[str, int, int]:
    """(run state, articles published, extract_errors rows) of forum_articles on a site
    holding two hostile pages."""
    from devkit.airflow_helpers import dag_test_state, hostile_pages
    from devkit.sample_site.server import serve
    from pipeline.load.transform import read_extract_errors
    from pipeline.warehouse.storage import Warehouse
    from pipeline.warehouse.tables import read_table

    if storage_broken:  # a file where extract_errors' folder must be: the storage fails, not a page
        (scratch / "wh").mkdir()
        (scratch / "wh" / "extract_errors").write_text("not a folder", encoding="utf-8")
    with serve(faults=hostile_pages()) as site:
        state = dag_test_state(_airflow_env(scratch, site.url))
    warehouse = Warehouse.open(str(scratch / "wh"))
    errors = 0 if storage_broken else read_extract_errors(warehouse).num_rows
    return state, read_table(warehouse, "articles").num_rows, errors


@fault
def airflow_batch_with_hostile_pages(scratch: Path) -> Trial:
    from devkit.sample_site import load_content

    state, published, errors = _dag_run(scratch, storage_broken=False)
    good = len(load_content()) - 1  # one of the two hostile pages is still an article (read as the GBK it is)
    return Trial("forum_articles (dag.test) on a site serving a binary page and a page declaring the IDNA codec",
                 f"run {state}; {published} articles published; {errors} extract_errors row", good - published, 0,
                 state == "success" and published == good and errors == 1)


@fault
def airflow_storage_broken(scratch: Path) -> Trial:
    from devkit.sample_site import load_content

    state, published, _ = _dag_run(scratch, storage_broken=True)
    good = len(load_content()) - 1
    return Trial("forum_articles (dag.test) while the warehouse cannot take a batch's error rows (storage, not a page)",
                 f"run {state} (the watcher task); {published} articles of the other batches published", good - published,
                 0, state == "failed" and published == good)


def main(names: list[str]) -> int:
    """Every fault (and the table in BENCHMARKS.md), or only those named."""
    trials = []
    for run in [f for f in FAULTS if not names or f.__name__ in names]:
        scratch = Path(tempfile.mkdtemp(prefix=f"forum-etl-fault-{run.__name__}-"))
        started = time.monotonic()
        try:
            trial = run(scratch)
        except Exception as error:  # a fault the suite itself could not set up or survive
            trial = Trial(run.__name__, f"raised {type(error).__name__}: {error}", handled=False)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        trials.append(trial)
        print(f"{'ok  ' if trial.handled else 'FAIL'} {trial.fault}: {trial.outcome} — lost {trial.lost} / "
              f"duplicated {trial.duplicated} ({time.monotonic() - started:.1f} s)", file=sys.stderr, flush=True)
    if _ARCHIVE is not None:
        shutil.rmtree(_ARCHIVE.parent, ignore_errors=True)
    if _AIRFLOW_HOME is not None:
        shutil.rmtree(_AIRFLOW_HOME["AIRFLOW_HOME"], ignore_errors=True)
    rows = ["| fault | outcome | lost / duplicated | handled |", "|---|---|---|---|"]
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    rows += [f"| {cell(t.fault)} | {cell(t.outcome)} | lost {t.lost} / duplicated {t.duplicated} | "
             f"{'yes' if t.handled else '**no**'} |" for t in trials]
    if not names:
        write_section("bench-faults", "make bench-faults", "\n".join(rows))
    return 0 if all(t.handled for t in trials) else 1


if __name__ == "__main__":
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    sys.exit(main(sys.argv[1:]))
