"""The package installs like one: the wheel built from this tree, installed into a fresh virtualenv
with the pinned versions, runs extract → crawl → publish → query from a directory outside the
repository, so only what the wheel ships (compiled modules, SQL views, expectation suites) is
importable."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from devkit.crawl_helpers import config_file
from devkit.publish_helpers import sample_articles
from devkit.sample_site import site_file
from pipeline.text.extract import extract

REPO = Path(__file__).resolve().parents[1]
# Read through importlib.resources at run time: the report views and the expectation suites.
SHIPPED_DATA = {path.relative_to(REPO).as_posix()
                for pattern in ("pipeline/serve/sql/*.sql", "pipeline/load/expectations/*.json") for path in REPO.glob(pattern)}
ARTICLE_PAGE = "/zscqb/2022/04/27/gclt-zzyj.html"


def _copy_of_the_sources(target: Path) -> Path:
    """What a build reads, without the editable install's compiled modules and generated C, so
    the wheel compiles its own (and the build leaves nothing in the repository)."""
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(REPO / name, target / name)
    shutil.copytree(REPO / "pipeline", target / "pipeline", ignore=shutil.ignore_patterns("*.so", "*.c", "__pycache__"))
    return target


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    sources = _copy_of_the_sources(tmp_path_factory.mktemp("sources"))
    wheels = tmp_path_factory.mktemp("wheels")
    # Build isolation installs the build requirements named in pyproject.toml (Cython, lxml).
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(wheels), str(sources)],
                   check=True, capture_output=True, text=True)
    [built] = wheels.glob("forum_etl-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The bin/ directory of a fresh virtualenv holding the wheel and its pinned dependencies."""
    environment = tmp_path_factory.mktemp("venv")
    venv.create(environment, with_pip=False)
    # This interpreter's up-to-date pip installs into the new environment: the pip that venv
    # bundles (23.2) mis-resolves lxml's extras. Bytecode is compiled on import, for only what runs.
    subprocess.run([sys.executable, "-m", "pip", "--python", str(environment / "bin" / "python"), "install", "--quiet",
                    "--no-compile", "-c", str(REPO / "constraints.txt"), str(wheel)],
                   check=True, capture_output=True, text=True)
    return environment / "bin"


def _run(bin_dir: Path, *args: str, cwd: Path) -> str:
    """A command of the installed package, run away from the repository and with no settings
    from this environment."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("FORUM_ETL_", "PYTHON"))}
    result = subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=cwd, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stderr}"
    return result.stdout


def test_the_wheel_ships_the_compiled_modules_and_the_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert names >= SHIPPED_DATA
    assert {name.split(".")[0] for name in names if name.endswith(".so")} == {
        "pipeline/text/extract/_lines", "pipeline/text/extract/_transcode"}
    assert not any(name.startswith(("devkit/", "tests/")) for name in names)


def test_the_installed_package_extracts_publishes_and_queries_the_sample_site(installed, sample_site_url, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    location = _run(installed, "python", "-c", "import pipeline; print(pipeline.__file__)", cwd=outside)
    assert Path(location).is_relative_to(installed.parent)

    page = site_file(ARTICLE_PAGE)
    [extracted] = json.loads(_run(installed, "forum-etl", "extract", str(page), cwd=outside))
    assert extracted["title"] == extract(page.read_bytes()).title

    warehouse = str(tmp_path / "warehouse")
    _run(installed, "forum-etl", "crawl", "--config", str(config_file(sample_site_url, tmp_path)), "--warehouse", warehouse,
         cwd=outside)
    _run(installed, "forum-etl", "publish", "--warehouse", warehouse, cwd=outside)
    counts = _run(installed, "forum-etl", "query", "--warehouse", warehouse, "--format", "json",
                  "SELECT (SELECT count(*) FROM speeches) AS speeches, (SELECT count(*) FROM articles_per_month) > 0 AS views,"
                  " (SELECT count(*) FROM validation_results) > 0 AS validated", cwd=outside)
    assert json.loads(counts) == [{"speeches": sum(len(article.speeches) for article in sample_articles()),
                                   "views": True, "validated": True}]
