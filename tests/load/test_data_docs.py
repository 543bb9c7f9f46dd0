"""Data Docs open with no network and live in the warehouse: every script, style and image a
page loads is a file stored beside it (the vendored copies of GX's CDN assets), each run's
site is stored under its run id, on S3 too, and the index still draws its table offline."""

from __future__ import annotations

import hashlib
import json
import os
import re
from importlib import resources

import lxml.html
import pytest

from devkit import browser
from devkit.browser import CHROMIUM
from devkit.publish_helpers import sample_articles
from pipeline.load.data_docs import ASSETS, vendored_assets
from pipeline.load.publish import publish
from pipeline.warehouse.storage import Warehouse

LOADS = "//script[@src] | //link[@href] | //img[@src]"


def test_every_cdn_asset_of_gx_is_vendored_or_deliberately_left_out():
    templates = resources.files("great_expectations").joinpath("render", "view", "templates")
    loaded = set()
    for template in templates.iterdir():
        text = template.read_text(encoding="utf-8")
        loaded |= set(re.findall(r'<(?:script|link)[^>]*(?:src|href)="(https?://[^"]+)"', text))
    replaced, omitted = vendored_assets()
    assert loaded and loaded <= set(replaced) | omitted, loaded - set(replaced) - omitted


def test_vendored_files_are_those_of_the_manifest_with_their_licences():
    manifest = json.loads(ASSETS.joinpath("assets.json").read_text(encoding="utf-8"))
    for asset in manifest["assets"]:
        data = ASSETS.joinpath(asset["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == asset["sha256"], asset["file"]
        if asset["licence_text"].startswith("LICENSES/"):
            assert ASSETS.joinpath(*asset["licence_text"].split("/")).read_text(encoding="utf-8").strip()
        else:  # the notice is in the file itself
            assert asset["package"] == "popper.js"
    assert b"MIT License" in ASSETS.joinpath("popper-1.12.9.min.js").read_bytes()[:300]


@pytest.fixture(scope="module")
def s3_docs(tmp_path_factory):
    """Two publish runs into an S3 warehouse (moto), and a local copy of its _data_docs/."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    saved = {key: os.environ.get(key) for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")}
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
    try:
        import boto3

        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="forum")
        warehouse = Warehouse.open("s3://forum/wh", endpoint)
        first = publish(warehouse, sample_articles()[:3])
        static_after_first = warehouse.files("_data_docs/static", "")
        second = publish(warehouse, sample_articles()[3:5])
        copy = tmp_path_factory.mktemp("docs")
        stored = warehouse.files("_data_docs", "")
        for path in stored:
            target = copy / path.removeprefix("forum/wh/_data_docs/")
            target.parent.mkdir(parents=True, exist_ok=True)
            with warehouse.filesystem.open_input_stream(path) as stream:
                target.write_bytes(stream.read())
        yield (first, second), static_after_first, stored, copy
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_each_runs_docs_are_stored_in_the_s3_warehouse_under_its_run_id(s3_docs):
    (first, second), static_after_first, stored, _ = s3_docs
    for result in (first, second):
        assert result.docs_index == f"s3://forum/wh/_data_docs/run_id={result.run_id}/index.html"
        pages = [path for path in stored if f"/run_id={result.run_id}/" in path]
        # GX's run name is "run_id=" and the run's id (a bare id may parse as a date): it names
        # the folder of every validation page
        assert any(f"/validations/articles/run_id={result.run_id}/" in path for path in pages)
        assert {"index.html", "expectations/articles.html"} <= {path.split(f"run_id={result.run_id}/")[1] for path in pages}
    # the shared files were written by the first run and not again
    assert [path for path in stored if "/_data_docs/static/" in path] == static_after_first
    assert "forum/wh/_data_docs/static/vendor/LICENSES/jquery.txt" in stored


def test_stored_pages_load_only_files_stored_beside_them(s3_docs):
    results, _, _, copy = s3_docs
    pages = sorted(copy.rglob("*.html"))
    assert all(len(list((copy / f"run_id={result.run_id}" / "validations").rglob("*.html"))) >= 1 for result in results)
    for page in pages:
        document = lxml.html.fromstring(page.read_bytes())
        for element in document.xpath(LOADS):
            url = element.get("src") or element.get("href")
            assert not re.match(r"(?:[a-z]+:)?//", url, re.IGNORECASE), (page, url)
            assert (page.parent / url).resolve().is_file(), (page, url)
        for style in document.xpath("//style/text()"):
            assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", style), page


def test_the_index_draws_its_table_offline(s3_docs, tmp_path):
    (first, _), _, _, copy = s3_docs
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs it)")
        pytest.skip("chromium is not installed here")
    index = copy / f"run_id={first.run_id}" / "index.html"
    dom = browser.dump_dom(index, tmp_path)  # every host unresolvable: nothing comes from the network
    # bootstrap-table draws the rows from data in the page: one per validated table, named by the run
    rows = lxml.html.fromstring(dom).xpath("//table[contains(@class, 'ge-index-page-validation-results-table')]//tbody/tr")
    cells = [" ".join(row.text_content().split()) for row in rows]
    assert len(cells) == sum(1 for rows in first.rows_written.values() if rows), cells
    assert all(first.run_id in cell for cell in cells), cells
    assert "fa-check-circle" in dom


def test_a_page_loading_an_unknown_cdn_file_drops_it(tmp_path):
    from pipeline.load.data_docs import offline_page

    html = ('<html><head><script src="https://cdn.example/new.js"></script>'
            '<script src="https://code.jquery.com/jquery-3.7.1.min.js" integrity="sha384-x" crossorigin="anonymous"></script>'
            '<style>a{background:url(\'https://img.example/a.png\') 0 0}</style></head>'
            '<body><img src="./static/images/logo-long.png"></body></html>')
    page, used = offline_page(html, "index.html", tmp_path)
    assert "cdn.example" not in page and "img.example" not in page and "integrity" not in page
    assert '<script src="../static/vendor/jquery-3.7.1.min.js">' in page
    assert '<img src="../static/images/logo-long.png">' in page
    assert used == {"static/vendor/jquery-3.7.1.min.js", "static/images/logo-long.png"}
