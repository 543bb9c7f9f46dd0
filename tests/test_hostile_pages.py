"""Hostile pages, generated, through every front: `forum-etl extract`, and the publish path
(raw archive → archived_articles → publish, and `forum-etl publish`).

Each generated page comes with what must become of it: published with its text, or an
error row with one of the extractor's reasons. Never a traceback, never a lost good page.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devkit.hostile_pages import (
    CODEC_NAMES,
    PARAGRAPHS,
    REASONS,
    TITLE,
    Hostile,
    archive,
    binary,
    declared,
    empty,
    huge_attribute,
    mostly,
    nested_html_after,
    nested_html_around,
    nested_json_ld,
    published_urls,
    script_in_title,
    truncated,
)
from devkit.sample_site import load_content, site_file
from pipeline.cli import main
from pipeline.load.publish import publish
from pipeline.load.transform import archived_articles, read_extract_errors
from pipeline.records import PageFailure, page_outcome
from pipeline.text import article_from_page
from pipeline.text.extract.encoding import canonical_codec
from pipeline.warehouse.storage import Warehouse

hostile_pages = st.one_of(
    st.builds(declared, st.sampled_from(CODEC_NAMES), st.booleans(), st.sampled_from(["utf-8", "gbk"])),
    st.builds(nested_json_ld, st.integers(500, 100_000)),
    st.builds(nested_html_after, st.integers(200, 100_000)),
    st.builds(nested_html_around, st.integers(300, 100_000)),
    st.builds(huge_attribute, st.integers(1_000_000, 4_000_000)),
    st.just(script_in_title()),
    st.builds(truncated, st.sampled_from(["utf-8", "gbk"])),
    st.builds(binary, st.integers(0, 2**32), st.integers(1_000, 100_000)),
    st.builds(mostly, st.sampled_from(["\x00", "\ufffd"]), st.sampled_from([0, 20_000])),
    st.builds(empty, st.sampled_from([b"", b" \n\t "])),
)


def article_or_failure(hostile: Hostile):
    """What `forum-etl extract` makes of the page, with its HTTP charset (files have none)."""
    return page_outcome(hostile.raw, article_from_page, hostile.raw, http_charset=hostile.http_charset)


def check_text(hostile: Hostile, title: str, paragraphs: list[str]) -> None:
    if hostile.text == "exact":
        assert paragraphs == PARAGRAPHS and title == TITLE, hostile.kind
    elif hostile.text == "cut":
        assert paragraphs == [*PARAGRAPHS[:-1], PARAGRAPHS[-1][:-1] + "\ufffd"], hostile.kind


GOOD = site_file("/zscqb/2022/04/27/gclt-zzyj.html")


@settings(max_examples=120, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(hostile=hostile_pages)
def test_forum_etl_extract_publishes_good_pages_and_refuses_hostile_ones_with_one_line(hostile, tmp_path, capsys):
    path = tmp_path / "hostile.html"
    path.write_bytes(hostile.raw)
    status = main(["extract", str(GOOD), str(path), "--format", "jsonl"])
    captured = capsys.readouterr()
    records = {record["input"]: record for record in map(json.loads, captured.out.splitlines())}
    assert "Traceback" not in captured.err
    assert str(GOOD) in records  # the good page beside it always comes out
    if hostile.http_charset:  # the CLI reads files without a header: the library takes it
        outcome = article_or_failure(hostile)
        published = not isinstance(outcome, PageFailure)
        assert published or outcome.error_class in hostile.reasons, (hostile.kind, outcome)
    else:
        published = str(path) in records
        if not published:
            [line] = captured.err.splitlines()
            assert line.startswith(f"forum-etl: {path}: ") and line.split(": ")[2] in hostile.reasons, (hostile.kind, line)
    assert status == (0 if published else 1)
    if hostile.published is not None:
        assert published == hostile.published, hostile.kind
    if published and not hostile.http_charset:
        check_text(hostile, records[str(path)]["title"], records[str(path)]["paragraphs"])


def test_every_codec_name_declared_costs_no_run_and_no_text():
    """Every codec name, in a <meta> and in the header, over UTF-8 and GBK bytes."""
    for name in CODEC_NAMES:
        for in_header in (False, True):
            for encoding in ("utf-8", "gbk"):
                hostile = declared(name, in_header, encoding)
                outcome = article_or_failure(hostile)
                if isinstance(outcome, PageFailure):
                    assert hostile.published is None and outcome.error_class in REASONS, (hostile.kind, outcome)
                else:
                    check_text(hostile, outcome.title, outcome.paragraphs)


def test_publish_path_publishes_every_good_page_and_records_every_hostile_one(tmp_path, capsys):
    library, command = Warehouse.open(str(tmp_path / "library")), Warehouse.open(str(tmp_path / "command"))
    hostile = archive(library)
    archive(command)
    refused = {url for url, case in hostile.items() if not case.published}
    processed = list(archived_articles(library))
    failures = {item.url: item.failure for item in processed if item.article is None}
    assert set(failures) == refused
    assert all(failure.error_class in hostile[url].reasons for url, failure in failures.items()), failures
    good = {item.article.canonical_url or item.article.url for item in processed if item.article}
    assert len(good) == len(load_content()) + len(hostile) - len(refused)
    result = publish(library, [item.article for item in processed if item.article])
    assert result.success and result.published == len(good)
    assert published_urls(library) == good

    assert main(["publish", "--warehouse", str(tmp_path / "command")]) == 1  # 1: pages failed
    err = capsys.readouterr().err
    assert "Traceback" not in err and sorted(line.split(": ")[1] for line in err.splitlines()
                                             if line.startswith("forum-etl: http")) == sorted(refused)
    assert published_urls(command) == good
    errors = read_extract_errors(command).to_pylist()
    assert {e["url"]: (e["error_class"], e["raw_sha256"]) for e in errors} == {
        url: (failures[url].error_class, failures[url].raw_sha256) for url in refused}


def test_codec_names_cover_the_hostile_ones():
    for name in ("idna", "punycode", "utf_7", "utf_16", "rot_13", "base64_codec", "unicode_escape"):
        assert name in CODEC_NAMES and canonical_codec(name) is None
