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

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
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
    from pipeline.publish import read_table

    return read_table(warehouse, "articles", ["article_id"]).column("article_id").to_pylist()


def _losses(warehouse, expected: set[str]) -> tuple[int, int]:
    """(articles expected but missing, duplicate rows over articles and speeches)."""
    from pipeline.publish import read_table

    ids = _published_ids(warehouse)
    speech_ids = read_table(warehouse, "speeches", ["speech_id"]).column("speech_id").to_pylist()
    return len(expected - set(ids)), (len(ids) - len(set(ids))) + (len(speech_ids) - len(set(speech_ids)))


def _copies(first: int, count: int, mark: str = "") -> list:
    from publish_helpers import sample_articles

    return [dataclasses.replace(a, article_id=f"{copy:04d}{a.article_id[4:]}", title=a.title + mark)
            for copy in range(first, first + count) for a in sample_articles()]


_ARCHIVE: Path | None = None


def _archive(scratch: Path) -> Path:
    """A warehouse holding the crawled sample site's raw archive (crawled once, copied per use)."""
    global _ARCHIVE
    if _ARCHIVE is None:
        from crawl_helpers import config_file
        from pipeline.sample_site.server import serve

        _ARCHIVE = Path(tempfile.mkdtemp(prefix="forum-etl-faults-archive-")) / "wh"
        with serve() as site:
            crawled = _cli("crawl", "--config", str(config_file(site.url, _ARCHIVE.parent)), "--warehouse", str(_ARCHIVE))
        if crawled.returncode != 0:
            raise RuntimeError(f"crawling the sample site failed: {crawled.stderr}")
    copy = scratch / "wh"
    shutil.copytree(_ARCHIVE, copy)
    return copy


def _archived_ids(root: Path) -> set[str]:
    from pipeline.storage import Warehouse
    from pipeline.transform import archived_articles

    return {item.article.article_id for item in archived_articles(Warehouse.open(str(root))) if item.article}


@fault
def two_cli_publishes_at_once(scratch: Path) -> Trial:
    from pipeline.manifest import read_manifest
    from pipeline.storage import Warehouse

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


RACER = """
import dataclasses, os, sys, time
sys.path.insert(0, {tests!r})
from publish_helpers import sample_articles
from pipeline.publish import publish
from pipeline.storage import Warehouse
articles = [dataclasses.replace(a, article_id=f"{{copy:04d}}{{a.article_id[4:]}}", title=a.title + {mark!r})
            for copy in range({first}, {first} + {count}) for a in sample_articles()]
while not os.path.exists({go!r}):
    time.sleep(0.005)
result = publish(Warehouse.open({root!r}), articles, validate_rows=False)
print(result.version, result.commit_attempts, flush=True)
"""


@fault
def racing_publishes_and_reprocess(scratch: Path) -> Trial:
    from pipeline.storage import Warehouse

    root, go = scratch / "wh", scratch / "go"
    racers = [(0, 4, ""), (10, 4, ""), (20, 4, "（重抽）"), (20, 4, "（再抽）"), (30, 4, "")]
    processes = [subprocess.Popen([sys.executable, "-c", RACER.format(tests=str(REPO / "tests"), root=str(root), go=str(go),
                                                                       first=first, count=count, mark=mark)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for first, count, mark in racers]
    time.sleep(4)  # every racer has its articles ready
    go.touch()
    outputs = [process.communicate(timeout=600) for process in processes]
    codes = [process.returncode for process in processes]
    expected = {a.article_id for first, count, _ in racers for a in _copies(first, count)}
    lost, duplicated = _losses(Warehouse.open(str(root)), expected)
    versions = sorted(int(out.split()[0]) for out, _ in outputs if out.strip())
    retries = sum(int(out.split()[1]) - 1 for out, _ in outputs if out.strip())
    return Trial(f"{len(racers)} publishes released at the same instant (two of them the same articles, as a "
                 "reprocess beside a crawl's publish)",
                 f"exit codes {codes}; versions {versions}; {retries} commits lost a race and merged again",
                 lost, duplicated,
                 codes == [0] * len(racers) and versions == list(range(1, len(racers) + 1)))


WRITER = """
import dataclasses, sys
sys.path.insert(0, {tests!r})
from publish_helpers import sample_articles
from pipeline.publish import publish
from pipeline.storage import Warehouse
articles = [dataclasses.replace(a, article_id=f"{{copy:04d}}{{a.article_id[4:]}}", title=a.title + "（修订）")
            for copy in range(40) for a in sample_articles()]
print("ready", flush=True)
publish(Warehouse.open({root!r}), articles, validate_rows=False)
"""


@fault
def publish_killed_at_random_moments(scratch: Path) -> Trial:
    import random
    from datetime import timedelta

    from pipeline.manifest import read_manifest, vacuum
    from pipeline.publish import publish, read_table
    from pipeline.storage import Warehouse
    from pipeline.tables import MANIFEST_TABLES

    warehouse = Warehouse.open(str(scratch / "wh"))
    publish(warehouse, _copies(0, 1), validate_rows=False)
    rng, kills, whole = random.Random(11), 0, 0
    for _ in range(5):
        version = read_manifest(warehouse)["version"]
        before = read_table(warehouse, "speeches").sort_by("speech_id")
        process = subprocess.Popen([sys.executable, "-c", WRITER.format(tests=str(REPO / "tests"), root=warehouse.root)],
                                   stdout=subprocess.PIPE, text=True)
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
    result = publish(warehouse, _copies(0, 40, "（修订）"), validate_rows=False)
    lost, duplicated = _losses(warehouse, {a.article_id for a in _copies(0, 40)})
    leftovers = vacuum(warehouse, list(MANIFEST_TABLES), retention=timedelta(0))
    return Trial(f"a publish SIGKILLed at a random moment, {kills} times",
                 f"the published version stayed whole after {whole} of {kills} kills; the next publish committed "
                 f"version {result.version}; vacuum then removed {leftovers.files} orphaned files",
                 lost, duplicated, kills > 0 and whole == kills)


@fault
def crash_between_commit_and_catalog(scratch: Path) -> Trial:
    from publish_helpers import sample_articles
    from pipeline.catalog import build_catalog
    from pipeline.publish import publish
    from pipeline.storage import Warehouse

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
                 f"the next `forum-etl query` rebuilt the stale catalog (articles, version = {counted})",
                 lost, 0, counted == expected)


@fault
def reader_open_across_publish(scratch: Path) -> Trial:
    import duckdb

    from pipeline.catalog import build_catalog
    from pipeline.manifest import vacuum
    from pipeline.publish import publish
    from pipeline.storage import Warehouse
    from pipeline.tables import MANIFEST_TABLES

    warehouse = Warehouse.open(str(scratch / "wh"))
    publish(warehouse, _copies(0, 2), validate_rows=False)
    path, _ = build_catalog(warehouse)
    reader = duckdb.connect(path, read_only=True)
    try:
        before = reader.execute("SELECT count(*), sum(length(text)) FROM speeches").fetchone()
        publish(warehouse, _copies(0, 2, "（修订）"), validate_rows=False)  # every partition rewritten
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
    from publish_helpers import sample_articles
    from pipeline.catalog import build_catalog
    from pipeline.publish import publish
    from pipeline.storage import Warehouse

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


def main() -> int:
    trials = []
    for run in FAULTS:
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
    rows = ["| fault | outcome | lost / duplicated | handled |", "|---|---|---|---|"]
    rows += [f"| {t.fault} | {t.outcome} | lost {t.lost} / duplicated {t.duplicated} | {'yes' if t.handled else '**no**'} |"
             for t in trials]
    write_section("bench-faults", "make bench-faults", "\n".join(rows))
    return 0 if all(t.handled for t in trials) else 1


if __name__ == "__main__":
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    sys.exit(main())
