"""Keeping the derived metric tables in step with the daily rows.

Every change to ``pin_daily_metrics`` reaches this module as deltas: per (pin, day,
app type, traffic), the amount added to each stored column (negative when taken away).
From them, in the caller's transaction:

* ``account_daily_metrics`` gets the deltas summed per (owner, day, app type, traffic,
  pin format, source) added to its rows;
* ``pin_cumulative_metrics`` gets, for each pin, a row on every delta day (started from
  the running total before that day) and each delta added to every row from its day on.

``rebuild`` recomputes both tables for one owner from the daily rows in SQL: bulk loads
use it, and the tests use it as the oracle the incremental path must match.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from sqlalchemy import Connection, String, and_, delete, func, insert, select, type_coerce
from sqlalchemy.dialects import postgresql, sqlite

from pinsight.catalog.metrics import STORED_COLUMNS
from pinsight.catalog.pin_formats import pin_format_of, source_of
from pinsight.store import changes
from pinsight.store.bulk import bind_value, executemany
from pinsight.store.locks import require_locked
from pinsight.store.tables import account_daily_metrics as account
from pinsight.store.tables import pin_cumulative_metrics as running
from pinsight.store.tables import pin_daily_metrics as daily
from pinsight.store.tables import pins

# (pin id, day, app type, traffic, amounts in STORED_COLUMNS order)
Delta = tuple[int, date, str, str, Sequence[int]]

ACCOUNT_KEYS = ("owner_id", "day", "app_type", "traffic", "pin_format", "source")
CHUNK = 5000
_WIDTH = len(STORED_COLUMNS)


def _dialect(conn: Connection):
    return postgresql if conn.dialect.name == "postgresql" else sqlite


class Increments:
    """Amounts to add, aggregated three ways while they are collected: per daily row key,
    per account rollup key and per pin and day. Adding one event costs three dictionary
    lookups, however many columns the metrics have.

    ``pin_attributes`` gives each pin's ``owner_id``, ``creative_type`` and ``parent_pin_id``.
    """

    def __init__(self, pin_attributes: Mapping[int, Mapping]):
        self.daily: dict[tuple, list[int]] = {}
        self.account: dict[tuple, list[int]] = {}
        self.running: dict[int, dict[date, list[int]]] = {}
        self.pin_attributes = pin_attributes
        self._classes: dict[tuple, tuple] = {}

    def _class_of(self, pin_id: int, traffic: str) -> tuple:
        pin = self.pin_attributes[pin_id]
        found = self._classes[(pin_id, traffic)] = (
            pin["owner_id"], pin_format_of(pin["creative_type"], traffic), source_of(pin["parent_pin_id"])
        )
        return found

    def _rows_for(self, pin_id: int, day: date, app_type: str, traffic: str) -> tuple[list, list, list]:
        key = (pin_id, day, app_type, traffic)
        daily_row = self.daily.get(key)
        if daily_row is None:
            daily_row = self.daily[key] = [0] * _WIDTH
        owner_id, pin_format, source = self._classes.get((pin_id, traffic)) or self._class_of(pin_id, traffic)
        key = (owner_id, day, app_type, traffic, pin_format, source)
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


def apply_deltas(conn: Connection, deltas: Iterable[Delta], pin_attributes: Mapping[int, Mapping]) -> None:
    """Bring both derived tables in step with daily rows that changed by ``deltas``.

    ``pin_attributes`` gives each pin's ``owner_id``, ``creative_type`` and ``parent_pin_id``.
    """
    increments = Increments(pin_attributes)
    for pin_id, day, app_type, traffic, amounts in deltas:
        increments.add_all(pin_id, day, app_type, traffic, amounts)
    apply(conn, increments)


def apply(conn: Connection, increments: Increments) -> None:
    """Add collected increments to both derived tables (not to the daily rows). The caller
    holds the owners' metrics locks (``store.locks``): the running totals are read, then
    rewritten."""
    require_locked(conn, {key[0] for key in increments.account})
    add_to_account_rows(conn, increments.account)
    _add_to_running_totals(conn, increments.running)


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


def _add_to_running_totals(conn: Connection, per_pin: Mapping[int, Mapping[date, Sequence[int]]]) -> None:
    # Pins are read in groups sharing their first delta day, so each read fetches exactly
    # the rows that change (those from that day on) plus the one row before them.
    by_first_day: dict[date, list[int]] = defaultdict(list)
    for pin_id, days in per_pin.items():
        by_first_day[min(days)].append(pin_id)
    writes: list[tuple] = []
    for first_day, pin_ids in by_first_day.items():
        for offset in range(0, len(pin_ids), CHUNK):
            chunk = pin_ids[offset : offset + CHUNK]
            before = _totals_before(conn, chunk, first_day)
            stored = _totals_from(conn, chunk, first_day)
            for pin_id in chunk:
                writes.extend(_merge(pin_id, per_pin[pin_id], before.get(pin_id), stored.get(pin_id, ())))
    _write_running_totals(conn, writes)


def _totals_before(conn: Connection, pin_ids: Sequence[int], day: date) -> dict[int, tuple]:
    """Per pin, its running totals on the latest day before ``day`` (pins without one are absent)."""
    earlier = running.alias("earlier")
    latest = (
        select(func.max(earlier.c.day)).where(earlier.c.pin_id == pins.c.id, earlier.c.day < day).scalar_subquery()
    )
    query = (
        select(running)
        .select_from(pins.join(running, and_(running.c.pin_id == pins.c.id, running.c.day == latest)))
        .where(pins.c.id.in_(list(pin_ids)))
    )
    return {row[0]: tuple(row[2:]) for row in conn.execute(query)}


def _totals_from(conn: Connection, pin_ids: Sequence[int], day: date) -> dict[int, list[tuple]]:
    """Per pin, its stored (day, running totals) from ``day`` on, in day order."""
    raw_day = type_coerce(running.c.day, String) if conn.dialect.name == "sqlite" else running.c.day
    query = (
        select(running.c.pin_id, raw_day, *(running.c[name] for name in STORED_COLUMNS))
        .where(running.c.pin_id.in_(list(pin_ids)), running.c.day >= day)
        .order_by(running.c.pin_id, running.c.day)
    )
    found: dict[int, list[tuple]] = defaultdict(list)
    days: dict = {}
    for row in conn.execute(query):
        stored_day = row[1]
        if not isinstance(stored_day, date):  # SQLite's text, parsed once per distinct day
            stored_day = days.get(stored_day) or days.setdefault(stored_day, date.fromisoformat(stored_day))
        found[row[0]].append((stored_day, row[2:]))
    return found


def _merge(pin_id: int, deltas: Mapping[date, Sequence[int]], before: tuple | None, stored: Sequence[tuple]) -> list[tuple]:
    """The pin's new running-total rows from its first delta day on."""
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
            added = [a + d for a, d in zip(added, delta)]
        rows.append((pin_id, day, *(o + a for o, a in zip(old, added))))
    return rows


def _write_running_totals(conn: Connection, rows: Sequence[tuple]) -> None:
    if not rows:
        return
    statement = _dialect(conn).insert(running)
    statement = statement.on_conflict_do_update(
        index_elements=["pin_id", "day"],
        set_={name: statement.excluded[name] for name in STORED_COLUMNS},
    )
    days: dict = {}
    values = []
    for pin_id, day, *amounts in rows:
        bound = days.get(day)
        if bound is None:
            bound = days[day] = bind_value(conn, running.c.day, day)
        values.append((pin_id, bound, *amounts))
    executemany(conn, statement, ("pin_id", "day", *STORED_COLUMNS), values)


def _account_sums(where):
    """The daily rows matching ``where``, summed per account rollup key (in ACCOUNT_KEYS order).

    The pin format and source are computed per row in a subquery and grouped outside it:
    grouping by the CASE expressions directly would bind their literals twice, which
    PostgreSQL treats as two different expressions.
    """
    from pinsight.store.account_metrics import pin_format_expression, source_expression

    classified = (
        select(
            daily.c.owner_id, daily.c.day, daily.c.app_type, daily.c.traffic,
            pin_format_expression().label("pin_format"), source_expression().label("source"),
            *(daily.c[name] for name in STORED_COLUMNS),
        )
        .select_from(daily.join(pins, pins.c.id == daily.c.pin_id))
        .where(where)
        .subquery()
    )
    keys = [classified.c[name] for name in ACCOUNT_KEYS]
    return select(*keys, *(func.sum(classified.c[name]) for name in STORED_COLUMNS)).group_by(*keys)


def forget_pins(conn: Connection, which) -> None:
    """Take the daily rows of the pins selected by ``which`` (a condition on ``pins``) out of
    the account totals. Call it just before deleting those pins: their running totals and
    daily rows go with them (ON DELETE CASCADE)."""
    owners = conn.execute(select(pins.c.owner_id).where(which).distinct()).scalars().all()
    require_locked(conn, owners)
    sums = {tuple(row[:6]): [-int(value) for value in row[6:]] for row in conn.execute(_account_sums(which))}
    add_to_account_rows(conn, sums)
    changes.record(conn, ((owner_id, *changes.ALL_DAYS) for owner_id in owners))


def rebuild(conn: Connection, owner_id: int) -> None:
    """Recompute this owner's derived rows from their daily rows."""
    require_locked(conn, [owner_id])
    conn.execute(delete(account).where(account.c.owner_id == owner_id))
    conn.execute(insert(account).from_select([*ACCOUNT_KEYS, *STORED_COLUMNS], _account_sums(daily.c.owner_id == owner_id)))

    owned_pins = select(pins.c.id).where(pins.c.owner_id == owner_id)
    conn.execute(delete(running).where(running.c.pin_id.in_(owned_pins)))
    per_day = (
        select(daily.c.pin_id, daily.c.day, *(func.sum(daily.c[name]).label(name) for name in STORED_COLUMNS))
        .where(daily.c.owner_id == owner_id)
        .group_by(daily.c.pin_id, daily.c.day)
        .subquery()
    )
    totals = select(
        per_day.c.pin_id,
        per_day.c.day,
        *(func.sum(per_day.c[name]).over(partition_by=per_day.c.pin_id, order_by=per_day.c.day) for name in STORED_COLUMNS),
    )
    conn.execute(insert(running).from_select(["pin_id", "day", *STORED_COLUMNS], totals))
