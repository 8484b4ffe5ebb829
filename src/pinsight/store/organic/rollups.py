"""Keeping the derived metric tables in step with the daily rows.

Every change to ``pin_daily_metrics`` reaches this module as deltas: per (pin, day,
app type, traffic), the amount added to each stored column (negative when taken away).
From them, in the caller's transaction:

* ``account_daily_metrics`` gets the deltas summed per (owner, day, app type, traffic,
  pin format, source, claimed-content class) added to its rows;
* ``pin_cumulative_metrics`` (one series per pin) and
  ``pin_cumulative_metrics_by_app_traffic`` (one series per pin, app type and traffic)
  get, for each series, a row on every delta day (started from the running total
  before that day) and each delta added to every row from its day on.

A pin's claimed-content class follows its link and its owner's website; when either
changes, ``reclassify_pins`` moves the pin's account amounts to the new class.

``rebuild`` recomputes every derived row of one owner from the daily rows in SQL: bulk
loads use it, and the tests use it as the oracle the incremental path must match.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import add

from sqlalchemy import Connection, String, Table, and_, delete, func, insert, literal, select, true, type_coerce, union_all
from sqlalchemy.dialects import postgresql, sqlite

from pinsight.catalog.metrics import STORED_COLUMNS
from pinsight.catalog.pin_formats import pin_format_of, source_of
from pinsight.domain.organic.claimed_content import owned_content_of, website_host
from pinsight.store import changes
from pinsight.store.bulk import bind_value, executemany
from pinsight.store.locks import require_locked
from pinsight.store.organic.classes import get_pins_brief, owned_expression, pin_format_expression, source_expression
from pinsight.store.tables import account_daily_metrics as account
from pinsight.store.tables import pin_cumulative_metrics, pin_cumulative_metrics_by_app_traffic
from pinsight.store.tables import pin_daily_metrics as daily
from pinsight.store.tables import pins, users

# (pin id, day, app type, traffic, amounts in STORED_COLUMNS order)
Delta = tuple[int, date, str, str, Sequence[int]]

ACCOUNT_KEYS = ("owner_id", "day", "app_type", "traffic", "pin_format", "source", "owned_content")
CHUNK = 5000
_WIDTH = len(STORED_COLUMNS)


@dataclass(frozen=True)
class RunningTotals:
    """A running-totals table: one series per (pin_id, *parts), a row per day it has data."""

    table: Table
    parts: tuple[str, ...]

    @property
    def series_key(self) -> tuple[str, ...]:
        return ("pin_id", *self.parts)


PER_PIN = RunningTotals(pin_cumulative_metrics, ())
PER_APP_TRAFFIC = RunningTotals(pin_cumulative_metrics_by_app_traffic, ("app_type", "traffic"))


def _dialect(conn: Connection):
    return postgresql if conn.dialect.name == "postgresql" else sqlite


def classify(pin: Mapping, traffic: str) -> tuple[str, str, str]:
    """A pin's (pin format, source, claimed-content class) for rows of ``traffic``.

    ``pin`` gives the pin's ``creative_type``, ``parent_pin_id``, ``link`` and its owner's
    ``website_host`` (as ``classes.get_pins_brief`` does)."""
    return (
        pin_format_of(pin["creative_type"], traffic),
        source_of(pin["parent_pin_id"]),
        owned_content_of(pin["link"], pin["website_host"]),
    )


class Increments:
    """Amounts to add, aggregated three ways while they are collected: per daily row key,
    per account rollup key and per pin and day. Adding one event costs three dictionary
    lookups, however many columns the metrics have. (The per app type and traffic series
    need no aggregation of their own: they are the daily row keys, regrouped.)

    ``pin_attributes`` gives each pin's ``owner_id`` and what ``classify`` reads.
    """

    def __init__(self, pin_attributes: Mapping[int, Mapping]):
        self.daily: dict[tuple, list[int]] = {}
        self.account: dict[tuple, list[int]] = {}
        self.running: dict[int, dict[date, list[int]]] = {}
        self.pin_attributes = pin_attributes
        self._classes: dict[tuple, tuple] = {}

    def _class_of(self, pin_id: int, traffic: str) -> tuple:
        pin = self.pin_attributes[pin_id]
        found = self._classes[(pin_id, traffic)] = (pin["owner_id"], *classify(pin, traffic))
        return found

    def _rows_for(self, pin_id: int, day: date, app_type: str, traffic: str) -> tuple[list, list, list]:
        key = (pin_id, day, app_type, traffic)
        daily_row = self.daily.get(key)
        if daily_row is None:
            daily_row = self.daily[key] = [0] * _WIDTH
        owner_id, pin_format, source, owned = self._classes.get((pin_id, traffic)) or self._class_of(pin_id, traffic)
        key = (owner_id, day, app_type, traffic, pin_format, source, owned)
        account_row = self.account.get(key)
        if account_row is None:
            account_row = self.account[key] = [0] * _WIDTH
        days = self.running.get(pin_id)
        if days is None:
            days = self.running[pin_id] = {}
        pin_row = days.get(day)
        if pin_row is None:
            pin_row = days[day] = [0] * _WIDTH
        return daily_row, account_row, pin_row

    def add(self, pin_id: int, day: date, app_type: str, traffic: str, index: int, amount: int) -> None:
        """Add ``amount`` to the column at ``index`` (in STORED_COLUMNS) of one daily row."""
        for row in self._rows_for(pin_id, day, app_type, traffic):
            row[index] += amount

    def add_all(self, pin_id: int, day: date, app_type: str, traffic: str, amounts: Sequence[int]) -> None:
        """Add amounts to every column (in STORED_COLUMNS order) of one daily row."""
        for row in self._rows_for(pin_id, day, app_type, traffic):
            for index, amount in enumerate(amounts):
                if amount:
                    row[index] += amount

    def per_app_traffic(self) -> dict[tuple, dict[date, Sequence[int]]]:
        """The daily row increments per (pin, app type, traffic) series and day."""
        series: dict[tuple, dict[date, Sequence[int]]] = defaultdict(dict)
        for (pin_id, day, app_type, traffic), amounts in self.daily.items():
            series[(pin_id, app_type, traffic)][day] = amounts
        return series


def apply_deltas(conn: Connection, deltas: Iterable[Delta], pin_attributes: Mapping[int, Mapping]) -> None:
    """Bring the derived tables in step with daily rows that changed by ``deltas``.

    ``pin_attributes`` as ``Increments`` takes them.
    """
    increments = Increments(pin_attributes)
    for pin_id, day, app_type, traffic, amounts in deltas:
        increments.add_all(pin_id, day, app_type, traffic, amounts)
    apply(conn, increments)


def apply(conn: Connection, increments: Increments) -> None:
    """Add collected increments to the derived tables (not to the daily rows). The caller
    holds the owners' metrics locks (``store.locks``): the running totals are read, then
    rewritten."""
    require_locked(conn, {key[0] for key in increments.account})
    add_to_account_rows(conn, increments.account)
    _add_to_running_totals(conn, PER_PIN, {(pin_id,): days for pin_id, days in increments.running.items()})
    _add_to_running_totals(conn, PER_APP_TRAFFIC, increments.per_app_traffic())


def add_to_account_rows(conn: Connection, sums: Mapping[tuple, Sequence[int]]) -> None:
    """Add amounts to account rows keyed by ``ACCOUNT_KEYS`` (inserting missing rows)."""
    if not sums:
        return
    statement = _dialect(conn).insert(account)
    statement = statement.on_conflict_do_update(
        index_elements=list(ACCOUNT_KEYS),
        set_={name: account.c[name] + statement.excluded[name] for name in STORED_COLUMNS},
    )
    days: dict = {}
    values = []
    for (owner_id, day, *rest), amounts in sums.items():
        bound = days.get(day)
        if bound is None:
            bound = days[day] = bind_value(conn, account.c.day, day)
        values.append((owner_id, bound, *rest, *amounts))
    executemany(conn, statement, (*ACCOUNT_KEYS, *STORED_COLUMNS), values)


# ---- running totals -------------------------------------------------------------------------


def _add_to_running_totals(conn: Connection, kind: RunningTotals, per_series: Mapping[tuple, Mapping[date, Sequence[int]]]) -> None:
    writes: list[tuple] = []
    bound_days: dict[date, object] = {}

    def bind_day(day: date):
        bound = bound_days.get(day)
        if bound is None:
            bound = bound_days[day] = bind_value(conn, kind.table.c.day, day)
        return bound

    for keys, start in _read_groups(per_series):
        before = latest_totals(conn, kind, keys, start, strictly_before=True)
        stored = _totals_from(conn, kind, keys, start)
        for key in keys:
            deltas = per_series[key]
            rows = stored.get(key, [])
            # The rows before this series' first delta day only give the total it starts from.
            first = bisect_left(rows, min(deltas), key=_day_of)
            start_from = rows[first - 1][1] if first else before.get(key)
            writes.extend(_merge(key, deltas, start_from, rows[first:], bind_day))
    _write_running_totals(conn, kind, writes)


def _day_of(row: tuple) -> date:
    return row[0]


# Series whose first delta days lie this close together are read together: two queries
# for the lot, at the price of reading up to this many days too many of some series.
READ_GROUP_DAYS = 31


def _read_groups(per_series: Mapping[tuple, Mapping[date, Sequence[int]]]):
    """The series in groups read together (at most CHUNK series each), with the earliest
    first delta day of each group: events arrive spread over recent days, so most writes
    read their series with one pair of queries; a backfill far in the past is read apart
    and does not make the others read their whole history."""
    by_first_day = sorted((min(days), key) for key, days in per_series.items())
    group: list[tuple] = []
    start = None
    for first_day, key in by_first_day:
        if group and ((first_day - start).days > READ_GROUP_DAYS or len(group) >= CHUNK):
            yield group, start
            group = []
        if not group:
            start = first_day
        group.append(key)
    if group:
        yield group, start


def latest_totals(conn: Connection, kind: RunningTotals, keys: Sequence[tuple], day: date, *,
                  strictly_before: bool = False) -> dict[tuple, tuple]:
    """Per series of ``kind`` (keys are (pin id, *parts)), its running totals (in
    STORED_COLUMNS order) on its latest day up to ``day`` (before it, with
    ``strictly_before``); series without one are absent. One index seek per series.

    The query runs over every combination of the keys' parts for each of their pins, so
    it may answer more series than asked for."""
    if not keys:
        return {}
    table = kind.table
    earlier = table.alias("earlier")
    source = pins
    matches, earlier_matches = [], []
    if kind.parts:
        combos = union_all(
            *(select(*(literal(value, String).label(name) for name, value in zip(kind.parts, combo)))
              for combo in sorted({tuple(key[1:]) for key in keys}))
        ).subquery("combos")
        source = pins.join(combos, true())
        matches = [table.c[name] == combos.c[name] for name in kind.parts]
        earlier_matches = [earlier.c[name] == combos.c[name] for name in kind.parts]
    latest = (
        select(func.max(earlier.c.day))
        .where(earlier.c.pin_id == pins.c.id, *earlier_matches, earlier.c.day < day if strictly_before else earlier.c.day <= day)
        .scalar_subquery()
    )
    width = len(kind.series_key)
    query = (
        select(*(table.c[name] for name in kind.series_key), *(table.c[name] for name in STORED_COLUMNS))
        .select_from(source.join(table, and_(table.c.pin_id == pins.c.id, *matches, table.c.day == latest)))
        .where(pins.c.id.in_(sorted({key[0] for key in keys})))
    )
    return {tuple(row[:width]): tuple(row[width:]) for row in conn.execute(query).all()}


def _totals_from(conn: Connection, kind: RunningTotals, keys: Sequence[tuple], day: date) -> dict[tuple, list[tuple]]:
    """Per series (and maybe others of the same pins), its stored (day, running totals)
    from ``day`` on, in day order."""
    table = kind.table
    raw_day = type_coerce(table.c.day, String) if conn.dialect.name == "sqlite" else table.c.day
    conditions = [table.c.pin_id.in_(sorted({key[0] for key in keys}))]
    for position, name in enumerate(kind.parts, start=1):
        conditions.append(table.c[name].in_(sorted({key[position] for key in keys})))
    width = len(kind.series_key)
    query = (
        select(*(table.c[name] for name in kind.series_key), raw_day, *(table.c[name] for name in STORED_COLUMNS))
        .where(*conditions, table.c.day >= day)
        .order_by(*(table.c[name] for name in kind.series_key), table.c.day)
    )
    found: dict[tuple, list[tuple]] = defaultdict(list)
    days: dict = {}
    for row in conn.execute(query).all():  # one fetch: iterating fetches row by row
        stored_day = row[width]
        if not isinstance(stored_day, date):  # SQLite's text, parsed once per distinct day
            stored_day = days.get(stored_day) or days.setdefault(stored_day, date.fromisoformat(stored_day))
        found[row[0] if width == 1 else row[:width]].append((stored_day, row[width + 1 :]))
    if width == 1:
        return {(pin_id,): rows for pin_id, rows in found.items()}
    return found


def _merge(key: tuple, deltas: Mapping[date, Sequence[int]], before: tuple | None, stored: Sequence[tuple],
           bind_day) -> list[tuple]:
    """The series' new running-total rows from its first delta day on, ready for the driver:
    (*key, bind_day(day), *totals). ``stored`` holds its rows from that day on, ``before``
    the total in force before it."""
    stored_on = dict(stored)
    previous = before or (0,) * _WIDTH  # the old running total in force on the day at hand
    added = [0] * _WIDTH
    rows = []
    for day in sorted(stored_on.keys() | deltas.keys()):
        old = stored_on.get(day)
        if old is None:
            old = previous
        else:
            previous = old
        delta = deltas.get(day)
        if delta is not None:
            added = list(map(add, added, delta))
        rows.append((*key, bind_day(day), *map(add, old, added)))
    return rows


def _write_running_totals(conn: Connection, kind: RunningTotals, rows: Sequence[tuple]) -> None:
    if not rows:
        return
    statement = _dialect(conn).insert(kind.table)
    statement = statement.on_conflict_do_update(
        index_elements=[*kind.series_key, "day"],
        set_={name: statement.excluded[name] for name in STORED_COLUMNS},
    )
    executemany(conn, statement, (*kind.series_key, "day", *STORED_COLUMNS), rows)


# ---- claimed content --------------------------------------------------------------------------


def owned_content_classes(conn: Connection, pin_ids: Sequence[int]) -> dict[int, str]:
    """Each existing pin's claimed-content class, from its link and its owner's website now."""
    return {pin_id: owned_content_of(pin["link"], pin["website_host"]) for pin_id, pin in get_pins_brief(conn, pin_ids).items()}


def reclassify_pins(conn: Connection, before: Mapping[int, str]) -> None:
    """After the links of the pins in ``before`` (pin id: its class then) or their owners'
    websites changed, move the account amounts of each pin whose class changed from its
    old class to its new one. Costs one read of those pins' daily rows; the caller holds
    the owners' metrics locks."""
    attributes = get_pins_brief(conn, sorted(before))
    require_locked(conn, {pin["owner_id"] for pin in attributes.values()})
    moved = {pin_id: pin for pin_id, pin in attributes.items()
             if owned_content_of(pin["link"], pin["website_host"]) != before[pin_id]}
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0] * _WIDTH)
    ids = sorted(moved)
    for offset in range(0, len(ids), CHUNK):
        query = select(daily.c.pin_id, daily.c.day, daily.c.app_type, daily.c.traffic,
                       *(daily.c[name] for name in STORED_COLUMNS)).where(daily.c.pin_id.in_(ids[offset : offset + CHUNK]))
        for pin_id, day, app_type, traffic, *amounts in conn.execute(query):
            pin = moved[pin_id]
            pin_format, source, new_class = classify(pin, traffic)
            key = (pin["owner_id"], day, app_type, traffic, pin_format, source)
            old_row, new_row = sums[(*key, before[pin_id])], sums[(*key, new_class)]
            for index, amount in enumerate(amounts):
                old_row[index] -= amount
                new_row[index] += amount
    add_to_account_rows(conn, sums)


# ---- deletions and rebuilds ---------------------------------------------------------------------


def _claimed_host(conn: Connection, owner_id: int) -> str | None:
    return website_host(conn.execute(select(users.c.website_url).where(users.c.id == owner_id)).scalar())


def _account_sums(conn: Connection, which, claimed_host: str | None):
    """The daily rows of the pins selected by ``which`` (a condition on ``pins``; one owner's
    pins), summed per account rollup key (in ACCOUNT_KEYS order); ``claimed_host`` is the
    owner's website host.

    Each pin is classified once, in a materialized CTE: the claimed-content expression
    is dozens of string operations, too many to repeat for every daily row. The pin
    format, which also depends on the row's traffic, is computed per row in a subquery
    and grouped outside it: grouping by the CASE expression directly would bind its
    literals twice, which PostgreSQL treats as two different expressions.
    """
    classes = (
        select(pins.c.id, pins.c.creative_type, source_expression().label("source"),
               owned_expression(conn, claimed_host).label("owned_content"))
        .where(which)
        .cte("pin_classes")
    )
    if conn.dialect.name == "postgresql" or sqlite3.sqlite_version_info >= (3, 35):
        classes = classes.prefix_with("MATERIALIZED")
    classified = (
        select(
            daily.c.owner_id, daily.c.day, daily.c.app_type, daily.c.traffic,
            pin_format_expression(classes.c.creative_type).label("pin_format"), classes.c.source, classes.c.owned_content,
            *(daily.c[name] for name in STORED_COLUMNS),
        )
        .select_from(classes.join(daily, daily.c.pin_id == classes.c.id))
        .subquery()
    )
    keys = [classified.c[name] for name in ACCOUNT_KEYS]
    return select(*keys, *(func.sum(classified.c[name]) for name in STORED_COLUMNS)).group_by(*keys)


def forget_pins(conn: Connection, which, now: datetime) -> None:
    """Take the daily rows of the pins selected by ``which`` (a condition on ``pins``) out of
    the account totals. Call it just before deleting those pins: their running totals and
    daily rows go with them (ON DELETE CASCADE)."""
    owners = conn.execute(select(pins.c.owner_id).where(which).distinct()).scalars().all()
    require_locked(conn, owners)
    width = len(ACCOUNT_KEYS)
    for owner_id in owners:
        query = _account_sums(conn, and_(which, pins.c.owner_id == owner_id), _claimed_host(conn, owner_id))
        sums = {tuple(row[:width]): [-int(value) for value in row[width:]] for row in conn.execute(query)}
        add_to_account_rows(conn, sums)
    changes.record(conn, ((owner_id, *changes.ALL_DAYS) for owner_id in owners), now)


def rebuild(conn: Connection, owner_id: int) -> None:
    """Recompute this owner's derived rows from their daily rows."""
    require_locked(conn, [owner_id])
    conn.execute(delete(account).where(account.c.owner_id == owner_id))
    sums = _account_sums(conn, pins.c.owner_id == owner_id, _claimed_host(conn, owner_id))
    conn.execute(insert(account).from_select([*ACCOUNT_KEYS, *STORED_COLUMNS], sums))

    owned_pins = select(pins.c.id).where(pins.c.owner_id == owner_id)
    for kind in (PER_PIN, PER_APP_TRAFFIC):
        conn.execute(delete(kind.table).where(kind.table.c.pin_id.in_(owned_pins)))
    per_day = (
        select(daily.c.pin_id, daily.c.day, *(func.sum(daily.c[name]).label(name) for name in STORED_COLUMNS))
        .where(daily.c.owner_id == owner_id)
        .group_by(daily.c.pin_id, daily.c.day)
        .subquery()
    )
    conn.execute(insert(pin_cumulative_metrics).from_select(["pin_id", "day", *STORED_COLUMNS], _running_sums(per_day, ())))
    # Daily rows are already one per (pin, day, app type, traffic): no grouping needed.
    owner_rows = select(daily).where(daily.c.owner_id == owner_id).subquery()
    parts = PER_APP_TRAFFIC.parts
    conn.execute(insert(pin_cumulative_metrics_by_app_traffic).from_select(
        [*PER_APP_TRAFFIC.series_key, "day", *STORED_COLUMNS], _running_sums(owner_rows, parts)))


def _running_sums(rows, parts: tuple[str, ...]):
    """Per series (pin_id, *parts) and day of ``rows``, the sums from the series' first day on."""
    series = [rows.c.pin_id, *(rows.c[name] for name in parts)]
    return select(
        *series,
        rows.c.day,
        *(func.sum(rows.c[name]).over(partition_by=series, order_by=rows.c.day) for name in STORED_COLUMNS),
    )
