from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pipeline.cli
import pipeline.load.transform
import pipeline.text
from devkit.sample_site import SITE_DIR
from pipeline.acquire.config import Politeness
from pipeline.cli import main
from pipeline.load.transform import read_extract_errors
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

    assert main(["reprocess", "--warehouse", str(tmp_path / "wh")]) == 1
    captured = capsys.readouterr()
    failure, report = captured.err.splitlines()
    assert failure == "forum-etl: http://h/boom.html: UnicodeError: decoding with 'idna' codec failed"
    assert report.endswith(": 1 articles extracted, 1 failed")
    assert [json.loads(line)["input"] for line in captured.out.splitlines()] == ["http://h/seed.html"]

    assert main(["publish", "--warehouse", str(tmp_path / "wh")]) == 1
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
