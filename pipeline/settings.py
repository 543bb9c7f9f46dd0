"""Settings: every location and knob of a deployment, resolved once by a front (the CLI, a DAG
task) and passed down as plain arguments; no library module reads the environment.

Each setting is taken from the first of these layers that gives it:

1. the front's explicit value (a CLI flag such as `--warehouse`);
2. an Airflow Variable `forum_etl_<name>` (DAGs only: the DAG passes them in as a mapping,
   so this module never imports Airflow; a Variable is the operator's runtime override of
   the deployment's environment);
3. the environment, `FORUM_ETL_<NAME>` (the catalog is `FORUM_ETL_CATALOG`, the suites
   `FORUM_ETL_EXPECTATIONS`, the S3 endpoint the standard `AWS_ENDPOINT_URL`);
4. the crawl configuration file's top-level key `<name>` (locations only: `warehouse`,
   `catalog_file`, `report_dir`, `data_docs_dir`, `s3_endpoint`); the file itself is named by
   the layers above (`--config`, `forum_etl_config`, `FORUM_ETL_CONFIG`);
5. the front's default, then the built-in default.

A relative path is relative to the working directory, whichever layer gave it. Locations
left unset (None) mean the library's default: Data Docs and the report inside the warehouse
(on object storage too), the catalog inside a local warehouse or under the working directory
for one on object storage.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

# Imported when used, so a DAG file can resolve its shape at parse time without pyarrow.
if TYPE_CHECKING:
    from pipeline.acquire.config import CrawlConfig
    from pipeline.warehouse.storage import Warehouse


class SettingsError(ValueError):
    """A setting's value is unusable; the message names the setting and where it came from."""


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError("not a whole number") from None
    if number < 1:
        raise ValueError("must be 1 or more")
    return number


def parse_hours(value: str) -> float:
    try:
        hours = float(value)
    except ValueError:
        raise ValueError("not a number of hours") from None
    if not 0 <= hours < math.inf:
        raise ValueError("hours must be 0 or more and finite")
    return hours


def parse_share(value: str) -> float:
    """A share of a whole, 0 to 1 ("0.5"), or a percentage ("50%")."""
    text = value.strip()
    try:
        share = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError("not a share (0 to 1, or a percentage)") from None
    if not 0 <= share <= 1:
        raise ValueError("a share must be between 0 and 1 (0 % and 100 %)")
    return share


def _optional(value: str) -> str | None:
    """Text, or None when blank (a deployment that leaves a channel's variable empty)."""
    return value.strip() or None


def _port(value: str) -> int | None:
    if not value.strip():
        return None
    try:
        port = int(value)
    except ValueError:
        raise ValueError("not a port number") from None
    if not 0 < port < 65536:
        raise ValueError("a port is 1 to 65535")
    return port


def _flag(value: str) -> bool:
    text = value.strip().lower()
    if text in ("", "true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise ValueError("not true or false")


def _addresses(value: str) -> tuple[str, ...]:
    """Comma-separated mail addresses."""
    return tuple(address.strip() for address in value.split(",") if address.strip())


def _schedule(value: str) -> str | None:
    """A cron expression or preset; "none" (or "manual", or empty) for manual runs only."""
    return None if value.strip().lower() in ("", "none", "manual") else value


@dataclass(frozen=True)
class _Source:
    """Where one setting may come from besides a front's explicit value and the defaults."""

    environment: str
    variable: bool = True  # an Airflow Variable forum_etl_<name> may set it
    config_key: bool = False  # the crawl configuration file may set it
    parse: Callable[[str], object] = _text


# A superseded version stays readable this long after its successor's commit (vacuum's default).
DEFAULT_RETENTION = timedelta(hours=1)

_SOURCES = {
    "config": _Source("FORUM_ETL_CONFIG"),
    "warehouse": _Source("FORUM_ETL_WAREHOUSE", config_key=True),
    "catalog_file": _Source("FORUM_ETL_CATALOG", config_key=True),
    "report_dir": _Source("FORUM_ETL_REPORT_DIR", config_key=True),
    "data_docs_dir": _Source("FORUM_ETL_DATA_DOCS_DIR", config_key=True),
    # The suites are part of the code a deployment runs, not of a crawl: no config key.
    "expectations_dir": _Source("FORUM_ETL_EXPECTATIONS"),
    "s3_endpoint": _Source("AWS_ENDPOINT_URL", config_key=True),
    "retention_hours": _Source("FORUM_ETL_RETENTION_HOURS", parse=parse_hours),
    "batch_size": _Source("FORUM_ETL_BATCH_SIZE", parse=_count),
    "failure_threshold": _Source("FORUM_ETL_FAILURE_THRESHOLD", parse=parse_share),
    "workers": _Source("FORUM_ETL_WORKERS", parse=_count),
    # The DAG's shape is fixed when Airflow parses it, before any Variable is read.
    "fetch_parallelism": _Source("FORUM_ETL_FETCH_PARALLELISM", variable=False, parse=_count),
    "schedule": _Source("FORUM_ETL_SCHEDULE", variable=False, parse=_schedule),
    "task_timeout_minutes": _Source("FORUM_ETL_TASK_TIMEOUT_MINUTES", variable=False, parse=_count),
    "run_timeout_hours": _Source("FORUM_ETL_RUN_TIMEOUT_HOURS", variable=False, parse=_count),
    # Failure alerts (pipeline/alerts.py): read by the DAGs' failure callback, which may not reach
    # the metadata DB, from the environment the DAG file was parsed in, so a malformed value is an
    # import error at once rather than an alert lost when something fails.
    "alert_webhook": _Source("FORUM_ETL_ALERT_WEBHOOK", variable=False, parse=_optional),
    "alert_smtp_host": _Source("FORUM_ETL_ALERT_SMTP_HOST", variable=False, parse=_optional),
    "alert_smtp_port": _Source("FORUM_ETL_ALERT_SMTP_PORT", variable=False, parse=_port),
    "alert_smtp_starttls": _Source("FORUM_ETL_ALERT_SMTP_STARTTLS", variable=False, parse=_flag),
    "alert_smtp_user": _Source("FORUM_ETL_ALERT_SMTP_USER", variable=False, parse=_optional),
    "alert_smtp_password": _Source("FORUM_ETL_ALERT_SMTP_PASSWORD", variable=False, parse=_optional),
    "alert_mail_to": _Source("FORUM_ETL_ALERT_MAIL_TO", variable=False, parse=_addresses),
    "alert_mail_from": _Source("FORUM_ETL_ALERT_MAIL_FROM", variable=False, parse=_optional),
}

# The Airflow Variables a DAG may pass in.
VARIABLE_NAMES = tuple(f"forum_etl_{name}" for name, source in _SOURCES.items() if source.variable)


@dataclass(frozen=True)
class Settings:
    warehouse: str = "warehouse"  # a directory or s3://bucket/prefix
    config: str | None = None  # the crawl configuration file
    crawl_config: CrawlConfig | None = None  # that file, loaded and checked
    catalog_file: str | None = None  # the DuckDB catalog
    report_dir: str | None = None  # where the HTML report is written
    data_docs_dir: str | None = None  # where Data Docs are stored (folder or s3://; default in the warehouse)
    expectations_dir: str | None = None  # suites to use instead of the packaged ones
    s3_endpoint: str | None = None  # an S3-compatible store's URL; None for AWS itself
    retention_hours: float | None = None  # how long superseded files stay; None: vacuum's default
    batch_size: int = 50  # article URLs per fetch batch (DAG)
    # A crawl fails (exit status 1) when more than this share of the URLs it tried failed, or all
    # did: a few 404s are a normal day and stay in fetch_errors; over half is a site, a network
    # or a configuration that is broken, which someone must look at.
    failure_threshold: float = 0.5
    # Processes that extract, split and stage archived pages (publish, reprocess): one per core.
    workers: int = os.cpu_count() or 1
    fetch_parallelism: int = 2  # fetch batches at once per DAG run, sharing each host's rate
    schedule: str | None = "@daily"  # forum_articles' schedule; None: manual runs only
    # A task or DAG run that hangs (a stalled connection, a lock) is failed after this long
    # instead of holding a worker slot and the next run forever. The defaults are far above a
    # healthy daily run (minutes) and leave room for a first crawl of a large source.
    task_timeout_minutes: int = 120
    run_timeout_hours: int = 12
    alert_webhook: str | None = None  # a URL that receives a failed run's alert as JSON
    alert_smtp_host: str | None = None  # with alert_mail_to: mail the alert through this server
    alert_smtp_port: int | None = None  # None: 587 with STARTTLS, 25 without
    alert_smtp_starttls: bool = True
    alert_smtp_user: str | None = None  # log in when given
    alert_smtp_password: str | None = field(default=None, repr=False)
    alert_mail_to: tuple[str, ...] = ()
    alert_mail_from: str | None = None  # None: forum-etl@<host name>

    @property
    def retention(self) -> timedelta:
        return DEFAULT_RETENTION if self.retention_hours is None else timedelta(hours=self.retention_hours)

    def open_warehouse(self, existing: bool = False) -> Warehouse:
        """The warehouse, created when missing; with `existing` (commands that only read it)
        NotAWarehouse unless something was ever crawled or published there."""
        from pipeline.warehouse.storage import Warehouse

        warehouse = Warehouse.open(self.warehouse, self.s3_endpoint, create=not existing)
        if existing:
            from pipeline.warehouse.manifest import require_warehouse

            require_warehouse(warehouse)
        return warehouse


def resolve_settings(explicit: Mapping[str, object] | None = None, *,
                     environment: Mapping[str, str] | None = None,
                     variables: Mapping[str, str] | None = None,
                     defaults: Mapping[str, object] | None = None,
                     read_config_file: bool = True) -> Settings:
    """The Settings given by the layers in the module's order. `explicit` and `defaults` map
    setting names to values (None in `explicit` means not given); `variables` maps Airflow
    Variable names to their values; `environment` defaults to os.environ. With
    `read_config_file` false the crawl configuration is neither loaded nor consulted.
    Raises SettingsError for a bad value, ConfigError for a bad configuration file."""
    explicit = {name: value for name, value in (explicit or {}).items() if value is not None}
    environment = os.environ if environment is None else environment
    variables = variables or {}
    defaults = dict(defaults or {})
    unknown = (set(explicit) | set(defaults)) - set(_SOURCES)
    if unknown:
        raise SettingsError(f"unknown settings: {', '.join(sorted(unknown))}")

    def layered(name: str, crawl_config: CrawlConfig | None) -> object:
        if name in explicit:
            return explicit[name]
        source = _SOURCES[name]
        given = [(f"Airflow Variable forum_etl_{name}", variables.get(f"forum_etl_{name}") if source.variable else None),
                 (source.environment, environment.get(source.environment))]
        for where, value in given:
            if value is not None:
                try:
                    return source.parse(value)
                except ValueError as error:
                    raise SettingsError(f"{where}: {error}: {value!r}") from None
        if source.config_key and crawl_config is not None and getattr(crawl_config, name) is not None:
            return getattr(crawl_config, name)
        return defaults.get(name, _BUILT_IN[name])

    config = layered("config", None)
    crawl_config = None
    if config and read_config_file:
        from pipeline.acquire.config import load_config

        crawl_config = load_config(config)
    values = {name: layered(name, crawl_config) for name in _SOURCES if name != "config"}
    return Settings(config=config, crawl_config=crawl_config, **values)


_BUILT_IN = {setting.name: setting.default for setting in fields(Settings)}

# Where the DAGs look when no setting says otherwise: the repository's sample site and warehouse.
_REPOSITORY = Path(__file__).resolve().parents[1]
SAMPLE_DEFAULTS = {"config": str(_REPOSITORY / "examples" / "sample-site.toml"), "warehouse": str(_REPOSITORY / "warehouse")}


def dag_shape() -> Settings:
    """The settings that shape the DAGs when Airflow parses them (fetch parallelism, pools, the
    schedule), without reading the crawl configuration: the DAG file and `python -m
    pipeline.pools` both take them from here, so their pools agree."""
    return resolve_settings(read_config_file=False, defaults={"config": SAMPLE_DEFAULTS["config"]})
