"""The HTML report, opened in a real headless Chromium: it loads, its charts render, and the
console shows no errors."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from devkit.publish_helpers import sample_articles
from pipeline.load.publish import publish
from pipeline.serve.catalog import build_catalog
from pipeline.serve.report import build_report
from pipeline.warehouse.storage import Warehouse

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BAR_BLUE = (0x2F, 0x6D, 0xB5)


def render(page: str, tmp_path) -> tuple[Image.Image, str]:
    """Screenshot of a local page and Chromium's console log."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs it)")
        pytest.skip("chromium is not installed here")
    shot = tmp_path / "shot.png"
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         "--enable-logging=stderr", "--v=0", "--window-size=1200,1800", f"--screenshot={shot}", page],
        capture_output=True, text=True, timeout=120,
    )
    assert shot.exists(), result.stderr[-2000:]
    return Image.open(shot).convert("RGB"), result.stderr


def console_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if "CONSOLE" in line and ("rror" in line or "Uncaught" in line)]


def test_console_errors_are_caught(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>throw new Error('boom')</script></body></html>", encoding="utf-8")
    _, log = render(page.as_uri(), tmp_path)
    assert console_errors(log)  # the check below is able to fail


def test_report_renders_its_charts_without_console_errors(tmp_path):
    warehouse = Warehouse.open(str(tmp_path / "wh"))
    publish(warehouse, sample_articles())
    build_catalog(warehouse)
    index = Path(build_report(warehouse, tmp_path / "report"))
    html = index.read_text(encoding="utf-8")
    for fetch in ("<script", "<link", "src=", "@import", "url("):  # nothing is loaded from anywhere
        assert fetch not in html
    image, log = render(index.as_uri(), tmp_path)
    assert console_errors(log) == []
    chart_area = image.crop((0, 0, image.width, 900))
    blue = sum(1 for pixel in chart_area.getdata() if sum(abs(a - b) for a, b in zip(pixel, BAR_BLUE)) < 30)
    assert blue > 2000  # the speaker bars are drawn
    assert len(set(chart_area.getdata())) > 20  # and the area is not blank


def test_report_puts_speeches_and_quotes_side_by_side(tmp_path):
    warehouse = Warehouse.open(str(tmp_path / "wh"))
    publish(warehouse, sample_articles())
    build_catalog(warehouse)
    html = Path(build_report(warehouse, tmp_path / "report")).read_text(encoding="utf-8")
    statements = html[html.index('<table id="statements">'):html.index('<table id="quoted">')]
    assert "<td>陈光远</td><td>0</td><td>3</td>" in statements  # quoted three times, no speech
    assert "<td>申长雨</td><td>1</td><td>0</td>" in statements  # the seed and its GBK copy: one speech, counted once
    quoted = html[html.index('<table id="quoted">'):]
    assert "<td>office</td><td>知识产权署发言人</td>" in quoted and "<td>person</td><td>陈光远</td>" in quoted


def test_report_dates_speeches_by_the_day_the_page_gives(tmp_path):
    """The interview is dated 2021-09-14 (Asia/Shanghai, no time): 2021-09-13 16:00 UTC."""
    warehouse = Warehouse.open(str(tmp_path / "wh"))
    publish(warehouse, sample_articles())
    build_catalog(warehouse)
    html = build_report(warehouse, tmp_path / "report").read_text(encoding="utf-8")
    speeches = html[html.index('<table id="speeches">'):]
    interview = [row for row in speeches.split("<tr>") if "地理标志保护如何助力乡村振兴" in row]
    assert interview and all(row.endswith("<td>2021-09-14</td></tr>") for row in interview)
