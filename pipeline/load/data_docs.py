"""Data Docs that open with no network, kept in the warehouse.

Great Expectations writes its pages to a local folder, and they load jQuery, Bootstrap,
bootstrap-table, Font Awesome and Vega from CDNs: offline, the index (drawn by those scripts)
is an empty page, and on a worker of an S3 warehouse the folder is lost with the worker. So
validation builds a run's site in a scratch folder, and `store_data_docs` rewrites each page
to load the copies vendored in `data_docs_assets/` (npm packages, pinned, with their licences:
`assets.json`, made by devkit/vendor_docs_assets.py) and GX's own static files, then writes it
through the warehouse storage (local or S3):

  ROOT/run_id=RUN/index.html, expectations/…, validations/TABLE/run_id=RUN/…   one site per publish run
  ROOT/static/…                                                         shared by every run's pages
"""

from __future__ import annotations

import functools
import json
import logging
import posixpath
import re
from importlib import resources
from pathlib import Path

from pipeline.warehouse.storage import Warehouse

log = logging.getLogger(__name__)

ASSETS = resources.files(__package__).joinpath("data_docs_assets")
STATIC = "static"
VENDORED = f"{STATIC}/vendor"
# GX's navbar logo comes from its own bucket; the same image is among its static files.
_GX_IMAGES = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_CSS_EXTERNAL_URL = re.compile(r"""url\(\s*['"]?(?:https?:)?//[^)]*\)""", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def vendored_assets() -> tuple[dict[str, str], frozenset[str]]:
    """(CDN URL → vendored file name, URLs deliberately left out) from assets.json."""
    manifest = json.loads(ASSETS.joinpath("assets.json").read_text(encoding="utf-8"))
    replaced = {url: asset["file"] for asset in manifest["assets"] for url in asset["replaces"]}
    return replaced, frozenset(omitted["url"] for omitted in manifest["omitted"])


def run_folder(run_id: str) -> str:
    """The folder of one run's site, below the Data Docs root."""
    return f"run_id={run_id}"


def _join(*parts: str) -> str:
    return "/".join(part for part in parts if part)


def docs_storage(warehouse: Warehouse, docs_dir: str | None = None) -> tuple[Warehouse, str]:
    """(storage, root folder in it) of the Data Docs: `docs_dir` (a folder or s3:// URI, on the
    warehouse's endpoint) when given, else the warehouse's _data_docs/."""
    from pipeline.warehouse.layout import DOCS

    return (Warehouse.open(docs_dir, warehouse.endpoint), "") if docs_dir else (warehouse, DOCS)


def run_index(storage: Warehouse, root: str, run_id: str) -> str | None:
    """The location of a run's Data Docs index, None when the run has none (not validated, or
    validated before Data Docs were kept per run)."""
    import pyarrow.fs as pafs

    relative = _join(root, run_folder(run_id), "index.html")
    if storage.filesystem.get_file_info(storage.path(relative)).type != pafs.FileType.File:
        return None
    return storage.location(relative)


def offline_page(html: str, page: str, site: Path) -> tuple[str, set[str]]:
    """The page at `page` (its path in the site GX built in `site`) rewritten to be stored one
    folder deeper (in its run's folder) and to load only files of the shared static folder:
    CDN scripts and styles become the vendored copies, GX's static references point one level
    up; anything else from the network is dropped. Returns the page and the static files
    (paths relative to the Data Docs root) it loads."""
    import lxml.html

    replaced, omitted = vendored_assets()
    depth = page.count("/") + 1  # the run's folder, then the page's own folders
    up = "../" * depth
    document = lxml.html.document_fromstring(html)
    used: set[str] = set()
    for element in document.xpath("//script[@src] | //link[@href] | //img[@src]"):
        attribute = "href" if element.tag == "link" else "src"
        url = element.get(attribute)
        target = None
        if _EXTERNAL.match(url):
            bare = url.split("?", 1)[0]
            if bare in replaced:
                target = f"{VENDORED}/{replaced[bare]}"
            elif bare.startswith(_GX_IMAGES) and (site / STATIC / "images" / bare[len(_GX_IMAGES):]).is_file():
                target = f"{STATIC}/images/{bare[len(_GX_IMAGES):]}"
            elif bare not in omitted:
                log.warning("Data Docs: %s loads %s, which is not vendored; left out", page, url)
        else:
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), url.split("?", 1)[0]))
            if f"{STATIC}/" in resolved:  # GX's validation pages climb one folder short to their favicon
                target = STATIC + "/" + resolved.split(f"{STATIC}/", 1)[1]
        if target is None and _EXTERNAL.match(url):
            element.drop_tree()
            continue
        if target is not None:
            element.set(attribute, up + target)
            used.add(target)
        for check in ("integrity", "crossorigin"):  # subresource checks fail on file://
            element.attrib.pop(check, None)
    for style in document.xpath("//style"):
        if style.text:
            style.text = _CSS_EXTERNAL_URL.sub("none", style.text)
    return lxml.html.tostring(document, encoding="unicode", doctype="<!DOCTYPE html>"), used


def store_data_docs(site: Path, storage: Warehouse, root: str, run_id: str) -> str:
    """Store the Data Docs site GX built in `site` for run `run_id` below `root` of `storage`
    (the warehouse's `_data_docs`, or a location of its own); returns the location of the
    run's index page. Shared files are written once: their names carry their versions."""
    run_dir = _join(root, run_folder(run_id))
    used: set[str] = set()
    for path in sorted(site.rglob("*.html")):
        page = path.relative_to(site).as_posix()
        if page.startswith(STATIC + "/"):
            continue
        html, loads = offline_page(path.read_text(encoding="utf-8"), page, site)
        used |= loads
        storage.write_bytes(_join(run_dir, page), html.encode("utf-8"))
    if any(relative.startswith(VENDORED + "/") for relative in used):  # the licences travel with the copies
        used |= {f"{VENDORED}/assets.json"} | {f"{VENDORED}/LICENSES/{licence.name}"
                                                 for licence in ASSETS.joinpath("LICENSES").iterdir()}
    present = {stored.path for stored in storage.stored_files(_join(root, STATIC))}  # one listing, not a lookup per file
    for relative in sorted(used):
        target = _join(root, relative)
        if storage.path(target) in present:
            continue
        if relative.startswith(VENDORED + "/"):
            data = ASSETS.joinpath(*relative.split("/")[2:]).read_bytes()
        else:
            data = (site / relative).read_bytes()
        storage.write_bytes(target, data)
    return storage.location(_join(run_dir, "index.html"))
