"""Imported by the process pool's fork server (`pool.PRELOAD`) and by nothing else: the text
chain and staging imported, and the tables they otherwise build on first use (Traditional →
Simplified, jieba's dictionary words, jieba-rs's dictionary) built once there, so every
worker forked from the server starts with them, shared copy-on-write, instead of building
its own: about 1–2 s of CPU and 100 MB of memory per worker."""

import rjieba  # noqa: F401 (its dictionary is loaded on import)

import pipeline.load.transform  # noqa: F401 (what the workers run)
from pipeline.text import names

names.build_tables()
