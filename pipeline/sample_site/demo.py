"""`make demo`: serve the sample site on 127.0.0.1 and run the forum-etl CLI over it."""

from __future__ import annotations

import sys

from pipeline import cli
from pipeline.sample_site.server import article_urls, serve


def main() -> int:
    with serve() as base_url:
        urls = article_urls(base_url)
        print(f"Sample site at {base_url}/ — extracting {len(urls)} article pages:\n", flush=True)
        return cli.main(["extract", "--format", "table", *urls])


if __name__ == "__main__":
    sys.exit(main())
