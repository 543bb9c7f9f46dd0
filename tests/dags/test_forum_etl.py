"""The DAGs: they parse fast without heavy imports, run end to end on the sample site with
dag.test() / airflow dags test on SQLite, rerun idempotently, and keep going past failures.

Airflow runs in subprocesses with their own AIRFLOW_HOME, as it would for a user."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from devkit.airflow_helpers import BINARY, dag_test_state, hostile_pages
from devkit.crawl_helpers import config_file as config_for
from devkit.crawl_helpers import date_archive_run, sample_config
from devkit.sample_site import load_content
from devkit.sample_site.server import Fault, serve
from pipeline.acquire.crawl import crawl
from pipeline.load.transform import read_extract_errors
from pipeline.serve.catalog import query
from pipeline.warehouse.archive import archived_article_urls, read_fetch_errors
from pipeline.warehouse.manifest import read_manifest
from pipeline.warehouse.storage import Warehouse
from pipeline.warehouse.tables import read_table

REPO = Path(__file__).resolve().parents[2]
AIRFLOW = Path(sys.executable).with_name("airflow")
pytestmark = pytest.mark.skipif(not AIRFLOW.exists(), reason="apache-airflow is not installed (make test installs it)")


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("airflow_home")
    env = {**os.environ, "AIRFLOW_HOME": str(home), "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
           "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    subprocess.run([str(AIRFLOW), "db", "migrate"], env=env, check=True, capture_output=True)
    return env


def run_dag(env: dict[str, str], dag_id: str, *extra: str, logical_date: str | None = None) -> subprocess.CompletedProcess:
    args = [str(AIRFLOW), "dags", "test", dag_id, *([logical_date] if logical_date else []), *extra]
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)


def test_dag_files_import_fast_without_heavy_modules():
    probe = textwrap.dedent(f"""
        import json, sys, time
        from airflow.dag_processing.dagbag import DagBag
        started = time.monotonic()
        bag = DagBag(dag_folder={str(REPO / 'dags')!r})
        print(json.dumps({{"seconds": time.monotonic() - started, "errors": {{k: str(v) for k, v in bag.import_errors.items()}},
                          "dags": sorted(bag.dag_ids), "parse": [s.duration.total_seconds() for s in bag.dagbag_stats],
                          "articles_tasks": sorted(bag.dags["forum_articles"].task_ids),
                          "heavy": [m for m in ("great_expectations", "pandas", "duckdb", "pyarrow") if m in sys.modules],
                          "pipeline": sorted(m for m in sys.modules if m.startswith("pipeline"))}}))
        """)
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            env={**os.environ, "AIRFLOW__CORE__LOAD_EXAMPLES": "False"})
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["errors"] == {}
    assert report["dags"] == ["forum_articles", "forum_reports", "forum_reprocess"]
    assert report["heavy"] == []
    assert report["pipeline"] == ["pipeline", "pipeline.pools", "pipeline.settings"]  # the DAGs' shape only
    # The catalog is rebuilt before vacuum may delete what the previous one named.
    assert {"publish", "refresh_catalog", "vacuum", "watcher"} <= set(report["articles_tasks"])
    assert report["seconds"] < 2.0 and max(report["parse"]) < 2.0


def dag_properties(environment: dict[str, str] | None = None) -> dict:
    """What the DagBag sees of every DAG and task, read in a process of its own."""
    probe = textwrap.dedent(f"""
        import json
        from airflow.dag_processing.dagbag import DagBag
        bag = DagBag(dag_folder={str(REPO / 'dags')!r})
        print(json.dumps({{"errors": {{k: str(v) for k, v in bag.import_errors.items()}}, "dags": {{
            dag_id: {{"doc_md": dag.doc_md, "dagrun_timeout": dag.dagrun_timeout and dag.dagrun_timeout.total_seconds(),
                      "callback": dag.on_failure_callback is not None,
                      "params": {{name: param.description for name, param in dag.params.items()}},
                      "tasks": {{task.task_id: {{
                          "timeout": task.execution_timeout and task.execution_timeout.total_seconds(),
                          "retries": task.retries, "backoff": task.retry_exponential_backoff, "pool": task.pool}}
                          for task in dag.tasks}}}}
            for dag_id, dag in bag.dags.items()}}}}))
        """)
    env = {**os.environ, "AIRFLOW__CORE__LOAD_EXAMPLES": "False", **(environment or {})}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["errors"] == {}
    return report["dags"]


# Tasks that reach a website; each must survive a site that is down for a few minutes.
NETWORK_TASKS = {"forum_articles": {"discover", "fetch_cipnews_sample"}}


def test_every_dag_is_documented_bounded_in_time_and_retries_what_touches_the_network():
    dags = dag_properties()
    assert set(dags) == {"forum_articles", "forum_reports", "forum_reprocess"}
    for dag_id, dag in dags.items():
        assert dag["doc_md"] and dag["doc_md"].strip(), dag_id
        assert dag["callback"], dag_id  # the failure notifier
        assert dag["dagrun_timeout"] == 12 * 3600, dag_id
        assert all(dag["params"].values()), (dag_id, dag["params"])
        for task_id, task in dag["tasks"].items():
            assert task["timeout"] == 120 * 60, (dag_id, task_id)
        for task_id in NETWORK_TASKS.get(dag_id, ()):
            assert dag["tasks"][task_id]["retries"] >= 2 and dag["tasks"][task_id]["backoff"], (dag_id, task_id)


def test_each_sources_fetch_tasks_take_slots_of_its_own_pool(tmp_path):
    config = tmp_path / "two-sources.toml"
    config.write_text((REPO / "examples" / "sample-site.toml").read_text(encoding="utf-8")
                      + '\n[[sources]]\nname = "other.site"\nstart_urls = ["http://127.0.0.1:9/"]\n', encoding="utf-8")
    tasks = dag_properties({"FORUM_ETL_CONFIG": str(config)})["forum_articles"]["tasks"]
    assert {task_id: task["pool"] for task_id, task in tasks.items() if task_id.startswith("fetch")} == {
        "fetch_cipnews_sample": "forum_etl_fetch_cipnews_sample", "fetch_other_site": "forum_etl_fetch_other_site"}
    assert {"process_cipnews_sample", "process_other_site"} <= set(tasks)
    assert tasks["discover"]["pool"] == "default_pool"


def test_a_configuration_that_cannot_be_read_takes_no_dag_out_of_airflow(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("[[sources]\nname = ", encoding="utf-8")
    for config in (broken, tmp_path / "missing.toml"):
        dags = dag_properties({"FORUM_ETL_CONFIG": str(config)})  # asserts no import error
        assert set(dags) == {"forum_articles", "forum_reports", "forum_reprocess"}
        assert not [task_id for task_id in dags["forum_articles"]["tasks"] if task_id.startswith("fetch")]
        assert "discover" in dags["forum_articles"]["tasks"]  # which fails the run, naming the file


def test_timeouts_come_from_the_environment():
    dags = dag_properties({"FORUM_ETL_TASK_TIMEOUT_MINUTES": "5", "FORUM_ETL_RUN_TIMEOUT_HOURS": "1"})
    assert {dag["dagrun_timeout"] for dag in dags.values()} == {3600}
    assert {task["timeout"] for dag in dags.values() for task in dag["tasks"].values()} == {300}


def test_airflow_dags_show_draws_the_graph(airflow_home):
    """`airflow dags show` reads the DAG as the dag-processor serialized it and needs graphviz."""
    subprocess.run([str(AIRFLOW), "dags", "reserialize"], env=airflow_home, check=True, capture_output=True)
    shown = subprocess.run([str(AIRFLOW), "dags", "show", "forum_articles"], env=airflow_home, capture_output=True,
                           text=True, timeout=120)
    assert shown.returncode == 0, shown.stdout[-2000:] + shown.stderr[-2000:]
    assert "digraph forum_articles {" in shown.stdout
    assert "publish -> refresh_catalog" in shown.stdout and "refresh_catalog -> vacuum" in shown.stdout


def test_dag_test_end_to_end_then_reports_and_an_idempotent_rerun(airflow_home, tmp_path):
    warehouse_dir = tmp_path / "warehouse"
    with serve() as site:
        env = {**airflow_home, "FORUM_ETL_WAREHOUSE": str(warehouse_dir), "FORUM_ETL_CONFIG": str(config_for(site.url, tmp_path))}
        script = textwrap.dedent("""
            import sys
            sys.path.insert(0, sys.argv[1])
            from forum_etl import forum_articles
            run = forum_articles().test()
            print("STATE", run.state)
            """)
        first = subprocess.run([sys.executable, "-c", script, str(REPO / "dags")], env=env, capture_output=True, text=True, timeout=600)
        assert "STATE success" in first.stdout, first.stdout[-3000:] + first.stderr[-3000:]
        warehouse = Warehouse.open(str(warehouse_dir))
        counts = {name: read_table(warehouse, name).num_rows for name in ("articles", "speeches", "paragraphs")}
        assert counts == {"articles": len(load_content()), "speeches": 49, "paragraphs": 255}
        assert run_dag(env, "forum_reports").returncode == 0
        assert (warehouse_dir / "report" / "index.html").exists()
        assert query(warehouse, "SELECT count(*) AS n FROM speakers").to_pylist() == [{"n": 18}]  # 17 speak, 陈光远 is quoted

        requests_before = len(site.requests)
        today = datetime.now(UTC).date().isoformat()  # its run stands for yesterday: a crawl, not a backfill
        for _ in range(2):  # the same logical date twice
            rerun = run_dag(env, "forum_articles", logical_date=today)
            assert rerun.returncode == 0, rerun.stdout[-3000:]
        article_paths = {p for c in load_content() for p in [c["path"]]}
        assert not [r for r in site.requests[requests_before:] if r.path in article_paths]  # nothing new fetched
    assert {name: read_table(warehouse, name).num_rows for name in counts} == counts
    assert read_manifest(warehouse)["version"] == 3


def test_a_backfill_of_a_past_interval_reprocesses_what_the_archive_received_then_and_fetches_nothing(airflow_home,
                                                                                                      tmp_path):
    warehouse_dir = tmp_path / "warehouse"
    warehouse = Warehouse.open(str(warehouse_dir))
    march_10 = (datetime(2025, 3, 10, tzinfo=UTC), datetime(2025, 3, 11, tzinfo=UTC))
    with serve() as site:
        # An archive that grew over days: a few articles fetched on 10 March, the rest today.
        crawl(sample_config(site.url, str(warehouse_dir)), warehouse, max_pages=4, run_id="crawl-march-10")
        date_archive_run(warehouse, "crawl-march-10", march_10[0] + timedelta(hours=9))
        crawl(sample_config(site.url, str(warehouse_dir)), warehouse, run_id="crawl-today")
        archived_then = archived_article_urls(warehouse, march_10)["sample"]
        assert 0 < len(archived_then) < len(load_content())
        requests_before = len(site.requests)
        env = {**airflow_home, "FORUM_ETL_WAREHOUSE": str(warehouse_dir), "FORUM_ETL_CONFIG": str(config_for(site.url, tmp_path))}
        # A manual run at midnight of 11 March stands for the day before (the schedule's interval).
        assert dag_test_state(env, logical_date=march_10[1].isoformat()) == "success"
        assert site.requests[requests_before:] == []
    assert sorted(read_table(warehouse, "articles").column("url").to_pylist()) == archived_then


def test_a_failing_batch_does_not_lose_the_others(airflow_home, tmp_path):
    seed = "/zscqb/2022/04/27/gclt-zzyj.html"
    with serve(faults={seed: Fault("status", status=500)}) as site:
        env = {**airflow_home, "FORUM_ETL_WAREHOUSE": str(tmp_path / "warehouse"),
               "FORUM_ETL_CONFIG": str(config_for(site.url, tmp_path)), "FORUM_ETL_BATCH_SIZE": "3"}
        result = run_dag(env, "forum_articles")
    assert result.returncode == 0, result.stdout[-3000:]
    warehouse = Warehouse.open(str(tmp_path / "warehouse"))
    errors = read_fetch_errors(warehouse).to_pylist()
    assert [(e["url"].endswith(seed), e["error_class"]) for e in errors] == [(True, "HTTP 500")]
    assert read_table(warehouse, "articles").num_rows == len(load_content()) - 1


def test_a_crawl_whose_failed_share_is_over_the_threshold_fails_the_run_and_still_publishes_the_rest(airflow_home,
                                                                                                      tmp_path):
    seed = "/zscqb/2022/04/27/gclt-zzyj.html"
    with serve(faults={seed: Fault("status", status=500)}) as site:
        env = {**airflow_home, "FORUM_ETL_WAREHOUSE": str(tmp_path / "warehouse"),
               "FORUM_ETL_CONFIG": str(config_for(site.url, tmp_path)), "FORUM_ETL_FAILURE_THRESHOLD": "5%"}
        assert dag_test_state(env) == "failed"  # 1 of 11 article URLs is over 5 %
    assert read_table(Warehouse.open(str(tmp_path / "warehouse")), "articles").num_rows == len(load_content()) - 1


def test_a_hostile_page_is_one_error_row_its_batch_is_published_and_the_run_is_green(airflow_home, tmp_path):
    with serve(faults=hostile_pages()) as site:
        env = {**airflow_home, "FORUM_ETL_WAREHOUSE": str(tmp_path / "warehouse"),
               "FORUM_ETL_CONFIG": str(config_for(site.url, tmp_path)), "FORUM_ETL_BATCH_SIZE": "3"}
        assert dag_test_state(env) == "success"
    warehouse = Warehouse.open(str(tmp_path / "warehouse"))
    errors = read_extract_errors(warehouse).to_pylist()
    assert [(e["url"], e["error_class"]) for e in errors] == [(site.url + BINARY, "not text")]
    titles = read_table(warehouse, "articles").column("title").to_pylist()
    assert len(titles) == len(load_content()) - 1
    # The page declaring IDNA, read as the GBK it is, beside the site's own GBK copy of it.
    assert titles.count("【高层论坛】2022中国知识产权保护高层论坛撷英(主旨演讲)") == 2


def test_a_task_failing_for_a_reason_that_is_not_a_page_fails_the_run(airflow_home, tmp_path):
    warehouse_dir = tmp_path / "warehouse"
    warehouse_dir.mkdir()
    # Storage broken where the binary page's batch writes its error row: a file stands where
    # extract_errors' folder must be (a fault that holds even for root, unlike permissions).
    (warehouse_dir / "extract_errors").write_text("not a folder", encoding="utf-8")
    with serve(faults=hostile_pages()) as site:
        env = {**airflow_home, "FORUM_ETL_WAREHOUSE": str(warehouse_dir),
               "FORUM_ETL_CONFIG": str(config_for(site.url, tmp_path)), "FORUM_ETL_BATCH_SIZE": "3"}
        assert dag_test_state(env) == "failed"
    # Nothing good is lost: the failed batch staged its articles before its error row failed.
    assert read_table(Warehouse.open(str(warehouse_dir)), "articles").num_rows == len(load_content()) - 1


def test_the_crawl_configuration_names_where_the_run_publishes(airflow_home, tmp_path):
    """No FORUM_ETL_WAREHOUSE or Variable: the configuration file's locations are used."""
    from pipeline.serve.catalog import catalog_version

    warehouse_dir, catalog = tmp_path / "from-config", tmp_path / "catalogs" / "forum.duckdb"
    with serve() as site:
        config = config_for(site.url, tmp_path)
        config.write_text(f'warehouse = "{warehouse_dir}"\ncatalog_file = "{catalog}"\n' + config.read_text(encoding="utf-8"),
                          encoding="utf-8")
        env = {key: value for key, value in airflow_home.items() if key not in ("FORUM_ETL_WAREHOUSE", "FORUM_ETL_CATALOG")}
        assert dag_test_state({**env, "FORUM_ETL_CONFIG": str(config)}) == "success"
    warehouse = Warehouse.open(str(warehouse_dir))
    assert read_table(warehouse, "articles").num_rows == len(load_content())
    assert catalog_version(warehouse, str(catalog)) == read_manifest(warehouse)["version"]  # built by the run
    assert not (warehouse_dir / "forum.duckdb").exists()


def test_reprocess_stages_the_archive_with_the_workers_its_settings_name(airflow_home, tmp_path):
    warehouse_dir = tmp_path / "warehouse"
    with serve() as site:
        crawl(sample_config(site.url, str(warehouse_dir)), Warehouse.open(str(warehouse_dir)))
    env = {**airflow_home, "FORUM_ETL_WAREHOUSE": str(warehouse_dir), "FORUM_ETL_WORKERS": "3"}
    # The task's call is recorded in the run's own process (dag.test() runs tasks in it).
    script = textwrap.dedent("""
        import sys
        sys.path.insert(0, sys.argv[1])
        import pipeline.load.transform as transform
        stage_archive = transform.stage_archive
        def recorded(*args, **kwargs):
            print("WORKERS", kwargs.get("workers"), flush=True)
            return stage_archive(*args, **kwargs)
        transform.stage_archive = recorded
        from forum_etl import forum_reprocess
        print("STATE", forum_reprocess().test().state)
        """)
    result = subprocess.run([sys.executable, "-c", script, str(REPO / "dags")], env=env, capture_output=True, text=True,
                            timeout=600)
    assert "STATE success" in result.stdout, result.stdout[-3000:] + result.stderr[-3000:]
    assert [line for line in result.stdout.splitlines() if line.startswith("WORKERS")] == ["WORKERS 3"]
    assert read_table(Warehouse.open(str(warehouse_dir)), "articles").num_rows == len(load_content())
