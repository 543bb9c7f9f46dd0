"""One Airflow pool per source, so that a source's politeness holds across DAG runs: fetch
tasks of every run (a scheduled one, a manual one, a backfill) take slots of their source's
pool, which has as many slots as one run may fetch batches at once (fetch_parallelism), and
each batch fetches at 1/fetch_parallelism of the source's rate.

Light on purpose (the standard library only): the DAG file reads the source names when
Airflow parses it. The pools themselves are created by the deployment, not by the DAGs
(tasks may not write the metadata database):

    python -m pipeline.pools pools.json && airflow pools import pools.json

with FORUM_ETL_CONFIG and FORUM_ETL_FETCH_PARALLELISM as the DAGs see them.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path


def pool_name(source: str) -> str:
    """The pool of a source's fetch tasks: `forum_etl_fetch_<source>`, in the characters pool
    names and task ids allow."""
    return "forum_etl_fetch_" + re.sub(r"[^A-Za-z0-9_]+", "_", source)


def source_names(config: str | Path) -> list[str]:
    """The sources a crawl configuration file names, in its order (not otherwise validated:
    load_config does that when a task runs). Raises OSError for a file that cannot be read and
    ValueError for one that is no TOML or whose `sources` is no list."""
    with open(config, "rb") as file:
        data = tomllib.load(file)
    sources = data.get("sources", [])
    if not isinstance(sources, list):
        raise ValueError(f"{config}: sources must be a list of tables ([[sources]])")
    return [str(table["name"]) for table in sources if isinstance(table, dict) and "name" in table]


def pool_definitions(config: str | Path, slots: int) -> dict[str, dict]:
    """The pools of `config`'s sources, in the file format of `airflow pools import`."""
    return {pool_name(source): {"slots": slots, "description": f"forum-etl: concurrent fetch batches of {source}",
                                "include_deferred": False}
            for source in source_names(config)}


def main(argv: list[str]) -> int:
    from pipeline.settings import dag_shape

    if len(argv) != 1:
        print("usage: python -m pipeline.pools POOLS_JSON", file=sys.stderr)
        return 2
    settings = dag_shape()
    Path(argv[0]).write_text(json.dumps(pool_definitions(settings.config, settings.fetch_parallelism), indent=2),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
