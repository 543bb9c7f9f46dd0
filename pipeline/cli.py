"""forum-etl command line: a thin front over the library stages.

Exit status: 0 success; 1 the command ran but failed (an input or page that could not be
read, articles held back by validation, a crawl whose failures are over the threshold, a
failed query, a crash); 2 a usage or configuration error. Records and query results go to
stdout; everything on stderr is a log record (-v, -q, --log-format json).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import __version__
from pipeline.logs import LOG_FORMATS, command_logging
from pipeline.progress import Progress
from pipeline.records import Article, PageFailure, article_record, page_outcome
from pipeline.runs import RunSummary, write_run_summary
from pipeline.settings import (
    DEFAULT_RETENTION,
    Settings,
    SettingsError,
    parse_hours,
    parse_share,
    resolve_settings,
)
from pipeline.urls import redact

# Each command imports the stages it runs (the crawler, pyarrow, lxml, DuckDB cost ~0.7 s
# of CPU together), so that --help, --version and a mistyped flag answer at once.
if TYPE_CHECKING:
    from pipeline.acquire.crawl import CrawlSummary
    from pipeline.warehouse.storage import Warehouse

log = logging.getLogger(__name__)


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def _read(source: str) -> tuple[bytes, str, str | None]:
    """(bytes, URL, HTTP charset) of a path or an http(s) URL. A file is held to the same
    size cap as a fetched page, and only that much of it is read."""
    from pipeline.acquire.config import Politeness
    from pipeline.acquire.fetch import FetchError, fetch_page

    if _is_url(source):
        page = fetch_page(source)
        return page.content, page.final_url, page.charset
    path = Path(source)
    cap = Politeness().max_body_bytes
    with path.open("rb") as file:
        raw = file.read(cap + 1)
    if len(raw) > cap:
        raise FetchError(path.resolve().as_uri(), "BodyTooLarge", f"file over the {cap}-byte cap")
    return raw, path.resolve().as_uri(), None


def _records(sources: list[str]) -> Iterator[dict[str, object] | None]:
    """One record per source; None (after a one-line error on stderr) for a failed one.
    Credentials in a URL are used for the request but never printed."""
    from pipeline.acquire.fetch import FetchError
    from pipeline.text import article_from_page

    for source in sources:
        shown = redact(source)
        try:
            raw, url, charset = _read(source)
        except (OSError, FetchError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            log.error("%s: %s", shown, redact(reason), extra={"input": shown, "stage": "read"})
            yield None
            continue
        outcome = page_outcome(raw, article_from_page, raw, url=redact(url), http_charset=charset)
        if isinstance(outcome, PageFailure):
            log.error("%s: %s", shown, outcome, extra={"input": shown, "stage": "extract",
                                                        "error_class": outcome.error_class})
            yield None
            continue
        yield article_record(outcome, input=shown)


def _print_table(records: list[dict[str, object]]) -> None:
    for record in records:
        print(f"{record['input']}")
        for key in ("title", "source", "published_at", "authors", "editor", "photographers", "language"):
            value = record[key]
            text = "、".join(value) if isinstance(value, list) else value
            print(f"  {key:<14}{text or '—'}")
        paragraphs = record["paragraphs"]
        print(f"  {'paragraphs':<14}{len(paragraphs)} ({sum(map(len, paragraphs))} characters)")
        print(f"  {'speeches':<14}{len(record['speeches'])}")


def _extract_command(args: argparse.Namespace) -> int:
    failed = 0
    collected = []
    for record in _records(args.inputs):
        if record is None:
            failed += 1
        elif args.format == "jsonl":
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            collected.append(record)
    if args.format == "json":
        print(json.dumps(collected, ensure_ascii=False, indent=2))
    elif args.format == "table":
        _print_table(collected)
    return 1 if failed else 0


def _split_command(args: argparse.Namespace) -> int:
    """Split plain-text articles (first line the headline, a paragraph per line)."""
    from pipeline.text import clean_and_split

    failed = 0
    records = []
    for source in args.inputs:
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            log.error("%s: %s", source, getattr(error, "strerror", None) or error, extra={"input": source})
            failed += 1
            continue
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            log.error("%s: empty file", source, extra={"input": source})
            failed += 1
            continue
        path = Path(source).resolve()
        article = Article(url=path.as_uri(), article_id="", canonical_url="", raw_sha256="", encoding="utf-8",
                          title=lines[0].strip(), paragraphs=lines, paragraphs_raw=lines)
        article = page_outcome(text.encode("utf-8"), clean_and_split, article)
        if isinstance(article, PageFailure):
            log.error("%s: %s", source, article, extra={"input": source, "error_class": article.error_class})
            failed += 1
            continue
        records.append({"input": source, **{k: v for k, v in article_record(article).items()
                                             if k in ("title", "source", "published_at", "authors", "editor", "speeches")}})
    _emit(records, args.format)
    return 1 if failed else 0


def _emit(records: list[dict[str, object]], output_format: str) -> None:
    if output_format == "jsonl":
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
    else:
        print(json.dumps(records, ensure_ascii=False, indent=2))


def _progress(args: argparse.Namespace, what: str, unit: str) -> Progress:
    """Progress on stderr for a person reading text logs; none under -q, -v (the log lines are
    the progress) or JSON logs (stderr holds log records only)."""
    return Progress(what, unit=unit, enabled=args.log_format == "text" and args.verbosity == 0)


def _crawl_progress(progress: Progress) -> Callable[[CrawlSummary], None]:
    """Discovery counts URLs found (no total yet); fetching counts due URLs tried of all due."""
    return lambda summary: progress.update(summary.tried_due if summary.due else summary.discovered,
                                           summary.due or None, summary.line())


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from error


@contextlib.contextmanager
def _recorded_run(args: argparse.Namespace, command: str, run_id: str, warehouse: Warehouse,
                  arguments: dict[str, object]) -> Iterator[RunSummary]:
    """The summary of one run of `command`, which the block fills in and ends with its exit
    status; it is then written into the warehouse (`runs`) and printed if --summary-json
    asked. A run that raises is recorded as failed with the exception, then the exception
    goes on."""
    summary = RunSummary(run_id, command, {name: str(value) for name, value in arguments.items() if value is not None})
    args.log_fields.fields["run_id"] = run_id
    try:
        yield summary
    except Exception as error:
        summary.end(1, f"{type(error).__name__}: {redact(str(error))}")
        raise
    finally:
        if summary.exit_code is None:  # the block ended without saying how: a bug, recorded as such
            summary.end(1, "the command did not report its outcome")
        _publish_summary(args, warehouse, summary)


def _publish_summary(args: argparse.Namespace, warehouse: Warehouse, summary: RunSummary) -> None:
    try:
        location = write_run_summary(warehouse, summary)
    except OSError as error:  # the run's own outcome matters more than its record
        log.error("run summary not written to the warehouse: %s", error)
    else:
        log.debug("run summary: %s", location, extra={"path": location})
    document = json.dumps(summary.as_json(), ensure_ascii=False)
    if args.summary_json == "-":
        print(document, flush=True)
    elif args.summary_json:
        Path(args.summary_json).write_text(document + "\n", encoding="utf-8")


def _crawl_command(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.acquire.crawl import crawl, new_run_id

    if settings.crawl_config is None:
        log.error("crawl needs a configuration: --config FILE or FORUM_ETL_CONFIG")
        return 2
    warehouse = settings.open_warehouse()
    arguments = {"config": settings.config, "warehouse": warehouse.uri, "max_pages": args.max_pages, "since": args.since,
                 "failure_threshold": settings.failure_threshold}
    with _recorded_run(args, "crawl", new_run_id(), warehouse, arguments) as run:
        progress = _progress(args, "crawl", "page")
        try:
            crawled = crawl(settings.crawl_config, warehouse, max_pages=args.max_pages, since=args.since,
                            progress=_crawl_progress(progress), run_id=run.run_id)
        finally:
            progress.close()
        run.durations.update(crawled.durations)
        run.counts.update(discovered=crawled.discovered, attempted=crawled.attempted, fetched=crawled.fetched,
                          not_modified=crawled.not_modified, skipped=crawled.skipped, failed=crawled.failed)
        run.count_failures(crawled.failures)
        rate = (crawled.fetched + crawled.not_modified) / crawled.seconds if crawled.seconds else 0.0
        log.info("crawl %s: %s in %.1f s (%.1f pages/s); archive: %s", crawled.run_id, crawled.line(), crawled.seconds,
                 rate, warehouse.uri, extra={"stage": "crawl", "counts": run.counts})
        failure = crawled.failure(settings.failure_threshold)
        if failure is not None:
            log.error("crawl failed: %s (fetch_errors has every one)", failure, extra={"failures": crawled.failures})
            run.end(1, failure)
        else:
            run.end(0)
    return run.exit_code


def _reprocess_command(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.load.publish import new_run_id
    from pipeline.load.transform import archived_articles

    warehouse = settings.open_warehouse(existing=True)
    arguments = {"warehouse": warehouse.uri, "since": args.since, "until": args.until, "workers": settings.workers}
    with _recorded_run(args, "reprocess", new_run_id(datetime.now(UTC)), warehouse, arguments) as run:
        records, failed, extracted = [], [], 0  # records kept only for the table, printed at the end
        with run.timed("extract"), contextlib.closing(_progress(args, "reprocess", "article")) as progress:
            for processed in archived_articles(warehouse, since=args.since, until=args.until, progress=progress.update,
                                               workers=settings.workers):
                if processed.article is None:
                    failed.append(processed)
                    continue
                extracted += 1
                record = article_record(processed.article, input=processed.url)
                if args.format == "jsonl":  # streamed: a reprocess of years of archive prints as it goes
                    print(json.dumps(record, ensure_ascii=False), flush=True)
                else:
                    records.append(record)
        if args.format == "table":
            _print_table(records)
        run.counts.update(articles=extracted, failed=len(failed))
        run.count_failures(Counter(processed.failure.error_class for processed in failed))
        log.info("reprocess %s: %d articles extracted, %d failed", run.run_id, extracted, len(failed),
                 extra={"stage": "reprocess"})
        run.end(1 if failed else 0, f"{len(failed)} articles failed extraction" if failed else None)
    return run.exit_code


def _publish_command(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.load.publish import new_run_id, validate_and_publish
    from pipeline.load.transform import stage_archive
    from pipeline.serve.catalog import build_catalog
    from pipeline.warehouse.manifest import CommitConflict

    warehouse = settings.open_warehouse()
    arguments = {"warehouse": warehouse.uri, "since": args.since, "until": args.until,
                 "retention_hours": settings.retention.total_seconds() / 3600, "workers": settings.workers}
    with _recorded_run(args, "publish", new_run_id(datetime.now(UTC)), warehouse, arguments) as run:
        # Staged in batches by the workers, failures written as extract_errors rows as they go
        # (kept even if the publish fails).
        with run.timed("extract"), contextlib.closing(_progress(args, "publish: extract", "article")) as progress:
            staged = stage_archive(warehouse, run.run_id, since=args.since, until=args.until, workers=settings.workers,
                                   progress=progress.update)
        failed = staged.failed
        run.count_failures(Counter(processed.failure.error_class for processed in failed))
        run.counts.update(articles=staged.articles, extract_errors=len(failed))
        try:
            with run.timed("publish"):
                result = validate_and_publish(warehouse, run.run_id, docs_dir=settings.data_docs_dir,
                                              expectations_dir=settings.expectations_dir)
        except CommitConflict as error:
            log.error("%s", error)
            run.end(1, str(error))
            return run.exit_code
        with run.timed("catalog"):
            catalog, catalog_seconds = build_catalog(warehouse, settings.catalog_file)
        run.counts.update(published=result.published, quarantined=len(result.quarantined), version=result.version,
                          **{f"{table}_rows": rows for table, rows in result.rows_written.items()})
        log.info("publish %s: %d articles published as version %d (%s) in %.1f s; %d articles failed extraction "
                 "(extract_errors)", result.run_id, result.published, result.version,
                 ", ".join(f"{n} {t}" for t, n in result.rows_written.items()), result.seconds, len(failed),
                 extra={"stage": "publish", "version": result.version})
        reasons = []
        if failed:
            reasons.append(f"{len(failed)} articles failed extraction")
        if not result.success:
            reasons.append(f"validation held back {len(result.quarantined)} articles"
                           + (f" and the batch ({'; '.join(result.batch_failures)})" if result.batch_failures else ""))
            held = "\n".join(f"  {article_id}: {', '.join(sorted(expectations)) or 'held back with its batch'}"
                             for article_id, expectations in sorted(result.quarantined.items()))
            log.error("validation failed: %d articles quarantined%s%s", len(result.quarantined),
                      f"; batch failures: {'; '.join(result.batch_failures)}" if result.batch_failures else "",
                      "\n" + held if held else "", extra={"stage": "validate", "quarantined": sorted(result.quarantined)})
        log.info("catalog: %s (rebuilt in %.2f s)", catalog, catalog_seconds, extra={"path": catalog})
        if result.docs_index:
            log.info("data docs: %s", result.docs_index, extra={"path": result.docs_index})
        with run.timed("vacuum"):
            _vacuum(warehouse, settings.retention)  # after the catalog names the new files only
        run.end(1 if reasons else 0, "; ".join(reasons) or None)
    return run.exit_code


def _vacuum(warehouse: Warehouse, retention: timedelta) -> None:
    from pipeline.warehouse.manifest import vacuum
    from pipeline.warehouse.schemas import MANIFEST_TABLES

    removed = vacuum(warehouse, list(MANIFEST_TABLES), retention)
    log.info("vacuum: %d superseded files, %d expired versions, %d abandoned staging folders, %d temporary files removed "
             "(retention %g h)", removed.files, removed.versions, removed.staging_runs, removed.temporaries,
             retention.total_seconds() / 3600, extra={"stage": "vacuum"})


def _vacuum_command(args: argparse.Namespace, settings: Settings) -> int:
    _vacuum(settings.open_warehouse(existing=True), settings.retention)
    return 0


def _query_command(args: argparse.Namespace, settings: Settings) -> int:
    import duckdb

    from pipeline.serve.catalog import query

    try:
        table = query(settings.open_warehouse(existing=True), args.sql, settings.catalog_file)
    except duckdb.Error as error:
        log.error("query failed: %s", error)
        return 1
    if args.format == "table":
        if args.out:
            with open(args.out, "w", encoding="utf-8") as output:
                _print_rows(table, output)
        else:
            _print_rows(table, sys.stdout)
        return 0
    if args.format == "parquet" and not args.out:
        log.error("--format parquet needs --out FILE")
        return 2
    from pipeline.serve.output import write_result

    if args.out:
        write_result(table, args.format, args.out)
    else:
        sys.stdout.flush()
        write_result(table, args.format, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    return 0


def _print_rows(table, output) -> None:
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    rows = [[("" if value is None else str(value)) for value in row.values()] for row in table.to_pylist()]
    header = table.column_names
    widths = [min(40, max([width(h)] + [width(r[i]) for r in rows])) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        out = []
        for cell, size in zip(cells, widths):
            while width(cell) > size:
                cell = cell[:-2] + "…"
            out.append(cell + " " * (size - width(cell)))
        return " │ ".join(out).rstrip()

    print(line(header), file=output)
    print("─┼─".join("─" * size for size in widths), file=output)
    for row in rows:
        print(line(row), file=output)
    print(f"({len(rows)} rows)", file=output)


def _catalog_command(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.serve.catalog import build_catalog

    catalog, seconds = build_catalog(settings.open_warehouse(existing=True), settings.catalog_file)
    log.info("catalog: %s (rebuilt in %.2f s)", catalog, seconds, extra={"path": catalog})
    return 0


def _report_command(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.serve.report import build_report

    index = build_report(settings.open_warehouse(existing=True), settings.report_dir, settings.catalog_file,
                         settings.data_docs_dir)
    where = index if index.startswith("s3://") else Path(index).resolve().as_uri()
    log.info("report: %s", where, extra={"path": index})
    return 0


# Flags that are settings (each parser's `dest`), layered over the environment and the
# configuration by resolve_settings.
_SETTING_FLAGS = ("config", "warehouse", "retention_hours", "report_dir", "failure_threshold", "catalog_file", "workers")


def _warehouse_command(commands, name: str, help: str, run) -> argparse.ArgumentParser:
    """A command that works on the warehouse: it takes --config and --warehouse, and runs with
    the Settings they (and the environment) resolve to."""
    parser = commands.add_parser(name, help=help, parents=[_logging_flags()])
    parser.add_argument("--config", help="crawl configuration (TOML) naming the warehouse and other locations "
                                         "(default: $FORUM_ETL_CONFIG)")
    parser.add_argument("--warehouse", help="path or s3:// URI (default: $FORUM_ETL_WAREHOUSE, else the "
                                            "configuration's, else ./warehouse)")
    parser.set_defaults(run=run, with_settings=True)
    return parser


def _logging_flags() -> argparse.ArgumentParser:
    """-v, -q and --log-format, taken before the command or after it (no defaults here, or a
    command's parser would reset what was given before it; `main` fills them in)."""
    flags = argparse.ArgumentParser(add_help=False)
    loudness = flags.add_mutually_exclusive_group()
    loudness.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                          help="say more: -v each failed page and stage counts, -vv every page fetched")
    loudness.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="errors only")
    flags.add_argument("--log-format", choices=LOG_FORMATS, default=argparse.SUPPRESS,
                       help="text (default) or json: one JSON object per line on stderr, for a log shipper")
    return flags


def _summary_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--summary-json", nargs="?", const="-", metavar="FILE",
                        help="print the run's summary (counts, failures by class, durations, versions) as one JSON "
                             "object on stdout after any records, or write it to FILE; it is also written into the "
                             "warehouse (runs)")


def _workers_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=_positive, metavar="N",
                        help="processes extracting, splitting and staging the archive, for the same output as one "
                             "(default: $FORUM_ETL_WORKERS, else one per core)")


def _argument_type(parse: Callable[[str], float]) -> Callable[[str], float]:
    """A settings parser as an argparse type: its ValueError shown with the value (argparse
    shows only an ArgumentTypeError's own message)."""
    def parsed(text: str) -> float:
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(f"{error}: {text}") from error

    return parsed


_share = _argument_type(parse_share)
_hours = _argument_type(parse_hours)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of 1 or more: {text}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="forum-etl", description=__doc__, parents=[_logging_flags()],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"forum-etl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    extract_parser = commands.add_parser(
        "extract", help="extract clean text and metadata from article pages (files or URLs)", parents=[_logging_flags()]
    )
    extract_parser.add_argument("inputs", nargs="+", metavar="PATH_OR_URL")
    extract_parser.add_argument("--format", choices=("json", "jsonl", "table"), default="json")
    extract_parser.set_defaults(run=_extract_command)
    split_parser = commands.add_parser(
        "split", help="split plain-text articles (headline first, a paragraph per line) by speaker", parents=[_logging_flags()]
    )
    split_parser.add_argument("inputs", nargs="+", metavar="FILE.txt")
    split_parser.add_argument("--format", choices=("json", "jsonl"), default="json")
    split_parser.set_defaults(run=_split_command)
    crawl_parser = _warehouse_command(commands, "crawl", "crawl the configured sources into the raw archive",
                                      _crawl_command)
    crawl_parser.add_argument("--max-pages", type=int, help="fetch at most this many article pages")
    crawl_parser.add_argument("--since", type=_date, help="skip articles dated before this day (YYYY-MM-DD)")
    crawl_parser.add_argument("--failure-threshold", type=_share, metavar="SHARE",
                              help="exit 1 when more than this share of the URLs tried failed (0 to 1, or N%%), or all "
                                   "did (default: $FORUM_ETL_FAILURE_THRESHOLD, else 0.5)")
    _summary_flag(crawl_parser)
    reprocess_parser = _warehouse_command(
        commands, "reprocess", "re-extract every archived article from its raw pages (no network)", _reprocess_command
    )
    reprocess_parser.add_argument("--since", type=_date, help="only articles published on or after this day")
    reprocess_parser.add_argument("--until", type=_date, help="only articles published on or before this day")
    reprocess_parser.add_argument("--format", choices=("jsonl", "table"), default="jsonl")
    _workers_flag(reprocess_parser)
    _summary_flag(reprocess_parser)
    publish_parser = _warehouse_command(
        commands, "publish", "extract, validate and publish archived articles as Parquet; rebuild the DuckDB catalog",
        _publish_command
    )
    publish_parser.add_argument("--since", type=_date, help="only articles published on or after this day")
    publish_parser.add_argument("--until", type=_date, help="only articles published on or before this day")
    retention = {"type": _hours, "metavar": "HOURS",
                 "help": "keep superseded files this long for readers of older versions "
                         f"(default: $FORUM_ETL_RETENTION_HOURS, else {DEFAULT_RETENTION.total_seconds() / 3600:g})"}
    publish_parser.add_argument("--retention-hours", **retention)
    _workers_flag(publish_parser)
    _summary_flag(publish_parser)
    vacuum_parser = _warehouse_command(
        commands, "vacuum", "delete superseded files past the retention window, abandoned staging and temporaries",
        _vacuum_command
    )
    vacuum_parser.add_argument("--retention-hours", **retention)
    query_parser = _warehouse_command(commands, "query", "run SQL on the DuckDB catalog", _query_command)
    query_parser.add_argument("sql")
    query_parser.add_argument("--format", choices=("table", "csv", "json", "parquet", "markdown"), default="table",
                              help="table (for a terminal), csv, json (an array of objects), parquet (needs --out) or "
                                   "markdown; in csv, json and markdown times are ISO 8601 in UTC and lists, structs "
                                   "and maps JSON")
    query_parser.add_argument("--out", help="write to this file instead of standard output")
    catalog_parser = _warehouse_command(
        commands, "catalog", "rebuild the DuckDB catalog of the warehouse where it is now (after copying or moving it, "
                             "or for a catalog file of your own)", _catalog_command)
    catalog_parser.add_argument("--out", dest="catalog_file", metavar="FILE",
                                help="catalog file to write (default: $FORUM_ETL_CATALOG, else the configuration's "
                                     "catalog_file, else WAREHOUSE/forum.duckdb)")
    report_parser = _warehouse_command(commands, "report", "write the static HTML report", _report_command)
    report_parser.add_argument("--out", dest="report_dir", metavar="DIR",
                               help="directory (default: $FORUM_ETL_REPORT_DIR, else the configuration's "
                                    "report_dir, else WAREHOUSE/report)")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except BrokenPipeError:
        # The reader stopped reading (`forum-etl query … | head`): it had what it wanted. Standard
        # output goes nowhere from here, or Python's flush at exit would fail on the pipe again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _run(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    args.verbosity = -1 if getattr(args, "quiet", False) else getattr(args, "verbose", 0)
    args.log_format = getattr(args, "log_format", "text")
    with command_logging(args.verbosity, args.log_format) as args.log_fields:  # the one place logging is set up
        args.log_fields.fields["command"] = args.command
        if not getattr(args, "with_settings", False):
            return args.run(args)
        from pipeline.acquire.config import ConfigError  # a configuration is read: the crawler's own checks
        from pipeline.warehouse.manifest import NotAWarehouse

        try:  # the one place the command line's settings are resolved
            settings = resolve_settings({name: getattr(args, name, None) for name in _SETTING_FLAGS})
        except (ConfigError, SettingsError) as error:
            log.error("%s", error)
            return 2
        try:
            return args.run(args, settings)
        except NotAWarehouse as error:  # a mistyped --warehouse must not answer "0 rows"
            log.error("%s", error)
            return 2


if __name__ == "__main__":
    sys.exit(main())
