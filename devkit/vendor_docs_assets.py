"""Vendor the scripts and styles Great Expectations' Data Docs load from CDNs, from the npm
registry (`npm pack`, pinned versions), into pipeline/load/data_docs_assets/ with their
licences and a manifest (`assets.json`: package, version, licence, the CDN URLs each file
stands for, sha256). pipeline.load.data_docs points the pages at these files instead.

    python -m devkit.vendor_docs_assets      # needs npm and the registry; rewrites the folder

Run it again after a great-expectations upgrade changes its CDN list (tests/load/
test_data_docs.py fails when a page still loads something from the network).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "pipeline" / "load" / "data_docs_assets"

# (npm package, version, licence, file in the package, vendored name, CDN URLs it replaces)
ASSETS = [
    ("jquery", "3.7.1", "MIT", "dist/jquery.min.js", "jquery-3.7.1.min.js",
     ["https://code.jquery.com/jquery-3.7.1.min.js"]),
    ("popper.js", "1.12.9", "MIT", "dist/umd/popper.min.js", "popper-1.12.9.min.js",
     ["https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js"]),
    ("bootstrap", "4.3.1", "MIT", "dist/js/bootstrap.min.js", "bootstrap-4.3.1.min.js",
     ["https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js"]),
    ("bootstrap", "4.3.1", "MIT", "dist/css/bootstrap.min.css", "bootstrap-4.3.1.min.css",
     ["https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css"]),
    ("bootstrap-table", "1.19.1", "MIT", "dist/bootstrap-table.min.js", "bootstrap-table-1.19.1.min.js",
     ["https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js"]),
    ("bootstrap-table", "1.19.1", "MIT", "dist/bootstrap-table.min.css", "bootstrap-table-1.19.1.min.css",
     ["https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css"]),
    ("bootstrap-table", "1.19.1", "MIT", "dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
     "bootstrap-table-filter-control-1.19.1.min.js",
     ["https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js"]),
    # GX links the 1.19.0 stylesheet (two spellings) beside the 1.19.1 script; 1.19.1's is the same rules.
    ("bootstrap-table", "1.19.1", "MIT", "dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
     "bootstrap-table-filter-control-1.19.1.min.css",
     ["https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
      "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css"]),
    ("bootstrap-datepicker", "1.9.0", "Apache-2.0", "dist/js/bootstrap-datepicker.min.js",
     "bootstrap-datepicker-1.9.0.min.js",
     ["https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js"]),
    ("bootstrap-datepicker", "1.9.0", "Apache-2.0", "dist/css/bootstrap-datepicker.min.css",
     "bootstrap-datepicker-1.9.0.min.css",
     ["https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css"]),
    ("@fortawesome/fontawesome-free", "6.6.0", "CC-BY-4.0 AND OFL-1.1 AND MIT", "css/all.min.css",
     "fontawesome-free-6.6.0.min.css", ["https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css"]),
    # GX asks for the newest vega@5, vega-lite@5 and vega-embed@6; these were the newest when vendored.
    ("vega", "5.33.1", "BSD-3-Clause", "build/vega.min.js", "vega-5.33.1.min.js", ["https://cdn.jsdelivr.net/npm/vega@5"]),
    ("vega-lite", "5.23.0", "BSD-3-Clause", "build/vega-lite.min.js", "vega-lite-5.23.0.min.js",
     ["https://cdn.jsdelivr.net/npm/vega-lite@5"]),
    ("vega-embed", "6.29.0", "BSD-3-Clause", "build/vega-embed.min.js", "vega-embed-6.29.0.min.js",
     ["https://cdn.jsdelivr.net/npm/vega-embed@6"]),
]
# Loaded by GX but left out: the pages work without them.
OMITTED = {
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "a dark colour scheme only (880 kB of CSS)",
}
# popper.js's npm tarball holds no licence file; vega's neither, so LICENSES/vega.txt is kept
# as it is in the repository: the LICENSE of the vega repository.
LICENCE_IN_FILE = {"popper.js": "the MIT notice heads popper-1.12.9.min.js"}
# Font Awesome's regular and solid faces (what GX's icons use), inlined: a browser refuses web
# fonts from file:// in another folder. Brands and the v4 shims are dropped.
FONT_FACES = {("Font Awesome 6 Free", "400"): "fa-regular-400.woff2", ("Font Awesome 6 Free", "900"): "fa-solid-900.woff2"}
_SOURCE_MAP = re.compile(rb"\n?//# sourceMappingURL=\S+\s*$")
_FONT_FACE = re.compile(r"@font-face\{[^}]*\}")


def _unpack(package: str, version: str, scratch: Path) -> Path:
    """The package's files, as npm packs them."""
    name = subprocess.run(["npm", "pack", "--silent", f"{package}@{version}"], cwd=scratch, check=True,
                          capture_output=True, text=True).stdout.strip().splitlines()[-1]
    folder = scratch / name.removesuffix(".tgz")
    with tarfile.open(scratch / name) as archive:
        archive.extractall(folder, filter="data")
    return folder / "package"


def _font_awesome(css: str, package: Path) -> str:
    """all.min.css with the faces GX uses embedded as data: URIs and the other faces removed."""
    kept = []
    for face in _FONT_FACE.findall(css):
        family = re.search(r'font-family:"([^"]+)"', face).group(1)
        weight = re.search(r"font-weight:(\d+)", face)
        font = FONT_FACES.get((family, weight.group(1) if weight else ""))
        if font:
            data = base64.b64encode((package / "webfonts" / font).read_bytes()).decode("ascii")
            kept.append(re.sub(r"src:[^;}]*", f'src:url(data:font/woff2;base64,{data}) format("woff2")', face))
    body = _FONT_FACE.sub("", css)
    return body + "".join(kept)


def vendor(target: Path = TARGET) -> None:
    target.mkdir(parents=True, exist_ok=True)
    (target / "LICENSES").mkdir(exist_ok=True)
    manifest = {"assets": [], "omitted": [{"url": url, "why": why} for url, why in OMITTED.items()]}
    with tempfile.TemporaryDirectory() as scratch:
        unpacked: dict[tuple[str, str], Path] = {}
        for package, version, licence, inner, name, urls in ASSETS:
            if (package, version) not in unpacked:
                unpacked[package, version] = _unpack(package, version, Path(scratch))
            root = unpacked[package, version]
            data = _SOURCE_MAP.sub(b"\n", (root / inner).read_bytes())  # no map files are shipped
            if name.startswith("fontawesome"):
                data = _font_awesome(data.decode("utf-8"), root).encode("utf-8")
            (target / name).write_bytes(data)
            slug = package.rsplit("/", 1)[-1]
            licence_file = next((path for path in sorted(root.glob("LICEN[CS]E*")) if path.is_file()), None)
            if licence_file is not None:
                (target / "LICENSES" / f"{slug}.txt").write_bytes(licence_file.read_bytes())
            kept = (target / "LICENSES" / f"{slug}.txt").is_file()
            manifest["assets"].append({
                "file": name, "package": package, "version": version, "licence": licence,
                "licence_text": f"LICENSES/{slug}.txt" if kept else LICENCE_IN_FILE[package],
                "replaces": urls, "sha256": hashlib.sha256(data).hexdigest(),
            })
    (target / "assets.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    vendor()
