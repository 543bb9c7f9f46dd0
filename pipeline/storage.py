"""Where tables live: a warehouse root that is a local directory or an s3:// URI.

All reads and writes go through pyarrow.fs, so the pipeline runs the same on a laptop and
against S3-compatible object storage. Every file is written whole or not at all: locally to a
temporary name then renamed into place; on object storage a PUT is already atomic.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq


@dataclass(frozen=True)
class Warehouse:
    filesystem: pafs.FileSystem
    root: str  # path inside `filesystem`, no trailing slash
    uri: str  # how the user named it

    @classmethod
    def open(cls, uri: str, endpoint_override: str | None = None) -> "Warehouse":
        """A local path (created if missing) or s3://bucket/prefix (endpoint for S3-compatible
        stores from `endpoint_override` or the AWS_ENDPOINT_URL environment variable)."""
        if uri.startswith("s3://"):
            endpoint = endpoint_override or os.environ.get("AWS_ENDPOINT_URL")
            options = {"endpoint_override": endpoint} if endpoint else {}
            if endpoint and endpoint.startswith("http://"):
                options["scheme"] = "http"
            filesystem = pafs.S3FileSystem(**options)
            return cls(filesystem, uri[len("s3://"):].rstrip("/"), uri)
        root = os.path.abspath(uri)
        os.makedirs(root, exist_ok=True)
        return cls(pafs.LocalFileSystem(), root, uri)

    @property
    def is_local(self) -> bool:
        return isinstance(self.filesystem, pafs.LocalFileSystem)

    def path(self, *parts: str) -> str:
        return "/".join([self.root, *parts])

    def location(self, *parts: str) -> str:
        """The URI or absolute path of a file, for readers outside pyarrow (DuckDB, BI tools)."""
        return self.path(*parts) if self.is_local else "s3://" + self.path(*parts)

    def write_parquet(self, relative: str, table: pa.Table, **options) -> None:
        target = self.path(relative)
        self.filesystem.create_dir(target.rsplit("/", 1)[0], recursive=True)
        if not self.is_local:
            pq.write_table(table, target, filesystem=self.filesystem, **options)
            return
        temporary = f"{target}.tmp-{uuid.uuid4().hex}"
        try:
            pq.write_table(table, temporary, filesystem=self.filesystem, **options)
            os.replace(temporary, target)
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)

    def files(self, relative: str, suffix: str = ".parquet") -> list[str]:
        """Paths (inside the filesystem) of the finished files below `relative`, sorted."""
        selector = pafs.FileSelector(self.path(relative), recursive=True, allow_not_found=True)
        return sorted(
            info.path for info in self.filesystem.get_file_info(selector)
            if info.type == pafs.FileType.File and info.path.endswith(suffix) and ".tmp-" not in info.path
        )

    def read_parquet(self, relative: str, schema: pa.Schema) -> pa.Table:
        """Every finished Parquet file below `relative`, as one table (empty when none)."""
        files = self.files(relative)
        if not files:
            return schema.empty_table()
        tables = [pq.read_table(path, filesystem=self.filesystem, schema=schema) for path in files]
        return pa.concat_tables(tables)

    def delete(self, relative: str) -> None:
        target = self.path(relative)
        info = self.filesystem.get_file_info(target)
        if info.type == pafs.FileType.Directory:
            self.filesystem.delete_dir(target)
        elif info.type == pafs.FileType.File:
            self.filesystem.delete_file(target)
