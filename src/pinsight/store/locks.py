"""The lock every metrics write takes first: one per owner of the metrics.

Writes to an owner's metrics read what they rewrite: a replaced daily row's old
amounts, the running totals a new day starts from, the daily rows of a pin about to be
deleted, the event ids already applied. Two such writes for one owner interleaved
would each compute from the other's "before" and one change would be lost. So every
metrics write of an owner is serialized before it reads anything:

* on PostgreSQL, a transaction-scoped advisory lock keyed by the owner's id (ids are
  unique across tables, so the key names nothing else), taken in id order so two
  writers of several owners cannot deadlock; writes for different owners still run in
  parallel, and only the account rollup rows they share are updated by set-based
  ``col = col + delta`` upserts, which the database applies atomically;
* on SQLite, the write transaction itself (``BEGIN IMMEDIATE``, ``store.db.writing``)
  already holds the database's one write lock from its first statement.

The functions that write metrics call ``require_locked`` for the owners they touch, so a
write path that forgot the lock fails loudly in every test instead of racing silently.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

from pinsight.store.db import transaction_state


class MetricsLockMissing(RuntimeError):
    """A metrics write ran without its owner's lock (a programming error)."""


def lock_owners(conn: Connection, owner_ids: Iterable[int]) -> None:
    """Serialize this transaction's metrics writes with every other writer of these owners'
    metrics, until it ends. Call it in a write transaction, before reading what you rewrite."""
    state = transaction_state(conn)
    if state is None or not state.writes:
        raise MetricsLockMissing("metrics writes need a write transaction (store.db.writing)")
    wanted = sorted(set(owner_ids) - state.locked_owners)
    if not wanted:
        return
    if conn.dialect.name == "postgresql":
        for owner_id in wanted:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": owner_id})
    state.locked_owners.update(wanted)


def require_locked(conn: Connection, owner_ids: Iterable[int]) -> None:
    state = transaction_state(conn)
    missing = set(owner_ids) - (state.locked_owners if state is not None else set())
    if missing:
        raise MetricsLockMissing(f"metrics of owner(s) {sorted(missing)} written without lock_owners()")
