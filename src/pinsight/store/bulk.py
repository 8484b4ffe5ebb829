"""Executemany without SQLAlchemy's per-row parameter processing.

For batches of tens of thousands of rows, building SQLAlchemy's parameter dict for
every row costs more than the database's own work. ``executemany`` compiles the
statement once for the connection's dialect and hands the driver plain tuples (or
dicts, for named paramstyles) straight away. Values must already be what the driver
takes: the caller converts dates and datetimes with ``bind_value`` (once per distinct
value, not per row).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from sqlalchemy import Column, Connection, String, bindparam, func, select, text
from sqlalchemy.sql import Executable


def bind_processor(conn: Connection, column: Column) -> Callable[[Any], Any]:
    """What the dialect's bind processing of ``column``'s type does to a value before the
    driver gets it (the identity where it does nothing): look it up once per batch."""
    # The dialect's implementation of the type: the generic type has no processor of its
    # own (SQLite's DATETIME text format lives in the dialect's type).
    processor = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return processor if processor is not None else _unchanged


def _unchanged(value: Any) -> Any:
    return value


# SQLAlchemy's SQLite DATETIME text, which is exactly ``isoformat(" ", "microseconds")`` of
# a naive datetime: that one call in C instead of a %-format of seven attributes in Python.
_SQLITE_DATETIME_TEXT = "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"
_ISO_WITH_SPACE = operator.methodcaller("isoformat", " ", "microseconds")


def datetime_binder(conn: Connection, column: Column) -> Callable[[Any], Any]:
    """``bind_processor`` for a DateTime column whose rows are many and their instants
    distinct (ad actions): the same values, made faster where the dialect's format allows."""
    implementation = column.type.dialect_impl(conn.dialect)
    if getattr(implementation, "_storage_format", None) == _SQLITE_DATETIME_TEXT:
        return _ISO_WITH_SPACE
    return bind_processor(conn, column)


def bind_value(conn: Connection, column: Column, value: Any) -> Any:
    """``value`` as the dialect's bind processing of ``column``'s type would pass it to the driver."""
    return bind_processor(conn, column)(value)


def executemany(conn: Connection, statement: Executable, keys: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Run ``statement`` (an insert of the columns ``keys``) once per row of ``rows``, in one executemany.

    Each row gives the values of ``keys`` in order, already in the driver's form.
    """
    if not rows:
        return
    compiled = statement.compile(dialect=conn.dialect, column_keys=list(keys))
    names = list(compiled.positiontup or ()) if compiled.positional else None
    if names is not None:
        index = {key: n for n, key in enumerate(keys)}
        if names == list(keys):
            params: list = [tuple(row) for row in rows]
        else:
            order = [index[name] for name in names]
            params = [tuple(row[n] for n in order) for row in rows]
    else:
        params = [dict(zip(keys, row)) for row in rows]
    conn.exec_driver_sql(compiled.string, params)


def copy_rows(conn: Connection, table, keys: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Append plain rows (no conflict handling) as fast as the backend takes them:
    PostgreSQL's COPY, or one executemany of an INSERT elsewhere. Values as for ``executemany``,
    except that PostgreSQL's COPY takes dates and datetimes as they are."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(keys)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    from sqlalchemy import insert

    executemany(conn, insert(table), keys, rows)


def one_of(conn: Connection, column: Column, values: Sequence[Any]):
    """``column IN values`` for a long list of values, sent as ONE parameter.

    On PostgreSQL the list goes as an array (``column = ANY(:values)``): the planner then
    probes a hash of the values (or the index), where thousands of separate parameters are
    compared one by one per row, which turns a scan of a table whose statistics are stale
    (a long load in one transaction) into minutes. On SQLite whole numbers and strings go
    as one JSON array read by ``json_each``: SQLite probes the index per value all the
    same, and the statement is not re-rendered with a bind name per value (for 5,000 ids
    that rendering cost more than the query). Other values take the plain ``IN``.
    """
    if conn.dialect.name == "postgresql":
        from sqlalchemy import any_
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    if all(type(value) in _JSON_SCALARS for value in values):
        listed = func.json_each(bindparam(None, orjson.dumps(list(values)).decode(), type_=String)).table_valued("value")
        return column.in_(select(listed.c.value).scalar_subquery())
    return column.in_(values)


# Exact in JSON and in SQLite's json_each (its integers are 64-bit, as the ids are).
_JSON_SCALARS = frozenset({int, str})


def chunks(values: Sequence[Any], size: int):
    """``values`` in consecutive slices of at most ``size`` (IN lists within the drivers' parameter limits)."""
    for offset in range(0, len(values), size):
        yield values[offset : offset + size]


def dialect_of(conn: Connection):
    """The SQLAlchemy dialect module whose ``insert`` has ``on_conflict_do_*`` for this connection."""
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql if conn.dialect.name == "postgresql" else sqlite


def adding_upsert(conn: Connection, table, keys: Sequence[str], sums: Sequence[str]):
    """An INSERT into ``table`` that, where a row with the same ``keys`` (its primary key)
    exists, adds the new values of ``sums`` to it instead: how the rollups take additions."""
    statement = dialect_of(conn).insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: table.c[name] + statement.excluded[name] for name in sums})


# PostgreSQL's name for each column type the rollups key on, for unnest()'s arrays.
_PG_ARRAY_TYPES = {"BIGINT": "bigint", "VARCHAR": "varchar", "TEXT": "text", "BOOLEAN": "boolean", "DATE": "date",
                   "INTEGER": "integer", "TIMESTAMP WITHOUT TIME ZONE": "timestamp"}
# SQLite's limit on one statement's parameters (32,766), with room to spare.
_SQLITE_PARAMETERS = 30_000


def insert_new(conn: Connection, table, keys: Sequence[str], rows: Sequence[Sequence[Any]],
               returning: Sequence[str]) -> list[tuple]:
    """Insert ``rows`` (values of ``keys``, in the driver's form) whose primary key is not
    stored yet, and give back the ``returning`` columns of exactly those inserted.

    One statement per chunk, INSERT ... ON CONFLICT DO NOTHING RETURNING: a row that a
    concurrent transaction inserts first is not returned (PostgreSQL waits for that
    transaction, then skips the row), so a count kept from what this returns counts every
    row once, however many writers race. Rows in key order keep concurrent writers'
    row locks in one order.
    """
    if not rows:
        return []
    columns = ", ".join(keys)
    returned = ", ".join(returning)
    found: list[tuple] = []
    if conn.dialect.name == "postgresql":
        arrays = ", ".join(f"CAST(:k{n} AS {_PG_ARRAY_TYPES[str(table.c[key].type.compile(conn.dialect)).split('(')[0]]}[])"
                           for n, key in enumerate(keys))
        statement = text(f"INSERT INTO {table.name} ({columns}) SELECT * FROM unnest({arrays}) "
                         f"ON CONFLICT DO NOTHING RETURNING {returned}")
        for chunk in chunks(list(rows), 10_000):
            found.extend(tuple(row) for row in conn.execute(
                statement, {f"k{n}": [row[n] for row in chunk] for n in range(len(keys))}))
        return found
    marks = "(" + ", ".join("?" * len(keys)) + ")"
    for chunk in chunks(list(rows), _SQLITE_PARAMETERS // len(keys)):
        statement = (f"INSERT INTO {table.name} ({columns}) VALUES {', '.join([marks] * len(chunk))} "
                     f"ON CONFLICT DO NOTHING RETURNING {returned}")
        found.extend(tuple(row) for row in conn.exec_driver_sql(statement, tuple(v for row in chunk for v in row)))
    return found
