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
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pinsight.store import changes
from pinsight.store.db import writing

FRESH_SECONDS = 3600
STALE_SECONDS = 2 * 3600
MAX_ENTRIES = 2048
# The change log only matters for answers younger than FRESH + STALE; older rows are
# deleted (with an hour's margin) at most this often, by whichever worker computes.
PRUNE_EVERY_SECONDS = 600


@dataclass
class Entry:
    value: dict
    computed_at: float  # time.monotonic()
    change_id: int


class OverviewCache:
    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._refreshing: set[tuple] = set()
        self._lock = threading.Lock()
        self._last_prune: float | None = None

    def answer(self, rt, operation, kind: str, params: dict, compute) -> dict:
        from pinsight.services.api_keys import user_for_api_key
        from pinsight.services.overview import page_numbers, resolve, still_readable

        with rt.engine.connect() as conn:
            user_id = user_for_api_key(conn, params.get("apiKey"))
            reader, period = resolve(conn, rt, operation, user_id, params)
            extra = page_numbers(params) if kind == "posts" else ()
            # The reader (account and what the user's role lets them see) is part of the key,
            # so a changed role never serves an answer computed for the old one.
            key = (kind, user_id, reader, period.first, period.last, period.zone.key, *extra)
            previous = period.previous()
            span = (previous.first - timedelta(days=1), period.last + timedelta(days=1))
            with self._lock:
                entry = self._entries.get(key)
            if (entry is not None and not changes.changed_since(conn, reader.owner_id, entry.change_id, *span)
                    and still_readable(conn, reader, entry.value)):
                age = self._clock() - entry.computed_at
                if age < FRESH_SECONDS:
                    return entry.value
                if age < FRESH_SECONDS + STALE_SECONDS:
                    self._refresh_later(rt, key, reader, period, extra, compute)
                    return entry.value
            value = self._compute(conn, key, reader, period, extra, compute)
        return value

    def _compute(self, conn, key, reader, period, extra, compute) -> dict:
        self._prune_now_and_then(conn)
        change_id = changes.latest_change_id(conn)  # read first: a write during the work invalidates it
        value = compute(conn, reader, period, *extra)
        with self._lock:
            self._entries[key] = Entry(value, self._clock(), change_id)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return value

    def _prune_now_and_then(self, conn) -> None:
        now = self._clock()
        with self._lock:
            if self._last_prune is not None and now - self._last_prune < PRUNE_EVERY_SECONDS:
                return
            self._last_prune = now
        horizon = timedelta(seconds=FRESH_SECONDS + STALE_SECONDS + 3600)
        with writing(conn.engine) as writer:
            changes.prune(writer, datetime.now(UTC).replace(tzinfo=None) - horizon)

    def _refresh_later(self, rt, key, reader, period, extra, compute) -> None:
        with self._lock:
            if key in self._refreshing:
                return
            self._refreshing.add(key)

        def refresh() -> None:
            try:
                with rt.engine.connect() as conn:
                    self._compute(conn, key, reader, period, extra, compute)
            finally:
                with self._lock:
                    self._refreshing.discard(key)

        threading.Thread(target=refresh, name="overview-refresh", daemon=True).start()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
