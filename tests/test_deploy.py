"""The deployable stack: docker-compose.yml validated offline by docker-compose 1.29 (no
engine needed), plus structural checks of what matters. The containers' entrypoints are run
for real outside containers by tests/dags/test_scheduler.py."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
COMPOSE = shutil.which("docker-compose")
LONG_RUNNING = ("postgres", "redis", "minio", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
                "airflow-worker", "airflow-triggerer")


def _words(command) -> list[str]:
    return command.split() if isinstance(command, str) else list(command or [])


@pytest.fixture(scope="module")
def compose() -> str:
    """The docker-compose command: required in CI (.ci/run installs it), optional elsewhere."""
    if COMPOSE is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose is not installed (.ci/run installs it)")
        pytest.skip("docker-compose is not installed here")
    return COMPOSE


@pytest.fixture(scope="module")
def resolved(compose) -> dict:
    result = subprocess.run([compose, "--env-file", ".env.example", "config"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_services_and_commands(resolved):
    services = resolved["services"]
    assert set(services) == {*LONG_RUNNING, "minio-init", "airflow-init"}
    commands = {name: _words(services[name].get("command")) for name in services if name.startswith("airflow-")}
    assert commands["airflow-apiserver"] == ["api-server"] and commands["airflow-scheduler"] == ["scheduler"]
    assert commands["airflow-dag-processor"] == ["dag-processor"] and commands["airflow-worker"] == ["celery", "worker"]
    assert commands["airflow-triggerer"] == ["triggerer"]
    assert "airflow db migrate" in " ".join(commands["airflow-init"])
    for name in LONG_RUNNING:
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_airflow_runs_celery_on_postgres_redis_and_the_warehouse_on_s3(resolved):
    env = resolved["services"]["airflow-worker"]["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
    assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")
    assert env["FORUM_ETL_WAREHOUSE"].startswith("s3://") and env["AWS_ENDPOINT_URL"] == "http://minio:9000"


def test_code_is_mounted_and_built_from_the_same_pins(resolved):
    for name in ("airflow-scheduler", "airflow-worker", "airflow-dag-processor"):
        targets = {volume["target"] if isinstance(volume, dict) else volume.split(":")[1]
                   for volume in resolved["services"][name]["volumes"]}
        assert {"/opt/forum-etl/dags", "/opt/forum-etl/pipeline/load/expectations"} <= targets
        # The library holds a compiled module built in the image; a mount would hide it.
        assert "/opt/forum-etl/pipeline" not in targets
        assert resolved["services"][name]["image"] == "forum-etl-airflow:3.3.2"
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    pinned = re.search(r"^apache-airflow==(\S+)$", (REPO / "constraints.txt").read_text(encoding="utf-8"), re.M).group(1)
    assert re.search(rf"^FROM apache/airflow:{re.escape(pinned)}\b", dockerfile, re.M)
    assert "-c constraints.txt" in dockerfile and '-e ".[airflow]"' in dockerfile


def test_the_airflow_extra_brings_the_executor_drivers_and_auth_manager_at_pinned_versions():
    """The image and make test-celery install the same extra under the same constraints: the
    Celery executor, the Postgres drivers, the FAB auth manager, graphviz for `airflow dags show`."""
    constraints = (REPO / "constraints.txt").read_text(encoding="utf-8")
    pinned = dict(re.findall(r"^([\w.-]+)==(\S+)$", constraints, re.M))
    extra = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]["airflow"]
    assert extra == [f"apache-airflow[celery,fab,graphviz,postgres]=={pinned['apache-airflow']}"]
    for package in ("apache-airflow-providers-celery", "celery", "redis", "apache-airflow-providers-postgres", "psycopg2-binary",
                    "apache-airflow-providers-fab", "graphviz"):
        assert package in pinned, f"{package} is not pinned in constraints.txt"


def test_the_celery_executor_imports_with_the_installed_versions():
    """What a worker imports first (celery 5.7 broke it); make test-celery runs the workers."""
    result = subprocess.run([sys.executable, "-c", "import airflow.providers.celery.executors.celery_executor"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


def test_no_secret_literals_and_every_variable_documented():
    compose = (REPO / "docker-compose.yml").read_text(encoding="utf-8")
    secret_keys = re.findall(r"^\s*(\w*(?:PASSWORD|SECRET|FERNET_KEY|ACCESS_KEY)\w*):\s*(.+)$", compose, re.M)
    assert secret_keys and all(value.startswith("${") for _, value in secret_keys)
    documented = set(re.findall(r"^([A-Z_]+)=", (REPO / ".env.example").read_text(encoding="utf-8"), re.M))
    used = set(re.findall(r"(?<!\$)\$\{([A-Z_]+)", compose))  # $${HOSTNAME} is the container's own
    assert used <= documented


def test_missing_secrets_are_refused(compose, tmp_path):
    empty = tmp_path / "empty.env"
    empty.write_text("", encoding="utf-8")
    result = subprocess.run([compose, "--env-file", str(empty), "config"], cwd=REPO, capture_output=True, text=True,
                            env={k: v for k, v in os.environ.items() if not k.startswith(("POSTGRES", "MINIO", "AIRFLOW_"))})
    assert result.returncode != 0 and "in .env" in result.stderr


def _env_file(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#"))


def check_secrets(environment: dict[str, str]) -> subprocess.CompletedProcess:
    """deploy/check_secrets.py as the init job runs it, outside a container."""
    return subprocess.run([sys.executable, str(REPO / "deploy" / "check_secrets.py")], capture_output=True, text=True,
                          env={"PATH": os.environ.get("PATH", ""), **environment})


STRONG = {"AIRFLOW_FERNET_KEY": base64.urlsafe_b64encode(bytes(range(32))).decode(),
          "AIRFLOW_JWT_SECRET": "3d1f0c5e9b7a4c2e8f6d0a1b3c5e7f9a2b4d6f8a", "POSTGRES_PASSWORD": "Vq8-long-postgres-pw",
          "MINIO_ROOT_PASSWORD": "Zr4-long-minio-password", "AIRFLOW_ADMIN_PASSWORD": "Kp7-long-admin-password"}
SECRETS = ("AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET", "POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD", "AIRFLOW_ADMIN_PASSWORD")


def test_the_init_check_refuses_the_example_env():
    result = check_secrets(_env_file(REPO / ".env.example"))
    assert result.returncode == 1
    for name in SECRETS:
        assert f"refusing to start: {name}" in result.stderr


def test_the_init_check_refuses_each_weak_secret_and_accepts_strong_ones():
    assert check_secrets(STRONG).returncode == 0
    for name, weak in (("AIRFLOW_FERNET_KEY", ""), ("AIRFLOW_FERNET_KEY", "not-a-key"), ("POSTGRES_PASSWORD", "airflow"),
                       ("MINIO_ROOT_PASSWORD", "short"), ("AIRFLOW_JWT_SECRET", "change-me-local-development-only"),
                       ("AIRFLOW_ADMIN_PASSWORD", "admin")):
        result = check_secrets({**STRONG, name: weak})
        assert result.returncode == 1 and result.stderr.startswith(f"refusing to start: {name}"), (name, weak)
    missing = check_secrets({})
    assert missing.returncode == 1 and missing.stderr.count("refusing to start") == len(SECRETS)


def _init_job() -> tuple[dict, list[str]]:
    """The compose file's init service and the steps of its command, in order."""
    init = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))["services"]["airflow-init"]
    return init, [" ".join(step.split()) for step in init["command"][1].split("&&")]


def test_the_init_job_checks_secrets_then_creates_the_admin_and_the_pools():
    init, steps = _init_job()
    assert steps[0] == "python /opt/forum-etl/deploy/check_secrets.py" and steps[1] == "airflow db migrate"
    assert [step.split()[:3] for step in steps[2:4]] == [["airflow", "users", "create"], ["airflow", "users", "reset-password"]]
    assert "airflow pools import /tmp/forum-etl-pools.json" in steps
    assert {*SECRETS, "AIRFLOW_ADMIN_USER", "AIRFLOW_ADMIN_EMAIL"} <= set(init["environment"])
    assert "COPY --chown=airflow:root deploy ./deploy" in (REPO / "Dockerfile").read_text(encoding="utf-8")


def test_the_ui_has_users_and_the_host_reaches_minios_s3_api(resolved):
    services = resolved["services"]
    for name in ("airflow-apiserver", "airflow-worker", "airflow-init"):
        environment = services[name]["environment"]
        assert environment["AIRFLOW__CORE__AUTH_MANAGER"] == FAB_AUTH_MANAGER, name
        assert not any(key.startswith("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER") for key in environment), name
    assert {(int(port["published"]), int(port["target"])) for port in services["minio"]["ports"]} == {(9000, 9000), (9001, 9001)}
    # The report and Data Docs go to the warehouse's defaults (report/, _data_docs/ in the bucket).
    assert not {"FORUM_ETL_REPORT_DIR", "FORUM_ETL_DATA_DOCS_DIR"} & set(services["airflow-worker"]["environment"])


FAB_AUTH_MANAGER = "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager"
AIRFLOW = Path(sys.executable).with_name("airflow")


# FAB's own password check, as its login endpoint runs it (the API server's /auth/token), without
# the minute an API server takes to start here.
LOGIN_PROBE = """
import sys
from airflow.providers.fab.auth_manager.cli_commands.utils import get_application_builder
with get_application_builder() as builder:
    for password in sys.argv[2:]:
        user = builder.sm.auth_user_db(sys.argv[1], password, rotate_session_id=False)
        print("LOGIN", user is not None and [role.name for role in user.roles])
"""


@pytest.mark.skipif(not AIRFLOW.exists(), reason="apache-airflow is not installed (make test installs it)")
def test_the_init_jobs_admin_can_log_in(tmp_path):
    """The init job's user steps run for real (SQLite instead of Postgres, outside a container) with
    the compose file's auth manager: the admin of .env logs in as Admin, a wrong password does not."""
    _, steps = _init_job()
    environment = {**os.environ, "AIRFLOW_HOME": str(tmp_path / "home"), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                   "AIRFLOW__CORE__DAGS_FOLDER": str(tmp_path / "no-dags"), "AIRFLOW__CORE__AUTH_MANAGER": FAB_AUTH_MANAGER,
                   "AIRFLOW_ADMIN_USER": "forum-admin", "AIRFLOW_ADMIN_PASSWORD": STRONG["AIRFLOW_ADMIN_PASSWORD"],
                   "AIRFLOW_ADMIN_EMAIL": "admin@example.org", "PATH": f"{AIRFLOW.parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run([str(AIRFLOW), "db", "migrate"], env=environment, check=True, capture_output=True)
    for step in (step for step in steps if step.startswith("airflow users ")):
        # Compose's $$ is the container shell's $: the shell expands the init job's variables.
        done = subprocess.run(["bash", "-c", step.replace("$$", "$")], env=environment, capture_output=True, text=True)
        assert done.returncode == 0, step + "\n" + done.stderr[-3000:]
    probe = subprocess.run([sys.executable, "-c", LOGIN_PROBE, "forum-admin", STRONG["AIRFLOW_ADMIN_PASSWORD"], "wrong-password"],
                           env=environment, capture_output=True, text=True, timeout=120)
    logins = [line.split(" ", 1)[1] for line in probe.stdout.splitlines() if line.startswith("LOGIN ")]
    assert logins == ["['Admin']", "False"], probe.stdout[-2000:] + probe.stderr[-2000:]
