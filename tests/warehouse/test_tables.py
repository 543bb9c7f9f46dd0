"""A published table's folder opens in the readers analysts point at folders: hive partitions
whose values are the folder names only (pandas, polars, pyarrow.dataset, Spark)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from devkit.publish_helpers import sample_articles
from pipeline.load.publish import publish
from pipeline.warehouse.schemas import MANIFEST_TABLES, PARTITION_COLUMNS, PUBLISHED_TABLES
from pipeline.warehouse.storage import TEMPORARY_MARK, Warehouse
from pipeline.warehouse.tables import read_table, stored_schema

REPO = Path(__file__).resolve().parents[2]
# A publisher killed while it writes a table's file: half the file written, never renamed.
KILLED_WRITE = """
import os, sys
import pyarrow as pa
from pipeline.warehouse import storage

def killed(temporary, target):
    os.truncate(temporary, os.path.getsize(temporary) // 2)
    os._exit(9)

storage.os.replace = killed
storage.Warehouse.open(sys.argv[1]).write_parquet(sys.argv[2], pa.table({"article_id": ["half"] * 1000}))
"""


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Warehouse:
    """A published warehouse, and what a publisher killed mid-write leaves in it."""
    warehouse = Warehouse.open(str(tmp_path_factory.mktemp("tables") / "wh"))
    publish(warehouse, sample_articles(), validate_rows=False)
    partition = next(Path(warehouse.path("articles")).glob("year=*/month=*")).relative_to(warehouse.root)
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITE, warehouse.root, f"{partition.as_posix()}/part-999999-0000.parquet"],
                            cwd=REPO, capture_output=True, text=True, timeout=60)
    assert killed.returncode == 9, killed.stderr
    assert [path for path in Path(warehouse.root).rglob(f"*{TEMPORARY_MARK}*") if path.stat().st_size > 0]
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


# Spark 4 runs on Java 17 or 21 (.ci/run installs a JRE where there is none).
PYSPARK = ("pyspark==4.3.0", "py4j==0.10.9.9")
# One local Spark session reads every table folder (partition discovery on, as by default) and
# leaves each as Arrow IPC, in the session time zone UTC so instants come back as stored. The
# JVM lives for seconds: the quick compiler alone and a serial GC take about a third off its time.
SPARK_READER = """
import sys
from pyspark.sql import SparkSession

warehouse, out, *tables = sys.argv[1:]
spark = (SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false")
         .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
         .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
         .config("spark.sql.session.timeZone", "UTC").config("spark.sql.shuffle.partitions", "1").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
import pyarrow as pa

for table in tables:
    read = spark.read.parquet(f"{warehouse}/{table}").toArrow()
    with pa.OSFile(f"{out}/{table}.arrow", "wb") as sink, pa.ipc.new_file(sink, read.schema) as writer:
        writer.write_table(read)
spark.stop()
"""


@pytest.fixture(scope="module")
def read_by_spark(warehouse, client_install, tmp_path_factory) -> dict[str, pa.Table]:
    """Every table folder of `warehouse` as Spark reads it (one Spark session for all)."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("Spark needs Java 17 or 21 (apt-get install openjdk-17-jre-headless)")
    pyspark = client_install("pyspark-4.3.0", *PYSPARK)
    out = tmp_path_factory.mktemp("spark")
    result = subprocess.run([sys.executable, "-s", "-c", SPARK_READER, warehouse.root, str(out), *MANIFEST_TABLES],
                            env={"PYTHONPATH": str(pyspark), "PATH": os.environ.get("PATH", ""), "SPARK_LOCAL_IP": "127.0.0.1",
                                 **{k: v for k, v in os.environ.items() if k == "JAVA_HOME"}},
                            capture_output=True, text=True, timeout=300)
    causes = [line for line in result.stderr.splitlines() if line.startswith(("Caused by", "pyspark.errors", "py4j.protocol"))]
    assert result.returncode == 0, "\n".join(causes) or result.stderr[-3000:]
    return {name: pa.ipc.open_file(str(out / f"{name}.arrow")).read_all() for name in MANIFEST_TABLES}


def sorted_rows(table: pa.Table) -> list[dict]:
    return sorted(table.to_pylist(), key=repr)


@pytest.mark.parametrize("name", list(MANIFEST_TABLES))
def test_spark_reads_a_table_folder_as_pyarrow_does(warehouse, read_by_spark, name):
    by_pyarrow = ds.dataset(warehouse.path(name), format="parquet", partitioning="hive").to_table()
    # Dictionary encoding is how a column is stored, not its type: Spark hands back the values.
    by_pyarrow = by_pyarrow.cast(pa.schema([field.with_type(field.type.value_type) if pa.types.is_dictionary(field.type) else field
                                           for field in by_pyarrow.schema]))
    by_spark = read_by_spark[name]
    assert [(f.name, f.type) for f in by_spark.schema] == [(f.name, f.type) for f in by_pyarrow.schema]
    assert by_spark.num_rows == read_table(warehouse, name).num_rows > 0
    assert sorted_rows(by_spark) == sorted_rows(by_pyarrow)
