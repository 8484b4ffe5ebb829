"""SQL for organic exports (``services.organic.exports``): which pins an export covers, and
its rows a page at a time, so that no export holds more than a page in memory.

Pages are keyset pages of the covered pins (ascending ids): each page's pins are read in
one query, sized so that a page is about ``rows_per_page`` rows however long the period.
The daily rows come out as Arrow tables, the fastest way each driver has: SQLite's rows
straight from the DB-API cursor (``fetchmany``, no SQLAlchemy row objects) taken in as
structs, PostgreSQL's as CSV from ``COPY`` parsed by Arrow; for millions of rows the
per-row work in Python would cost more than the database's own.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta

import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import Connection, String, select, type_coerce

from pinsight.catalog.metrics import STORED_COLUMNS
from pinsight.catalog.roles import BOARD_PRIVACIES
from pinsight.store.bulk import bind_value, chunks, one_of
from pinsight.store.organic.metrics import running_totals_at
from pinsight.store.tables import boards, pins
from pinsight.store.tables import pin_cumulative_metrics as running

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


def daily_running_totals(conn: Connection, pin_ids: Sequence[int], start: date, end: date,
                         rows_per_page: int = 50_000) -> Iterator[tuple[pa.Table, dict[int, tuple]]]:
    """Per page of pins: the pins' running totals (``pin_cumulative_metrics``: every stored
    column summed over all app types and traffic from the pin's first day) on each day in
    [start, end] that has daily rows, as an Arrow table (``RUNNING_SCHEMA``) ordered by pin
    and day; and each pin's running totals on the day before ``start`` (pins without rows
    by then are absent: zeros).

    A day's sums are its running totals less those of the pin's row before: one row read
    per pin and day, where summing the daily rows reads one per app type and traffic kind
    and aggregates them (3.4 rows per pin and day in the demo's archive)."""
    days = (end - start).days + 1
    day = type_coerce(running.c.day, String) if conn.dialect.name == "sqlite" else running.c.day
    first, last = bind_value(conn, running.c.day, start), bind_value(conn, running.c.day, end)
    for page in pages(pin_ids, rows_per_page // days):
        statement = (
            select(running.c.pin_id, day, *(running.c[name] for name in STORED_COLUMNS))
            .where(running.c.pin_id.in_(list(page)), running.c.day >= first, running.c.day <= last)
            .order_by(running.c.pin_id, running.c.day)
        )
        table = _copied(conn, statement) if conn.dialect.name == "postgresql" else _fetched(conn, statement)
        if table.num_rows:
            before = running_totals_at(conn, page, start, before=True)
            yield table, {pin_id: tuple(totals[name] for name in STORED_COLUMNS) for pin_id, totals in before.items()}


# Running totals rows, as exported; and as SQLite's driver gives them (the day as text).
RUNNING_SCHEMA = pa.schema([("pin_id", pa.int64()), ("day", pa.date32()),
                            *((name, pa.int64()) for name in STORED_COLUMNS)])
_SQLITE_ROW = pa.struct([("pin_id", pa.int64()), ("day", pa.string()), *((name, pa.int64()) for name in STORED_COLUMNS)])


def _fetched(conn: Connection, statement) -> pa.Table:
    """SQLite: the rows from the cursor, taken into Arrow as structs (in C: transposing them
    in Python would cost as much again as fetching them)."""
    rows = [row for part in _raw_rows(conn, statement) for row in part]
    columns = pa.array(rows, _SQLITE_ROW).flatten()
    columns[1] = columns[1].cast(pa.date32())
    return pa.Table.from_arrays(columns, schema=RUNNING_SCHEMA)


def _copied(conn: Connection, statement) -> pa.Table:
    """PostgreSQL: the rows as CSV from ``COPY ... TO STDOUT``, parsed by Arrow: the server
    formats them in its own process and no Python object is made per value. The statement's
    values (pin ids and days this module made) are rendered into it, as COPY takes none."""
    sql = statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    buffer = io.BytesIO()
    with conn.connection.driver_connection.cursor() as cursor, \
            cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
        for block in copy:
            buffer.write(block)
    buffer.seek(0)
    return pacsv.read_csv(buffer, read_options=pacsv.ReadOptions(column_names=RUNNING_SCHEMA.names),
                          convert_options=pacsv.ConvertOptions(column_types=RUNNING_SCHEMA))


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
