"""The HTML report on a published sample warehouse, read as files and opened in a real headless
Chromium: charts with axes and a continuous month axis, namesakes told apart by their
organisation, a page per speaker, every speech in the speeches table, links to quarantine and
Data Docs, and nothing loaded from anywhere."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import pytest
from PIL import Image

from devkit import browser
from devkit.browser import CHROMIUM
from devkit.publish_helpers import copies, sample_articles
from pipeline.load.publish import publish
from pipeline.serve.catalog import build_catalog, query
from pipeline.serve.report import build_report, speaker_file, speaker_label
from pipeline.warehouse.storage import Warehouse

BAR_BLUE = (0x2F, 0x6D, 0xB5)
NAMESAKE_ORG = "东海大学法学院"


def require_chromium() -> None:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs it)")
        pytest.skip("chromium is not installed here")


def render(page: Path, tmp_path: Path, height: int = 1800) -> tuple[Image.Image, str]:
    """Screenshot of a local page (every host unresolvable) and Chromium's console log."""
    require_chromium()
    shot = tmp_path / "shot.png"
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND",
         f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
         f"--window-size=1200,{height}", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert shot.exists(), result.stderr[-2000:]
    return Image.open(shot).convert("RGB"), result.stderr


def console_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if "CONSOLE" in line and ("rror" in line or "Uncaught" in line)]


def rows_of(html: str, table_id: str) -> list[list[str]]:
    table = lxml.html.fromstring(html).get_element_by_id(table_id)
    return [[" ".join(cell.text_content().split()) for cell in row.xpath("td")] for row in table.xpath("tbody/tr")]


def embedded(html: str, element_id: str) -> dict:
    return json.loads(lxml.html.fromstring(html).get_element_by_id(element_id).text)


def _namesake(article):
    """The article under another id, its first named speaker a namesake in another organisation,
    with words of their own (so the speech is no copy)."""
    speech = next(s for s in article.speeches if s.speaker_name and s.speaker_org)
    said = ("知识产权保护需要高校与企业共同努力，今天我想谈谈法学教育如何回应新技术带来的问题。",)
    other = dataclasses.replace(speech, speaker_org=NAMESAKE_ORG, paragraphs=said)
    speeches = [other if s is speech else s for s in article.speeches]
    return dataclasses.replace(article, article_id="ffff" + article.article_id[4:], title=article.title + "（另一场）",
                               url=article.url + "?namesake", speeches=speeches), speech.speaker_name


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The sample articles published with validation (one held back: its date is in the
    future), a namesake of one of their speakers, then ten copies of them (539 speeches)."""
    articles = sample_articles()
    future = dataclasses.replace(articles[1], article_id="eeee" + articles[1].article_id[4:],
                                 published_at=datetime(2099, 1, 1, tzinfo=UTC))
    namesake, name = _namesake(next(a for a in articles if any(s.speaker_name and s.speaker_org for s in a.speeches)))
    warehouse = Warehouse.open(str(tmp_path_factory.mktemp("wh") / "wh"))
    validated = publish(warehouse, [*articles, future, namesake])
    publish(warehouse, copies(1, 10), validate_rows=False)
    build_catalog(warehouse)
    out = tmp_path_factory.mktemp("report")
    return warehouse, validated, name, future.article_id, Path(build_report(warehouse, out))


def test_console_errors_are_caught(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>throw new Error('boom')</script></body></html>", encoding="utf-8")
    _, log = render(page, tmp_path)
    assert console_errors(log)  # the checks below are able to fail


def test_no_page_loads_anything_from_anywhere(published):
    *_, index = published
    pages = [index.parent / name for name in ("index.html", "speeches.html", "speakers.html", "quarantine.html")]
    pages += sorted((index.parent / "speakers").glob("*.html"))
    for page in pages:
        document = lxml.html.fromstring(page.read_bytes())
        assert document.xpath("//script[@src] | //link[@href] | //img[@src] | //iframe | //object") == [], page
        styles = " ".join(document.xpath("//style/text()")) + " ".join(document.xpath("//@style"))
        assert "url(" not in styles and "@import" not in styles, page


def test_month_axis_is_continuous_and_shows_empty_months(published):
    *_, index = published
    chart = lxml.html.fromstring(index.read_bytes()).get_element_by_id("chart-months")
    months = chart.xpath(".//g[@class='month']/@data-month")
    # the sample's articles run from April 2021 to April 2024, the held-back one is not published
    assert months[0] == "2021-04" and months[-1] == "2024-04" and len(months) == 37
    empty = chart.xpath(".//g[@data-month='2021-05']")[0]
    assert empty.xpath(".//rect") == []  # nothing published that month, and its slot is there
    assert chart.xpath(".//g[@data-month='2021-04']//rect")
    titles = chart.xpath(".//text[@class='axis-title']/text()")
    assert titles == ["items per month (count)", "publish month (Asia/Shanghai)"]


def test_speaker_chart_has_a_value_axis_and_labels_namesakes_with_their_org(published):
    warehouse, _, name, _, index = published
    html = index.read_text(encoding="utf-8")
    chart = lxml.html.fromstring(html).get_element_by_id("chart-speakers")
    assert chart.xpath(".//text[@class='axis-title']/text()") == ["speeches (count, each story once)"]
    assert chart.xpath(".//text[.='0']")  # ticks from 0
    people = query(warehouse, f"SELECT speaker_id, speaker_org FROM speakers WHERE speaker_name = '{name}'").to_pylist()
    assert len(people) == 2 and NAMESAKE_ORG in {p["speaker_org"] for p in people}  # two people, one name
    speakers_page = (index.parent / "speakers.html").read_text(encoding="utf-8")
    listed = {tuple(row[0]) for row in embedded(speakers_page, "speakers-data")["rows"]}
    for person in people:
        assert (speaker_label(name, person["speaker_org"]), speaker_file(person["speaker_id"])) in listed


def test_every_speaker_has_a_page_with_career_speeches_and_article_links(published):
    warehouse, _, name, _, index = published
    speakers = query(warehouse, "SELECT speaker_id, speaker_name, n_speeches, n_quotes FROM speakers").to_pylist()
    assert {path.name for path in (index.parent / "speakers").glob("*.html")} == {
        Path(speaker_file(s["speaker_id"])).name for s in speakers}
    namesake = query(warehouse, f"SELECT speaker_id FROM speakers WHERE speaker_org = '{NAMESAKE_ORG}'").to_pylist()[0]
    page = (index.parent / speaker_file(namesake["speaker_id"])).read_text(encoding="utf-8")
    assert [row[0] for row in rows_of(page, "career")] == [NAMESAKE_ORG]
    speeches = embedded(page, "speeches-data")
    articles = speeches["lookups"]["articles"]
    assert speeches["rows"] and all(articles[row[4]][1].endswith("?namesake") for row in speeches["rows"])  # said there
    quoted = next(s for s in speakers if s["n_quotes"] and not s["n_speeches"])
    page = (index.parent / speaker_file(quoted["speaker_id"])).read_text(encoding="utf-8")
    quotes = embedded(page, "quotes-data")
    assert len(quotes["rows"]) == quoted["n_quotes"]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row[0]) for row in quotes["rows"])
    assert all(quotes["lookups"]["articles"][row[4]][1].startswith("https://") for row in quotes["rows"])
    assert '<a href="../index.html">Overview</a>' in page


def test_a_speaker_page_draws_its_tables(published, tmp_path):
    warehouse, *_, index = published
    busiest = query(warehouse, "SELECT speaker_id, n_speeches FROM speakers ORDER BY n_speeches DESC LIMIT 1").to_pylist()[0]
    require_chromium()
    dom = browser.dump_dom(index.parent / speaker_file(busiest["speaker_id"]), tmp_path)
    drawn = lxml.html.fromstring(dom).get_element_by_id("speeches")
    assert len(drawn.xpath(".//tbody/tr")) == min(50, busiest["n_speeches"])
    assert drawn.xpath(".//tbody/tr[1]/td[5]/a[starts-with(@href, 'https://')]")


def test_speeches_table_holds_every_speech(published, tmp_path):
    warehouse, *_, index = published
    total = query(warehouse, "SELECT count(*) AS n FROM speeches").to_pylist()[0]["n"]
    assert total > 500
    html = (index.parent / "speeches.html").read_text(encoding="utf-8")
    data = embedded(html, "speeches-data")
    assert len(data["rows"]) == total
    urls = {url for _, url in data["lookups"]["articles"]}
    published_urls = {row["url"] for row in query(warehouse, "SELECT DISTINCT a.url FROM speeches JOIN articles a "
                                                             "USING (article_id)").to_pylist()}
    assert urls == published_urls
    assert sum(row[-1] == "copy" for row in data["rows"]) >= 490  # the ten copies, marked
    require_chromium()
    dom = browser.dump_dom(index.parent / "speeches.html", tmp_path)
    drawn = lxml.html.fromstring(dom).get_element_by_id("speeches")
    assert len(drawn.xpath(".//tbody/tr")) == 50  # one page of rows in the DOM
    assert f"Rows 1-50 of {total}" in drawn.text_content()


def test_quarantine_and_data_docs_are_linked(published):
    _, validated, _, held_id, index = published
    runs = lxml.html.fromstring(index.read_bytes()).get_element_by_id("runs")
    docs = runs.xpath(".//a[.='Data Docs']/@href")
    assert len(docs) == 1  # the copies were published without validation
    assert (index.parent / unquote(docs[0])).resolve() == Path(validated.docs_index).resolve()
    assert runs.xpath(".//a[starts-with(@href, 'quarantine.html#run-')]")
    quarantine = (index.parent / "quarantine.html").read_text(encoding="utf-8")
    held = lxml.html.fromstring(quarantine)
    rows = [row for table in held.xpath("//table") for row in table.xpath("tbody/tr")]
    assert any(held_id in row.text_content() and "published_at" in row.text_content() for row in rows)
    assert (index.parent / unquote(held.xpath("//h2/a[.='Data Docs']/@href")[0])).is_file()


def test_report_renders_its_charts_without_console_errors(published, tmp_path):
    *_, index = published
    image, log = render(index, tmp_path)
    assert console_errors(log) == []
    chart_area = image.crop((0, 0, image.width, 900))
    blue = sum(1 for pixel in chart_area.get_flattened_data() if sum(abs(a - b) for a, b in zip(pixel, BAR_BLUE)) < 30)
    assert blue > 2000  # the speaker bars are drawn
    for page in ("speeches.html", "speakers.html"):
        _, log = render(index.parent / page, tmp_path / page)
        assert console_errors(log) == []


def test_own_words_are_ascii_and_drawn_with_the_default_fonts(published, tmp_path):
    """What this checks, honestly: the report's own words (headings, navigation, column heads,
    axis titles, legends) are ASCII, so any default font draws them, and Chromium on this box
    draws the heading as ink. Chinese data is marked lang="zh" for a CJK font where one is
    installed; on a box without one (as here: `fc-list :lang=zh` is empty) it shows as
    missing-glyph boxes, which this test does not pretend to read: it checks that the names
    stay text (searchable, copyable) beside their ASCII context, not that they are legible."""
    *_, index = published
    for page in [index, *(index.parent / name for name in ("speeches.html", "speakers.html", "quarantine.html"))]:
        document = lxml.html.fromstring(page.read_bytes())
        own = document.xpath("//h1[not(span)]//text() | //h2/text() | //nav//text() | //th//text() | "
                             "//text[@class='axis-title']/text() | //svg/text[not(@lang)]/text() | /html/head/title/text()")
        own = [text for text in own if text.strip()]
        assert own and all(text.isascii() for text in own), (page, [text for text in own if not text.isascii()])
        for data_text in document.xpath("//span[@lang='zh'] | //text[@lang='zh']"):
            assert data_text.text_content().strip()
    if shutil.which("fc-list"):
        cjk = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip()
        if cjk:
            pytest.skip("a CJK font is installed here: this test is about a box with the default fonts only")
    image, _ = render(index, tmp_path, height=400)
    heading = image.crop((0, 40, 600, 110))  # "Forum speeches report"
    ink = sum(1 for pixel in heading.get_flattened_data() if sum(pixel) < 200)
    assert ink > 300


def test_speeches_are_dated_by_the_day_the_page_gives(published):
    """The interview is dated 2021-09-14 (Asia/Shanghai, no time): 2021-09-13 16:00 UTC."""
    *_, index = published
    data = embedded((index.parent / "speeches.html").read_text(encoding="utf-8"), "speeches-data")
    articles = data["lookups"]["articles"]
    days = {row[6] for row in data["rows"] if "地理标志保护如何助力乡村振兴" in articles[row[5]][0]}
    assert days == {"2021-09-14"}
