"""The multi-host deployment run for real, outside containers (`make test-celery`, minutes).

Postgres and Redis from the distribution's packages, moto's S3 server in MinIO's place, the
sample site, and Airflow's api-server, scheduler, dag-processor and two Celery workers, each
worker in a UTS namespace of its own so that it is a host of its own name, as on two machines
(a task instance records the hostname of the worker that ran it). Every setting is
docker-compose.yml's, resolved by docker-compose itself, with service names pointed at ports
on 127.0.0.1 and container paths at folders here; the init job's command runs as written.
One forum_articles run, started through the REST API as the admin the init job created
(logged in through the FAB auth manager), must spread its mapped tasks over both workers and
publish exactly the tables the CLI publishes from the same site in one process.

Needs root (unshare; Postgres, which refuses root, runs as the `postgres` user) and the
Debian packages postgresql, redis-server and docker-compose.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
import yaml

from devkit.crawl_helpers import config_file
from devkit.processes import ProcessGroups, free_port, wait_for
from devkit.sample_site.server import serve
from pipeline import cli
from pipeline.warehouse.schemas import PUBLISHED_TABLES
from pipeline.warehouse.storage import Warehouse
from pipeline.warehouse.tables import read_table

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
AIRFLOW = BIN / "airflow"
WORKERS = ("worker-a", "worker-b")
pytestmark = pytest.mark.deployment


def _postgres_bin() -> Path | None:
    """Debian keeps the server's programs off PATH, in a folder per major version."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda path: int(path.parts[-3]))
    return versions[-1].parent if versions else None


@pytest.fixture(scope="module")
def prerequisites() -> Path:
    missing = [package for package, found in (("postgresql", _postgres_bin()), ("redis-server", shutil.which("redis-server")),
                                              ("docker-compose", shutil.which("docker-compose"))) if not found]
    if missing:
        pytest.fail(f"make test-celery needs: apt-get install {' '.join(missing)}")
    if os.geteuid() != 0:
        pytest.fail("make test-celery runs as root (each worker gets its hostname from `unshare --uts`)")
    return _postgres_bin()


def _env_file(path: Path, crawl_config: str) -> Path:
    """.env.example with fresh secrets deploy/check_secrets.py accepts, this user's uid and
    `crawl_config` a path inside the containers; a variable .env.example gains comes along."""
    from cryptography.fernet import Fernet
    from dotenv import dotenv_values

    example = dotenv_values(REPO / ".env.example", interpolate=False)
    fresh = {"AIRFLOW_UID": str(os.getuid()), "AIRFLOW_FERNET_KEY": Fernet.generate_key().decode(),
             "AIRFLOW_JWT_SECRET": secrets.token_hex(32), "POSTGRES_PASSWORD": secrets.token_hex(12),
             "MINIO_ROOT_PASSWORD": secrets.token_hex(12), "AIRFLOW_ADMIN_PASSWORD": secrets.token_hex(12),
             "FORUM_ETL_CONFIG": crawl_config, "FORUM_ETL_SCHEDULE": "none"}
    assert fresh.keys() <= example.keys(), f"not in .env.example: {fresh.keys() - example.keys()}"
    path.write_text("".join(f"{name}={value}\n" for name, value in {**example, **fresh}.items()), encoding="utf-8")
    return path


def compose_services(env_file: Path) -> dict:
    """docker-compose.yml's services with every variable substituted, as docker-compose reads them."""
    result = subprocess.run(["docker-compose", "--env-file", str(env_file), "config"], cwd=REPO, capture_output=True,
                            text=True, env={"PATH": os.environ["PATH"]})
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["services"]


class Localised:
    """The compose file's view of the world mapped onto this machine: a URL naming a service
    names its port on 127.0.0.1 instead, a container path the folder standing for it."""

    def __init__(self, addresses: dict[str, str], mounts: dict[str, Path]):
        self.addresses = addresses
        self.mounts = sorted(mounts.items(), key=lambda mount: -len(mount[0]))  # the deepest mount wins

    def value(self, text: str) -> str:
        parts = urlsplit(text)
        if parts.scheme and parts.hostname in self.addresses:
            credentials, at, _ = parts.netloc.rpartition("@")
            return urlunsplit(parts._replace(netloc=credentials + at + self.addresses[parts.hostname]))
        for container, here in self.mounts:
            if text == container or text.startswith(container + "/"):
                return str(here) + text[len(container):]
        return text

    def command(self, text: str) -> str:
        return " ".join(self.value(word) for word in text.split(" "))

    def environment(self, service: dict) -> dict[str, str]:
        return {name: self.value(str(value)) for name, value in service["environment"].items()}


def mounts_of(service: dict, volumes: Path, airflow_home: Path, container_tmp: Path) -> dict[str, Path]:
    """Where each container path of an Airflow service lives here: bind mounts at their source,
    named volumes in folders of their own, the image's project copy at this checkout."""
    mounts = {"/opt/forum-etl": REPO, "/opt/airflow": airflow_home, "/tmp": container_tmp}
    for volume in service["volumes"]:
        source, target = volume.split(":")[:2]
        mounts[target] = Path(source) if source.startswith("/") else volumes / source
    return mounts


def start_postgres(groups: ProcessGroups, postgres_bin: Path, folder: Path, port: int, user: str, password: str,
                   database: str) -> None:
    """A cluster of its own in `folder` (owned by the postgres user, which runs it), password auth."""
    account = pwd.getpwnam("postgres")
    as_postgres = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    password_file = folder / "password"
    password_file.write_text(password, encoding="utf-8")
    os.chown(folder, account.pw_uid, account.pw_gid)
    os.chown(password_file, account.pw_uid, account.pw_gid)
    subprocess.run([str(postgres_bin / "initdb"), "-D", str(folder / "data"), "-U", user, f"--pwfile={password_file}",
                    "--auth=scram-sha-256", "-E", "UTF8", "--no-sync"], check=True, capture_output=True, **as_postgres)
    # fsync off: a throwaway cluster; the test is about the executor, not durability.
    groups.start("postgres", [str(postgres_bin / "postgres"), "-D", str(folder / "data"), "-p", str(port), "-k", str(folder),
                              "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"], env=dict(os.environ), **as_postgres)
    login = {**os.environ, "PGPASSWORD": password}
    wait_for(lambda: groups.check_running() or subprocess.run(
        [str(postgres_bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(port), "-U", user], capture_output=True).returncode == 0,
        60, "Postgres")
    subprocess.run([str(postgres_bin / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", user, database], env=login,
                   check=True, capture_output=True)


def start_redis(groups: ProcessGroups, folder: Path, port: int) -> None:
    import redis

    groups.start("redis", ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                           "--dir", str(folder)], env=dict(os.environ))
    client = redis.Redis(host="127.0.0.1", port=port)
    wait_for(lambda: groups.check_running() or client.ping(), 30, "Redis", errors=(redis.ConnectionError,))


def compose_literal(text: str) -> str:
    """A command as compose hands it to the container: its `$$` is a literal `$`, left for the
    container's shell to expand (docker-compose config prints it still escaped)."""
    return text.replace("$$", "$")


def healthy(compose_test: list[str], env: dict[str, str]) -> bool:
    """A compose healthcheck's CMD-SHELL command, run here with `env`."""
    kind, command = compose_test
    assert kind == "CMD-SHELL"
    return subprocess.run(["sh", "-c", compose_literal(command)], env=env, capture_output=True, timeout=120).returncode == 0


def fab_token(base: str, username: str, password: str) -> str:
    """A JWT for the public REST API from the FAB auth manager's login (`POST /auth/token`),
    after making sure that the API refuses a request without one and a wrong password gets none."""
    def login(attempt: str) -> httpx.Response:
        # The first login builds FAB's Flask app inside the API server: seconds, not milliseconds.
        return httpx.post(f"{base}/auth/token", json={"username": username, "password": attempt}, timeout=60)

    assert httpx.get(f"{base}/api/v2/dags").status_code == 401
    assert login(password + "-wrong").status_code == 401
    accepted = login(password)
    assert accepted.status_code == 201, accepted.text
    return accepted.json()["access_token"]


def published_rows(warehouse: Warehouse) -> dict[str, list[dict]]:
    """Every published table's rows in a stable order; extraction times differ between runs."""
    tables = {}
    for name in (*PUBLISHED_TABLES, "speakers"):
        rows = read_table(warehouse, name).to_pylist()
        for row in rows:
            row.pop("extracted_at", None)
        tables[name] = sorted(rows, key=repr)
    return tables


def test_forum_articles_on_two_celery_workers_publishes_what_one_process_does(prerequisites, s3, tmp_path):
    ports = {"postgres": free_port(), "redis": free_port(), "api": free_port(), "scheduler_health": free_port()}
    with ExitStack() as stack:
        site = stack.enter_context(serve())
        # The crawl configuration in the airflow home, which the containers see as /opt/airflow.
        airflow_home = tmp_path / "airflow"
        airflow_home.mkdir()
        crawl_config = config_file(site.url, airflow_home)
        services = compose_services(_env_file(tmp_path / ".env", f"/opt/airflow/{crawl_config.name}"))
        localised = Localised(
            addresses={"postgres": f"127.0.0.1:{ports['postgres']}", "redis": f"127.0.0.1:{ports['redis']}",
                       "minio": urlsplit(s3).netloc, "airflow-apiserver": f"127.0.0.1:{ports['api']}"},
            mounts=mounts_of(services["airflow-worker"], tmp_path / "volumes", airflow_home, tmp_path / "container-tmp"))
        (tmp_path / "container-tmp").mkdir()

        # The Postgres user cannot enter pytest's root-only tmp_path: its cluster lives beside it.
        postgres_folder = Path(tempfile.mkdtemp(prefix="forum-etl-postgres-"))
        stack.callback(shutil.rmtree, postgres_folder, ignore_errors=True)
        groups = stack.enter_context(ProcessGroups(tmp_path / "logs"))  # stopped before the folder goes
        postgres_env = services["postgres"]["environment"]
        start_postgres(groups, prerequisites, postgres_folder, ports["postgres"], postgres_env["POSTGRES_USER"],
                       postgres_env["POSTGRES_PASSWORD"], postgres_env["POSTGRES_DB"])
        start_redis(groups, tmp_path, ports["redis"])

        inherited = {name: value for name, value in os.environ.items() if not name.startswith(("AIRFLOW", "FORUM_ETL_"))}
        here = {
            # The image's own environment: Airflow's home, and this checkout instead of its project copy.
            "PATH": f"{BIN}:{os.environ['PATH']}", "AIRFLOW_HOME": str(airflow_home), "PYTHONPATH": str(REPO),
            # Containers each have 8974; here the scheduler's health server takes a free port.
            "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(ports["scheduler_health"]),
            "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST": "127.0.0.1",
            # The sample site's 12 article pages in 6 fetch batches, so that there is something to spread.
            "FORUM_ETL_BATCH_SIZE": "2",
        }

        def env_of(service: str, **extra: str) -> dict[str, str]:
            return {**inherited, **localised.environment(services[service]), **here, **extra}

        # The init job as compose runs it (bash -c "check secrets && migrate && admin && pools ..."),
        # paths mapped; its shell expands the admin's variables from the init service's environment.
        init = services["airflow-init"]
        with (tmp_path / "logs" / "airflow-init.log").open("w") as output:
            subprocess.run([*init["entrypoint"].split(), *(localised.command(compose_literal(part)) for part in init["command"])],
                           env=env_of("airflow-init"), check=True, stdout=output, stderr=subprocess.STDOUT, timeout=600)

        groups.start("api-server", [str(AIRFLOW), *services["airflow-apiserver"]["command"].split(), "--host", "127.0.0.1",
                                    "--port", str(ports["api"])], env=env_of("airflow-apiserver"))
        groups.start("scheduler", [str(AIRFLOW), *services["airflow-scheduler"]["command"].split()], env=env_of("airflow-scheduler"))
        groups.start("dag-processor", [str(AIRFLOW), *services["airflow-dag-processor"]["command"].split()],
                     env=env_of("airflow-dag-processor"))
        worker_env = {}
        for name in WORKERS:
            # Each worker a host of its own name; its log server on a port of its own, as each host has 8793.
            # One task at a time (the compose default is 16): two tasks queued together then land
            # on different workers, and the machine's 2 cores are not oversubscribed.
            worker_env[name] = env_of("airflow-worker", HOSTNAME=name, AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(free_port()))
            groups.start(name, ["unshare", "--uts", "sh", "-c", 'hostname "$0" && exec "$@"', name, str(AIRFLOW),
                                *services["airflow-worker"]["command"].split(), "--celery-hostname", f"celery@{name}",
                                "--concurrency", "1"], env=worker_env[name])

        base = f"http://127.0.0.1:{ports['api']}"
        wait_for(lambda: groups.check_running() or httpx.get(f"{base}/api/v2/monitor/health").is_success, 180, "the API server")
        # The REST client is the admin the init job created, logged in through the FAB auth manager.
        token = fab_token(base, init["environment"]["AIRFLOW_ADMIN_USER"], init["environment"]["AIRFLOW_ADMIN_PASSWORD"])
        with httpx.Client(base_url=f"{base}/api/v2", headers={"Authorization": f"Bearer {token}"}, timeout=30) as api:
            wait_for(lambda: groups.check_running() or httpx.get(f"http://127.0.0.1:{ports['scheduler_health']}/health").is_success,
                     120, "the scheduler's health check")
            for name in WORKERS:
                wait_for(lambda name=name: groups.check_running() or healthy(services["airflow-worker"]["healthcheck"]["test"],
                                                                             worker_env[name]),
                         180, f"{name}'s compose healthcheck (celery inspect ping)")
            wait_for(lambda: groups.check_running() or api.get("/dags/forum_articles").is_success, 180, "the DAG to be parsed")
            assert api.patch("/dags/forum_articles", json={"is_paused": False}).json()["is_paused"] is False
            created = api.post("/dags/forum_articles/dagRuns", json={"dag_run_id": "celery_run", "logical_date": None})
            assert created.status_code == 200, created.text
            run = wait_for(lambda: groups.check_running() or (
                (r := api.get("/dags/forum_articles/dagRuns/celery_run").json())["state"] in ("success", "failed") and r),
                900, "the run to finish")
            tasks = api.get("/dags/forum_articles/dagRuns/celery_run/taskInstances", params={"limit": 200}).json()["task_instances"]
        groups.stop()

        assert run["state"] == "success", "\n".join(f"{t['task_id']}[{t['map_index']}]: {t['state']}" for t in tasks)
        mapped = {kind: [t for t in tasks if t["task_id"].startswith(f"{kind}_") and t["map_index"] >= 0]
                  for kind in ("fetch", "process")}
        for kind, instances in mapped.items():
            assert len(instances) >= 2 and {t["hostname"] for t in instances} == set(WORKERS), (
                f"{kind}: {Counter(t['hostname'] for t in instances)}")
        assert {t["hostname"] for t in tasks if t["state"] == "success"} <= set(WORKERS)

        started = time.monotonic()
        local = str(tmp_path / "single-process")
        assert cli.main(["crawl", "-q", "--config", str(crawl_config), "--warehouse", local]) == 0
        assert cli.main(["publish", "-q", "--warehouse", local]) == 0
        single_process_seconds = time.monotonic() - started

    warehouse = Warehouse.open(localised.environment(services["airflow-worker"])["FORUM_ETL_WAREHOUSE"], endpoint=s3)
    celery_tables, local_tables = published_rows(warehouse), published_rows(Warehouse.open(local))
    assert {name: len(rows) for name, rows in celery_tables.items()} == {name: len(rows) for name, rows in local_tables.items()}
    assert local_tables["articles"] and celery_tables == local_tables

    wall = datetime.fromisoformat(run["end_date"]) - datetime.fromisoformat(run["start_date"])
    per_worker = {name: dict(Counter(t["task_id"] for t in tasks if t["hostname"] == name)) for name in WORKERS}
    print(f"\nforum_articles on CeleryExecutor: {wall.total_seconds():.0f} s wall, {len(tasks)} task instances; "
          f"per worker: {per_worker}; the CLI in one process: {single_process_seconds:.0f} s")
