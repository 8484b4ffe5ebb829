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


from pinsight.catalog.metrics import CATALOGUE
from pinsight.catalog.scopes import SECRET_WRITE_SCOPES
from pinsight.domain.organic.analytics_period import parse_day
from pinsight.errors import MAX_PROBLEMS, ApiError, BatchRejected, Problem
from pinsight.services.identity.access import Actor, check_secret
from pinsight.services.runtime import Runtime
from pinsight.store.content import content as content_store
from pinsight.store.organic import metrics as metrics_store
from pinsight.store.locks import lock_owners
from pinsight.catalog.dimensions import APP_TYPES, TRAFFIC_KINDS
from pinsight.store.organic import classes

MAX_ROWS = 50_000
# Far above any real daily count, and low enough that a century of lifetime sums over
# every app type and traffic kind still fits a 64-bit integer (SQL SUM, JSON numbers).
MAX_VALUE = 2**40
STORED = {metric.name: metric.stored_as for metric in CATALOGUE if metric.is_base}
_ALLOWED_FIELDS = {"pin_id", "date", "app_type", "traffic", "metrics"}


def listed_names(names, limit: int = 5) -> str:
    """Field names for a message: a few, each cut short."""
    shown = sorted(str(name)[:40] for name in names)
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


def _check_row(position: int, item, pins: dict, today, user_id: int) -> tuple[dict | None, str | None]:
    if not isinstance(item, dict):
        return None, "a row must be a JSON object"
    unknown = item.keys() - _ALLOWED_FIELDS
    if unknown:
        return None, f"unknown field(s) {listed_names(unknown)}"
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


def check_rows(
    conn, items: list, user_id: int, today, first_position: int = 0, stop_after: int | None = None
) -> tuple[list[dict], list[Problem]]:
    """Valid rows ready for storage, and the problems of the others (by position); with
    ``stop_after``, checking stops once that many problems are found."""
    pins = classes.get_pins_brief(conn, _pin_ids(items))
    rows, problems, seen = [], [], {}
    for offset, item in enumerate(items):
        if stop_after is not None and len(problems) >= stop_after:
            break
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


def check_secret_pins(conn, actor: Actor, pin_ids: list[int]) -> None:
    """Refuse (403) a batch that writes metrics of the caller's pins on secret boards
    without ``pins:write_secret``. Other users' pins are left to the row checks, which
    report them as not found whatever their board."""
    if actor.principal.has(SECRET_WRITE_SCOPES["pins"]):
        return
    if content_store.pins_on_secret_boards(conn, actor.user_id, pin_ids):
        check_secret(actor, "pins", write=True)


def ingest_daily_rows(rt: Runtime, actor: Actor, items: list) -> dict:
    """The API's batch (its items, ``api.batches`` reads them from the body): applied whole,
    or rejected whole with every problem listed."""
    if not isinstance(items, list):
        raise ApiError("A batch is a JSON array of rows, or NDJSON.")
    if len(items) > MAX_ROWS:
        raise ApiError(f"A batch holds at most {MAX_ROWS} rows; this one has {len(items)}.")
    with rt.write() as conn:
        lock_owners(conn, [actor.user_id])
        check_secret_pins(conn, actor, _pin_ids(items))
        rows, problems = check_rows(conn, items, actor.user_id, rt.clock.today(), stop_after=MAX_PROBLEMS)
        if problems:
            raise BatchRejected(problems, len(items), stopped=len(problems) >= MAX_PROBLEMS)
        metrics_store.upsert_daily_rows(conn, rows, now=rt.clock.now())
    return {"received": len(items), "applied": len(rows)}


def ingest_chunk(rt: Runtime, user_id: int, items: list, first_position: int) -> tuple[int, list[Problem]]:
    """The CLI's chunk of a file: good rows are applied (in one transaction), bad ones reported."""
    with rt.write() as conn:
        lock_owners(conn, [user_id])
        rows, problems = check_rows(conn, items, user_id, rt.clock.today(), first_position)
        metrics_store.upsert_daily_rows(conn, rows, now=rt.clock.now())
    return len(rows), problems
