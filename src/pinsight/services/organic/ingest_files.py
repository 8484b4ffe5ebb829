"""`pinsight ingest FILE`: engagement events or daily-metric rows, as NDJSON or CSV, and ad
events (ad actions, ``services.ads.ad_events``) as NDJSON.

A file holds one kind: ad events carry ``ad_id``, events ``type`` and ``timestamp``, daily
rows none of these. Files
are UTF-8 (a byte order mark, as spreadsheet programs write, is skipped). A CSV file's
header is checked before any row is read: a wrong delimiter, a column name in the wrong
case or an unknown or missing column refuses the whole file with the valid names listed,
rather than every row failing alike. Rows are then applied in chunks, as the API applies
batches: good ones go in, bad ones are reported by position.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from pinsight.errors import ApiError
from pinsight.services.ads.ad_events import ingest_ad_event_chunk
from pinsight.services.organic.events import EVENT_FIELDS, ingest_event_chunk
from pinsight.errors import Problem
from pinsight.services.organic.ingest import STORED, ingest_chunk
from pinsight.services.runtime import Runtime

EVENTS, DAILY_ROWS, AD_EVENTS = "events", "daily rows", "ad events"
_EVENT_MARKERS = {"type", "timestamp"}
_KEY_FIELDS = ("pin_id", "date", "app_type", "traffic")
COLUMNS = {
    DAILY_ROWS: (*_KEY_FIELDS, *STORED),
    EVENTS: EVENT_FIELDS,
}
REQUIRED = {
    DAILY_ROWS: ("pin_id", "date", "app_type"),
    EVENTS: ("id", "pin_id", "type", "timestamp", "app_type"),
}
_OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


class FileRejected(ApiError):
    """The whole file is refused before any row is applied (its encoding or CSV header)."""


@dataclass
class IngestResult:
    kind: str
    read: int = 0
    applied: int = 0
    already_applied: int = 0
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> dict:
        """The counts, named as the API's answer names them (``already_applied`` for events)."""
        counts = {"kind": self.kind, "read": self.read, "applied": self.applied}
        if self.kind in (EVENTS, AD_EVENTS):
            counts["already_applied"] = self.already_applied
        return counts | {"rejected": len(self.problems)}


def _is_csv(path: Path) -> bool:
    return path.suffix.lower() == ".csv"


def count_records(path: Path) -> int:
    """Records in the file (non-blank lines, less a CSV header), checking that it is UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = offset = 0
    with path.open("rb") as handle:
        for line in handle:
            try:
                decoder.decode(line)
            except UnicodeDecodeError as error:
                raise FileRejected(
                    f"{path.name} is not UTF-8: byte {offset + error.start:,} (0x{line[error.start]:02x}) is not valid "
                    "UTF-8. Save it as UTF-8 (in a spreadsheet: CSV UTF-8)."
                ) from None
            first, offset = offset == 0, offset + len(line)
            lines += 1 if (line.removeprefix(codecs.BOM_UTF8) if first else line).strip() else 0
    return max(lines - (1 if _is_csv(path) else 0), 0)


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle), [])


def _kind_of_fields(fields) -> str:
    names = {name.lower() for name in fields}
    if "ad_id" in names:
        return AD_EVENTS
    return EVENTS if _EVENT_MARKERS <= {name.lower() for name in fields} else DAILY_ROWS


def check_csv_header(fields: list[str], name: str = "the file") -> str:
    """The kind of rows a CSV header announces; FileRejected, with the valid column names,
    when the header cannot be right."""
    fields = [field.strip() for field in fields]
    kind = _kind_of_fields(fields)
    if kind == AD_EVENTS:
        # An ad event names its person in a nested object: a flat CSV row cannot hold it.
        raise FileRejected(f"{name} holds ad events: send them as NDJSON (one JSON object a line), not CSV.")
    valid = COLUMNS[kind]
    listed = f"Valid columns for {kind}: {', '.join(valid)}."
    if not any(fields):
        raise FileRejected(f"{name} has no header: its first line must name the columns. {listed}")
    if len(fields) == 1:
        used = next((word for delimiter, word in _OTHER_DELIMITERS.items() if delimiter in fields[0]), None)
        if used is not None:
            raise FileRejected(f"{name}'s header is one column, {fields[0][:80]!r}: columns must be separated by "
                               f"commas, and this file seems to use {used}. {listed}")
    by_lower = {column.lower(): column for column in valid}
    problems = []
    for column in fields:
        if column in valid:
            continue
        if column.lower() in by_lower:
            problems.append(f"{column[:40]!r} should be {by_lower[column.lower()]!r} (names are case-sensitive)")
        else:
            problems.append(f"{column[:40]!r} is not a column")
    repeated = sorted({column for column in fields if fields.count(column) > 1})
    problems += [f"{column[:40]!r} appears more than once" for column in repeated]
    missing = [column for column in REQUIRED[kind] if column not in fields and column.lower() not in
               {f.lower() for f in fields}]
    if missing:
        problems.append(f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing")
    if problems:
        raise FileRejected(f"{name}'s header is wrong: {'; '.join(problems)}. {listed}")
    return kind


def file_kind(path: Path) -> str:
    """Whether the file holds events or daily rows, from its header or first record."""
    if _is_csv(path):
        return check_csv_header(_header(path), path.name)
    with path.open(encoding="utf-8-sig") as handle:
        first = next((line for line in handle if line.strip()), "{}")
    try:
        record = orjson.loads(first)
    except orjson.JSONDecodeError:  # also nesting past 1,024 levels, NaN, lone surrogates
        record = {}
    return _kind_of_fields(record) if isinstance(record, dict) else DAILY_ROWS


def _csv_item(record: dict) -> dict:
    """A CSV line: key columns plus one column per stored metric (upper-case names)."""
    item: dict = {key: record[key] for key in _KEY_FIELDS if record.get(key)}
    metrics = {}
    for name, value in record.items():
        if name in _KEY_FIELDS or name is None:
            continue
        if value not in (None, ""):
            metrics[name] = int(value) if value.strip().isdigit() else value
    item["metrics"] = metrics
    return item


def _csv_event(record: dict) -> dict:
    item = {key: value for key, value in record.items() if key is not None and value not in (None, "")}
    if "value" in item and item["value"].strip().isdigit():
        item["value"] = int(item["value"])
    return item


def read_items(path: Path, kind: str) -> Iterator[object]:
    """Each record of the file, as the API would receive it (unparseable lines as text)."""
    if _is_csv(path):
        convert = _csv_event if kind == EVENTS else _csv_item
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            reader.fieldnames = [name.strip() for name in reader.fieldnames or ()]
            for record in reader:
                yield convert(record)
        return
    with path.open(encoding="utf-8-sig") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                # orjson, as the API parses: a line the API would refuse is refused here too,
                # never a RecursionError on deep nesting.
                yield orjson.loads(line)
            except orjson.JSONDecodeError:
                yield line.strip()[:80]


def ingest_file(rt: Runtime, user_id: int, path: Path, batch: int, kind: str,
                on_chunk: Callable[[int], None] | None = None) -> IngestResult:
    """Apply the file's records ``batch`` at a time (one transaction each)."""
    result = IngestResult(kind)

    def apply(chunk: list) -> None:
        if kind == AD_EVENTS:
            applied, already, problems = ingest_ad_event_chunk(rt, user_id, chunk, result.read)
        elif kind == EVENTS:
            applied, already, problems = ingest_event_chunk(rt, user_id, chunk, result.read)
        else:
            (applied, problems), already = ingest_chunk(rt, user_id, chunk, result.read), 0
        result.read += len(chunk)
        result.applied += applied
        result.already_applied += already
        result.problems += problems
        if on_chunk is not None:
            on_chunk(len(chunk))

    chunk: list = []
    for item in read_items(path, kind):
        chunk.append(item)
        if len(chunk) == batch:
            apply(chunk)
            chunk = []
    if chunk:
        apply(chunk)
    return result
