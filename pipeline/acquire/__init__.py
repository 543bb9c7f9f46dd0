"""Acquiring pages: the crawl configuration, a polite and contained fetcher, discovery of
article URLs, and incremental crawls into the raw archive."""
