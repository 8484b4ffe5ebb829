"""The change log: which owner's data changed, over which days (``metric_changes``).

Every write that changes an owner's metrics or pins adds one row in its transaction, so
a cached answer computed before it can tell whether it still holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import Connection, func, insert, select

from pinsight.store.tables import metric_changes as changes

ALL_DAYS = (date(1970, 1, 1), date(9999, 12, 31))


def record(conn: Connection, spans: Iterable[tuple[int, date, date]], now: datetime) -> None:
    """Log (owner id, first day, last day) spans, one row per owner (their days merged), at
    ``now`` (the runtime clock's naive UTC instant: pruning reads the same clock)."""
    merged: dict[int, tuple[date, date]] = {}
    for owner_id, first, last in spans:
        known = merged.get(owner_id)
        merged[owner_id] = (min(first, known[0]), max(last, known[1])) if known else (first, last)
    if not merged:
        return
    conn.execute(insert(changes), [
        {"owner_id": owner_id, "first_day": first, "last_day": last, "changed_at": now}
        for owner_id, (first, last) in merged.items()
    ])


def latest_change_id(conn: Connection) -> int:
    return int(conn.execute(select(func.max(changes.c.id))).scalar() or 0)


def changed_since(conn: Connection, owner_id: int, after_id: int, first: date, last: date) -> bool:
    """Whether a change after ``after_id`` touched the owner's days within [first, last]."""
    query = (
        select(changes.c.id)
        .where(changes.c.owner_id == owner_id, changes.c.id > after_id, changes.c.first_day <= last,
               changes.c.last_day >= first)
        .limit(1)
    )
    return conn.execute(query).first() is not None


def prune(conn: Connection, older_than: datetime) -> None:
    """Drop rows logged before ``older_than``: no cached answer is old enough to need them."""
    conn.execute(changes.delete().where(changes.c.changed_at < older_than))
