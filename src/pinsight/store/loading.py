"""Loading whole accounts in bulk (the demo, benchmarks, archive imports into new accounts).

Pins and daily rows are appended as they are, without the per-write upkeep of the
derived tables; ``rebuild_derived`` then recomputes those from the daily rows in SQL
(``rollups.rebuild``), which is far cheaper than applying millions of rows as deltas.
Appending never replaces anything: a key that already exists fails the load, so these
functions are for accounts with no metrics yet. Call them in one write transaction
(``db.writing``), with no statement time limit for large loads (``db.STATEMENT_TIMEOUT``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from sqlalchemy import Connection, insert

from pinsight.catalog.metrics import STORED_COLUMNS
from pinsight.store import changes
from pinsight.store.organic import rollups
from pinsight.store.bulk import bind_value, copy_rows
from pinsight.store.locks import lock_owners
from pinsight.store.tables import pin_daily_metrics, pins

BATCH = 20_000
_DAILY_KEYS = ("pin_id", "owner_id", "day", "app_type", "traffic", *STORED_COLUMNS)


def append_pins(conn: Connection, rows: Sequence[dict]) -> None:
    """Insert pins (dicts of ``pins`` columns), a batch per statement."""
    for offset in range(0, len(rows), 5000):
        conn.execute(insert(pins), list(rows[offset : offset + 5000]))


def append_daily_rows(conn: Connection, rows: Iterable[tuple], on_batch: Callable[[int], None] | None = None) -> int:
    """Append daily rows given as ``(pin_id, owner_id, day, app_type, traffic, amounts in
    STORED_COLUMNS order)``; ``on_batch(count)`` after each batch written. Returns the count."""
    postgres = conn.dialect.name == "postgresql"
    bound_days: dict = {}
    batch: list[tuple] = []
    written = 0

    def flush() -> None:
        nonlocal written
        copy_rows(conn, pin_daily_metrics, _DAILY_KEYS, batch)
        written += len(batch)
        if on_batch is not None:
            on_batch(len(batch))
        batch.clear()

    for pin_id, owner_id, day, app_type, traffic, amounts in rows:
        bound = bound_days.get(day)
        if bound is None:
            # COPY takes dates as they are; executemany wants the dialect's form (bulk.py).
            bound = bound_days[day] = day if postgres else bind_value(conn, pin_daily_metrics.c.day, day)
        batch.append((pin_id, owner_id, bound, app_type, traffic, *amounts))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return written


def rebuild_derived(conn: Connection, owner_ids: Iterable[int], now: datetime) -> None:
    """Recompute the owners' derived tables from their daily rows, and log at ``now`` that
    all their days changed (so no cached answer survives the load)."""
    owners = sorted(set(owner_ids))
    lock_owners(conn, owners)
    for owner_id in owners:
        rollups.rebuild(conn, owner_id)
    changes.record(conn, ((owner_id, *changes.ALL_DAYS) for owner_id in owners), now)


def append_ad_entities(conn: Connection, campaign_rows: Sequence[dict], ad_group_rows: Sequence[dict],
                       ad_rows: Sequence[dict]) -> None:
    """Insert campaigns, ad groups and ads (dicts of their tables' columns), parents first."""
    from pinsight.store.tables import ad_groups, ads, campaigns

    for table, rows in ((campaigns, campaign_rows), (ad_groups, ad_group_rows), (ads, ad_rows)):
        for offset in range(0, len(rows), 2000):
            conn.execute(insert(table), list(rows[offset : offset + 2000]))


def mark_pins_promoted(conn: Connection, pin_ids: Iterable[int]) -> None:
    from sqlalchemy import update

    wanted = sorted(set(pin_ids))
    for offset in range(0, len(wanted), 5000):
        conn.execute(update(pins).where(pins.c.id.in_(wanted[offset : offset + 5000])).values(has_been_promoted=True))
