from __future__ import annotations

import os

import pyarrow as pa

from pipeline.warehouse.storage import Warehouse


def test_atomic_local_writes_and_reads(tmp_path):
    warehouse = Warehouse.open(str(tmp_path / "wh"))
    table = pa.table({"a": [1, 2, 3]})
    warehouse.write_parquet("t/run_id=1/part-00000.parquet", table)
    warehouse.write_parquet("t/run_id=2/part-00000.parquet", table)
    (tmp_path / "wh" / "t" / "run_id=3").mkdir()
    (tmp_path / "wh" / "t" / "run_id=3" / "part-00000.parquet.tmp-abc").write_bytes(b"half a file")
    assert warehouse.read_parquet("t", table.schema).num_rows == 6  # unfinished files are invisible
    assert not [name for name in os.listdir(tmp_path / "wh" / "t" / "run_id=1") if ".tmp-" in name]
    assert warehouse.read_parquet("missing", table.schema).num_rows == 0
    assert warehouse.location("t").startswith(str(tmp_path))


def test_delete(tmp_path):
    warehouse = Warehouse.open(str(tmp_path))
    warehouse.write_parquet("x/a.parquet", pa.table({"a": [1]}))
    warehouse.delete("x")
    assert warehouse.files("x") == []
