"""Getting metrics in, one engagement event at a time: POST /api/v1/events.

A batch is a JSON array or NDJSON of events such as::

    {"id": "e-1", "pin_id": "123", "type": "SAVE", "timestamp": "2026-11-20T13:45:00Z",
     "app_type": "WEB", "traffic": "ORGANIC"}

Each event adds to one stored metric of the pin's daily row keyed by (pin, UTC day of
the timestamp, app type, traffic): 1 for a plain event, ``value`` for a valued one
(``catalog.events``). Every event is checked first; one bad event rejects the whole
batch (each problem reported by position, nothing written). Events are idempotent by
id (scoped to the pins' owner): an event whose id was already applied is skipped, so
sending a batch again changes nothing; within one batch an id repeated with the same
content counts once, and with different content is an error.

A good batch is applied in one transaction: its new event ids are recorded, and its new
events, summed in Python per daily row (and per derived-table row), are added to the
stored rows, one upsert per table.

An event may name its viewer: ``user`` as ad actions name people (``{"em": "<sha256>"}``)
and ``dimensions``, the viewer's facts, with ad actions' vocabulary and checks
(``domain.ads.ad_events``). Such events count their viewers into the audiences of the pins'
owner and of the owner's ad accounts (``services.ads.audiences``), so that an account with
organic activity alone has audience insights too.

Over the API, events of a pin on a secret board need ``pins:write_secret``
(``ingest.check_secret_pins``).
"""

from __future__ import annotations

from datetime import UTC, date

from pinsight.catalog.audiences import ENGAGED_EVENT_TYPES
from pinsight.catalog.events import EVENT_TYPES
from pinsight.domain.ads.ad_events import viewer_dimensions, viewer_key
from pinsight.domain.ads.audience_facts import person_facts
from pinsight.services.ads import audiences
from pinsight.store.ads import audiences as audience_store
from pinsight.domain.event_time import utc_moment
from pinsight.catalog.metrics import STORED_COLUMNS
from pinsight.errors import ApiError
from pinsight.services.identity.access import Actor
from pinsight.errors import MAX_PROBLEMS, BatchRejected, Problem
from pinsight.services.organic.ingest import check_secret_pins, listed_names
from pinsight.services.runtime import Runtime
from pinsight.store.organic import events as events_store
from pinsight.store.organic import metrics as metrics_store
from pinsight.store.organic import rollups
from pinsight.store.locks import lock_owners
from pinsight.catalog.dimensions import APP_TYPES, TRAFFIC_KINDS
from pinsight.store.organic import classes

MAX_EVENTS = 50_000
MAX_ID_LENGTH = 128
EVENT_FIELDS = ("id", "pin_id", "type", "timestamp", "app_type", "traffic", "value")
# The viewer and their facts: objects, so JSON and NDJSON only (not CSV columns).
VIEWER_FIELDS = ("user", "dimensions")
_ALLOWED_FIELDS = frozenset(EVENT_FIELDS + VIEWER_FIELDS)
_APP_TYPES = frozenset(APP_TYPES)
_TRAFFIC_KINDS = frozenset(TRAFFIC_KINDS)
_EVENT_NAMES = ", ".join(EVENT_TYPES)
COLUMN_INDEX = {column: index for index, column in enumerate(STORED_COLUMNS)}


def check_events(
    items: list, pins: dict, user_id: int, today: date, stop_after: int | None = None
) -> tuple[dict[str, tuple], list[Problem]]:
    """Each distinct event id with its normalised event, and the problems (by position).

    A normalised event is ``(pin_id, day, app_type, traffic, column, amount, content,
    person_key, dimensions)`` where ``content`` is what makes two events with one id the
    same event, and the last two name the viewer (None when the event names none).
    """
    events: dict[str, tuple] = {}
    first_position: dict[str, int] = {}
    problems: list[Problem] = []
    day_cache: dict = {}
    pin_cache: dict[str, int | str] = {}

    for position, item in enumerate(items):
        if stop_after is not None and len(problems) >= stop_after:
            break  # the batch is refused anyway: the first problems say what is wrong
        if not isinstance(item, dict):
            problems.append(Problem(position, "an event must be a JSON object"))
            continue
        if not item.keys() <= _ALLOWED_FIELDS:
            problems.append(Problem(position, f"unknown field(s) {listed_names(item.keys() - _ALLOWED_FIELDS)}"))
            continue
        event_id = item.get("id")
        if not isinstance(event_id, str) or not 0 < len(event_id) <= MAX_ID_LENGTH or not event_id.isprintable():
            problems.append(Problem(position, f"id must be a string of 1 to {MAX_ID_LENGTH} printable characters"))
            continue
        raw_type = item.get("type")
        event_type = EVENT_TYPES.get(raw_type) if isinstance(raw_type, str) else None
        if event_type is None:
            problems.append(Problem(position, f"type must be one of {_EVENT_NAMES}"))
            continue
        raw_pin = item.get("pin_id")
        pin_id = pin_cache.get(raw_pin) if isinstance(raw_pin, str) else None
        if pin_id is None:
            pin_id = _check_pin(raw_pin, pins, user_id)
            if isinstance(raw_pin, str):
                pin_cache[raw_pin] = pin_id
        if isinstance(pin_id, str):
            problems.append(Problem(position, pin_id))
            continue
        moment = utc_moment(item.get("timestamp"), day_cache)
        if isinstance(moment, str):
            problems.append(Problem(position, moment))
            continue
        day = moment[0]
        if day > today:
            problems.append(Problem(position, f"timestamp's day {day} (UTC) is in the future"))
            continue
        created_on = pins[pin_id]["created_at"].date()
        if day < created_on:
            problems.append(Problem(position, f"timestamp's day {day} (UTC) is before pin {pin_id} was created ({created_on})"))
            continue
        app_type = item.get("app_type")
        if not isinstance(app_type, str) or app_type not in _APP_TYPES:
            problems.append(Problem(position, f"app_type must be one of {', '.join(APP_TYPES)}"))
            continue
        traffic = item.get("traffic", "ORGANIC")
        if not isinstance(traffic, str) or traffic not in _TRAFFIC_KINDS:
            problems.append(Problem(position, f"traffic must be one of {', '.join(TRAFFIC_KINDS)}"))
            continue
        if event_type.carries_value:
            value = item.get("value")
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= event_type.max_value:
                problems.append(
                    Problem(position, f"{event_type.name} needs a value: a whole number of {event_type.unit} from 0 to {event_type.max_value}")
                )
                continue
            amount = value
        else:
            if "value" in item:
                problems.append(Problem(position, f"{event_type.name} events carry no value"))
                continue
            amount = 1
        viewer = _viewer(item)
        if isinstance(viewer, str):
            problems.append(Problem(position, viewer))
            continue
        # The instant, not its spelling: the same moment with another offset is the same event.
        content = (pin_id, event_type.name, moment[1], app_type, traffic, amount, *viewer)
        previous = events.get(event_id)
        if previous is not None:
            if previous[6] != content:
                problems.append(Problem(position, f"id {event_id[:40]} was already used by event #{first_position[event_id]} with different content"))
            continue
        events[event_id] = (pin_id, day, app_type, traffic, event_type.column, amount, content, *viewer)
        first_position[event_id] = position
    return events, problems


def _viewer(item: dict) -> tuple[str | None, str | None] | str:
    """(person key, dimensions) of the event's viewer, (None, None) for none, or the problem."""
    if "user" not in item:
        return "dimensions describe a viewer: send them with user" if "dimensions" in item else (None, None)
    try:
        return viewer_key(item["user"]), viewer_dimensions(item.get("dimensions"))
    except ValueError as refused:
        return str(refused)


def _check_pin(raw_pin, pins: dict, user_id: int) -> int | str:
    if not isinstance(raw_pin, str) or not (raw_pin.isascii() and raw_pin.isdigit()) or len(raw_pin) > 19:
        return "pin_id must be a numeric string"
    pin = pins.get(int(raw_pin))
    if pin is None or pin["owner_id"] != user_id:
        return f"pin {raw_pin} not found among your pins"
    return int(raw_pin)


def _pin_ids(items: list) -> list[int]:
    ids = set()
    for item in items:
        pin_id = item.get("pin_id") if isinstance(item, dict) else None
        if isinstance(pin_id, str) and pin_id.isascii() and pin_id.isdigit() and len(pin_id) <= 19:
            ids.add(pin_id)
    return sorted(int(pin_id) for pin_id in ids)


def ingest_events(rt: Runtime, actor: Actor, items: list) -> dict:
    """The API's batch of events (its items, ``api.batches`` reads them from the body):
    applied whole, or rejected whole with every problem listed."""
    if len(items) > MAX_EVENTS:
        raise ApiError(f"A batch holds at most {MAX_EVENTS} events; this one has {len(items)}.")
    user_id = actor.user_id
    with rt.write() as conn:
        lock_owners(conn, [user_id])
        pin_ids = _pin_ids(items)
        check_secret_pins(conn, actor, pin_ids)
        pins = classes.get_pins_brief(conn, pin_ids)
        events, problems = check_events(items, pins, user_id, rt.clock.today(), stop_after=MAX_PROBLEMS)
        if problems:
            raise BatchRejected(problems, len(items), stopped=len(problems) >= MAX_PROBLEMS)
        applied, already = _apply(conn, rt, user_id, events, pins)
    return {"received": len(items), "applied": applied, "already_applied": already}


def _apply(conn, rt: Runtime, user_id: int, events: dict, pins: dict) -> tuple[int, int]:
    """Count the events not seen before; return (applied, already applied)."""
    seen = events_store.existing_event_ids(conn, user_id, list(events))
    new = [(event_id, event) for event_id, event in events.items() if event_id not in seen]
    # Ids first: a concurrent batch applying the same events fails here (IntegrityError,
    # answered 409 and rolled back whole) before anything is counted twice.
    events_store.insert_event_ids(
        conn, user_id,
        [(event_id, event[0], event[6][2].replace(tzinfo=None), event[4], event[5], event[7], event[8])
         for event_id, event in new],
        rt.clock.now(),
    )
    increments = rollups.Increments(pins)
    for _, (pin_id, day, app_type, traffic, column, amount, *_rest) in new:
        increments.add(pin_id, day, app_type, traffic, COLUMN_INDEX[column], amount)
    metrics_store.add_increments(conn, increments, now=rt.clock.now())
    _count_viewers(conn, user_id, new)
    return len(new), len(events) - len(new)


def _count_viewers(conn, owner_id: int, new: list[tuple[str, tuple]]) -> None:
    """Count the viewers the new events name into the owner's audience (kept for ad
    accounts the owner creates later) and the audience of each of the owner's ad accounts."""
    seen = [(event_id, event) for event_id, event in new if event[7] is not None]
    if not seen:
        return
    viewers = audiences.sightings(
        (event[7], (event[6][2].replace(tzinfo=None), event_id, owner_id), person_facts(None, event[8]),
         event[6][1] in ENGAGED_EVENT_TYPES)
        for event_id, event in seen)
    accounts = audience_store.owned_ad_accounts(conn, owner_id)
    lock_owners(conn, accounts)
    newest = max(event[1] for _, event in seen)
    scopes = [owner_id, *accounts]
    audiences.record(conn, dict.fromkeys(scopes, viewers), dict.fromkeys(scopes, newest), counted=accounts)


def ingest_event_chunk(rt: Runtime, user_id: int, items: list, first_position: int) -> tuple[int, int, list[Problem]]:
    """The CLI's chunk of a file: good events are applied (in one transaction), bad ones
    reported. Returns (applied, already applied, problems)."""
    with rt.write() as conn:
        lock_owners(conn, [user_id])
        pins = classes.get_pins_brief(conn, _pin_ids(items))
        events, problems = check_events(items, pins, user_id, rt.clock.today())
        applied, already = _apply(conn, rt, user_id, events, pins)
    return applied, already, [Problem(problem.position + first_position, problem.reason) for problem in problems]


def record_repin(conn, rt: Runtime, source_pin_id: int, new_pin_id: int) -> None:
    """Someone saved another user's pin (POST /v5/pins/{id}/save): a SAVE and a REPIN on the
    saved pin, now, counted for its owner as if they had been ingested. The caller holds
    the lock on the source pin owner's metrics (``store.locks``)."""
    pins = classes.get_pins_brief(conn, [source_pin_id])
    if source_pin_id not in pins:
        return  # deleted meanwhile: its metrics went with it
    owner_id = pins[source_pin_id]["owner_id"]
    moment = rt.clock.now().replace(tzinfo=UTC)
    events = {}
    for name in ("SAVE", "REPIN"):
        event_type = EVENT_TYPES[name]
        content = (source_pin_id, name, moment, "WEB", "ORGANIC", 1, None, None)
        events[f"pinsight-save-{new_pin_id}-{name}"] = (
            source_pin_id, moment.date(), "WEB", "ORGANIC", event_type.column, 1, content, None, None
        )
    _apply(conn, rt, owner_id, events, pins)
