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


def test_the_airflow_extra_brings_the_executor_and_drivers_at_pinned_versions():
    """The image and make test-celery install the same extra under the same constraints."""
    constraints = (REPO / "constraints.txt").read_text(encoding="utf-8")
    pinned = dict(re.findall(r"^([\w.-]+)==(\S+)$", constraints, re.M))
    extra = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]["airflow"]
    assert extra == [f"apache-airflow[celery,postgres]=={pinned['apache-airflow']}"]
    for package in ("apache-airflow-providers-celery", "celery", "redis", "apache-airflow-providers-postgres", "psycopg2-binary"):
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
          "MINIO_ROOT_PASSWORD": "Zr4-long-minio-password"}


def test_the_init_check_refuses_the_example_env():
    result = check_secrets(_env_file(REPO / ".env.example"))
    assert result.returncode == 1
    for name in ("AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET", "POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD"):
        assert f"refusing to start: {name}" in result.stderr


def test_the_init_check_refuses_each_weak_secret_and_accepts_strong_ones():
    assert check_secrets(STRONG).returncode == 0
    for name, weak in (("AIRFLOW_FERNET_KEY", ""), ("AIRFLOW_FERNET_KEY", "not-a-key"), ("POSTGRES_PASSWORD", "airflow"),
                       ("MINIO_ROOT_PASSWORD", "short"), ("AIRFLOW_JWT_SECRET", "change-me-local-development-only")):
        result = check_secrets({**STRONG, name: weak})
        assert result.returncode == 1 and result.stderr.startswith(f"refusing to start: {name}"), (name, weak)
    missing = check_secrets({})
    assert missing.returncode == 1 and missing.stderr.count("refusing to start") == 4


def test_the_init_job_checks_secrets_then_creates_the_pools():
    init = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))["services"]["airflow-init"]
    steps = [step.strip() for step in init["command"][1].split("&&")]
    assert steps[0] == "python /opt/forum-etl/deploy/check_secrets.py" and steps[1] == "airflow db migrate"
    assert "airflow pools import /tmp/forum-etl-pools.json" in steps
    assert {"AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET", "POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD"} <= set(init["environment"])
    assert "COPY --chown=airflow:root deploy ./deploy" in (REPO / "Dockerfile").read_text(encoding="utf-8")
