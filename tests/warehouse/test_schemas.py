from __future__ import annotations

import pyarrow as pa

from pipeline.warehouse import schemas


def test_every_column_of_every_table_is_documented():
    tables = [value for value in vars(schemas).values() if isinstance(value, pa.Schema)]
    assert len(tables) == 14
    for schema in tables:
        assert all(field.metadata and field.metadata[b"doc"] for field in schema)
