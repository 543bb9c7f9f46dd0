from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

import pipeline.acquire.crawl
import pipeline.cli
import pipeline.load.transform
import pipeline.text
from devkit.crawl_helpers import config_file
from devkit.sample_site import SITE_DIR
from devkit.sample_site.server import Fault, serve
from pipeline.acquire.config import Politeness
from pipeline.cli import main
from pipeline.load.transform import read_extract_errors
from pipeline.runs import read_run_summaries
from pipeline.warehouse.archive import RawPage, write_raw_pages
from pipeline.warehouse.storage import Warehouse
from pipeline.warehouse.tables import read_table

SEED = SITE_DIR / "zscqb/2022/04/27/gclt-zzyj.html"
FIELDS = {"input", "url", "article_id", "raw_sha256", "title", "source", "published_at", "authors",
          "editor", "language", "paragraphs", "speeches"}


def test_extract_files_as_json(capsys):
    assert main(["extract", str(SEED), "--format", "json"]) == 0
    [record] = json.loads(capsys.readouterr().out)
    assert record.keys() >= FIELDS
    assert record["input"] == str(SEED)
    assert record["published_at"] == "2022-04-27T18:40:00+08:00"
    assert record["editor"] == "晏如" and record["authors"] == ["杨柳", "薛佩雯"]
    assert len(record["paragraphs"]) == 67
    assert [s["speaker_name"] for s in record["speeches"]] == ["申长雨", "贺小荣", "宫鸣", "殷勇"]
    assert set(record["speeches"][0]) == {"index", "speaker_name", "speaker_name_raw", "speaker_position", "speaker_org",
                                          "role", "title", "speaker_label", "paragraphs", "start_offset", "end_offset"}


def test_extract_urls_from_the_local_sample_site_as_jsonl(capsys, sample_site_url):
    urls = [f"{sample_site_url}/zscqb/2022/04/27/gclt-zzyj.html", f"{sample_site_url}/zscqb/2022/04/27/gclt-zzyj_gb.html"]
    assert main(["extract", *urls, "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["input"] for r in records] == urls
    assert records[0]["paragraphs"] == records[1]["paragraphs"]


def test_bad_inputs_give_one_line_errors_and_the_rest_still_runs(capsys, tmp_path, sample_site_url):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.html"
    status = main(["extract", str(missing), str(empty), f"{sample_site_url}/no/such/page.html", str(SEED), "--format", "jsonl"])
    captured = capsys.readouterr()
    assert status == 1
    errors = captured.err.strip().splitlines()
    assert len(errors) == 3
    assert str(missing) in errors[0] and "No such file" in errors[0]
    assert "empty page" in errors[1]
    assert "HTTP 404" in errors[2]
    assert len(captured.out.strip().splitlines()) == 1


def test_table_format(capsys):
    assert main(["extract", str(SEED), "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "2022中国知识产权保护高层论坛撷英" in out and "晏如" in out


def test_console_script_is_installed():
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("forum-etl ")


# What the commands that read or write data import; answering --help or --version needs none.
HEAVY_LIBRARIES = {"pyarrow", "bs4", "httpx", "duckdb", "lxml"}


def test_help_and_version_import_no_heavy_library():
    for flag in ("--help", "--version"):
        result = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipeline.cli", flag], capture_output=True,
                                text=True, cwd=Path(pipeline.cli.__file__).parents[1])
        imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in result.stderr.splitlines()
                    if line.startswith("import time:")}
        assert result.returncode == 0 and "pipeline" in imported
        assert imported.isdisjoint(HEAVY_LIBRARIES), imported & HEAVY_LIBRARIES


SEED_TEXT = SITE_DIR.parents[3].parent / "shared" / "seed" / "000_efff464407f2de7a.txt"


def test_split_plain_text(capsys, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("论坛发言摘编\n\n  国家知识产权局局长 申长雨\n  知识产权保护工作取得历史性成就，各项指标快速提升。\n"
                       "  北京市副市长 殷 勇\n  北京知识产权保护综合实力不断提升，营商环境持续优化。\n", encoding="utf-8")
    assert main(["split", str(article)]) == 0
    [record] = json.loads(capsys.readouterr().out)
    speeches = record["speeches"]
    assert [(s["speaker_name"], s["speaker_name_raw"], s["speaker_org"], s["speaker_position"]) for s in speeches] == [
        ("申长雨", "申长雨", "国家知识产权局", "局长"), ("殷勇", "殷 勇", "北京市", "副市长")]


def test_split_a_missing_file_is_a_one_line_error(capsys, tmp_path):
    assert main(["split", str(tmp_path / "nope.txt")]) == 1
    assert capsys.readouterr().err.count("\n") == 1


def _write_config(tmp_path, base_url: str) -> str:
    host = base_url.split("//", 1)[1]
    config = tmp_path / "crawl.toml"
    config.write_text(f"""
warehouse = "{tmp_path / 'wh'}"
[politeness]
requests_per_second = 0
[[sources]]
name = "sample"
start_urls = ["{base_url}/gclt/index.html"]
allowed_hosts = ["{host}"]
article_patterns = ['/\\d{{4}}/\\d{{2}}/\\d{{2}}/[^/]+\\.html$']
listing_patterns = ['/gclt/index(_\\d+)?\\.html$']
""", encoding="utf-8")
    return str(config)


def test_crawl_then_reprocess(capsys, tmp_path, sample_site_url):
    config = _write_config(tmp_path, sample_site_url)
    assert main(["crawl", "--config", config, "--max-pages", "4"]) == 0
    err = capsys.readouterr().err
    assert "crawl " in err and ("7 fetched" in err or "8 fetched" in err)  # 3 listing pages + 4 articles (+ a page 2)
    assert main(["reprocess", "--warehouse", str(tmp_path / "wh")]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert 1 <= len(records) <= 4 and all(r["title"] for r in records)


def test_crawl_with_a_bad_config_exits_2_with_the_reason(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[sources]]\nname = 'x'\n", encoding="utf-8")
    assert main(["crawl", "--config", str(bad)]) == 2
    assert "give at least one of start_urls" in capsys.readouterr().err


def test_publish_query_and_report(capsys, tmp_path, sample_site_url):
    config = _write_config(tmp_path, sample_site_url)
    assert main(["crawl", "--config", config]) == 0
    warehouse = str(tmp_path / "wh")
    assert main(["publish", "--warehouse", warehouse]) == 0
    err = capsys.readouterr().err
    assert "articles published as version 1" in err and "data docs:" in err and "catalog:" in err
    assert main(["query", "--warehouse", warehouse, "SELECT speaker_name, speeches FROM speeches_per_speaker_per_year "
                 "WHERE speaker_name = '申长雨'", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["speaker_name,speeches", "申长雨,1"]
    assert main(["query", "--warehouse", warehouse, "SELECT count(*) AS n FROM articles", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": 10}]  # the 高层论坛 listing: 10 articles
    out = tmp_path / "result.parquet"
    assert main(["query", "--warehouse", warehouse, "SELECT * FROM speakers", "--format", "parquet", "--out", str(out)]) == 0
    import pyarrow.parquet as pq

    assert pq.read_table(out).num_rows > 0
    assert main(["query", "--warehouse", warehouse, "SELECT nonsense FROM nowhere"]) == 1
    assert "query failed" in capsys.readouterr().err
    assert main(["report", "--warehouse", warehouse, "--out", str(tmp_path / "report")]) == 0
    assert (tmp_path / "report" / "index.html").exists()


def test_publish_with_one_worker_or_two_gives_the_same_tables_row_for_row(capsys, tmp_path, sample_site_url):
    import shutil

    from pipeline.warehouse.schemas import MANIFEST_TABLES

    # The sample site is one batch, so this checks the flag's way down; the pool's batches are
    # compared table for table in tests/load/test_transform.py.
    assert main(["crawl", "--config", _write_config(tmp_path, sample_site_url)]) == 0
    shutil.copytree(tmp_path / "wh", tmp_path / "wh2")
    tables = {}
    for workers, warehouse in (("1", tmp_path / "wh"), ("2", tmp_path / "wh2")):
        assert main(["publish", "--warehouse", str(warehouse), "--workers", workers, "--summary-json"]) == 0
        assert json.loads(capsys.readouterr().out)["arguments"]["workers"] == workers
        published = {name: read_table(Warehouse.open(str(warehouse)), name) for name in MANIFEST_TABLES}
        # Ordered by every column but the time of extraction, which differs between the runs.
        tables[workers] = {name: sorted(map(repr, (dict(row, extracted_at=None) if "extracted_at" in row else row
                                                   for row in table.to_pylist())))
                           for name, table in published.items()}
    assert tables["1"]["articles"] and tables["1"]["speeches"]
    assert tables["1"] == tables["2"]


def test_superseded_files_stay_for_the_retention_window_then_vacuum_removes_them(capsys, tmp_path, sample_site_url):
    config = _write_config(tmp_path, sample_site_url)
    assert main(["crawl", "--config", config, "--max-pages", "3"]) == 0
    warehouse = str(tmp_path / "wh")
    assert main(["publish", "--warehouse", warehouse]) == 0
    first = set(Path(warehouse).rglob("articles/**/*.parquet"))
    assert main(["publish", "--warehouse", warehouse]) == 0  # republished: version 1's files superseded
    assert "vacuum: 0 superseded files" in capsys.readouterr().err
    assert first <= set(Path(warehouse).rglob("articles/**/*.parquet"))
    assert main(["vacuum", "--warehouse", warehouse, "--retention-hours", "0"]) == 0
    assert not first & set(Path(warehouse).rglob("articles/**/*.parquet"))
    removed = int(capsys.readouterr().err.split("vacuum: ")[1].split()[0])
    assert removed > len(first)  # the other tables' superseded files went too
    assert main(["query", "--warehouse", warehouse, "SELECT count(*) AS n FROM articles", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "3"


def _blow_up_on(marker: bytes, error: Exception, extract):
    """`extract`, raising `error` for a page holding `marker` (an error no page should cause)."""

    def extract_or_raise(raw: bytes, **kwargs):
        if marker in raw:
            raise error
        return extract(raw, **kwargs)

    return extract_or_raise


def test_extract_any_page_error_is_one_line_and_the_rest_still_runs(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline.text, "extract_page", _blow_up_on(b"BOOM", RecursionError("too deep"), pipeline.text.extract_page))
    boom = tmp_path / "boom.html"
    boom.write_bytes(b"<html><body><p>BOOM</p></body></html>")
    binary = tmp_path / "binary.bin"
    binary.write_bytes(bytes(range(256)) * 64)
    status = main(["extract", str(boom), str(binary), str(SEED), "--format", "jsonl"])
    captured = capsys.readouterr()
    assert status == 1
    boom_error, binary_error = captured.err.splitlines()
    assert boom_error == f"forum-etl: {boom}: RecursionError: too deep"
    assert binary_error.startswith(f"forum-etl: {binary}: not text: ")
    assert [json.loads(line)["input"] for line in captured.out.splitlines()] == [str(SEED)]


def test_extract_refuses_a_local_file_over_the_fetch_size_cap(capsys, tmp_path):
    huge = tmp_path / "huge.html"
    huge.write_bytes(SEED.read_bytes().ljust(Politeness().max_body_bytes + 1, b" "))
    assert main(["extract", str(huge), str(SEED), "--format", "jsonl"]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"forum-etl: {huge}: BodyTooLarge: file over the {Politeness().max_body_bytes}-byte cap\n"
    assert len(captured.out.splitlines()) == 1


def test_publish_and_reprocess_record_a_failed_page_and_publish_the_rest(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline.load.transform, "extract",
                        _blow_up_on(b"BOOM", UnicodeError("decoding with 'idna' codec failed"), pipeline.load.transform.extract))
    warehouse = Warehouse.open(str(tmp_path / "wh"))
    now = datetime(2024, 1, 1, tzinfo=UTC)
    pages = {"http://h/boom.html": b"<html><body><p>BOOM</p></body></html>", "http://h/seed.html": SEED.read_bytes()}
    write_raw_pages(warehouse, "r", "b0000-00000", [
        RawPage(url, url, "article", url, 1, 200, "text/html", None, None, None, now, "x" * 64, body, "s", "r")
        for url, body in pages.items()])

    # One worker: the patched extractor lives in this process (the pool's own test kills workers).
    assert main(["reprocess", "--warehouse", str(tmp_path / "wh"), "--workers", "1"]) == 1
    captured = capsys.readouterr()
    failure, progress, report = captured.err.splitlines()
    assert progress.startswith("reprocess: 2/2 (100%)")
    assert failure == "forum-etl: http://h/boom.html: UnicodeError: decoding with 'idna' codec failed"
    assert report.endswith(": 1 articles extracted, 1 failed")
    assert [json.loads(line)["input"] for line in captured.out.splitlines()] == ["http://h/seed.html"]

    assert main(["publish", "--warehouse", str(tmp_path / "wh"), "--workers", "1"]) == 1
    assert "forum-etl: http://h/boom.html: UnicodeError" in capsys.readouterr().err
    assert read_table(warehouse, "articles").column("url").to_pylist() == ["http://h/seed.html"]
    assert [(e["url"], e["error_class"]) for e in read_extract_errors(warehouse).to_pylist()] == [
        ("http://h/boom.html", "UnicodeError")]


def test_credentials_in_a_url_are_never_printed(capsys, sample_site_url):
    with_secret = sample_site_url.replace("http://", "http://reader:s3cret@")
    good = with_secret + "/zscqb/2022/04/27/gclt-zzyj.html"
    assert main(["extract", good, with_secret + "/missing.html", "--format", "jsonl"]) == 1
    captured = capsys.readouterr()
    assert "s3cret" not in captured.out + captured.err
    assert "reader:***@" in captured.err and json.loads(captured.out)["title"]


# -- exit statuses, logs and run summaries of crawl, publish and reprocess ---------------------

def _crawl(site_url: str, tmp_path: Path, *flags: str) -> int:
    """`forum-etl crawl` of the sample site served at `site_url`, quick on retries."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    return main(["crawl", "--config", str(config_file(site_url, tmp_path)), "--warehouse", str(tmp_path / "wh"), *flags])


def test_crawl_exits_1_naming_an_unreachable_robots_txt(capsys, tmp_path):
    with serve(faults={"/robots.txt": Fault("status", status=503)}) as site:
        assert _crawl(site.url, tmp_path) == 1
    err = capsys.readouterr().err
    assert ("forum-etl: crawl failed: all 2 URLs it tried failed: 2 RobotsUnreachable (robots.txt unreachable "
            "(HTTP 503: Service Unavailable), so the host is off limits)") in err
    assert "disallows" not in err


def test_crawl_failures_within_the_threshold_exit_0_and_over_it_1(capsys, tmp_path, monkeypatch):
    with serve(faults={"/index.html": Fault("status", status=404)}) as site:
        assert _crawl(site.url, tmp_path / "default", "--max-pages", "2") == 0
        assert "crawl failed" not in capsys.readouterr().err
        assert _crawl(site.url, tmp_path / "flag", "--max-pages", "2", "--failure-threshold", "0") == 1
        assert "1 HTTP 404 (Not Found)" in capsys.readouterr().err
        monkeypatch.setenv("FORUM_ETL_FAILURE_THRESHOLD", "0%")
        assert _crawl(site.url, tmp_path / "environment", "--max-pages", "2") == 1
        assert _crawl(site.url, tmp_path / "flag-wins", "--max-pages", "2", "--failure-threshold", "1") == 0


def test_json_logs_are_one_object_per_line_with_the_runs_fields(capsys, tmp_path):
    with serve(faults={"/index.html": Fault("status", status=404)}) as site:
        assert _crawl(site.url, tmp_path, "--max-pages", "2", "-v", "--log-format", "json") == 0
    lines = capsys.readouterr().err.splitlines()
    records = [json.loads(line) for line in lines]  # every line of stderr parses
    assert records and all({"time", "level", "logger", "message", "command", "run_id"} <= set(r) for r in records)
    assert len({r["run_id"] for r in records}) == 1 and {r["command"] for r in records} == {"crawl"}
    datetime.fromisoformat(records[0]["time"])
    [failure] = [r for r in records if r.get("error_class") == "HTTP 404"]
    assert failure["level"] == "INFO" and failure["logger"] == "pipeline.acquire.crawl"
    assert failure["url"].endswith("/index.html") and failure["stage"] == "fetch"
    assert any(r["logger"] == "pipeline.cli" and r["message"].startswith("crawl ") for r in records)


def test_verbosity_decides_what_the_log_says(capsys, tmp_path):
    with serve(faults={"/index.html": Fault("status", status=404)}) as site:
        said = {}
        for flag in ("-q", None, "-v", "-vv"):
            assert _crawl(site.url, tmp_path / str(flag), "--max-pages", "1", *([flag] if flag else [])) == 0
            said[flag] = capsys.readouterr().err
    assert said["-q"] == ""
    # By default: the progress line, then the run's summary.
    assert "/index.html: HTTP 404" not in said[None] and said[None].splitlines()[1].startswith("crawl ")
    assert "/index.html: HTTP 404: Not Found" in said["-v"] and "/gclt/index.html: 200" not in said["-v"]
    assert "/gclt/index.html: 200" in said["-vv"]


def test_flags_of_logging_go_before_or_after_the_command(capsys, tmp_path):
    assert main(["-q", "split", str(tmp_path / "nope.txt")]) == 1
    assert main(["split", "--log-format", "json", str(tmp_path / "nope.txt")]) == 1
    first, second = capsys.readouterr().err.splitlines()
    assert first.startswith("forum-etl: ") and json.loads(second)["level"] == "ERROR"


def test_crawl_summary_is_printed_and_written_into_the_warehouse(capsys, tmp_path, sample_site_url):
    assert _crawl(sample_site_url, tmp_path, "--max-pages", "2", "--summary-json") == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["command"] == "crawl" and summary["status"] == "success" and summary["exit_code"] == 0
    assert summary["counts"]["attempted"] == summary["counts"]["fetched"] + summary["counts"]["not_modified"] > 0
    assert summary["failures"] == {} and summary["failed_because"] is None
    assert set(summary["durations"]) == {"discover", "fetch"}
    assert {"forum-etl", "python", "protego", "httpx", "pyarrow"} <= set(summary["versions"])
    assert summary["arguments"]["max_pages"] == "2" and summary["arguments"]["failure_threshold"] == "0.5"
    assert datetime.fromisoformat(summary["started_at"]) <= datetime.fromisoformat(summary["ended_at"])
    [row] = read_run_summaries(Warehouse.open(str(tmp_path / "wh"))).to_pylist()
    assert (row["run_id"], row["status"], dict(row["counts"])) == (summary["run_id"], "success", summary["counts"])
    assert main(["query", "--warehouse", str(tmp_path / "wh"), "SELECT command, status FROM runs", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["command,status", "crawl,success"]


def test_a_failed_crawl_summary_names_the_cause(capsys, tmp_path):
    with serve(faults={"/robots.txt": Fault("status", status=503)}) as site:
        assert _crawl(site.url, tmp_path, "--summary-json", str(tmp_path / "summary.json")) == 1
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert (summary["status"], summary["exit_code"], summary["failures"]) == ("failed", 1, {"RobotsUnreachable": 2})
    assert summary["failed_because"].startswith("all 2 URLs it tried failed: 2 RobotsUnreachable")
    assert capsys.readouterr().out == ""  # written to the file, not printed


def test_a_run_that_crashes_is_recorded_as_failed(capsys, tmp_path, monkeypatch, sample_site_url):
    def storage_down(*args, **kwargs):
        raise OSError("the warehouse's disk is full")

    monkeypatch.setattr(pipeline.acquire.crawl, "crawl", storage_down)
    with pytest.raises(OSError):
        _crawl(sample_site_url, tmp_path, "--summary-json")
    summary = json.loads(capsys.readouterr().out)
    assert (summary["status"], summary["failed_because"]) == ("failed", "OSError: the warehouse's disk is full")
    assert read_run_summaries(Warehouse.open(str(tmp_path / "wh"))).column("status").to_pylist() == ["failed"]


def test_publish_and_reprocess_summaries(capsys, tmp_path, sample_site_url, monkeypatch):
    assert _crawl(sample_site_url, tmp_path, "--max-pages", "3") == 0
    warehouse = str(tmp_path / "wh")
    assert main(["publish", "--warehouse", warehouse, "--summary-json"]) == 0
    published = json.loads(capsys.readouterr().out)
    assert published["counts"]["published"] == published["counts"]["articles"] >= 3
    assert published["counts"]["version"] == 1 and published["counts"]["articles_rows"] >= 3
    assert set(published["durations"]) == {"extract", "publish", "catalog", "vacuum"}
    monkeypatch.setattr(pipeline.load.transform, "extract",  # every page fails
                        _blow_up_on(b"<", RecursionError("too deep"), pipeline.load.transform.extract))
    assert main(["reprocess", "--warehouse", warehouse, "--summary-json", "--workers", "1"]) == 1
    reprocessed = json.loads(capsys.readouterr().out.splitlines()[-1])
    articles = published["counts"]["articles"]
    assert reprocessed["counts"] == {"articles": 0, "failed": articles}
    assert reprocessed["failures"] == {"RecursionError": articles}
    assert (reprocessed["status"], reprocessed["failed_because"]) == ("failed", f"{articles} articles failed extraction")
    commands = read_run_summaries(Warehouse.open(warehouse)).column("command").to_pylist()
    assert sorted(commands) == ["crawl", "publish", "reprocess"]


def test_progress_off_a_terminal_is_a_plain_line_and_silent_under_q_or_json_logs(capsys, tmp_path, sample_site_url):
    config = _write_config(tmp_path, sample_site_url)
    warehouse = str(tmp_path / "wh")
    assert main(["crawl", "--config", config, "--max-pages", "4"]) == 0
    assert re.search(r"^crawl: 4/4 \(100%\) · [\d.]+/s · \d+ discovered", capsys.readouterr().err, re.M)
    assert main(["publish", "--warehouse", warehouse]) == 0
    assert re.search(r"^publish: extract: 4/4 \(100%\) · [\d.]+/s$", capsys.readouterr().err, re.M)
    assert main(["reprocess", "--warehouse", warehouse, "--format", "table"]) == 0
    assert re.search(r"^reprocess: 4/4 \(100%\)", capsys.readouterr().err, re.M)
    assert main(["-q", "reprocess", "--warehouse", warehouse]) == 0
    assert capsys.readouterr().err == ""
    assert main(["reprocess", "--warehouse", warehouse, "--log-format", "json"]) == 0
    assert all(json.loads(line) for line in capsys.readouterr().err.splitlines())


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> str:
    from devkit.publish_helpers import sample_articles
    from pipeline.load.publish import publish
    from pipeline.serve.catalog import build_catalog

    warehouse = Warehouse.open(str(tmp_path_factory.mktemp("cli") / "wh"))
    publish(warehouse, sample_articles(), validate_rows=False)
    build_catalog(warehouse)
    return warehouse.root


def test_query_csv_shows_lists_as_json_arrays_and_times_as_iso(capsys, published):
    assert main(["query", "--warehouse", published, "--format", "csv",
                 "SELECT authors, published_at FROM articles WHERE len(authors) > 1 ORDER BY article_id LIMIT 1"]) == 0
    import csv
    import io

    [header, row] = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert header == ["authors", "published_at"]
    assert len(json.loads(row[0])) > 1 and row[1].endswith("Z") and datetime.fromisoformat(row[1]).tzinfo is not None
    assert main(["query", "--warehouse", published, "--format", "markdown", "SELECT count(*) AS n FROM articles"]) == 0
    assert capsys.readouterr().out.splitlines() == ["| n |", "|---|", "| 11 |"]


@pytest.mark.parametrize("output_format", ["csv", "table", "json"])
def test_query_into_a_pipe_closed_early_ends_quietly(published, output_format):
    command = [sys.executable, "-m", "pipeline.cli", "query", "--warehouse", published, "--format", output_format,
               "SELECT * FROM paragraphs, range(20)"]  # far more than a pipe holds
    shown = subprocess.run(["bash", "-o", "pipefail", "-c", " ".join(map(_shell_word, command)) + " | head -1"],
                           capture_output=True, text=True, cwd=Path(__file__).parents[1], timeout=120)
    assert (shown.returncode, shown.stderr) == (0, ""), shown.stderr
    assert len(shown.stdout.splitlines()) == 1


def _shell_word(text: str) -> str:
    import shlex

    return shlex.quote(text)


@pytest.mark.parametrize("command", [["query", "SELECT count(*) FROM articles"], ["report"], ["catalog"], ["vacuum"],
                                     ["reprocess"]])
def test_commands_that_read_refuse_a_path_that_is_no_warehouse(capsys, tmp_path, command):
    typo = tmp_path / "warehuose"
    assert main([command[0], "--warehouse", str(typo), *command[1:]]) == 2
    assert f"{typo}: not a forum-etl warehouse" in capsys.readouterr().err
    assert not typo.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main([command[0], "--warehouse", str(empty), *command[1:]]) == 2
