"""SQL for rate limit counters: one upsert per request adds to its counters and returns
their totals, so every worker and process shares one count.

On PostgreSQL the counters are the main database's UNLOGGED ``rate_limit_counters``
table. On SQLite they live in a small side file beside the main one (same table), in WAL
mode with ``synchronous=OFF``: a counter update then never waits for the main file's
write lock, which a large ingestion batch can hold for seconds. Losing the side file
loses at most the current windows' counts; it may be deleted at any time.

The upsert runs on every limited request, so it skips what a one-statement write does
not need: it is sent as plain SQL on a driver connection in autocommit mode (no
statement compiling, no BEGIN and COMMIT round trips, no liveness ping per checkout).
SQLite connections are kept per thread (a pool checkout costs more than the upsert);
PostgreSQL ones in a small pool of their own.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool
from sqlalchemy.schema import CreateIndex, CreateTable

from pinsight.store.tables import rate_limit_counters

SIDE_FILE_SUFFIX = ".ratelimits.sqlite3"
# A counter update holds the side file's lock for microseconds; a request that cannot get
# it this soon goes uncounted rather than stall the worker (see is_busy).
BUSY_TIMEOUT_SECONDS = 0.25
SETUP_TIMEOUT_SECONDS = 30


def side_file(database: Path) -> Path:
    """The counters' file for a main SQLite file: ``data/pinsight.sqlite3`` -> ``data/pinsight.ratelimits.sqlite3``."""
    return database.with_name(database.stem + SIDE_FILE_SUFFIX)


class Counters:
    """The counters of the database behind ``main``, made ready to use."""

    def __init__(self, main: Engine):
        self.engine = _counters_engine(main)
        # sqlite3 takes qmark parameters, psycopg format ones.
        self._marker = "?" if self.engine.dialect.name == "sqlite" else "%s"
        database = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        self._side_file = database if database and database != ":memory:" else None
        self._per_thread = threading.local()

    def add(self, counts: Sequence[tuple[str, int, int]]) -> dict[str, int]:
        """Add each ``(bucket, hits, expires_at)``'s hits to its counter (made on first use);
        return every counter's new total. One statement, whatever the number of counters."""
        params = [value for count in counts for value in count]
        return dict(self._run(_upsert(len(counts), self._marker), params))

    def prune(self, now: int) -> None:
        """Forget the counters of windows that have ended."""
        self._run(f"DELETE FROM rate_limit_counters WHERE expires_at <= {self._marker}", [now])

    def dispose(self) -> None:
        """Close the pool, and this thread's side file connection (other threads' close with them)."""
        connection = getattr(self._per_thread, "connection", None)
        if connection is not None:
            connection.close()
            del self._per_thread.connection
        self.engine.dispose()

    def _run(self, sql: str, params: list) -> list:
        if self._side_file is not None:
            return self._side_file_connection().execute(sql, params).fetchall()
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(sql, params)
            rows = cursor.fetchall() if cursor.description else []
            cursor.close()
        except self.engine.dialect.loaded_dbapi.Error as error:
            if self.engine.dialect.is_disconnect(error, connection.dbapi_connection, None):
                connection.invalidate()  # a restarted server: the next request connects afresh
            raise
        finally:
            connection.close()
        return rows


    def _side_file_connection(self) -> sqlite3.Connection:
        connection = getattr(self._per_thread, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self._side_file, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
            _side_file_pragmas(connection, None)
            self._per_thread.connection = connection
        return connection


@lru_cache(maxsize=16)
def _upsert(rows: int, marker: str) -> str:
    values = ", ".join(f"({marker}, {marker}, {marker})" for _ in range(rows))
    return (
        f"INSERT INTO rate_limit_counters (bucket, hits, expires_at) VALUES {values} "
        "ON CONFLICT (bucket) DO UPDATE SET hits = rate_limit_counters.hits + excluded.hits "
        "RETURNING bucket, hits"
    )


def _counters_engine(main: Engine) -> Engine:
    if main.dialect.name != "sqlite":
        # Its own small pool of autocommit connections to the main database.
        return create_engine(main.url, isolation_level="AUTOCOMMIT", pool_size=4, max_overflow=16,
                             pool_reset_on_return=None)
    database = main.url.database
    if not database or database == ":memory:":
        # A private in-memory database has one process by definition: so have its counters.
        engine = create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool,
                               isolation_level="AUTOCOMMIT")
        _create_table(engine)
        return engine
    url = f"sqlite:///{side_file(Path(database))}"
    # Workers starting together all create the table: give setup a patient lock wait.
    setup = create_engine(url, connect_args={"timeout": SETUP_TIMEOUT_SECONDS})
    with setup.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    _create_table(setup)
    setup.dispose()
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_SECONDS},
                           isolation_level="AUTOCOMMIT", pool_reset_on_return=None)
    event.listen(engine, "connect", _side_file_pragmas)
    return engine


def _create_table(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(CreateTable(rate_limit_counters, if_not_exists=True))
        for index in rate_limit_counters.indexes:
            conn.execute(CreateIndex(index, if_not_exists=True))
        conn.commit()


def _side_file_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # The counters are disposable: no fsync, ever.
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


def is_busy(error: Exception) -> bool:
    """Whether the side file stayed locked past the busy timeout."""
    if isinstance(error, DBAPIError):
        error = error.orig
    code = getattr(error, "sqlite_errorcode", None)
    # Extended result codes (SQLITE_BUSY_SNAPSHOT, ...) carry the primary code in the low byte.
    return code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
