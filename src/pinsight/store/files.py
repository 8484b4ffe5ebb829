"""Where job files live: a local directory by default, any fsspec filesystem by URL
(``s3://bucket/prefix`` in production), chosen by ``PINSIGHT_FILES_URL``.

A file becomes visible only when complete: ``writing`` writes under a temporary name and
moves it to its key once the writer closed it without error (on a local disk a rename; on
an object store the upload itself completes atomically, and the move is a server-side
copy). A failed write leaves nothing behind under the key.
"""

from __future__ import annotations

import json
import posixpath
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

import fsspec

# The bytes read per chunk when a file is streamed out.
CHUNK_BYTES = 1024 * 1024


class FileStore:
    def __init__(self, url: str, options: str | dict | None = None):
        """``url``: a directory path or fsspec URL; ``options``: the filesystem's options
        (for S3: ``endpoint_url``, ``key``, ``secret``…), as a dict or JSON text."""
        if isinstance(options, str):
            options = json.loads(options) if options.strip() else {}
        options = dict(options or {})
        if url.startswith(("s3://", "s3a://")):
            # Presigned links signed with Signature Version 4 unless the options say otherwise:
            # botocore still presigns S3 links with V2 by default, which S3 refuses for buckets
            # created since June 2020 and in every region opened since 2014.
            options["config_kwargs"] = {"signature_version": "s3v4", **options.get("config_kwargs", {})}
        self.url = url
        self.fs, root = fsspec.core.url_to_fs(url, **options)
        self.root = root.rstrip("/")
        self.local = "file" in (self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,))
        if self.local:
            self.fs.makedirs(self.root, exist_ok=True)

    def _path(self, key: str) -> str:
        if key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"not a file key: {key!r}")
        return posixpath.join(self.root, key)

    @contextmanager
    def writing(self, key: str) -> Iterator[BinaryIO]:
        """A binary file that appears at ``key`` only when the block ends without error."""
        final = self._path(key)
        temporary = f"{final}.part-{secrets.token_hex(6)}"
        if self.local:
            self.fs.makedirs(posixpath.dirname(final), exist_ok=True)
        try:
            with self.fs.open(temporary, "wb") as sink:
                yield sink
            self.fs.mv(temporary, final)
        except BaseException:
            if self.fs.exists(temporary):
                self.fs.rm(temporary)
            raise

    def size(self, key: str) -> int:
        return int(self.fs.size(self._path(key)))

    def exists(self, key: str) -> bool:
        return bool(self.fs.exists(self._path(key)))

    def chunks(self, key: str) -> Iterator[bytes]:
        """The file's bytes, a chunk at a time. The file is opened now, so a file that is
        gone raises FileNotFoundError here, before anything is sent."""
        source = self.fs.open(self._path(key), "rb")

        def read() -> Iterator[bytes]:
            with source:
                while chunk := source.read(CHUNK_BYTES):
                    yield chunk

        return read()

    def delete_tree(self, prefix: str) -> None:
        """Delete every file under ``prefix`` (a job's directory: its file and any leftovers)."""
        path = self._path(prefix)
        if self.fs.exists(path):
            self.fs.rm(path, recursive=True)

    def presigned_url(self, key: str, seconds: int) -> str | None:
        """An object store's own expiring link to ``key``, or None where the store has none
        (a local directory: pinsight serves and signs those links itself)."""
        if self.local or not hasattr(self.fs, "sign"):
            return None
        try:
            return self.fs.sign(self._path(key), expiration=seconds)
        except NotImplementedError:
            return None
