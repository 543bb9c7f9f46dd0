"""forum-etl: scrape forum articles, clean them, split them by speaker, validate and publish.

The library is a chain of plain stages, each a module: fetch → extract → clean → split →
validate → publish. Nothing here imports Airflow; the DAGs and the CLI are thin fronts over it.
"""

__version__ = "0.1.0"
