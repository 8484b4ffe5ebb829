"""SQL for organic analytics: upserting daily rows and summing them over periods."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects import postgresql, sqlite

from pinsight.catalog.metrics import PIN_METRIC_FIELDS, STORED_COLUMNS
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


def pin_metric_sums(conn: Connection, pin_ids: Sequence[int], since: date | None, until: date) -> dict[int, dict]:
    """Per pin, the sums of the ``pin_metrics`` columns over [since, until] (all time when since is None)."""
    if not pin_ids:
        return {}
    columns = sorted(set(PIN_METRIC_FIELDS.values()))
    query = select(daily.c.pin_id, *(func.sum(daily.c[name]).label(name) for name in columns)).where(
        daily.c.pin_id.in_(list(pin_ids)), daily.c.day <= until
    )
    if since is not None:
        query = query.where(daily.c.day >= since)
    rows = conn.execute(query.group_by(daily.c.pin_id)).mappings().all()
    return {row["pin_id"]: {name: int(row[name] or 0) for name in columns} for row in rows}


def add_to_daily_rows(conn: Connection, rows: Sequence[dict]) -> None:
    """Add rows' metrics to the rows stored under the same key (inserting missing rows).

    Every row must carry ``owner_id`` and all of ``STORED_COLUMNS`` (0 where nothing is
    added), so the whole batch is one executemany of one statement.
    """
    if not rows:
        return
    from pinsight.store.bulk import bind_value, executemany

    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(daily)
    statement = statement.on_conflict_do_update(
        index_elements=list(KEY_COLUMNS),
        set_={name: daily.c[name] + statement.excluded[name] for name in STORED_COLUMNS},
    )
    keys = (*KEY_COLUMNS, "owner_id", *STORED_COLUMNS)
    days: dict = {}
    values = []
    for row in rows:
        day = row["day"]
        bound = days.get(day)
        if bound is None:
            bound = days[day] = bind_value(conn, daily.c.day, day)
        values.append((row["pin_id"], bound, *(row[key] for key in keys[2:])))
    executemany(conn, statement, keys, values)
