"""Export file formats: each writes record batches (``services.organic.export_batches``) to a
binary sink as they come, so a file of millions of rows never sits whole in memory.

* ``csv.gz``: Arrow's CSV writer (a header line, then the rows), gzip-compressed;
* ``ndjson.gz``: one JSON object a line (orjson), gzip-compressed;
* ``parquet``: Arrow's Parquet writer, zstd-compressed, a row group per ``ROW_GROUP_ROWS``.

gzip is ISA-L's deflate (``isal``, zlib's interface) at level 1, done on a second thread
(it lets go of the GIL): Arrow's own gzip stream deflates at level 9, about ten times
slower, which made compression the bulk of a CSV export's time for a few percent smaller
files; zlib's level 1 still took three times ISA-L's for files no smaller.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable
from typing import BinaryIO

import orjson
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from isal import isal_zlib

GZIP_LEVEL = 1
ROW_GROUP_ROWS = 256 * 1024
# Uncompressed bytes handed to the deflating thread at once, and how many may wait for it.
_GZIP_BLOCK = 1024 * 1024
_GZIP_QUEUE = 8

Counted = Callable[[int], None]
# Rows Arrow formats at once (its default, 1,024, costs more calls per row).
_CSV_OPTIONS = pacsv.WriteOptions(batch_size=64 * 1024)
# Rows turned into Python objects at once for NDJSON.
_NDJSON_SLICE = 4096


class _GzipSink:
    """A write-only file that gzips what it is given into ``sink`` on a thread of its own."""

    def __init__(self, sink: BinaryIO):
        self._sink = sink
        self._pending: list[bytes] = []
        self._size = 0
        self._blocks: queue.Queue = queue.Queue(_GZIP_QUEUE)
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._deflate, name="export-gzip", daemon=True)
        self._thread.start()
        self.closed = False

    def _deflate(self) -> None:
        compressor = isal_zlib.compressobj(GZIP_LEVEL, isal_zlib.DEFLATED, 31)  # 31: the gzip container
        try:
            while (block := self._blocks.get()) is not None:
                self._sink.write(compressor.compress(block))
            self._sink.write(compressor.flush())
        except BaseException as exc:  # told to the writer at its next write or at close
            self._failure = exc
            while self._blocks.get() is not None:  # let the writer finish putting
                pass

    def _hand_over(self) -> None:
        if self._failure is not None:
            raise self._failure
        if self._pending:
            self._blocks.put(b"".join(self._pending))
            self._pending, self._size = [], 0

    def write(self, data) -> int:
        data = bytes(data)
        self._pending.append(data)
        self._size += len(data)
        if self._size >= _GZIP_BLOCK:
            self._hand_over()
        return len(data)

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        pass

    def __enter__(self) -> _GzipSink:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self._hand_over()
        finally:
            self._blocks.put(None)
            self._thread.join()
        if self._failure is not None:
            raise self._failure


def write_csv(batches: Iterable[pa.RecordBatch], schema: pa.Schema, sink: BinaryIO, counted: Counted) -> int:
    rows = 0
    with _GzipSink(sink) as out, pacsv.CSVWriter(out, schema, write_options=_CSV_OPTIONS) as writer:
        for batch in batches:
            writer.write_batch(batch)
            rows += batch.num_rows
            counted(batch.num_rows)
    return rows


def write_ndjson(batches: Iterable[pa.RecordBatch], schema: pa.Schema, sink: BinaryIO, counted: Counted) -> int:
    rows = 0
    dumps, newline = orjson.dumps, orjson.OPT_APPEND_NEWLINE
    with _GzipSink(sink) as out:
        for batch in batches:
            # A slice at a time: a row as Python objects is a kilobyte or two.
            for offset in range(0, batch.num_rows, _NDJSON_SLICE):
                out.write(b"".join([dumps(row, option=newline)
                                    for row in batch.slice(offset, _NDJSON_SLICE).to_pylist()]))
            rows += batch.num_rows
            counted(batch.num_rows)
    return rows


def write_parquet(batches: Iterable[pa.RecordBatch], schema: pa.Schema, sink: BinaryIO, counted: Counted) -> int:
    rows = 0
    held: list[pa.RecordBatch] = []
    held_rows = 0
    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        for batch in batches:
            held.append(batch)
            held_rows += batch.num_rows
            if held_rows >= ROW_GROUP_ROWS:
                writer.write_table(pa.Table.from_batches(held, schema), row_group_size=held_rows)
                held, held_rows = [], 0
            rows += batch.num_rows
            counted(batch.num_rows)
        if held:
            writer.write_table(pa.Table.from_batches(held, schema), row_group_size=held_rows)
    return rows


WRITERS: dict[str, Callable[[Iterable[pa.RecordBatch], pa.Schema, BinaryIO, Counted], int]] = {
    "csv.gz": write_csv,
    "ndjson.gz": write_ndjson,
    "parquet": write_parquet,
}
