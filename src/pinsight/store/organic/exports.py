"""SQL for organic exports (``services.organic.exports``): which pins an export covers, and
its rows a page at a time, so that no export holds more than a page in memory.

Pages are runs of the covered pins (ascending ids), each read by one call here, sized so
that a page is about a fixed number of rows (``*_PER_PAGE``) however long the period.
The daily rows come out as Arrow tables parsed from CSV that the database itself formats:
PostgreSQL's ``COPY ... TO STDOUT``, SQLite's ``printf`` lines joined by ``group_concat``
into one string a page. No Python object is made per value: on a year of 10,000 pins,
SQLite's driver took 6.7 s to hand over 3.65 million rows of 17 values as tuples, and
its own query 0.9 s (4.5 s with the lines formatted and parsed by Arrow, the time spent
with the GIL let go).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sqlalchemy import Connection, LargeBinary, String, cast, func, select, type_coerce

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


def pages(pin_ids: Sequence[int], pins_per_page: int) -> Iterator[Sequence[int]]:
    for offset in range(0, len(pin_ids), max(1, pins_per_page)):
        yield pin_ids[offset : offset + max(1, pins_per_page)]


# Rows a page of each dataset holds at most: daily rows (a page's pins times the period's
# days), pins, and pins' totals.
DAILY_ROWS_PER_PAGE = 50_000
PINS_PER_PAGE = 20_000
TOTALS_PER_PAGE = 5_000


def daily_pages(pin_ids: Sequence[int], start: date, end: date) -> Iterator[Sequence[int]]:
    """The pins in pages of about ``DAILY_ROWS_PER_PAGE`` daily rows over [start, end], and
    of at most ``PINS_PER_PAGE`` pins: a page's ids are one query's parameters, and SQLite
    allows 32,766 of them by default (Debian's build allows more, others may not)."""
    return pages(pin_ids, min(PINS_PER_PAGE, DAILY_ROWS_PER_PAGE // ((end - start).days + 1)))


@dataclass(frozen=True)
class RunningTotals:
    """A page's running totals as read: CSV lines the database formatted (``csv``; the
    parsing is ``table``'s, left to whichever thread wants the rows) and each pin's totals
    on the day before the period (``before``; pins without rows by then are absent: zeros)."""

    csv: bytes
    before: dict[int, tuple]

    def table(self) -> pa.Table:
        """The rows as an Arrow table (``RUNNING_SCHEMA``) ordered by pin and day. SQLite's
        ``group_concat`` promises no order (though SQLite keeps its input's), so a page
        found out of order is sorted as the query asked."""
        table = pacsv.read_csv(pa.py_buffer(self.csv), **_CSV_READ)
        return table if _in_order(table) else table.sort_by([("pin_id", "ascending"), ("day", "ascending")])


def daily_running_totals(conn: Connection, page: Sequence[int], start: date, end: date) -> RunningTotals | None:
    """The page's pins' running totals (``pin_cumulative_metrics``: every stored column
    summed over all app types and traffic from the pin's first day) on each day in
    [start, end] that has daily rows, and their totals before ``start``; None when the pins
    have no rows in the period.

    A day's sums are its running totals less those of the pin's row before: one row read
    per pin and day, where summing the daily rows reads one per app type and traffic kind
    and aggregates them (3.4 rows per pin and day in the demo's archive)."""
    day = type_coerce(running.c.day, String) if conn.dialect.name == "sqlite" else running.c.day
    first, last = bind_value(conn, running.c.day, start), bind_value(conn, running.c.day, end)
    statement = (
        select(running.c.pin_id, day, *(running.c[name] for name in STORED_COLUMNS))
        .where(running.c.pin_id.in_(list(page)), running.c.day >= first, running.c.day <= last)
        .order_by(running.c.pin_id, running.c.day)
    )
    csv = _copied(conn, statement) if conn.dialect.name == "postgresql" else _formatted(conn, statement)
    if not csv:
        return None
    before = running_totals_at(conn, page, start, before=True)
    return RunningTotals(csv, {pin_id: tuple(totals[name] for name in STORED_COLUMNS)
                               for pin_id, totals in before.items()})


# Running totals rows, as exported.
RUNNING_SCHEMA = pa.schema([("pin_id", pa.int64()), ("day", pa.date32()),
                            *((name, pa.int64()) for name in STORED_COLUMNS)])
_CSV_READ = dict(read_options=pacsv.ReadOptions(column_names=RUNNING_SCHEMA.names, use_threads=False),
                 convert_options=pacsv.ConvertOptions(column_types=RUNNING_SCHEMA))


def _formatted(conn: Connection, statement) -> bytes:
    """SQLite: the statement's rows as CSV lines, formatted by SQLite with the GIL let go
    (a ``printf`` per row, ``group_concat`` of the lines, taken as bytes)."""
    selected = statement.subquery()
    pattern = ",".join("%s" if column.name == "day" else "%d" for column in selected.c)
    line = func.printf(pattern, *selected.c)
    return conn.execute(select(cast(func.group_concat(line, "\n"), LargeBinary))).scalar() or b""


def _in_order(table: pa.Table) -> bool:
    """Whether the rows are ordered by pin, then day."""
    if table.num_rows < 2:
        return True
    pin_ids, days = table["pin_id"].combine_chunks(), table["day"].combine_chunks()
    count = table.num_rows - 1
    pin, next_pin = pin_ids.slice(0, count), pin_ids.slice(1)
    day, next_day = days.slice(0, count), days.slice(1)
    ordered = pc.or_(pc.less(pin, next_pin), pc.and_(pc.equal(pin, next_pin), pc.less(day, next_day)))
    return pc.all(ordered).as_py()


def _copied(conn: Connection, statement) -> bytes:
    """PostgreSQL: the rows as CSV from ``COPY ... TO STDOUT``: the server formats them in
    its own process. The statement's values (pin ids and days this module made) are
    rendered into it, as COPY takes none."""
    sql = statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    buffer = io.BytesIO()
    with conn.connection.driver_connection.cursor() as cursor, \
            cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
        for block in copy:
            buffer.write(block)
    return buffer.getvalue()


def pin_fields(conn: Connection, page: Sequence[int]) -> list[tuple]:
    """The page's pins' fields (``PIN_FIELDS``), ordered by id."""
    columns = [pins.c[name] if name != "board_privacy" else boards.c.privacy for name in PIN_FIELDS]
    statement = (select(*columns).join(boards, boards.c.id == pins.c.board_id)
                 .where(pins.c.id.in_(list(page))).order_by(pins.c.id))
    return list(conn.execute(statement).tuples())


def period_totals(conn: Connection, page: Sequence[int], start: date, end: date) -> list[tuple]:
    """Per pin of the page, every stored column summed over [start, end] (zeros for a pin
    without rows in it): tuples ``(pin_id, *STORED_COLUMNS)`` in the page's order. From the
    running totals (``store.organic.metrics.running_totals_at``): two index seeks per pin,
    whatever the period."""
    zero = dict.fromkeys(STORED_COLUMNS, 0)
    at_end = running_totals_at(conn, page, end)
    before = running_totals_at(conn, page, start, before=True)
    rows = []
    for pin_id in page:
        last, first = at_end.get(pin_id, zero), before.get(pin_id, zero)
        rows.append((pin_id, *(int(last[name] - first[name]) for name in STORED_COLUMNS)))
    return rows
