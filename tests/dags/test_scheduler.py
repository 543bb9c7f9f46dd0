"""The DAGs under a real Airflow scheduler outside containers: api-server, scheduler and
dag-processor with LocalExecutor on SQLite, a run triggered through the REST API and polled
to success."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from devkit.crawl_helpers import config_file as config_for
from devkit.processes import free_port, wait_for
from devkit.sample_site import load_content
from devkit.sample_site.server import serve
from pipeline.warehouse.storage import Warehouse
from pipeline.warehouse.tables import read_table

REPO = Path(__file__).resolve().parents[2]
AIRFLOW = Path(sys.executable).with_name("airflow")
pytestmark = pytest.mark.skipif(not AIRFLOW.exists(), reason="apache-airflow is not installed (make test installs it)")


def test_triggered_run_succeeds_under_a_real_scheduler(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serve() as site:
        env = {
            **os.environ,
            "AIRFLOW_HOME": str(tmp_path / "home"), "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True", "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{base}/execution/",
            "AIRFLOW__API_AUTH__JWT_SECRET": "forum-etl-test-secret", "AIRFLOW__CORE__PARALLELISM": "4",
            "FORUM_ETL_SCHEDULE": "none", "FORUM_ETL_WAREHOUSE": str(tmp_path / "warehouse"),
            "FORUM_ETL_CONFIG": str(config_for(site.url, tmp_path)),
        }
        subprocess.run([str(AIRFLOW), "db", "migrate"], env=env, check=True, capture_output=True)
        # The sources' pools, as the compose init job creates them (a task in a missing pool never runs).
        subprocess.run([sys.executable, "-m", "pipeline.pools", str(tmp_path / "pools.json")], env=env, check=True)
        subprocess.run([str(AIRFLOW), "pools", "import", str(tmp_path / "pools.json")], env=env, check=True,
                       capture_output=True)
        logs = tmp_path / "logs"
        logs.mkdir()
        processes = [
            subprocess.Popen([str(AIRFLOW), *command], env=env, start_new_session=True,
                             stdout=(logs / f"{command[0]}.log").open("w"), stderr=subprocess.STDOUT)
            for command in (["api-server", "--port", str(port)], ["scheduler"], ["dag-processor"])
        ]
        try:
            with httpx.Client(base_url=f"{base}/api/v2", timeout=10) as api:
                health = wait_for(lambda: api.get("/monitor/health").json(), 90, "the API server")
                wait_for(lambda: api.get("/monitor/health").json()["scheduler"]["status"] == "healthy", 60, "the scheduler")
                wait_for(lambda: api.get("/dags/forum_articles").status_code == 200, 90, "the DAG to be parsed")
                assert health["metadatabase"]["status"] == "healthy"
                assert api.patch("/dags/forum_articles", json={"is_paused": False}).json()["is_paused"] is False
                created = api.post("/dags/forum_articles/dagRuns", json={"dag_run_id": "rest_run_1", "logical_date": None})
                assert created.status_code == 200, created.text
                state = wait_for(
                    lambda: (s := api.get("/dags/forum_articles/dagRuns/rest_run_1").json()["state"]) in ("success", "failed") and s,
                    240, "the run to finish")
                tasks = api.get("/dags/forum_articles/dagRuns/rest_run_1/taskInstances").json()["task_instances"]
        finally:
            for process in processes:
                with_group = os.getpgid(process.pid)
                os.killpg(with_group, signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(os.getpgid(process.pid), signal.SIGKILL)
    assert state == "success", "\n".join(f"{t['task_id']}[{t['map_index']}]: {t['state']}" for t in tasks)
    # The watcher runs only when a task failed (trigger rule one_failed); otherwise it is skipped.
    assert {t["task_id"]: t["state"] for t in tasks if t["state"] != "success"} == {"watcher": "skipped"}
    assert {t["pool"] for t in tasks if t["task_id"].startswith("fetch_")} == {"forum_etl_fetch_sample"}  # its one source
    assert read_table(Warehouse.open(str(tmp_path / "warehouse")), "articles").num_rows == len(load_content())
