"""Reading daily-metric rows from files (NDJSON or CSV) for `pinsight ingest`."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

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


def read_items(path: Path) -> Iterator[object]:
    """Each row of the file, as the API would receive it (unparseable lines as text)."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            for record in csv.DictReader(handle):
                yield _csv_item(record)
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except ValueError:
                yield line.strip()[:80]
