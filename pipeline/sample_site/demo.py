"""`make demo` (until the Airflow DAGs run it): serve the sample site on 127.0.0.1:8765,
crawl it into ./warehouse, publish the validated tables, and write the report."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline import cli
from pipeline.sample_site.server import serve

CONFIG = Path(__file__).resolve().parents[2] / "examples" / "sample-site.toml"


def main() -> int:
    with serve(port=8765) as site:
        print(f"Sample site at {site.url}/ — crawling it with {CONFIG.name}:", flush=True)
        if status := cli.main(["crawl", "--config", str(CONFIG)]):
            return status
    steps = [["publish", "--warehouse", "warehouse"], ["report", "--warehouse", "warehouse"],
             ["query", "--warehouse", "warehouse",
              "SELECT speaker_name, speaker_org, speeches FROM speeches_per_speaker_per_year ORDER BY speeches DESC LIMIT 8"]]
    for step in steps:
        print(f"\n$ forum-etl {' '.join(step)}", flush=True)
        if status := cli.main(step):
            return status
    print('\nTry: .venv/bin/forum-etl query "SELECT * FROM most_active_orgs"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
