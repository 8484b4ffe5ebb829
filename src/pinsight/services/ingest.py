"""Getting metrics in: batches of whole daily rows (archives copied from Pinterest).

A batch is a JSON array or NDJSON. Every row is checked first; one bad row rejects the
whole batch (each problem reported by position, nothing written); a good batch is
written in one transaction. Rows are keyed by (pin, day, app type, traffic), and a row
replaces what that key held, so sending a batch again changes nothing.

Metrics of a pin on a secret board are secret content: over the API, a batch that
touches one needs a token with ``pins:write_secret`` (``check_secret_pins``), or it is
refused whole (403).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pinsight.catalog.metrics import CATALOGUE
from pinsight.catalog.scopes import SECRET_WRITE_SCOPES
from pinsight.domain.analytics_period import parse_day
from pinsight.errors import ApiError
from pinsight.services.access import Actor, check_secret
from pinsight.services.auth import Principal
from pinsight.services.runtime import Runtime
from pinsight.store import content as content_store
from pinsight.store import metrics as metrics_store
from pinsight.store.locks import lock_owners
from pinsight.store.tables import APP_TYPES, TRAFFIC_KINDS

MAX_ROWS = 50_000
# Far above any real daily count, and low enough that a century of lifetime sums over
# every app type and traffic kind still fits a 64-bit integer (SQL SUM, JSON numbers).
MAX_VALUE = 2**40
STORED = {metric.name: metric.stored_as for metric in CATALOGUE if metric.is_base}
_ALLOWED_FIELDS = {"pin_id", "date", "app_type", "traffic", "metrics"}


@dataclass(frozen=True)
class Problem:
    position: int
    reason: str


class BatchRejected(ApiError):
    status, code = 400, 1

    def __init__(self, problems: list[Problem], total: int):
        self.problems = problems
        shown = "; ".join(f"#{p.position}: {p.reason}" for p in problems[:5])
        super().__init__(f"{len(problems)} of {total} rows rejected, nothing was applied. {shown}")

    def body(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "errors": [{"position": p.position, "reason": p.reason} for p in self.problems[:1000]],
        }


def parse_batch(raw: bytes) -> list:
    """A JSON array, or one JSON value per line (NDJSON)."""
    text = raw.decode("utf-8", errors="strict") if raw else ""
    stripped = text.strip()
    if not stripped:
        raise ApiError("Empty batch: send a JSON array or NDJSON rows.")
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except ValueError as exc:
            raise ApiError(f"The body is not valid JSON: {exc}.") from exc
        return items
    items, problems = [], []
    for number, line in enumerate(stripped.splitlines()):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except ValueError as exc:
            problems.append(Problem(len(items), f"line {number + 1} is not valid JSON ({exc})"))
            items.append(None)
    if problems:
        raise BatchRejected(problems, len(items))
    return items


def _check_row(position: int, item, pins: dict, today, user_id: int) -> tuple[dict | None, str | None]:
    if not isinstance(item, dict):
        return None, "a row must be a JSON object"
    unknown = sorted(set(item) - _ALLOWED_FIELDS)
    if unknown:
        return None, f"unknown field(s) {', '.join(unknown)}"
    pin_id = item.get("pin_id")
    if not isinstance(pin_id, str) or not (pin_id.isascii() and pin_id.isdigit()) or len(pin_id) > 19:
        return None, "pin_id must be a numeric string"
    pin = pins.get(int(pin_id))
    if pin is None or pin["owner_id"] != user_id:
        return None, f"pin {pin_id} not found among your pins"
    try:
        day = parse_day(item.get("date"), "date")
    except ApiError as error:
        return None, error.message
    if day > today:
        return None, f"date {day} is in the future"
    if day < pin["created_at"].date():
        return None, f"date {day} is before pin {pin_id} was created ({pin['created_at'].date()})"
    app_type = item.get("app_type")
    if app_type not in APP_TYPES:
        return None, f"app_type must be one of {', '.join(APP_TYPES)}"
    traffic = item.get("traffic", "ORGANIC")
    if traffic not in TRAFFIC_KINDS:
        return None, f"traffic must be one of {', '.join(TRAFFIC_KINDS)}"
    metrics = item.get("metrics")
    if not isinstance(metrics, dict) or not metrics:
        return None, "metrics must be an object of metric name to value"
    row = {"pin_id": int(pin_id), "day": day, "app_type": app_type, "traffic": traffic, "owner_id": user_id}
    row.update(dict.fromkeys(STORED.values(), 0))
    for name, value in metrics.items():
        if name not in STORED:
            return None, f"{name!s:.40} is not a stored metric (derived ones such as rates are computed)"
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_VALUE:
            return None, f"{name} must be a whole number from 0 to {MAX_VALUE}"
        row[STORED[name]] = value
    return row, None


def _pin_ids(items: list) -> list[int]:
    ids = set()
    for item in items:
        pin_id = item.get("pin_id") if isinstance(item, dict) else None
        if isinstance(pin_id, str) and pin_id.isascii() and pin_id.isdigit() and len(pin_id) <= 19:
            ids.add(int(pin_id))
    return sorted(ids)


def check_rows(conn, items: list, user_id: int, today, first_position: int = 0) -> tuple[list[dict], list[Problem]]:
    """Valid rows ready for storage, and the problems of the others (by position)."""
    pins = content_store.get_pins_brief(conn, _pin_ids(items))
    rows, problems, seen = [], [], {}
    for offset, item in enumerate(items):
        position = first_position + offset
        row, reason = _check_row(position, item, pins, today, user_id)
        if row is not None:
            key = (row["pin_id"], row["day"], row["app_type"], row["traffic"])
            if key in seen:
                row, reason = None, f"the same pin, date, app_type and traffic as row #{seen[key]}"
            else:
                seen[key] = position
        if reason is not None:
            problems.append(Problem(position, reason))
        else:
            rows.append(row)
    return rows, problems


def check_secret_pins(conn, principal: Principal, pin_ids: list[int]) -> None:
    """Refuse (403) a batch that writes metrics of the caller's pins on secret boards
    without ``pins:write_secret``. Other users' pins are left to the row checks, which
    report them as not found whatever their board."""
    if principal.has(SECRET_WRITE_SCOPES["pins"]):
        return
    if content_store.pins_on_secret_boards(conn, principal.user_id, pin_ids):
        check_secret(Actor(principal, principal.user_id), "pins", write=True)


def ingest_daily_rows(rt: Runtime, principal: Principal, raw: bytes) -> dict:
    """The API's batch: applied whole, or rejected whole with every problem listed."""
    items = parse_batch(raw)
    if not isinstance(items, list):
        raise ApiError("A batch is a JSON array of rows, or NDJSON.")
    if len(items) > MAX_ROWS:
        raise ApiError(f"A batch holds at most {MAX_ROWS} rows; this one has {len(items)}.")
    with rt.write() as conn:
        lock_owners(conn, [principal.user_id])
        check_secret_pins(conn, principal, _pin_ids(items))
        rows, problems = check_rows(conn, items, principal.user_id, rt.clock.today())
        if problems:
            raise BatchRejected(problems, len(items))
        metrics_store.upsert_daily_rows(conn, rows)
    return {"received": len(items), "applied": len(rows)}


def ingest_chunk(rt: Runtime, user_id: int, items: list, first_position: int) -> tuple[int, list[Problem]]:
    """The CLI's chunk of a file: good rows are applied (in one transaction), bad ones reported."""
    with rt.write() as conn:
        lock_owners(conn, [user_id])
        rows, problems = check_rows(conn, items, user_id, rt.clock.today(), first_position)
        metrics_store.upsert_daily_rows(conn, rows)
    return len(rows), problems
