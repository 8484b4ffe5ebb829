"""SQL for the overview API: metric totals over a window of UTC instants, per account and
per pin, and the pins created in a window.

A window rarely starts and ends on UTC midnights (local days in Asia/Tokyo start at
15:00 UTC). Its whole UTC days are read from the derived tables (the account rollup,
the pins' running totals). For the UTC days it covers only in part, the event log
(``ingested_events``: what each event added, and when) gives the events inside the
window; whatever else that day holds (daily rows imported from archives, which carry no
time of day) counts as having happened at 12:00 UTC, which keeps an archived day on its
own date in every time zone from UTC-11 to UTC+11.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection, and_, func, select

from pinsight.catalog.metrics import STORED_COLUMNS
from pinsight.domain.overview_period import split_window
from pinsight.store.tables import account_daily_metrics as account
from pinsight.store.tables import ingested_events as events
from pinsight.store.tables import pin_cumulative_metrics as running
from pinsight.store.tables import pin_daily_metrics as daily
from pinsight.store.tables import pins

NOON = time(12)


def _zero() -> dict[str, int]:
    return dict.fromkeys(STORED_COLUMNS, 0)


def _logged(conn: Connection, owner_id: int, lo: datetime, hi: datetime, pin_ids: Sequence[int] | None = None):
    """Logged event amounts in [lo, hi) per (pin, metric column)."""
    query = (
        select(events.c.pin_id, events.c.metric, func.sum(events.c.amount))
        .where(events.c.owner_id == owner_id, events.c.occurred_at >= lo, events.c.occurred_at < hi)
        .group_by(events.c.pin_id, events.c.metric)
    )
    if pin_ids is not None:
        query = query.where(events.c.pin_id.in_(list(pin_ids)))
    found: dict[int, dict[str, int]] = defaultdict(_zero)
    for pin_id, metric, amount in conn.execute(query):
        if metric in STORED_COLUMNS:
            found[pin_id][metric] += int(amount or 0)
    return found


def _partial_day(day_totals: dict[str, int], logged_day: dict[str, int], logged_in: dict[str, int],
                 day: date, lo: datetime, hi: datetime) -> dict[str, int]:
    """What part of one UTC day [lo, hi) holds: the logged events in it, plus the day's
    untimed remainder when noon falls inside."""
    noon_inside = lo <= datetime.combine(day, NOON) < hi
    return {
        name: logged_in[name] + ((day_totals[name] - logged_day[name]) if noon_inside else 0)
        for name in STORED_COLUMNS
    }


def account_totals(conn: Connection, owner_id: int, start: datetime, end: datetime) -> dict[str, int]:
    """Every stored column summed over the owner's pins within [start, end) (naive UTC)."""
    whole, partial = split_window(start, end)
    totals = _zero()
    if whole is not None:
        query = select(*(func.sum(account.c[name]) for name in STORED_COLUMNS)).where(
            account.c.owner_id == owner_id, account.c.day >= whole[0], account.c.day <= whole[1]
        )
        for name, value in zip(STORED_COLUMNS, conn.execute(query).one()):
            totals[name] += int(value or 0)
    for day, lo, hi in partial:
        query = select(*(func.sum(account.c[name]) for name in STORED_COLUMNS)).where(
            account.c.owner_id == owner_id, account.c.day == day
        )
        day_totals = {name: int(value or 0) for name, value in zip(STORED_COLUMNS, conn.execute(query).one())}
        midnight = datetime.combine(day, time(0))
        logged_day = _sum_pins(_logged(conn, owner_id, midnight, midnight + timedelta(days=1)))
        logged_in = _sum_pins(_logged(conn, owner_id, lo, hi))
        for name, value in _partial_day(day_totals, logged_day, logged_in, day, lo, hi).items():
            totals[name] += value
    return totals


def _sum_pins(per_pin: dict[int, dict[str, int]]) -> dict[str, int]:
    summed = _zero()
    for amounts in per_pin.values():
        for name, value in amounts.items():
            summed[name] += value
    return summed


def pin_totals(conn: Connection, owner_id: int, pin_ids: Sequence[int], start: datetime, end: datetime) -> dict[int, list[int]]:
    """Per pin, every stored column (in STORED_COLUMNS order) summed within [start, end)."""
    totals = {pin_id: [0] * len(STORED_COLUMNS) for pin_id in pin_ids}
    if not pin_ids:
        return totals
    whole, partial = split_window(start, end)
    if whole is not None:
        for offset in range(0, len(pin_ids), 5000):
            for pin_id, *values in conn.execute(_whole_days(pin_ids[offset : offset + 5000], *whole)):
                totals[pin_id] = [int(value) for value in values]
    for day, lo, hi in partial:
        day_totals: dict[int, dict[str, int]] = defaultdict(_zero)
        for offset in range(0, len(pin_ids), 5000):
            query = (
                select(daily.c.pin_id, *(func.sum(daily.c[name]) for name in STORED_COLUMNS))
                .where(daily.c.pin_id.in_(list(pin_ids[offset : offset + 5000])), daily.c.day == day)
                .group_by(daily.c.pin_id)
            )
            for pin_id, *values in conn.execute(query):
                day_totals[pin_id] = {name: int(value or 0) for name, value in zip(STORED_COLUMNS, values)}
        midnight = datetime.combine(day, time(0))
        logged_day = _logged(conn, owner_id, midnight, midnight + timedelta(days=1))
        logged_in = _logged(conn, owner_id, lo, hi)
        for pin_id in set(pin_ids) & (day_totals.keys() | logged_day.keys()):
            part = _partial_day(day_totals[pin_id], logged_day[pin_id], logged_in[pin_id], day, lo, hi)
            row = totals[pin_id]
            for index, name in enumerate(STORED_COLUMNS):
                row[index] += part[name]
    return totals


def _whole_days(pin_ids: Sequence[int], first: date, last: date):
    """Per pin, its running totals at ``last`` minus those before ``first``: two latest-day
    seeks and two row reads per pin, whatever the number of days."""
    at_end, before = running.alias("at_end"), running.alias("before_first")

    def latest(bound):
        rows = running.alias()
        return select(func.max(rows.c.day)).where(rows.c.pin_id == pins.c.id, bound(rows)).scalar_subquery()

    joined = pins.join(
        at_end, and_(at_end.c.pin_id == pins.c.id, at_end.c.day == latest(lambda r: r.c.day <= last))
    ).outerjoin(before, and_(before.c.pin_id == pins.c.id, before.c.day == latest(lambda r: r.c.day < first)))
    return (
        select(pins.c.id, *(at_end.c[name] - func.coalesce(before.c[name], 0) for name in STORED_COLUMNS))
        .select_from(joined)
        .where(pins.c.id.in_(list(pin_ids)))
    )


def pins_created(conn: Connection, owner_id: int, start: datetime, end: datetime):
    """The owner's pins created within [start, end), newest first (ties: larger id first)."""
    query = (
        select(pins.c.id, pins.c.title, pins.c.description, pins.c.creative_type, pins.c.media, pins.c.created_at)
        .where(pins.c.owner_id == owner_id, pins.c.created_at >= start, pins.c.created_at < end)
        .order_by(pins.c.created_at.desc(), pins.c.id.desc())
    )
    return conn.execute(query).mappings().all()


def count_pins_created(conn: Connection, owner_id: int, start: datetime, end: datetime) -> int:
    query = select(func.count()).select_from(pins).where(
        pins.c.owner_id == owner_id, pins.c.created_at >= start, pins.c.created_at < end
    )
    return int(conn.execute(query).scalar() or 0)
