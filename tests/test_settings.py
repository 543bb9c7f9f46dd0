"""Settings are resolved in one order (explicit, Airflow Variable, environment, configuration
file, defaults), and every warehouse command of the CLI honours the configuration the same way."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

from devkit.crawl_helpers import config_file
from pipeline.acquire.config import ConfigError
from pipeline.cli import main
from pipeline.settings import VARIABLE_NAMES, Settings, SettingsError, resolve_settings
from pipeline.warehouse.manifest import DEFAULT_RETENTION

SOURCES = """
[[sources]]
name = "news"
start_urls = ["http://news.example/"]
article_patterns = ['/a/']
"""


def _config(tmp_path: Path, **keys: str) -> str:
    path = tmp_path / "crawl.toml"
    path.write_text("".join(f'{key} = "{value}"\n' for key, value in keys.items()) + SOURCES, encoding="utf-8")
    return str(path)


def test_each_layer_overrides_the_ones_below_it(tmp_path):
    config = _config(tmp_path, warehouse="from-config")
    layers = {"explicit": {"warehouse": "from-flag", "config": config},
              "variables": {"forum_etl_warehouse": "from-variable"},
              "environment": {"FORUM_ETL_WAREHOUSE": "from-environment"},
              "defaults": {"warehouse": "from-front-default"}}

    def warehouse(**given) -> str:
        explicit = given.pop("explicit", {"config": config})
        return resolve_settings(explicit, environment=given.pop("environment", {}), **given).warehouse

    assert warehouse(**layers) == "from-flag"
    del layers["explicit"]
    assert warehouse(**layers) == "from-variable"
    del layers["variables"]
    assert warehouse(**layers) == "from-environment"
    del layers["environment"]
    assert warehouse(**layers) == "from-config"
    assert warehouse(explicit={}, **layers) == "from-front-default"
    assert warehouse(explicit={}) == "warehouse"


def test_the_configuration_file_is_named_by_the_layers_above_it(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    by_flag, by_environment = _config(tmp_path / "a", warehouse="a"), _config(tmp_path / "b", warehouse="b")
    environment = {"FORUM_ETL_CONFIG": by_environment}
    assert resolve_settings(environment=environment).warehouse == "b"
    assert resolve_settings({"config": by_flag}, environment=environment).warehouse == "a"
    assert resolve_settings(environment={}, variables={"forum_etl_config": by_flag}).crawl_config.sources[0].name == "news"
    assert resolve_settings(environment={}, defaults={"config": by_flag}).config == by_flag


def test_the_configuration_file_gives_every_location(tmp_path):
    config = _config(tmp_path, warehouse="s3://bucket/prefix", catalog_file="cat.duckdb", report_dir="rep",
                     data_docs_dir="docs", s3_endpoint="http://minio:9000")
    settings = resolve_settings({"config": config}, environment={})
    assert (settings.warehouse, settings.catalog_file, settings.report_dir, settings.data_docs_dir, settings.s3_endpoint) == (
        "s3://bucket/prefix", "cat.duckdb", "rep", "docs", "http://minio:9000")
    # The endpoint is what the store is opened with (pyarrow makes no request until used).
    assert settings.open_warehouse().endpoint == "http://minio:9000"
    assert resolve_settings({"config": config}, environment={"AWS_ENDPOINT_URL": "http://other:9000"}).s3_endpoint == (
        "http://other:9000")


def test_settings_the_file_may_not_give_come_from_the_other_layers_only(tmp_path):
    config = tmp_path / "crawl.toml"
    config.write_text('batch_size = "7"\n' + SOURCES, encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown keys"):
        resolve_settings({"config": str(config)}, environment={})
    with pytest.raises(ConfigError, match="catalog_file must be"):
        resolve_settings({"config": _config(tmp_path, catalog_file=" ")}, environment={})


def test_environment_values_are_parsed_and_a_bad_one_names_its_source():
    settings = resolve_settings(environment={"FORUM_ETL_RETENTION_HOURS": "0.5", "FORUM_ETL_BATCH_SIZE": "3",
                                             "FORUM_ETL_FETCH_PARALLELISM": "4", "FORUM_ETL_SCHEDULE": "none",
                                             "FORUM_ETL_CATALOG": "c.duckdb", "FORUM_ETL_EXPECTATIONS": "suites"})
    assert (settings.retention, settings.batch_size, settings.fetch_parallelism, settings.schedule) == (
        timedelta(minutes=30), 3, 4, None)
    assert (settings.catalog_file, settings.expectations_dir) == ("c.duckdb", "suites")
    for name, value in (("FORUM_ETL_BATCH_SIZE", "0"), ("FORUM_ETL_RETENTION_HOURS", "inf"),
                        ("FORUM_ETL_FETCH_PARALLELISM", "two"), ("FORUM_ETL_WAREHOUSE", "")):
        with pytest.raises(SettingsError, match=name):
            resolve_settings(environment={name: value})
    with pytest.raises(SettingsError, match="Airflow Variable forum_etl_batch_size"):
        resolve_settings(environment={}, variables={"forum_etl_batch_size": "-1"})


def test_the_dags_shape_is_not_taken_from_variables():
    """Schedule, fetch parallelism and timeouts are fixed when the DAG file is parsed, before Variables."""
    assert "forum_etl_schedule" not in VARIABLE_NAMES and "forum_etl_fetch_parallelism" not in VARIABLE_NAMES
    settings = resolve_settings(environment={}, variables={"forum_etl_schedule": "@hourly",
                                                           "forum_etl_fetch_parallelism": "9"})
    assert (settings.schedule, settings.fetch_parallelism) == ("@daily", 2)
    assert "forum_etl_task_timeout_minutes" not in VARIABLE_NAMES and "forum_etl_run_timeout_hours" not in VARIABLE_NAMES
    timeouts = resolve_settings(environment={"FORUM_ETL_TASK_TIMEOUT_MINUTES": "30", "FORUM_ETL_RUN_TIMEOUT_HOURS": "2"})
    assert (timeouts.task_timeout_minutes, timeouts.run_timeout_hours) == (30, 2)
    with pytest.raises(SettingsError, match="FORUM_ETL_TASK_TIMEOUT_MINUTES"):
        resolve_settings(environment={"FORUM_ETL_TASK_TIMEOUT_MINUTES": "0"})


def test_defaults_and_a_configuration_left_unread(tmp_path):
    settings = resolve_settings(environment={})
    assert settings == Settings() and settings.retention == DEFAULT_RETENTION and settings.crawl_config is None
    missing = str(tmp_path / "missing.toml")
    with pytest.raises(ConfigError):
        resolve_settings({"config": missing}, environment={})
    assert resolve_settings({"config": missing}, environment={}, read_config_file=False).crawl_config is None
    with pytest.raises(SettingsError, match="unknown settings: warehous"):
        resolve_settings({"warehous": "typo"}, environment={})


def test_every_warehouse_command_uses_the_configurations_warehouse(capsys, tmp_path, monkeypatch, sample_site_url):
    for name in ("FORUM_ETL_WAREHOUSE", "FORUM_ETL_CONFIG", "FORUM_ETL_CATALOG", "FORUM_ETL_REPORT_DIR"):
        monkeypatch.delenv(name, raising=False)
    warehouse = tmp_path / "configured"
    config = config_file(sample_site_url, tmp_path)
    config.write_text(f'warehouse = "{warehouse}"\n' + config.read_text(encoding="utf-8"), encoding="utf-8")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # where ./warehouse, the default, would be
    with_config = ["--config", str(config)]

    assert main(["crawl", *with_config, "--max-pages", "3"]) == 0
    assert main(["reprocess", *with_config]) == 0
    archived = len(capsys.readouterr().out.splitlines())
    assert 1 <= archived <= 3
    assert main(["publish", *with_config]) == 0
    assert main(["query", *with_config, "SELECT count(*) AS n FROM articles", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": archived}]
    assert main(["report", *with_config]) == 0
    assert main(["vacuum", *with_config]) == 0
    assert "vacuum: " in capsys.readouterr().err
    assert (warehouse / "forum.duckdb").exists() and (warehouse / "report" / "index.html").exists()
    assert list(elsewhere.iterdir()) == []

    # --warehouse still overrides the configuration's.
    other = tmp_path / "other"
    assert main(["crawl", *with_config, "--warehouse", str(other), "--max-pages", "1"]) == 0
    capsys.readouterr()
    assert main(["query", *with_config, "--warehouse", str(other), "SELECT count(*) AS n FROM articles", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": 0}]  # crawled there, never published


def test_crawl_without_a_configuration_exits_2(capsys, monkeypatch):
    monkeypatch.delenv("FORUM_ETL_CONFIG", raising=False)
    assert main(["crawl"]) == 2
    assert "crawl needs a configuration" in capsys.readouterr().err


def test_a_bad_setting_in_the_environment_exits_2(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("FORUM_ETL_RETENTION_HOURS", "soon")
    assert main(["vacuum", "--warehouse", str(tmp_path / "wh")]) == 2
    assert "FORUM_ETL_RETENTION_HOURS" in capsys.readouterr().err


@pytest.mark.parametrize(("given", "share"), [("0.25", 0.25), ("25%", 0.25), ("0", 0.0), ("1", 1.0), (" 100 % ", 1.0)])
def test_the_failure_threshold_is_a_share_or_a_percentage(given, share):
    assert resolve_settings(environment={"FORUM_ETL_FAILURE_THRESHOLD": given}).failure_threshold == share


@pytest.mark.parametrize("given", ["1.5", "-0.1", "150%", "half", "nan"])
def test_a_failure_threshold_outside_0_to_1_is_refused_with_its_source(given):
    with pytest.raises(SettingsError, match="FORUM_ETL_FAILURE_THRESHOLD"):
        resolve_settings(environment={"FORUM_ETL_FAILURE_THRESHOLD": given})


def test_the_failure_threshold_defaults_to_half():
    assert resolve_settings(environment={}).failure_threshold == 0.5


def test_alert_settings_come_from_the_environment_parsed_and_checked():
    settings = resolve_settings(read_config_file=False, environment={
        "FORUM_ETL_ALERT_SMTP_HOST": "mail.example.org", "FORUM_ETL_ALERT_SMTP_PORT": "2525",
        "FORUM_ETL_ALERT_SMTP_STARTTLS": "false", "FORUM_ETL_ALERT_MAIL_TO": "a@example.org, b@example.org",
        "FORUM_ETL_ALERT_WEBHOOK": "", "FORUM_ETL_ALERT_SMTP_PASSWORD": "hunter2-long"})
    assert (settings.alert_smtp_host, settings.alert_smtp_port, settings.alert_smtp_starttls) == ("mail.example.org", 2525, False)
    assert settings.alert_mail_to == ("a@example.org", "b@example.org") and settings.alert_webhook is None  # empty: unset
    assert "hunter2" not in repr(settings)
    assert resolve_settings(read_config_file=False, environment={}).alert_smtp_starttls is True


@pytest.mark.parametrize(("name", "value"), [("FORUM_ETL_ALERT_SMTP_PORT", "smtp"), ("FORUM_ETL_ALERT_SMTP_PORT", "70000"),
                                             ("FORUM_ETL_ALERT_SMTP_STARTTLS", "maybe")])
def test_a_malformed_alert_setting_is_refused_with_its_source(name, value):
    with pytest.raises(SettingsError, match=name):
        resolve_settings(read_config_file=False, environment={name: value})


def test_workers_default_to_one_per_core_and_a_flag_or_the_environment_sets_them(capsys):
    assert resolve_settings(environment={}).workers == os.cpu_count()
    assert resolve_settings(environment={"FORUM_ETL_WORKERS": "3"}).workers == 3
    assert resolve_settings({"workers": 2}, environment={"FORUM_ETL_WORKERS": "3"}).workers == 2
    with pytest.raises(SettingsError, match="FORUM_ETL_WORKERS: must be 1 or more"):
        resolve_settings(environment={"FORUM_ETL_WORKERS": "0"})
    with pytest.raises(SystemExit):
        main(["publish", "--workers", "0"])
    assert "not a whole number of 1 or more: 0" in capsys.readouterr().err
