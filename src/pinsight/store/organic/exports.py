"""SQL for organic exports (``services.organic.exports``): which pins an export covers, and
its rows a page at a time, so that no export holds more than a page in memory.

Pages are keyset pages of the covered pins (ascending ids): each page's pins are read in
one query, sized so that a page is about ``rows_per_page`` rows however long the period.
Rows come straight from the DB-API cursor (``fetchmany``, no SQLAlchemy row objects):
for millions of rows that per-row work would cost more than the database's own. A day
is the driver's value: SQLite's ``YYYY-MM-DD`` text, PostgreSQL's ``date``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import BigInteger, Connection, String, cast, func, select, type_coerce

from pinsight.catalog.metrics import STORED_COLUMNS
from pinsight.catalog.roles import BOARD_PRIVACIES
from pinsight.store.bulk import bind_value, chunks, one_of
from pinsight.store.organic.metrics import running_totals_at
from pinsight.store.tables import boards, pins
from pinsight.store.tables import pin_daily_metrics as daily

# The columns of the ``pins`` dataset, as read (a pin's board privacy included).
PIN_FIELDS: tuple[str, ...] = (
    "id", "board_id", "section_id", "board_privacy", "title", "description", "link", "alt_text", "dominant_color",
    "creative_type", "source_type", "is_standard", "has_been_promoted", "parent_pin_id", "created_at",
)
_FETCH = 10_000


def covered_pins(conn: Connection, owner_id: int, privacies: Sequence[str], created_by: date,
                 pin_ids: Sequence[int] | None = None) -> list[int]:
    """The ids, ascending, of the owner's pins created on or before ``created_by`` on boards of
    ``privacies`` (and among ``pin_ids`` when given): the pins an export covers."""
    query = select(pins.c.id).where(pins.c.owner_id == owner_id,
                                    pins.c.created_at < datetime.combine(created_by + timedelta(days=1), time()))
    if set(privacies) != set(BOARD_PRIVACIES):
        query = query.join(boards, boards.c.id == pins.c.board_id).where(boards.c.privacy.in_(list(privacies)))
    found: list[int] = []
    if pin_ids is None:
        found = list(conn.execute(query).scalars())
    else:
        for part in chunks(list(pin_ids), 5000):
            found.extend(conn.execute(query.where(one_of(conn, pins.c.id, part))).scalars())
    return sorted(found)


def _raw_rows(conn: Connection, statement) -> Iterator[list[tuple]]:
    """The statement's rows as the driver returns them, ``_FETCH`` at a time."""
    result = conn.execute(statement)
    try:
        while rows := result.cursor.fetchmany(_FETCH):
            yield rows
    finally:
        result.close()


def pages(pin_ids: Sequence[int], pins_per_page: int) -> Iterator[Sequence[int]]:
    for offset in range(0, len(pin_ids), max(1, pins_per_page)):
        yield pin_ids[offset : offset + max(1, pins_per_page)]


def daily_sums(conn: Connection, pin_ids: Sequence[int], start: date, end: date,
               rows_per_page: int = 50_000) -> Iterator[list[tuple]]:
    """Per pin and day with rows in [start, end], every stored column summed over app types
    and traffic kinds: tuples ``(pin_id, day, *STORED_COLUMNS)`` ordered by pin and day."""
    days = (end - start).days + 1
    day = type_coerce(daily.c.day, String) if conn.dialect.name == "sqlite" else daily.c.day
    first, last = bind_value(conn, daily.c.day, start), bind_value(conn, daily.c.day, end)
    # BIGINT sums: PostgreSQL's SUM(bigint) is numeric, which the driver hands over as Decimal.
    sums = [cast(func.sum(daily.c[name]), BigInteger) for name in STORED_COLUMNS]
    for page in pages(pin_ids, rows_per_page // days):
        statement = (
            select(daily.c.pin_id, day, *sums)
            .where(daily.c.pin_id.in_(list(page)), daily.c.day >= first, daily.c.day <= last)
            .group_by(daily.c.pin_id, daily.c.day)
            .order_by(daily.c.pin_id, daily.c.day)
        )
        yield from _raw_rows(conn, statement)


def pin_fields(conn: Connection, pin_ids: Sequence[int], rows_per_page: int = 20_000) -> Iterator[list[tuple]]:
    """The pins' fields (``PIN_FIELDS``), ordered by id."""
    columns = [pins.c[name] if name != "board_privacy" else boards.c.privacy for name in PIN_FIELDS]
    for page in pages(pin_ids, rows_per_page):
        statement = (select(*columns).join(boards, boards.c.id == pins.c.board_id)
                     .where(pins.c.id.in_(list(page))).order_by(pins.c.id))
        yield list(conn.execute(statement).tuples())


def period_totals(conn: Connection, pin_ids: Sequence[int], start: date, end: date,
                  rows_per_page: int = 5_000) -> Iterator[list[tuple]]:
    """Per pin, every stored column summed over [start, end] (zeros for a pin without rows
    in it): tuples ``(pin_id, *STORED_COLUMNS)`` ordered by id. From the running totals
    (``store.organic.metrics.running_totals_at``): two index seeks per pin, whatever the period."""
    zero = dict.fromkeys(STORED_COLUMNS, 0)
    for page in pages(pin_ids, rows_per_page):
        at_end = running_totals_at(conn, page, end)
        before = running_totals_at(conn, page, start, before=True)
        rows = []
        for pin_id in page:
            last, first = at_end.get(pin_id, zero), before.get(pin_id, zero)
            rows.append((pin_id, *(int(last[name] - first[name]) for name in STORED_COLUMNS)))
        yield rows
