"""SQL for the ids of ingested engagement events (``ingested_events``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, insert, select

from pinsight.store.bulk import bind_value, executemany
from pinsight.store.tables import ingested_events as events

# Ids per IN query: far below SQLite's (32,766) and PostgreSQL's (65,535) parameter limits.
CHUNK = 5000


def existing_event_ids(conn: Connection, owner_id: int, event_ids: Sequence[str]) -> set[str]:
    """Those of ``event_ids`` already stored for this owner."""
    found: set[str] = set()
    ids = list(event_ids)
    for offset in range(0, len(ids), CHUNK):
        query = select(events.c.id).where(events.c.owner_id == owner_id, events.c.id.in_(ids[offset : offset + CHUNK]))
        found.update(conn.execute(query).scalars())
    return found


def insert_event_ids(conn: Connection, owner_id: int, rows: Sequence[tuple], received_at: datetime) -> None:
    """Record events as applied, in one executemany: (event id, pin id, occurred at (naive
    UTC), metric column, amount, viewer's person key, viewer's dimensions) each."""
    if not rows:
        return
    when = bind_value(conn, events.c.received_at, received_at)
    moments: dict = {}
    values = []
    for event_id, pin_id, occurred_at, metric, amount, person_key, dimensions in rows:
        bound = moments.get(occurred_at)
        if bound is None:
            bound = moments[occurred_at] = bind_value(conn, events.c.occurred_at, occurred_at)
        values.append((owner_id, event_id, pin_id, when, bound, metric, amount, person_key, dimensions))
    keys = ("owner_id", "id", "pin_id", "received_at", "occurred_at", "metric", "amount", "person_key", "dimensions")
    executemany(conn, insert(events), keys, values)
