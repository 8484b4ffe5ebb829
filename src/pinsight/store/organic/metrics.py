"""SQL for organic analytics: upserting daily rows and summing them over periods."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import BigInteger, Connection, String, and_, cast, func, select, type_coerce
from sqlalchemy.dialects import postgresql, sqlite

from pinsight.catalog.metrics import PIN_METRIC_FIELDS, STORED_COLUMNS
from pinsight.domain.organic.analytics_query import ALL, AnalyticsQuery, Pins, SeriesRows
from pinsight.store import changes
from pinsight.store.organic import rollups
from pinsight.store.organic.classes import get_pins_brief
from pinsight.store.tables import APP_TYPES, pins
from pinsight.store.tables import pin_cumulative_metrics as running
from pinsight.store.tables import pin_daily_metrics as daily

KEY_COLUMNS = ("pin_id", "day", "app_type", "traffic")


def upsert_daily_rows(conn: Connection, rows: Sequence[dict], pin_attributes: Mapping[int, Mapping] | None = None, *,
                      now: datetime) -> None:
    """Insert rows, replacing every metric of a row whose key already exists.

    The derived tables move by the difference between the new rows and what they replace.
    ``pin_attributes`` (``classes.get_pins_brief`` of the rows' pins) saves a lookup; the
    change is logged at ``now``.
    """
    if not rows:
        return
    previous = _stored_amounts(conn, rows)
    zero = (0,) * len(STORED_COLUMNS)
    deltas = []
    for row in rows:
        key = (row["pin_id"], row["day"], row["app_type"], row["traffic"])
        old = previous.get(key, zero)
        deltas.append((*key, [row[name] - before for name, before in zip(STORED_COLUMNS, old)]))
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(daily)
    statement = statement.on_conflict_do_update(
        index_elements=list(KEY_COLUMNS),
        set_={name: statement.excluded[name] for name in ("owner_id", *STORED_COLUMNS)},
    )
    conn.execute(statement, list(rows))
    attributes = pin_attributes or _attributes(conn, rows)
    rollups.apply_deltas(conn, deltas, attributes)
    changes.record(conn, ((attributes[row["pin_id"]]["owner_id"], row["day"], row["day"]) for row in rows), now)


def _attributes(conn: Connection, rows: Sequence[dict]) -> Mapping[int, Mapping]:
    return get_pins_brief(conn, sorted({row["pin_id"] for row in rows}))


def _stored_amounts(conn: Connection, rows: Sequence[dict]) -> dict[tuple, tuple]:
    """The stored metrics of those of ``rows``' keys that exist."""
    wanted = {(row["pin_id"], row["day"], row["app_type"], row["traffic"]) for row in rows}
    pin_ids = sorted({key[0] for key in wanted})
    first, last = min(key[1] for key in wanted), max(key[1] for key in wanted)
    found: dict[tuple, tuple] = {}
    for offset in range(0, len(pin_ids), 5000):
        query = select(*(daily.c[name] for name in KEY_COLUMNS), *(daily.c[name] for name in STORED_COLUMNS)).where(
            daily.c.pin_id.in_(pin_ids[offset : offset + 5000]), daily.c.day >= first, daily.c.day <= last
        )
        for row in conn.execute(query):
            key = tuple(row[:4])
            if key in wanted:
                found[key] = tuple(row[4:])
    return found


def run_pins(conn: Connection, query: AnalyticsQuery) -> SeriesRows:
    """A pins query's daily column totals per (pin id, split key), and each pin's lifetime
    totals up to the query's day when it asks for lifetime metrics."""
    assert isinstance(query.entity, Pins)
    pin_ids, columns, period = list(query.entity.ids), query.stored_columns, query.period
    split = query.split == "APP_TYPE"
    types = query.filters.app_types
    by_key: dict = defaultdict(dict)
    for pin_id, day, app_type, totals in sum_by_pin_day(conn, pin_ids, period.start, period.end, types, columns,
                                                        split_app_type=split):
        by_key[pin_id, app_type if split else ALL][day] = totals
    lifetime: dict = {}
    if query.lifetime_columns:
        for row in sum_lifetime(conn, pin_ids, query.today, types, columns, split_app_type=split):
            key = (row["pin_id"], row["app_type"] if split else ALL)
            lifetime[key] = tuple(int(row[column] or 0) for column in columns)
    return SeriesRows(columns, dict(by_key), lifetime)


def sum_by_pin_day(
    conn: Connection,
    pin_ids: Sequence[int],
    start: date,
    end: date,
    app_types: Iterable[str],
    columns: Sequence[str],
    *,
    split_app_type: bool,
) -> list[tuple]:
    """Summed columns per (pin, day[, app type]) within [start, end], as tuples
    ``(pin_id, day, app_type or None, (sums in columns order))``."""
    day = _raw_day(conn)
    keys = [daily.c.pin_id, day] + ([daily.c.app_type] if split_app_type else [])
    # BIGINT sums: PostgreSQL's SUM(bigint) is numeric, which the driver hands over as Decimal.
    query = (
        select(*keys, *(cast(func.sum(daily.c[name]), BigInteger) for name in columns))
        .where(
            daily.c.pin_id.in_(list(pin_ids)),
            daily.c.day >= start,
            daily.c.day <= end,
            daily.c.app_type.in_(list(app_types)),
        )
        .group_by(*keys)
    )
    width = len(keys)
    parse = _day_parser()
    rows = conn.execute(query).all()  # one fetch: iterating fetches row by row on psycopg
    return [(row[0], parse(row[1]), row[2] if split_app_type else None, row[width:]) for row in rows]


def _raw_day(conn: Connection):
    """``day`` as the driver returns it: SQLite's text is parsed once per distinct day by
    ``_day_parser`` instead of once per row by the column type."""
    return type_coerce(daily.c.day, String) if conn.dialect.name == "sqlite" else daily.c.day


def _day_parser():
    known: dict = {}

    def parse(value):
        if isinstance(value, date):
            return value
        found = known.get(value)
        if found is None:
            found = known[value] = date.fromisoformat(value)
        return found

    return parse


def sum_lifetime(conn: Connection, pin_ids: Sequence[int], until: date, app_types: Iterable[str], columns: Sequence[str], *, split_app_type: bool):
    """Summed columns per pin[, app type] over the pin's whole life up to ``until``."""
    types = list(app_types)
    if not split_app_type and set(types) == set(APP_TYPES):
        return [{"pin_id": pin_id, **{name: totals[name] for name in columns}}
                for pin_id, totals in running_totals_at(conn, pin_ids, until).items()]
    keys = [daily.c.pin_id] + ([daily.c.app_type] if split_app_type else [])
    query = (
        select(*keys, *(func.sum(daily.c[name]).label(name) for name in columns))
        .where(daily.c.pin_id.in_(list(pin_ids)), daily.c.day <= until, daily.c.app_type.in_(types))
        .group_by(*keys)
    )
    return conn.execute(query).mappings().all()


def running_totals_at(conn: Connection, pin_ids: Sequence[int], day: date, *, before: bool = False) -> dict[int, dict]:
    """Per pin, every stored column summed over the pin's life up to ``day`` (or up to the
    day before it, with ``before``); pins with no rows by then are absent."""
    found: dict[int, dict] = {}
    ids = list(pin_ids)
    for offset in range(0, len(ids), 5000):
        chunk = ids[offset : offset + 5000]
        earlier = running.alias("earlier")
        latest = select(func.max(earlier.c.day)).where(
            earlier.c.pin_id == pins.c.id, earlier.c.day < day if before else earlier.c.day <= day
        ).scalar_subquery()
        query = (
            select(running)
            .select_from(pins.join(running, and_(running.c.pin_id == pins.c.id, running.c.day == latest)))
            .where(pins.c.id.in_(chunk))
        )
        for row in conn.execute(query):
            found[row[0]] = dict(zip(STORED_COLUMNS, row[2:]))
    return found


def pin_metric_sums(conn: Connection, pin_ids: Sequence[int], since: date | None, until: date) -> dict[int, dict]:
    """Per pin, the sums of the ``pin_metrics`` columns over [since, until] (all time when since is None)."""
    if not pin_ids:
        return {}
    columns = sorted(set(PIN_METRIC_FIELDS.values()))
    at_end = running_totals_at(conn, pin_ids, until)
    before = running_totals_at(conn, pin_ids, since, before=True) if since is not None else {}
    zero = dict.fromkeys(STORED_COLUMNS, 0)
    sums = {}
    for pin_id, totals in at_end.items():
        start = before.get(pin_id, zero)
        sums[pin_id] = {name: int(totals[name] - start[name]) for name in columns}
    return sums


def add_to_daily_rows(conn: Connection, rows: Sequence[dict], pin_attributes: Mapping[int, Mapping] | None = None, *,
                      now: datetime) -> None:
    """Add rows' metrics (every row carries all of ``STORED_COLUMNS``) to the rows stored
    under the same key, inserting missing rows, and to the derived tables."""
    if not rows:
        return
    increments = rollups.Increments(pin_attributes or _attributes(conn, rows))
    for row in rows:
        increments.add_all(row["pin_id"], row["day"], row["app_type"], row["traffic"], [row[name] for name in STORED_COLUMNS])
    add_increments(conn, increments, now=now)


def add_increments(conn: Connection, increments: rollups.Increments, *, now: datetime) -> None:
    """Add collected increments to the daily rows (inserting missing rows) and to the
    derived tables: one executemany of one statement per table; the change is logged at ``now``."""
    if not increments.daily:
        return
    from pinsight.store.bulk import bind_value, executemany

    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(daily)
    statement = statement.on_conflict_do_update(
        index_elements=list(KEY_COLUMNS),
        set_={name: daily.c[name] + statement.excluded[name] for name in STORED_COLUMNS},
    )
    keys = (*KEY_COLUMNS, "owner_id", *STORED_COLUMNS)
    attributes = increments.pin_attributes
    days: dict = {}
    values = []
    for (pin_id, day, app_type, traffic), amounts in increments.daily.items():
        bound = days.get(day)
        if bound is None:
            bound = days[day] = bind_value(conn, daily.c.day, day)
        values.append((pin_id, bound, app_type, traffic, attributes[pin_id]["owner_id"], *amounts))
    executemany(conn, statement, keys, values)
    rollups.apply(conn, increments)
    changes.record(conn, ((owner_id, day, day) for owner_id, day, *_ in increments.account), now)
