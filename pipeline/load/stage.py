"""Staging: a batch of articles becomes rows of every published table, written aside (not yet
visible) until the run is validated and published; and read back, a few batches at a time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.load.rows import rows
from pipeline.records import Article
from pipeline.warehouse.layout import batch_dir_of, staged_batch, staged_file, staged_run
from pipeline.warehouse.schemas import PUBLISHED_TABLES
from pipeline.warehouse.storage import Warehouse
from pipeline.warehouse.tables import write_table


def stage(warehouse: Warehouse, run_id: str, batch: str, articles: Iterable[Article], now: datetime | None = None) -> dict[str, int]:
    """Derive every table's rows from a batch of articles and stage them (not yet visible)."""
    articles = list({article.article_id: article for article in articles}.values())  # one row per article
    tables = rows(articles, now or datetime.now(UTC))
    for name, table in tables.items():
        write_table(warehouse, staged_file(staged_batch(run_id, batch), name), table)
    return {name: table.num_rows for name, table in tables.items()}


def staged_batches(warehouse: Warehouse, run_id: str) -> list[str]:
    """The run's staged batch directories (inside the filesystem), each holding one file per
    published table; a batch counts once its articles file is there."""
    return sorted({batch_dir_of(path) for path in warehouse.files(staged_run(run_id))
                   if path == staged_file(batch_dir_of(path), "articles")})


def read_staged(warehouse: Warehouse, name: str, batch_dirs: list[str], columns: list[str] | None = None) -> pa.Table:
    """One staged table of some batch directories."""
    schema = PUBLISHED_TABLES[name]
    parts = [pq.read_table(staged_file(d, name), filesystem=warehouse.filesystem, schema=schema, columns=columns)
             for d in batch_dirs]
    if parts:
        return pa.concat_tables(parts)
    return schema.empty_table().select(columns) if columns else schema.empty_table()


def staged_article_ids(warehouse: Warehouse, batch_dirs: list[str]) -> set[str]:
    return set(read_staged(warehouse, "articles", batch_dirs, ["article_id"]).column("article_id").to_pylist())


def staged_article_count(warehouse: Warehouse, batch_dir: str) -> int:
    """Articles in one staged batch, from its file's footer (no data read)."""
    return pq.read_metadata(staged_file(batch_dir, "articles"), filesystem=warehouse.filesystem).num_rows
