"""SQL for organic analytics: upserting daily rows and summing them over periods."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects import postgresql, sqlite

from pinsight.catalog.metrics import STORED_COLUMNS
from pinsight.store.tables import pin_daily_metrics as daily

KEY_COLUMNS = ("pin_id", "day", "app_type", "traffic")


def upsert_daily_rows(conn: Connection, rows: Sequence[dict]) -> None:
    """Insert rows, replacing every metric of a row whose key already exists."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(daily)
    statement = statement.on_conflict_do_update(
        index_elements=list(KEY_COLUMNS),
        set_={name: statement.excluded[name] for name in ("owner_id", *STORED_COLUMNS)},
    )
    conn.execute(statement, list(rows))


def sum_by_pin_day(
    conn: Connection,
    pin_ids: Sequence[int],
    start: date,
    end: date,
    app_types: Iterable[str],
    columns: Sequence[str],
    *,
    split_app_type: bool,
):
    """Summed columns per (pin, day[, app type]) within [start, end]."""
    keys = [daily.c.pin_id, daily.c.day] + ([daily.c.app_type] if split_app_type else [])
    query = (
        select(*keys, *(func.sum(daily.c[name]).label(name) for name in columns))
        .where(
            daily.c.pin_id.in_(list(pin_ids)),
            daily.c.day >= start,
            daily.c.day <= end,
            daily.c.app_type.in_(list(app_types)),
        )
        .group_by(*keys)
    )
    return conn.execute(query).mappings().all()


def sum_lifetime(conn: Connection, pin_ids: Sequence[int], until: date, app_types: Iterable[str], columns: Sequence[str], *, split_app_type: bool):
    """Summed columns per pin[, app type] over the pin's whole life up to ``until``."""
    keys = [daily.c.pin_id] + ([daily.c.app_type] if split_app_type else [])
    query = (
        select(*keys, *(func.sum(daily.c[name]).label(name) for name in columns))
        .where(daily.c.pin_id.in_(list(pin_ids)), daily.c.day <= until, daily.c.app_type.in_(list(app_types)))
        .group_by(*keys)
    )
    return conn.execute(query).mappings().all()
