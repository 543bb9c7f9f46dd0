"""forum-etl command line: a thin front over the library stages."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from pipeline import __version__
from pipeline.clean import clean
from pipeline.extract import extract
from pipeline.fetch import FetchError, fetch_page
from pipeline.records import Article, ExtractionError, article_record
from pipeline.split import split


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def _read(source: str) -> tuple[bytes, str, str | None]:
    """(bytes, URL, HTTP charset) of a path or an http(s) URL."""
    if _is_url(source):
        page = fetch_page(source)
        return page.content, page.final_url, page.charset
    path = Path(source)
    return path.read_bytes(), path.resolve().as_uri(), None


def _records(sources: list[str]) -> Iterator[dict[str, object] | None]:
    """One record per source; None (after a one-line error on stderr) for a failed one."""
    for source in sources:
        try:
            raw, url, charset = _read(source)
            article = split(clean(extract(raw, url=url, http_charset=charset)))
        except (OSError, FetchError, ExtractionError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            print(f"forum-etl: {source}: {reason}", file=sys.stderr)
            yield None
            continue
        yield article_record(article, input=source)


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
        article = split(clean(article))
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
