"""The pools file the deployment imports with `airflow pools import`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.pools import pool_definitions, pool_name, source_names

REPO = Path(__file__).resolve().parents[1]


def test_one_pool_per_source_with_a_runs_fetch_parallelism_as_slots(tmp_path):
    config = tmp_path / "sources.toml"
    config.write_text('[[sources]]\nname = "cipnews-gclt"\n[[sources]]\nname = "other.site"\n', encoding="utf-8")
    assert source_names(config) == ["cipnews-gclt", "other.site"]
    assert pool_name("other.site") == "forum_etl_fetch_other_site"
    pools = pool_definitions(config, slots=3)
    assert {name: pool["slots"] for name, pool in pools.items()} == {"forum_etl_fetch_cipnews_gclt": 3,
                                                                     "forum_etl_fetch_other_site": 3}


def test_the_module_writes_the_pools_of_the_configured_sources(tmp_path):
    target = tmp_path / "pools.json"
    environment = {"FORUM_ETL_CONFIG": str(REPO / "examples" / "real-site.toml"), "FORUM_ETL_FETCH_PARALLELISM": "4"}
    subprocess.run([sys.executable, "-m", "pipeline.pools", str(target)], env=environment, check=True, cwd=REPO)
    assert json.loads(target.read_text(encoding="utf-8")) == {"forum_etl_fetch_cipnews_gclt": {
        "slots": 4, "description": "forum-etl: concurrent fetch batches of cipnews-gclt", "include_deferred": False}}


def test_a_configuration_without_a_list_of_sources_is_a_value_error(tmp_path):
    config = tmp_path / "flat.toml"
    config.write_text('sources = "cipnews"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="sources must be a list"):
        source_names(config)
    config.write_text("[[sources]\n", encoding="utf-8")
    with pytest.raises(ValueError):  # tomllib.TOMLDecodeError
        source_names(config)
