"""forum-etl's Airflow DAGs. Thin by design: every task calls one library function of
`pipeline`, passes ids and paths (never page bodies) through XCom, and imports the heavy
modules (pipeline, pandas, great_expectations, duckdb) only when it runs.

- forum_articles  (daily by default): discover → per source: its batches → fetch (mapped
                  batches, in the source's pool) → process (mapped) → validate → publish → refresh catalog → vacuum, check validation
- forum_reports   (on the published-table assets): catalog and HTML report
- forum_reprocess (manual): re-extract archived pages for a date range, then validate/publish

Each forum_articles run stands for a data interval of its schedule (the day before a daily
run). The run of the interval that has just ended crawls. A run of an interval that ended more
than one interval ago (`airflow backfill create`, or a manual run with a past logical date) is a
backfill: the sites no longer show that interval, so it fetches nothing of what the archive
holds and reprocesses the article pages the raw archive received within the interval (their
`fetched_at`); only for sources with sitemaps or feeds, which date their articles, does it
fetch the articles they date within the interval that were never fetched
(pipeline/intervals.py). `since` and `max_pages` apply to crawls.

A page that cannot become an article is a row of `extract_errors`, never a failed task; a
task that fails for any other reason fails the run (the `watcher` task), after the other
batches were still validated and published.

Settings (`pipeline.settings`) are resolved once by each task when it runs; for each, the
first of these that gives it wins:
1. the Airflow Variable `forum_etl_<name>`;
2. the environment, `FORUM_ETL_<NAME>`;
3. the crawl configuration file's key `<name>` (locations only);
4. the default.
The configuration file is `forum_etl_config` / `FORUM_ETL_CONFIG` (default
examples/sample-site.toml). Its `warehouse`, `catalog_file`, `report_dir`, `data_docs_dir`
and `s3_endpoint` apply unless a Variable or the environment names another. Settings:
warehouse (a path or s3:// URI, default the repository's warehouse/), catalog_file (`FORUM_ETL_CATALOG`),
report_dir, data_docs_dir, expectations_dir (`FORUM_ETL_EXPECTATIONS`), s3_endpoint
(`AWS_ENDPOINT_URL`; credentials from the standard AWS_* variables or the warehouse URI),
retention_hours (how long superseded files stay for readers of older versions, default 1),
batch_size (URLs per fetch batch, default 50), failure_threshold (the share of the article
URLs a run tried whose fetch may fail before check_crawl fails the run, default 0.5; the rest
is published all the same), workers (the processes forum_reprocess re-extracts with, default one
per core).

The DAGs' shape is fixed when Airflow parses this file, from the environment (no Variable is
read at every parse) and the crawl configuration's source names (one fetch pool per source: the
file is read with tomllib at every parse, well under a millisecond; a file that cannot be read
leaves forum_articles without fetch tasks, its discover task failing with the reason, and the
other DAGs as they are): FORUM_ETL_SCHEDULE (cron or preset, default
@daily; "none" for manual runs only), FORUM_ETL_FETCH_PARALLELISM (fetch batches at once
per run, default 2), FORUM_ETL_TASK_TIMEOUT_MINUTES (a task's execution_timeout, default 120)
and FORUM_ETL_RUN_TIMEOUT_HOURS (a run's dagrun_timeout, default 12).

A failed run is reported through FORUM_ETL_ALERT_WEBHOOK and/or SMTP (FORUM_ETL_ALERT_SMTP_HOST,
FORUM_ETL_ALERT_MAIL_TO, ...; see pipeline/alerts.py); with neither set, nothing is sent. These
are settings of the environment too, checked at parse time: a malformed one is an import error.

Tasks that reach a website (discover, fetch) and publish (which may lose a commit race) are
retried with exponential backoff; the others fail at once, since retrying a bug or a broken
warehouse only delays the alert.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from airflow.sdk import Asset, Param, dag, get_current_context, task

from pipeline.pools import pool_name, source_names
from pipeline.settings import SAMPLE_DEFAULTS, Settings, dag_shape, resolve_settings

SHAPE = dag_shape()
# Each source's fetch tasks take slots of its own pool (pipeline/pools.py). A configuration
# that cannot be read must not take the DAGs out of Airflow with it: forum_articles is then
# parsed without sources and its discover task fails with the reason.
try:
    SOURCES, SOURCES_UNREADABLE = source_names(SHAPE.config), None
except (OSError, ValueError) as error:  # tomllib.TOMLDecodeError is a ValueError
    SOURCES, SOURCES_UNREADABLE = [], f"{SHAPE.config} could not be read when the DAG was parsed: {error}"
    logging.getLogger(__name__).warning("forum_articles has no fetch tasks: %s", SOURCES_UNREADABLE)


# Logical identities of the published tables: where the warehouse lives is configuration,
# resolved when tasks run, so it is not part of the asset's identity.
ASSETS = {table: Asset(name=f"forum_{table}", uri=f"forum-etl://warehouse/{table}")
          for table in ("articles", "speeches", "paragraphs", "speakers")}


def notify_failure(context) -> None:
    """Alert through the webhook and/or SMTP that the environment configures (pipeline.alerts,
    settings resolved with the DAG's shape); a no-op when it configures neither."""
    from pipeline.alerts import alert_from_context, send_alert

    send_alert(alert_from_context(context), SHAPE)


# Every DAG here runs one at a time, does not catch up on missed intervals and gives up on a
# task or a run that hangs.
DAG_DEFAULTS = {"start_date": datetime(2024, 1, 1), "catchup": False, "max_active_runs": 1, "tags": ["forum-etl"],
                "dagrun_timeout": timedelta(hours=SHAPE.run_timeout_hours),
                # One alert per failed run (not one per failed task and its downstream ones).
                "on_failure_callback": notify_failure,
                "default_args": {"execution_timeout": timedelta(minutes=SHAPE.task_timeout_minutes)}}

# A website that is slow or down for a while: retry after 30 s, 1 min, 2 min.
NETWORK_RETRIES = {"retries": 3, "retry_delay": timedelta(seconds=30), "retry_exponential_backoff": True,
                   "max_retry_delay": timedelta(minutes=10)}


def _settings() -> Settings:
    """This task's settings (see the module's docstring), resolved when it runs."""
    from airflow.sdk import Variable

    from pipeline.settings import VARIABLE_NAMES

    variables = {name: value for name in VARIABLE_NAMES if (value := Variable.get(name, default=None)) is not None}
    return resolve_settings(variables=variables, defaults=SAMPLE_DEFAULTS)


def _run_id() -> str:
    """A warehouse-safe id of this DAG run: rerunning the same run reuses it."""
    context = get_current_context()
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{context['dag'].dag_id}-{context['run_id']}")


def _timetable(schedule: str | None):
    """A cron schedule with data intervals: each run stands for the interval before it, so a run of a
    past interval (a backfill) knows which part of the archive is its own (pipeline/intervals.py)."""
    from airflow.sdk import CronDataIntervalTimetable

    if schedule is None or schedule in ("@once", "@continuous"):
        return schedule
    return CronDataIntervalTimetable(schedule, timezone="UTC")


def _backfill_window():
    """This run's archive window when it is a backfill of a past interval, else None."""
    from datetime import UTC

    from pipeline.intervals import backfill_window

    context = get_current_context()
    return backfill_window(context.get("data_interval_start"), context.get("data_interval_end"), datetime.now(UTC))


def _date(value: str | None):
    from datetime import date

    return date.fromisoformat(value) if value else None


# all_done: a fetch or process batch that failed outright must not stop the others from being
# validated and published (the failed task still marks the run failed).
@task(trigger_rule="all_done")
def validate() -> dict:
    from pipeline.load.quarantine import validate_staged

    settings = _settings()
    result = validate_staged(settings.open_warehouse(), _run_id(), docs_dir=settings.data_docs_dir,
                             expectations_dir=settings.expectations_dir)
    return {"success": result.success, "quarantined": len(result.quarantined), "batch_failures": result.batch_failures,
            "docs_index": result.docs_index}


# A publish that lost the commit race to concurrent ones COMMIT_ATTEMPTS times keeps its
# staged rows, so a retry publishes them.
@task(outlets=list(ASSETS.values()), retries=2, retry_delay=timedelta(seconds=30), retry_exponential_backoff=True)
def publish(verdict: dict) -> dict:
    from pipeline.load.publish import publish_staged
    from pipeline.warehouse.manifest import read_manifest
    from pipeline.warehouse.tables import row_count

    warehouse = _settings().open_warehouse()
    result = publish_staged(warehouse, _run_id())
    events = get_current_context()["outlet_events"]
    manifest = read_manifest(warehouse)
    for table, asset in ASSETS.items():
        events[asset].extra = {"rows": row_count(warehouse, table, manifest), "version": result.version}
    return {"version": result.version, "published": result.published, "rows_written": result.rows_written}


@task
def refresh_catalog(published: dict | None = None) -> str:
    from pipeline.serve.catalog import build_catalog

    settings = _settings()
    path, _ = build_catalog(settings.open_warehouse(), settings.catalog_file)
    return path


@task
def vacuum(catalog: str) -> dict:
    """Delete what no reader can still need; runs after the catalog names only the new files."""
    from pipeline.warehouse.manifest import vacuum as vacuum_warehouse
    from pipeline.warehouse.schemas import MANIFEST_TABLES

    settings = _settings()
    removed = vacuum_warehouse(settings.open_warehouse(), list(MANIFEST_TABLES), settings.retention)
    return {"files": removed.files, "versions": removed.versions, "staging_runs": removed.staging_runs,
            "temporaries": removed.temporaries}


# The watcher pattern of Airflow's best practices. A run's state is that of its leaf tasks,
# and validate runs all_done so that one failed batch does not hold back the others: without
# a watcher the leaves succeed and a run in which a task failed (storage down, a bug) is green.
@task(trigger_rule="one_failed", retries=0)
def watcher() -> None:
    """Fail the run when any of its tasks failed (it runs only then)."""
    from airflow.sdk.exceptions import AirflowFailException

    raise AirflowFailException("a task of this run failed (see its log); what the other tasks did is kept")


def watch(leaf) -> None:
    """Put the watcher downstream of every task of `leaf`'s DAG; call it last."""
    every_task = list(leaf.operator.dag.tasks)
    every_task >> watcher()


@task
def check_validation(verdict: dict, catalog: str) -> None:
    """Fail the run visibly when validation held rows back (they are in `quarantine`)."""
    from airflow.sdk.exceptions import AirflowFailException

    if not verdict["success"]:
        raise AirflowFailException(
            f"validation failed: {verdict['quarantined']} articles quarantined {verdict['batch_failures'] or ''}; "
            f"Data Docs: {verdict['docs_index']}"
        )


@dag(
    dag_id="forum_articles",
    schedule=_timetable(SHAPE.schedule),
    **DAG_DEFAULTS,
    params={"max_pages": Param(None, type=["null", "integer"], minimum=1,
                               description="fetch at most this many article pages (empty: every due page)"),
            "since": Param(None, type=["null", "string"], format="date",
                           description="discover only articles published on or after this day (empty: all)")},
    doc_md=__doc__,
)
def forum_articles():
    @task(**NETWORK_RETRIES)
    def discover() -> list[dict]:
        """The batches of article URLs this run processes: those due for fetching, or for a
        backfill of a past interval the articles archived in it (reprocessed, not fetched) and
        those the sources' sitemaps and feeds date within it that were never fetched."""
        from airflow.sdk.exceptions import AirflowFailException

        from pipeline.acquire.crawl import plan_crawl, url_batches
        from pipeline.warehouse.archive import archived_article_urls

        settings = _settings()
        if window := _backfill_window():
            warehouse = settings.open_warehouse()
            between = [moment.isoformat() for moment in window]
            archived = url_batches(archived_article_urls(warehouse, window), settings.batch_size, prefix="a")
            missing = plan_crawl(settings.crawl_config, warehouse, run_id=_run_id(), published_between=window)
            batches = [{**batch, "archived_between": between} for batch in archived] + missing.batches(settings.batch_size)
        else:
            params = get_current_context()["params"]
            plan = plan_crawl(settings.crawl_config, settings.open_warehouse(), since=_date(params.get("since")),
                              max_pages=params.get("max_pages"), run_id=_run_id())
            batches = plan.batches(settings.batch_size)
        unknown = sorted({batch["source"] for batch in batches} - set(SOURCES))
        if unknown:
            raise AirflowFailException(f"sources {unknown} are not in {SHAPE.config}, the configuration the DAG was parsed "
                                       "with: point FORUM_ETL_CONFIG at the same file as the Variable forum_etl_config"
                                       + (f" ({SOURCES_UNREADABLE})" if SOURCES_UNREADABLE else ""))
        return batches

    # Airflow maps only over a task's whole return value: each source's batches are a task's.
    @task
    def batches_of(batches: list[dict], source: str) -> list[dict]:
        return [batch for batch in batches if batch["source"] == source]

    @task(**NETWORK_RETRIES, max_active_tis_per_dagrun=SHAPE.fetch_parallelism)
    def fetch(batch: dict) -> dict:
        from pipeline.acquire.crawl import fetch_batch

        if "archived_between" in batch:  # a backfill's batch: its pages are in the archive already
            return {**batch, "fetched": 0, "not_modified": 0, "failed": 0, "failures": {}, "causes": {}}
        # Up to fetch_parallelism batches run at once, possibly on different workers.
        settings = _settings()
        summary = fetch_batch(settings.crawl_config.shared_among(SHAPE.fetch_parallelism), settings.open_warehouse(),
                              batch["source"], batch["urls"], _run_id(), batch["part"])
        return {"part": batch["part"], "urls": batch["urls"], "fetched": summary.fetched,
                "not_modified": summary.not_modified, "failed": summary.failed, "failures": summary.failures,
                "causes": summary.causes}

    @task
    def process(fetched: dict) -> dict:
        from pipeline.load.transform import archived_articles, process_to_stage

        warehouse = _settings().open_warehouse()
        between = fetched.get("archived_between")
        articles = archived_articles(warehouse, urls=fetched["urls"],
                                     fetched_between=tuple(map(datetime.fromisoformat, between)) if between else None)
        return process_to_stage(warehouse, _run_id(), fetched["part"], articles)

    # all_done: judged on the batches that ran, even when one failed outright.
    @task(trigger_rule="all_done")
    def check_crawl(fetched_per_source: list) -> None:
        """Fail the run when more than failure_threshold of the article URLs it tried failed, or
        all did (the CLI's rule, CrawlSummary.failure); what was fetched is published all the same."""
        from airflow.sdk.exceptions import AirflowFailException

        from pipeline.acquire.crawl import CrawlSummary

        summary = CrawlSummary(_run_id())
        for batches in fetched_per_source:
            for batch in batches:
                summary.add(CrawlSummary(summary.run_id, fetched=batch["fetched"], not_modified=batch["not_modified"],
                                         failed=batch["failed"], failures=batch["failures"], causes=batch["causes"]))
        if failure := summary.failure(_settings().failure_threshold):
            raise AirflowFailException(f"the crawl failed: {failure} (see fetch_errors)")

    planned = discover()
    verdict = validate()
    fetched_per_source = []
    for source in SOURCES:
        task_suffix = pool_name(source).removeprefix("forum_etl_fetch_")
        own_batches = batches_of.override(task_id=f"batches_{task_suffix}")(planned, source)
        fetched = fetch.override(task_id=f"fetch_{task_suffix}", pool=pool_name(source)).expand(batch=own_batches)
        process.override(task_id=f"process_{task_suffix}").expand(fetched=fetched) >> verdict
        fetched_per_source.append(fetched)
    check_crawl(fetched_per_source)
    catalog = refresh_catalog(publish(verdict))
    vacuum(catalog)
    watch(check_validation(verdict, catalog))


@dag(dag_id="forum_reports", schedule=[ASSETS["speeches"]], **DAG_DEFAULTS, doc_md="""
Runs whenever `forum_articles` or `forum_reprocess` published new speeches: rebuilds the DuckDB
catalog if it is stale and writes the HTML report to `report_dir` (default: `report/` inside a
local warehouse). Settings as in `forum_articles`' documentation.
""")
def forum_reports():
    @task
    def report() -> str:
        """The HTML report; its catalog is rebuilt first when stale (build_report → open_catalog)."""
        from pipeline.serve.report import build_report

        settings = _settings()
        return str(build_report(settings.open_warehouse(), settings.report_dir, settings.catalog_file,
                                settings.data_docs_dir))

    report()


@dag(
    dag_id="forum_reprocess",
    schedule=None,
    **DAG_DEFAULTS,
    params={"since": Param(None, type=["null", "string"], format="date", description="first publish day to re-extract"),
            "until": Param(None, type=["null", "string"], format="date", description="last publish day to re-extract")},
    doc_md="""
Manual: re-extracts the archived raw pages published between `since` and `until` (both
optional, inclusive) with the current extractors, then validates, publishes, refreshes the
catalog and vacuums as `forum_articles` does. Nothing is fetched: use it after an extractor
fix. Settings as in `forum_articles`' documentation.
""",
)
def forum_reprocess():
    @task
    def reextract() -> dict:
        """Staged as `forum-etl publish` stages: in batches, by `workers` processes."""
        from pipeline.load.transform import stage_archive

        settings = _settings()
        params = get_current_context()["params"]
        staged = stage_archive(settings.open_warehouse(), _run_id(), since=_date(params.get("since")),
                               until=_date(params.get("until")), workers=settings.workers)
        return staged.counts()

    verdict = validate()
    reextract() >> verdict
    catalog = refresh_catalog(publish(verdict))
    vacuum(catalog)
    watch(check_validation(verdict, catalog))


forum_articles()
forum_reports()
forum_reprocess()
