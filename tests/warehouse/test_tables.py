"""A published table's folder opens in the readers analysts point at folders: hive partitions
whose values are the folder names only (pandas, polars, pyarrow.dataset, as Spark reads them)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from devkit.publish_helpers import sample_articles
from pipeline.load.publish import publish
from pipeline.warehouse.schemas import PARTITION_COLUMNS, PUBLISHED_TABLES
from pipeline.warehouse.storage import Warehouse
from pipeline.warehouse.tables import read_table, stored_schema


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Warehouse:
    warehouse = Warehouse.open(str(tmp_path_factory.mktemp("tables") / "wh"))
    publish(warehouse, sample_articles(), validate_rows=False)
    return warehouse


@pytest.mark.parametrize("name", list(PUBLISHED_TABLES))
def test_a_table_folder_opens_in_pandas_polars_and_pyarrow_dataset(warehouse, name):
    import pandas as pd
    import polars as pl

    folder = warehouse.path(name)
    expected = read_table(warehouse, name)
    keys = sorted(zip(*(expected.column(column).to_pylist() for column in (expected.column_names[0], *PARTITION_COLUMNS))))
    frame = pd.read_parquet(folder)
    assert sorted(zip(frame.iloc[:, 0], frame["year"].astype(int), frame["month"].astype(int))) == keys
    polars_frame = pl.read_parquet(folder, hive_partitioning=True)
    assert sorted(polars_frame.select(expected.column_names[0], *PARTITION_COLUMNS).rows()) == keys
    dataset = ds.dataset(folder, format="parquet", partitioning="hive")
    assert sorted(zip(*(dataset.to_table().column(c).to_pylist() for c in (expected.column_names[0], *PARTITION_COLUMNS)))) == keys


def test_files_hold_every_column_but_the_partitions(warehouse):
    for name, schema in PUBLISHED_TABLES.items():
        for fragment in ds.dataset(warehouse.path(name), format="parquet").get_fragments():
            assert fragment.physical_schema.names == stored_schema(schema).names, name


def test_files_written_with_partition_columns_inside_are_still_read(warehouse, tmp_path):
    """Warehouses published before the partitions left the files."""
    import pyarrow.parquet as pq

    old = Warehouse.open(str(tmp_path / "old"))
    table = read_table(warehouse, "articles")
    first = table.slice(0, 1)
    relative = f"articles/year={first['year'][0].as_py()}/month={first['month'][0].as_py():02d}/part-000001-0000.parquet"
    old.filesystem.create_dir(old.path(relative).rsplit("/", 1)[0], recursive=True)
    pq.write_table(first.drop_columns(["published_date"]), old.path(relative))  # nor did they have published_date
    from pipeline.warehouse.tables import read_file

    restored = read_file(old, relative, PUBLISHED_TABLES["articles"])
    assert restored.column_names == PUBLISHED_TABLES["articles"].names
    assert restored.drop_columns(["published_date"]).equals(first.drop_columns(["published_date"]).cast(
        pa.schema([f for f in PUBLISHED_TABLES["articles"] if f.name != "published_date"])))
