"""`make demo`: the embedded default, end to end.

Serves the sample site on 127.0.0.1:8765, runs the `forum_articles` then `forum_reports`
DAGs with `airflow dags test` (AIRFLOW_HOME under the repo, SQLite metadata DB migrated on
first use), and prints what landed in ./warehouse. Running it again fetches nothing new and
leaves the same tables.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from devkit.sample_site.server import serve

REPO = Path(__file__).resolve().parents[2]
AIRFLOW = Path(sys.executable).with_name("airflow")
WAREHOUSE = REPO / "warehouse"


def _airflow(*args: str, env: dict[str, str], log: Path) -> None:
    with log.open("a", encoding="utf-8") as output:
        completed = subprocess.run([str(AIRFLOW), *args], env=env, stdout=output, stderr=subprocess.STDOUT)
    if completed.returncode:
        raise SystemExit(f"airflow {' '.join(args)} failed (exit {completed.returncode}); see {log}")


def main() -> int:
    home = REPO / "airflow_home"
    home.mkdir(exist_ok=True)
    log = home / "demo.log"
    env = {**os.environ, "AIRFLOW_HOME": str(home), "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
           "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "FORUM_ETL_WAREHOUSE": str(WAREHOUSE),
           "FORUM_ETL_CONFIG": str(REPO / "examples" / "sample-site.toml")}
    started = time.monotonic()
    if not (home / "airflow.db").exists():
        print("Migrating the Airflow metadata DB (SQLite) …", flush=True)
        _airflow("db", "migrate", env=env, log=log)
    with serve(port=8765) as site:
        print(f"Sample site at {site.url}/; running forum_articles then forum_reports (log: {log}) …", flush=True)
        _airflow("dags", "test", "forum_articles", env=env, log=log)
        _airflow("dags", "test", "forum_reports", env=env, log=log)
        requests = len(site.requests)
    print(f"Done in {time.monotonic() - started:.0f} s; the site answered {requests} requests.\n")

    from pipeline import cli
    from pipeline.serve.catalog import catalog_path
    from pipeline.warehouse.manifest import read_manifest
    from pipeline.warehouse.storage import Warehouse

    warehouse = Warehouse.open(str(WAREHOUSE))
    cli.main(["query", "--warehouse", str(WAREHOUSE), """
        SELECT 'articles' AS "table", count(*) AS "rows" FROM articles UNION ALL
        SELECT 'speeches', count(*) FROM speeches UNION ALL SELECT 'paragraphs', count(*) FROM paragraphs UNION ALL
        SELECT 'quotes', count(*) FROM quotes UNION ALL
        SELECT 'speakers', count(*) FROM speakers UNION ALL SELECT 'speech_terms', count(*) FROM speech_terms UNION ALL
        SELECT 'quarantine', count(*) FROM quarantine"""])
    print("\nTop speakers (each speech once, however often republished):")
    cli.main(["query", "--warehouse", str(WAREHOUSE), """
        SELECT speaker_name, speaker_org, speaker_position, count(*) AS speeches
        FROM speeches WHERE speaker_name IS NOT NULL AND canonical_id = speech_id
        GROUP BY ALL ORDER BY speeches DESC, speaker_name LIMIT 8"""])
    print("\nCopies linked to the story they copy (the site serves the seed page again in GBK):")
    cli.main(["query", "--warehouse", str(WAREHOUSE), """
        SELECT item_kind, canonical_id, title, copies, sites FROM copies ORDER BY item_kind, title"""])
    runs_docs = sorted((WAREHOUSE / "_data_docs").glob("run_id=*/index.html"))  # run ids begin with their time
    print(f"""
Parquet tables:  {WAREHOUSE}/{{articles,speeches,quotes,paragraphs,speakers,speech_terms}}/ (version {read_manifest(warehouse)['version']})
DuckDB catalog:  {catalog_path(warehouse)}
Data Docs:       {runs_docs[-1] if runs_docs else 'none yet'} (the latest run's; the report links every run's)
HTML report:     {WAREHOUSE / 'report' / 'index.html'} (with speeches.html, speakers/, quarantine.html)

Try:  .venv/bin/forum-etl query "SELECT * FROM most_active_orgs"
""")
    return 0


if __name__ == "__main__":
    sys.exit(main())
