"""Transactions for tests that write through the store directly."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

from pinsight.store.db import WRITE


@contextmanager
def rolled_back_write(engine: Engine) -> Iterator[Connection]:
    """A write transaction (as ``store.db.writing`` opens) that is always rolled back, so a
    test or a hypothesis example leaves nothing behind."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE: True})
        transaction = conn.begin()
        try:
            yield conn
        finally:
            transaction.rollback()
