"""Cached overview answers: fresh for an hour, then served stale for up to two more hours
while one background refresh runs, and dropped as soon as a write touches their days.

An answer is keyed by the API key's user, the account as they may read it and the
normalised parameters. It remembers the newest change-log id (``store.changes``) at the
time it was computed; a request first asks the database whether any later change touched
the account's days in the answer's periods (widened by a day on each side: the log
records UTC days, the periods are local days). One indexed query, so a cached answer
costs about a millisecond, and every worker process sees every write. An answer for a
reader who may not see every post is also dropped when a post it shows is no longer
theirs to see (``overview.still_readable``).

Time is the runtime's clock: ages by its ``timestamp()`` (which never steps back), the
change log's pruning horizon by its ``now()``, the instant every write logs its change at.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from pinsight.store import changes
from pinsight.store.db import writing

FRESH_SECONDS = 3600
STALE_SECONDS = 2 * 3600
MAX_ENTRIES = 2048
# The change log only matters for answers younger than FRESH + STALE; older rows are
# deleted (with an hour's margin) at most this often, by whichever worker computes.
PRUNE_EVERY_SECONDS = 600
PRUNE_HORIZON = timedelta(seconds=FRESH_SECONDS + STALE_SECONDS + 3600)


@dataclass
class Entry:
    value: dict
    computed_at: float  # the clock's timestamp()
    change_id: int


class OverviewCache:
    def __init__(self):
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._refreshing: set[tuple] = set()
        self._lock = threading.Lock()
        self._last_prune: float | None = None

    def answer(self, rt, conn, key: tuple, owner_id: int, days: tuple[date, date],
               compute: Callable[..., dict], still_valid: Callable[..., bool]) -> dict:
        """The cached answer for ``key`` when no change since touched the owner's ``days`` and
        ``still_valid`` holds, else ``compute(conn)`` (cached). ``rt`` gives the clock and,
        for background refreshes, the engine."""
        with self._lock:
            entry = self._entries.get(key)
        if (entry is not None and not changes.changed_since(conn, owner_id, entry.change_id, *days)
                and still_valid(conn, entry.value)):
            age = rt.clock.timestamp() - entry.computed_at
            if age < FRESH_SECONDS:
                return entry.value
            if age < FRESH_SECONDS + STALE_SECONDS:
                self._refresh_later(rt, key, compute)
                return entry.value
        return self._compute(rt, conn, key, compute)

    def _compute(self, rt, conn, key: tuple, compute: Callable[..., dict]) -> dict:
        self._prune_now_and_then(rt, conn)
        change_id = changes.latest_change_id(conn)  # read first: a write during the work invalidates it
        value = compute(conn)
        with self._lock:
            self._entries[key] = Entry(value, rt.clock.timestamp(), change_id)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return value

    def _prune_now_and_then(self, rt, conn) -> None:
        now = rt.clock.timestamp()
        with self._lock:
            if self._last_prune is not None and now - self._last_prune < PRUNE_EVERY_SECONDS:
                return
            self._last_prune = now
        with writing(conn.engine) as writer:
            changes.prune(writer, rt.clock.now() - PRUNE_HORIZON)

    def _refresh_later(self, rt, key: tuple, compute: Callable[..., dict]) -> None:
        with self._lock:
            if key in self._refreshing:
                return
            self._refreshing.add(key)

        def refresh() -> None:
            try:
                with rt.engine.connect() as conn:
                    self._compute(rt, conn, key, compute)
            finally:
                with self._lock:
                    self._refreshing.discard(key)

        threading.Thread(target=refresh, name="overview-refresh", daemon=True).start()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
