"""forum-etl command line: a thin front over the library stages."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import __version__
from pipeline.records import Article, PageFailure, article_record, page_outcome
from pipeline.settings import DEFAULT_RETENTION, Settings, SettingsError, parse_hours, resolve_settings
from pipeline.urls import redact

# Each command imports the stages it runs (the crawler, pyarrow, lxml, DuckDB cost ~0.7 s
# of CPU together), so that --help, --version and a mistyped flag answer at once.
if TYPE_CHECKING:
    from pipeline.acquire.crawl import CrawlSummary
    from pipeline.warehouse.storage import Warehouse


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
            print(f"forum-etl: {shown}: {redact(reason)}", file=sys.stderr)
            yield None
            continue
        outcome = page_outcome(raw, article_from_page, raw, url=redact(url), http_charset=charset)
        if isinstance(outcome, PageFailure):
            print(f"forum-etl: {shown}: {outcome}", file=sys.stderr)
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
            print(f"forum-etl: {source}: {getattr(error, 'strerror', None) or error}", file=sys.stderr)
            failed += 1
            continue
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            print(f"forum-etl: {source}: empty file", file=sys.stderr)
            failed += 1
            continue
        path = Path(source).resolve()
        article = Article(url=path.as_uri(), article_id="", canonical_url="", raw_sha256="", encoding="utf-8",
                          title=lines[0].strip(), paragraphs=lines, paragraphs_raw=lines)
        article = page_outcome(text.encode("utf-8"), clean_and_split, article)
        if isinstance(article, PageFailure):
            print(f"forum-etl: {source}: {article}", file=sys.stderr)
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


class _ProgressLine:
    """One status line on stderr, redrawn in place when stderr is a terminal."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, summary: CrawlSummary) -> None:
        now = time.monotonic()
        if self.live and now - self.last > 0.1:
            self.last = now
            print(f"\r{summary.line()}", end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.live:
            print(file=sys.stderr)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from error


def _crawl_command(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.acquire.crawl import crawl

    if settings.crawl_config is None:
        print("forum-etl: crawl needs a configuration: --config FILE or FORUM_ETL_CONFIG", file=sys.stderr)
        return 2
    warehouse = settings.open_warehouse()
    progress = _ProgressLine()
    summary = crawl(settings.crawl_config, warehouse, max_pages=args.max_pages, since=args.since, progress=progress)
    progress.done()
    rate = (summary.fetched + summary.not_modified) / summary.seconds if summary.seconds else 0.0
    print(f"crawl {summary.run_id}: {summary.line()} in {summary.seconds:.1f} s ({rate:.1f} pages/s); "
          f"archive: {warehouse.uri}", file=sys.stderr)
    return 0


def _reprocess_command(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.load.transform import archived_articles

    warehouse = settings.open_warehouse()
    failed = 0
    records = []
    for processed in archived_articles(warehouse, since=args.since, until=args.until):
        if processed.article is None:
            print(f"forum-etl: {processed.url}: {processed.failure}", file=sys.stderr)
            failed += 1
            continue
        record = article_record(processed.article, input=processed.url)
        if args.format == "jsonl":
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            records.append(record)
    if args.format == "table":
        _print_table(records)
    return 1 if failed else 0


def _publish_command(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.load.publish import new_run_id, publish
    from pipeline.load.transform import archived_articles, write_extract_errors
    from pipeline.serve.catalog import build_catalog
    from pipeline.warehouse.manifest import CommitConflict

    warehouse = settings.open_warehouse()
    articles, failed = [], []
    for processed in archived_articles(warehouse, since=args.since, until=args.until):
        if processed.article is None:
            print(f"forum-etl: {processed.url}: {processed.failure}", file=sys.stderr)
            failed.append(processed)
        else:
            articles.append(processed.article)
    run_id = new_run_id(datetime.now(UTC))
    write_extract_errors(warehouse, run_id, "publish", failed)  # kept even if the publish fails
    try:
        result = publish(warehouse, articles, run_id=run_id, docs_dir=settings.data_docs_dir,
                         expectations_dir=settings.expectations_dir)
    except CommitConflict as error:
        print(f"forum-etl: {error}", file=sys.stderr)
        return 1
    catalog, catalog_seconds = build_catalog(warehouse, settings.catalog_file)
    print(f"publish {result.run_id}: {result.published} articles published as version {result.version} "
          f"({', '.join(f'{n} {t}' for t, n in result.rows_written.items())}) in {result.seconds:.1f} s; "
          f"{len(failed)} articles failed extraction (extract_errors)", file=sys.stderr)
    if not result.success:
        print(f"forum-etl: validation failed: {len(result.quarantined)} articles quarantined"
              + (f"; batch failures: {'; '.join(result.batch_failures)}" if result.batch_failures else ""), file=sys.stderr)
        for article_id, expectations in sorted(result.quarantined.items()):
            print(f"  {article_id}: {', '.join(sorted(expectations)) or 'held back with its batch'}", file=sys.stderr)
    print(f"catalog: {catalog} (rebuilt in {catalog_seconds:.2f} s)", file=sys.stderr)
    if result.docs_index:
        print(f"data docs: {result.docs_index}", file=sys.stderr)
    _vacuum(warehouse, settings.retention)  # after the catalog names the new files only
    return 0 if result.success and not failed else 1


def _vacuum(warehouse: Warehouse, retention: timedelta) -> None:
    from pipeline.warehouse.manifest import vacuum
    from pipeline.warehouse.schemas import MANIFEST_TABLES

    removed = vacuum(warehouse, list(MANIFEST_TABLES), retention)
    print(f"vacuum: {removed.files} superseded files, {removed.versions} expired versions, "
          f"{removed.staging_runs} abandoned staging folders, {removed.temporaries} temporary files removed "
          f"(retention {retention.total_seconds() / 3600:g} h)", file=sys.stderr)


def _vacuum_command(args: argparse.Namespace, settings: Settings) -> int:
    _vacuum(settings.open_warehouse(), settings.retention)
    return 0


def _hours(text: str) -> float:
    try:
        return parse_hours(text)
    except ValueError as error:  # argparse shows only an ArgumentTypeError's own message
        raise argparse.ArgumentTypeError(f"{error}: {text}") from error


def _query_command(args: argparse.Namespace, settings: Settings) -> int:
    import duckdb

    from pipeline.serve.catalog import query

    try:
        table = query(settings.open_warehouse(), args.sql, settings.catalog_file)
    except duckdb.Error as error:
        print(f"forum-etl: query failed: {error}", file=sys.stderr)
        return 1
    if args.format == "parquet":
        if not args.out:
            print("forum-etl: --format parquet needs --out FILE", file=sys.stderr)
            return 2
        import pyarrow.parquet as pq

        pq.write_table(table, args.out, compression="zstd")
        return 0
    output = open(args.out, "w", encoding="utf-8", newline="") if args.out else sys.stdout  # noqa: SIM115 (stdout stays open)
    try:
        if args.format == "csv":
            import csv

            writer = csv.writer(output)
            writer.writerow(table.column_names)
            writer.writerows(tuple(row.values()) for row in table.to_pylist())
        elif args.format == "json":
            json.dump(table.to_pylist(), output, ensure_ascii=False, default=str, indent=1)
            output.write("\n")
        else:
            _print_rows(table, output)
    finally:
        if args.out:
            output.close()
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


def _report_command(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.serve.report import build_report

    index = build_report(settings.open_warehouse(), settings.report_dir, settings.catalog_file)
    print(f"report: {index.resolve().as_uri()}", file=sys.stderr)
    return 0


# Flags that are settings (each parser's `dest`), layered over the environment and the
# configuration by resolve_settings.
_SETTING_FLAGS = ("config", "warehouse", "retention_hours", "report_dir")


def _warehouse_command(commands, name: str, help: str, run) -> argparse.ArgumentParser:
    """A command that works on the warehouse: it takes --config and --warehouse, and runs with
    the Settings they (and the environment) resolve to."""
    parser = commands.add_parser(name, help=help)
    parser.add_argument("--config", help="crawl configuration (TOML) naming the warehouse and other locations "
                                         "(default: $FORUM_ETL_CONFIG)")
    parser.add_argument("--warehouse", help="path or s3:// URI (default: $FORUM_ETL_WAREHOUSE, else the "
                                            "configuration's, else ./warehouse)")
    parser.set_defaults(run=run, with_settings=True)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="forum-etl", description=__doc__)
    parser.add_argument("--version", action="version", version=f"forum-etl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    extract_parser = commands.add_parser(
        "extract", help="extract clean text and metadata from article pages (files or URLs)"
    )
    extract_parser.add_argument("inputs", nargs="+", metavar="PATH_OR_URL")
    extract_parser.add_argument("--format", choices=("json", "jsonl", "table"), default="json")
    extract_parser.set_defaults(run=_extract_command)
    split_parser = commands.add_parser(
        "split", help="split plain-text articles (headline first, a paragraph per line) by speaker"
    )
    split_parser.add_argument("inputs", nargs="+", metavar="FILE.txt")
    split_parser.add_argument("--format", choices=("json", "jsonl"), default="json")
    split_parser.set_defaults(run=_split_command)
    crawl_parser = _warehouse_command(commands, "crawl", "crawl the configured sources into the raw archive",
                                      _crawl_command)
    crawl_parser.add_argument("--max-pages", type=int, help="fetch at most this many article pages")
    crawl_parser.add_argument("--since", type=_date, help="skip articles dated before this day (YYYY-MM-DD)")
    reprocess_parser = _warehouse_command(
        commands, "reprocess", "re-extract every archived article from its raw pages (no network)", _reprocess_command
    )
    reprocess_parser.add_argument("--since", type=_date, help="only articles published on or after this day")
    reprocess_parser.add_argument("--until", type=_date, help="only articles published on or before this day")
    reprocess_parser.add_argument("--format", choices=("jsonl", "table"), default="jsonl")
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
    vacuum_parser = _warehouse_command(
        commands, "vacuum", "delete superseded files past the retention window, abandoned staging and temporaries",
        _vacuum_command
    )
    vacuum_parser.add_argument("--retention-hours", **retention)
    query_parser = _warehouse_command(commands, "query", "run SQL on the DuckDB catalog", _query_command)
    query_parser.add_argument("sql")
    query_parser.add_argument("--format", choices=("table", "csv", "json", "parquet"), default="table")
    query_parser.add_argument("--out", help="write to this file instead of standard output")
    report_parser = _warehouse_command(commands, "report", "write the static HTML report", _report_command)
    report_parser.add_argument("--out", dest="report_dir", metavar="DIR",
                               help="directory (default: $FORUM_ETL_REPORT_DIR, else the configuration's "
                                    "report_dir, else WAREHOUSE/report)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not getattr(args, "with_settings", False):
        return args.run(args)
    from pipeline.acquire.config import ConfigError  # a configuration is read: the crawler's own checks

    try:  # the one place the command line's settings are resolved
        settings = resolve_settings({name: getattr(args, name, None) for name in _SETTING_FLAGS})
    except (ConfigError, SettingsError) as error:
        print(f"forum-etl: {error}", file=sys.stderr)
        return 2
    return args.run(args, settings)


if __name__ == "__main__":
    sys.exit(main())
