"""`make demo`: serve the sample site on 127.0.0.1:8765, crawl it with the forum-etl CLI into
./warehouse, then reprocess the archive and show what was found."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline import cli
from pipeline.sample_site.server import serve

CONFIG = Path(__file__).resolve().parents[2] / "examples" / "sample-site.toml"


def main() -> int:
    with serve(port=8765) as site:
        print(f"Sample site at {site.url}/ — crawling it with {CONFIG.name}:\n", flush=True)
        status = cli.main(["crawl", "--config", str(CONFIG)])
        if status:
            return status
    print("\nArticles in the archive (extracted, cleaned and split, no network):\n", flush=True)
    return cli.main(["reprocess", "--warehouse", "warehouse", "--format", "table"])


if __name__ == "__main__":
    sys.exit(main())
