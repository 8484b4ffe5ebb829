"""Reading files for `pinsight ingest`: engagement events or daily-metric rows, as NDJSON or CSV.

A file holds one kind: events carry ``type`` and ``timestamp``, daily rows do not.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import orjson

from pinsight.services.ingest import STORED

_KEY_FIELDS = ("pin_id", "date", "app_type", "traffic")


def _csv_item(record: dict) -> dict:
    """A CSV line: key columns plus one column per stored metric (upper-case names)."""
    item: dict = {key: record[key] for key in _KEY_FIELDS if record.get(key)}
    metrics = {}
    for name, value in record.items():
        if name in _KEY_FIELDS or name is None:
            continue
        if name in STORED and value not in (None, ""):
            metrics[name] = int(value) if value.strip().isdigit() else value
        elif name not in STORED:
            metrics[name] = value  # reported as an unknown metric by the row check
    item["metrics"] = metrics
    return item


EVENTS, DAILY_ROWS = "events", "daily rows"
_EVENT_MARKERS = {"type", "timestamp"}


def _csv_event(record: dict) -> dict:
    item = {key: value for key, value in record.items() if key is not None and value not in (None, "")}
    if "value" in item and item["value"].strip().isdigit():
        item["value"] = int(item["value"])
    return item


def file_kind(path: Path) -> str:
    """Whether the file holds events or daily rows, from its header or first record."""
    with path.open(newline="", encoding="utf-8") as handle:
        if path.suffix.lower() == ".csv":
            fields = set(csv.DictReader(handle).fieldnames or ())
        else:
            first = next((line for line in handle if line.strip()), "{}")
            try:
                record = orjson.loads(first)
            except orjson.JSONDecodeError:  # also nesting past 1,024 levels, NaN, lone surrogates
                record = {}
            fields = set(record) if isinstance(record, dict) else set()
    return EVENTS if _EVENT_MARKERS <= fields else DAILY_ROWS


def read_items(path: Path) -> Iterator[object]:
    """Each record of the file, as the API would receive it (unparseable lines as text)."""
    if path.suffix.lower() == ".csv":
        convert = _csv_event if file_kind(path) == EVENTS else _csv_item
        with path.open(newline="", encoding="utf-8") as handle:
            for record in csv.DictReader(handle):
                yield convert(record)
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                # orjson, as the API parses: a line the API would refuse is refused here too,
                # never a RecursionError on deep nesting.
                yield orjson.loads(line)
            except orjson.JSONDecodeError:
                yield line.strip()[:80]
