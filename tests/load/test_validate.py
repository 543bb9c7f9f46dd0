"""What a person opens is inert: scraped values shown in the Data Docs and the HTML report are
escaped, checked by opening the pages in a real headless Chromium and seeing that no script ran.
And the known article ids, cut to those a batch names, gate rows as the whole set does."""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from devkit import browser
from devkit.browser import CHROMIUM, PAYLOAD, TOO_LONG, ran_script
from devkit.publish_helpers import sample_articles
from pipeline.load.publish import publish
from pipeline.load.validate import DOCS_VALUE_CHARS, PACKAGED_EXPECTATIONS, validate
from pipeline.serve.catalog import build_catalog
from pipeline.serve.report import build_report
from pipeline.warehouse.storage import Warehouse


def dump_dom(page: Path, tmp_path: Path) -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs it)")
        pytest.skip("chromium is not installed here")
    return browser.dump_dom(page, tmp_path)


def test_the_check_sees_a_script_that_ran(tmp_path):
    page = tmp_path / "hostile.html"
    page.write_text(f"<html><head><title>t</title></head><body>{PAYLOAD}</body></html>", encoding="utf-8")
    assert ran_script(dump_dom(page, tmp_path))


@pytest.fixture(scope="module")
def hostile_warehouse(tmp_path_factory):
    """Published sample articles, one of them (the second) too long a title holding the
    payload (so it fails validation and its title lands in the Data Docs), the first with the
    payload in its title, its speakers' names, orgs and positions (published into the report)."""
    first, second, *rest = sample_articles()[:4]
    speeches = [dataclasses.replace(speech, speaker_name="<b>李明</b>", speaker_org=PAYLOAD, speaker_position=PAYLOAD)
                for speech in first.speeches]
    articles = [dataclasses.replace(first, title=PAYLOAD, speeches=speeches),
                dataclasses.replace(second, title=PAYLOAD + TOO_LONG), *rest]
    warehouse = Warehouse.open(str(tmp_path_factory.mktemp("hostile") / "wh"))
    result = publish(warehouse, articles)
    return warehouse, result, second.article_id


def test_data_docs_show_failing_scraped_values_escaped_and_cut(hostile_warehouse, tmp_path):
    _, result, too_long_id = hostile_warehouse
    # the verdict is GX's, unchanged: the article with the long title is held for it, alone
    assert result.quarantined == {too_long_id: {"articles: expect_column_value_lengths_to_be_between(title)"}}
    [page] = (Path(result.docs_index).parent / "validations" / "articles").rglob("*.html")
    dom = dump_dom(page, tmp_path)
    assert not ran_script(dom)
    assert "&lt;script&gt;document.title=" in dom and "&amp;lt;" not in dom  # shown as text, escaped once
    assert "长" * DOCS_VALUE_CHARS not in page.read_text(encoding="utf-8")


def test_report_shows_scraped_titles_and_names_escaped(hostile_warehouse, tmp_path):
    warehouse, _, _ = hostile_warehouse
    build_catalog(warehouse)
    index = Path(build_report(warehouse, tmp_path / "report"))
    dom = dump_dom(index, tmp_path)
    assert not ran_script(dom)
    assert "&lt;b&gt;李明&lt;/b&gt;" in dom and "<b>李明</b>" not in dom
    # the tables drawn by the report's script from embedded JSON, and the speaker's own page
    speaker_page = next(path for path in (index.parent / "speakers").glob("*.html")
                        if "&lt;b&gt;李明&lt;/b&gt;" in path.read_text(encoding="utf-8"))
    for page in (index.parent / "speeches.html", index.parent / "speakers.html", speaker_page):
        dom = dump_dom(page, tmp_path)
        assert not ran_script(dom), page
        assert "&lt;b&gt;李明&lt;/b&gt;" in dom and "<b>李明</b>" not in dom, page


def test_a_run_id_a_date_parser_misreads_still_gets_its_validation_pages(tmp_path):
    """GX parses run names as dates: "…Z-7888" reads as an impossible offset, which broke its
    page titles and left a run's Data Docs without validation pages."""
    warehouse = Warehouse.open(str(tmp_path / "wh"))
    result = publish(warehouse, sample_articles()[:2], run_id="20261202T164252Z-7888")
    assert list((Path(result.docs_index).parent / "validations").rglob("*.html"))


def test_rows_naming_an_unknown_article_fail_and_those_naming_one_published_before_pass(tmp_path):
    """The set a table's article ids are checked against is cut to the ids the table names (its
    size was the whole warehouse's); a cut that kept unknown ids, or only the batch's own
    articles, would pass an orphan row or fail a row of an article published before."""
    published = [f"{number:016x}" for number in range(5000)]
    in_batch, earlier, orphan = "a" * 16, published[1234], "b" * 16
    names = []
    for path in PACKAGED_EXPECTATIONS.iterdir():
        suite = json.loads(path.read_text(encoding="utf-8")) if path.name.endswith(".json") else {"expectations": []}
        rules = [rule for rule in suite["expectations"] if rule["kwargs"].get("value_set") == {"$PARAMETER": "article_ids"}]
        if rules:
            (tmp_path / path.name).write_text(json.dumps({"name": suite["name"], "expectations": rules}), encoding="utf-8")
            names.append(suite["name"])
    table = pa.table({"article_id": [in_batch, earlier, orphan, None, in_batch]})
    validation = validate(dict.fromkeys(names, table), {in_batch, *published}, "r1", datetime.now(UTC),
                          docs_dir=str(tmp_path / "docs"), expectations_dir=tmp_path)
    assert sorted(names) == ["paragraphs", "quotes", "speech_terms", "speeches"]
    assert {name: sorted(validation.failed_rows.get(name, {})) for name in names} == dict.fromkeys(names, [2])
