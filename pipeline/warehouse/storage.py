"""Where tables live: a warehouse root that is a local directory or an s3:// URI.

All reads and writes go through pyarrow.fs, so the pipeline runs the same on a laptop and
against S3-compatible object storage. Every file is written whole or not at all: locally to a
temporary name then renamed into place; on object storage a PUT is already atomic. The one
write that must also not replace anything, a commit, is put-if-absent: a hard link locally, a
conditional PUT (If-None-Match: *) on object storage, which pyarrow cannot send, so boto3 does.
"""

from __future__ import annotations

import mimetypes
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

TEMPORARY_MARK = ".tmp-"
# Where a local warehouse writes its files before renaming them into place: outside the table
# folders, whose readers (pandas, polars, pyarrow.dataset, Spark) would open a half-written file
# there, during the write or, after a killed run, until vacuum clears it.
UNFINISHED = "_unfinished"
S3_SCHEME = "s3://"


def _temporary_name(target: str, folder: str | None = None) -> str:
    """A unique name beside `target` (or in `folder`, on the same filesystem), marked so
    listings skip it and vacuum can clear it."""
    named = target if folder is None else f"{folder}/{target.rsplit('/', 1)[-1]}"
    return f"{named}{TEMPORARY_MARK}{uuid.uuid4().hex}"


@contextmanager
def local_atomic_write(target: str, folder: str | None = None) -> Iterator[str]:
    """A temporary path beside the local file `target` (or in `folder`) for the block to write;
    renamed onto `target` when the block succeeds and removed when it fails, so a reader sees
    the old file or the new one whole, never half of one."""
    temporary = _temporary_name(target, folder)
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _write_synced(path: str, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


@dataclass(frozen=True, slots=True)
class StoredFile:
    path: str  # inside the filesystem
    modified: datetime | None  # None when the store does not say


@dataclass(frozen=True)
class Warehouse:
    filesystem: pafs.FileSystem
    root: str  # path inside `filesystem`, no trailing slash
    uri: str  # how the user named it, credentials removed
    endpoint: str | None = None  # S3-compatible endpoint, when not AWS itself
    # Keys given in the URI itself (else the standard AWS_* settings apply); never printed.
    credentials: tuple[str, str] | None = field(default=None, repr=False)

    @classmethod
    def open(cls, uri: str, endpoint: str | None = None, create: bool = True) -> Warehouse:
        """A local path (created if missing, unless not `create`) or s3://bucket/prefix;
        `endpoint` is the URL of an S3-compatible store (None for AWS itself), resolved by
        pipeline.settings."""
        if uri.startswith(S3_SCHEME):
            options = {"endpoint_override": endpoint} if endpoint else {}
            if endpoint and endpoint.startswith("http://"):
                options["scheme"] = "http"
            location = urlsplit(uri)
            credentials = None
            if location.username or location.password:  # s3://KEY:SECRET@bucket/prefix
                credentials = (unquote(location.username or ""), unquote(location.password or ""))
                options.update(access_key=credentials[0], secret_key=credentials[1])
            bucket_and_prefix = (location.hostname or "") + location.path
            filesystem = pafs.S3FileSystem(**options)
            return cls(filesystem, bucket_and_prefix.rstrip("/"), S3_SCHEME + bucket_and_prefix, endpoint, credentials)
        root = os.path.abspath(uri)
        if create:
            os.makedirs(root, exist_ok=True)
        return cls(pafs.LocalFileSystem(), root, uri)

    @property
    def is_local(self) -> bool:
        return isinstance(self.filesystem, pafs.LocalFileSystem)

    def path(self, *parts: str) -> str:
        return "/".join([self.root, *parts])

    def location(self, *parts: str) -> str:
        """The URI or absolute path of a file, for readers outside pyarrow (DuckDB, BI tools)."""
        return self.location_of(self.path(*parts))

    def location_of(self, path: str) -> str:
        """`location` of a path inside the filesystem (as `files` lists them)."""
        return path if self.is_local else S3_SCHEME + path

    def write_parquet(self, relative: str, table: pa.Table, **options) -> None:
        target = self.path(relative)
        self.filesystem.create_dir(target.rsplit("/", 1)[0], recursive=True)
        if not self.is_local:
            pq.write_table(table, target, filesystem=self.filesystem, **options)
            return
        with local_atomic_write(target, self._unfinished_folder()) as temporary:
            pq.write_table(table, temporary, filesystem=self.filesystem, **options)

    def write_bytes(self, relative: str, data: bytes) -> None:
        """Write (or replace) a small file whole; on object storage with the Content-Type its
        name tells, so that a browser shows it (an HTML page opened from the store's console or
        a shared link)."""
        target = self.path(relative)
        self.filesystem.create_dir(target.rsplit("/", 1)[0], recursive=True)
        if not self.is_local:
            content_type = mimetypes.guess_type(relative)[0]
            with self.filesystem.open_output_stream(target, metadata={"Content-Type": content_type} if content_type else None) as stream:
                stream.write(data)
            return
        with local_atomic_write(target, self._unfinished_folder()) as temporary:
            _write_synced(temporary, data)

    def upload_folder(self, local_dir: str | os.PathLike, relative: str) -> None:
        """Copy every file below a local folder to the same place below `relative`, replacing
        files of the same names (an HTML site built aside: the report, Data Docs)."""
        root = Path(local_dir)
        for path in sorted(root.rglob("*")):
            if path.is_file():
                self.write_bytes(f"{relative}/{path.relative_to(root).as_posix()}", path.read_bytes())

    def create_exclusive(self, relative: str, data: bytes) -> bool:
        """Create a file only if it does not exist yet, atomically: False when another writer
        created it first (so two writers can never both believe they made it)."""
        target = self.path(relative)
        self.filesystem.create_dir(target.rsplit("/", 1)[0], recursive=True)
        if not self.is_local:
            return self._put_if_absent(target, data)
        temporary = _temporary_name(target, self._unfinished_folder())
        try:
            _write_synced(temporary, data)
            os.link(temporary, target)  # fails if the name exists: the put-if-absent of POSIX
            return True
        except FileExistsError:
            return False
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)

    def _unfinished_folder(self) -> str:
        folder = self.path(UNFINISHED)
        os.makedirs(folder, exist_ok=True)
        return folder

    def _put_if_absent(self, target: str, data: bytes) -> bool:
        import boto3
        from botocore.exceptions import ClientError

        bucket, key = target.split("/", 1)
        keys = dict(zip(("aws_access_key_id", "aws_secret_access_key"), self.credentials or ()))
        client = boto3.client("s3", endpoint_url=self.endpoint, **keys)
        try:
            client.put_object(Bucket=bucket, Key=key, Body=data, IfNoneMatch="*")
        except ClientError as error:
            # 412: the object exists; 409: a concurrent conditional write to it is in flight.
            if error.response.get("Error", {}).get("Code") in ("PreconditionFailed", "ConditionalRequestConflict"):
                return False
            raise
        return True

    def exists(self, relative: str) -> bool:
        """Whether a file or folder (on object storage: any key under it) is at `relative`."""
        return self.filesystem.get_file_info(self.path(relative)).type != pafs.FileType.NotFound

    def read_bytes(self, relative: str) -> bytes | None:
        """A small file's content, or None when it does not exist."""
        try:
            with self.filesystem.open_input_stream(self.path(relative)) as stream:
                return stream.read()
        except FileNotFoundError:
            return None
        except OSError as error:  # pyarrow's S3 filesystem reports a missing key as OSError
            if self.filesystem.get_file_info(self.path(relative)).type == pafs.FileType.NotFound:
                return None
            raise error

    def files(self, relative: str, suffix: str = ".parquet") -> list[str]:
        """Paths (inside the filesystem) of the finished files below `relative`, sorted."""
        return [stored.path for stored in self.stored_files(relative, suffix)]

    def stored_files(self, relative: str, suffix: str = "", temporary: bool = False) -> list[StoredFile]:
        """The files below `relative` with their modification times, sorted by path: finished
        ones ending in `suffix`, or (temporary=True) only the temporaries of unfinished writes."""
        selector = pafs.FileSelector(self.path(relative), recursive=True, allow_not_found=True)
        found = [
            StoredFile(info.path, info.mtime) for info in self.filesystem.get_file_info(selector)
            if info.type == pafs.FileType.File and info.path.endswith(suffix)
            and (TEMPORARY_MARK in info.path) == temporary
        ]
        return sorted(found, key=lambda stored: stored.path)

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
