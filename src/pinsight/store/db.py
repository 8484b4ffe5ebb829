"""Engines, transactions and migrations: how pinsight opens a database, writes to it
and brings it up to date.

Transactions are begun explicitly, never by the driver's guesswork:

* ``engine.connect()`` begins a plain transaction: on SQLite a deferred ``BEGIN``, so
  every statement of a read sees one snapshot; on PostgreSQL READ COMMITTED, a snapshot
  per statement;
* ``reading(engine)`` begins a read that sees one snapshot on both databases (on
  PostgreSQL at REPEATABLE READ), for reads whose statements must agree with each other;
* ``writing(engine)`` begins a write transaction: on SQLite ``BEGIN IMMEDIATE``, which
  takes the database's write lock before the first read, so what a writer reads cannot
  change under it before it commits. (Python's sqlite3 module would otherwise begin a
  transaction only at the first INSERT/UPDATE/DELETE, leaving every earlier SELECT
  outside it.) On PostgreSQL writers lock what they will rewrite (``store.locks``).

Every connection has a time limit per statement (PostgreSQL's ``statement_timeout``;
on SQLite a progress handler that interrupts the statement), so a runaway query answers
an error instead of running for minutes. Migrations run without it.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


# Execution option marking a connection whose next transaction writes.
WRITE = "pinsight_write"
# Execution option overriding the statement time limit, in seconds (0: none).
STATEMENT_TIMEOUT = "pinsight_statement_timeout"
# conn.info key: the state of the transaction in progress (see ``TransactionState``).
STATE = "pinsight_transaction"
# Default limits: a statement's run time, and how long a writer waits for a lock.
STATEMENT_TIMEOUT_SECONDS = 30.0
LOCK_WAIT_SECONDS = 20.0
# How much of a SQLite database a connection maps into memory (see ``_sqlite_pragmas``).
SQLITE_MMAP_BYTES = 1024**3


class TransactionState:
    """What the store knows about the transaction in progress on one connection."""

    __slots__ = ("writes", "locked_owners")

    def __init__(self, writes: bool):
        self.writes = writes
        self.locked_owners: set[int] = set()


def make_engine(
    url: str, *, statement_timeout: float = STATEMENT_TIMEOUT_SECONDS, lock_wait: float = LOCK_WAIT_SECONDS,
    sqlite_mmap_bytes: int = SQLITE_MMAP_BYTES,
) -> Engine:
    """An engine for ``url``. ``statement_timeout`` and ``lock_wait`` are in seconds (0: none);
    ``sqlite_mmap_bytes`` is how much of a SQLite file each connection maps (0: none)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            # isolation_level=None: the driver begins nothing itself; _begin does.
            connect_args={"check_same_thread": False, "timeout": lock_wait or 3600, "isolation_level": None},
            pool_size=8,
            max_overflow=16,
        )
        event.listen(engine, "connect", lambda connection, record: _sqlite_pragmas(connection, sqlite_mmap_bytes))
        _install_sqlite_statement_timeout(engine, statement_timeout)
    else:
        if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
            # psycopg (v3) is the driver pinsight installs; plain postgresql:// URLs mean it.
            url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        # jit off: every query here is bounded by its inputs and runs in milliseconds to a
        # second; PostgreSQL's JIT, which switches on by cost estimate, spent 27 ms compiling
        # a 220 ms ads analytics query (EXPLAIN ANALYZE on the benchmark account) and saved none.
        options = (f"-c statement_timeout={int(statement_timeout * 1000)} -c lock_timeout={int(lock_wait * 1000)} "
                   f"-c jit=off")
        engine = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True, connect_args={"options": options})
    event.listen(engine, "begin", _begin)
    return engine


def _begin(conn: Connection) -> None:
    options = conn.get_execution_options()
    writes = bool(options.get(WRITE))
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
    elif options.get(STATEMENT_TIMEOUT) is not None:
        conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(options[STATEMENT_TIMEOUT] * 1000)}")
    conn.info[STATE] = TransactionState(writes)


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction, committed on success and rolled back on any error."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE: True})
        with conn.begin():
            yield conn


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction: one snapshot for all its statements. (A read-only
    transaction at REPEATABLE READ never fails for a serialization conflict.)"""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        yield conn


def transaction_state(conn: Connection) -> TransactionState | None:
    return conn.info.get(STATE) if conn.in_transaction() else None


class Failure(enum.Enum):
    CONFLICT = "conflict"  # transient: running the transaction again can succeed
    DUPLICATE = "duplicate"  # a concurrent transaction inserted the same key first
    BUSY = "busy"  # a lock was not granted within the wait limit
    TIMEOUT = "timeout"  # a statement ran past its time limit


# PostgreSQL SQLSTATEs: deadlock_detected, serialization_failure; lock_not_available
# (lock_timeout); query_canceled (statement_timeout).
_POSTGRES_FAILURES = {"40P01": Failure.CONFLICT, "40001": Failure.CONFLICT, "55P03": Failure.BUSY, "57014": Failure.TIMEOUT}


def failure_kind(exc: BaseException) -> Failure | None:
    """What an error raised by a transaction means for the request, or None when it is not
    a concurrency or time-limit failure (a bug, or the database being down)."""
    if isinstance(exc, IntegrityError):
        return Failure.DUPLICATE
    if not isinstance(exc, DBAPIError):
        return None
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate is not None:
        return _POSTGRES_FAILURES.get(sqlstate)
    message = str(exc.orig).lower()
    if "interrupted" in message:
        return Failure.TIMEOUT
    if "database is locked" in message or "database table is locked" in message:
        return Failure.BUSY
    return None


def _install_sqlite_statement_timeout(engine: Engine, seconds: float) -> None:
    """Interrupt any SQLite statement running longer than ``seconds``: the progress handler
    runs every few thousand virtual-machine steps and aborts past the statement's deadline
    (sqlite3 then raises OperationalError "interrupted")."""
    if not seconds:
        return

    @event.listens_for(engine, "connect")
    def _handler(dbapi_connection, record) -> None:
        record.info["deadline"] = [float("inf")]
        deadline = record.info["deadline"]
        dbapi_connection.set_progress_handler(lambda: time.monotonic() > deadline[0], 20_000)

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn, _cursor, _statement, _parameters, _context, _executemany) -> None:
        deadline = conn.info.get("deadline")
        if deadline is not None:
            limit = conn.get_execution_options().get(STATEMENT_TIMEOUT)
            limit = seconds if limit is None else limit
            deadline[0] = time.monotonic() + limit if limit else float("inf")


def _sqlite_pragmas(dbapi_connection, mmap_bytes: int) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Reads of a large archive go through the OS page cache without a system call per page
    # (mmap), and each connection keeps 32 MB of hot pages (the default is 2 MB).
    cursor.execute(f"PRAGMA mmap_size={int(mmap_bytes)}")
    cursor.execute("PRAGMA cache_size=-32768")
    cursor.close()


def alembic_config(engine: Engine):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Apply every pending Alembic migration."""
    from alembic import command

    command.upgrade(alembic_config(engine.execution_options(**{WRITE: True, STATEMENT_TIMEOUT: 0})), "head")


def ping(engine: Engine) -> None:
    """One round trip to the database (the health check)."""
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")


def is_empty(engine: Engine) -> bool:
    from pinsight.store.tables import users

    with engine.connect() as conn:
        return conn.execute(select(users.c.id).limit(1)).first() is None
