"""What every service call needs: the database, the clock and the bookmark codec."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from anyio import CapacityLimiter, to_thread

from pinsight.domain.organic.analytics_period import AnalyticsRules, parse_today
from pinsight.domain.bookmarks import BookmarkCodec
from pinsight.domain.clock import Clock
from pinsight.errors import Conflict, QueryTimeout, ServiceBusy
from pinsight.settings import Settings
from pinsight.services.overview.cache import OverviewCache
from pinsight.store.identity import auth as auth_store
from pinsight.store import db
from pinsight.store.files import FileStore

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

# A service call that meets a transient conflict (a deadlock, a serialization failure, a
# uniqueness race) is run again from the start, at most this many times in all.
ATTEMPTS = 4

T = TypeVar("T")


@dataclass
class Runtime:
    engine: Engine
    settings: Settings
    clock: Clock
    bookmarks: BookmarkCodec
    token_cache: dict = field(default_factory=dict)
    analytics_rules: AnalyticsRules = field(default_factory=AnalyticsRules)
    overview_cache: OverviewCache = field(default_factory=OverviewCache)
    # Where job files are kept, and the secret download links are signed with.
    files: FileStore | None = None
    link_secret: bytes = b""
    _heavy_limiter: CapacityLimiter | None = None

    def write(self) -> AbstractContextManager[Connection]:
        """A write transaction (``store.db.writing``)."""
        return db.writing(self.engine)

    def ping(self) -> None:
        """One round trip to the database (the health check)."""
        db.ping(self.engine)

    async def call(self, fn: Callable[..., T], *args, heavy: bool = False, **kwargs) -> T:
        """Run a blocking service call in a worker thread, never on the event loop, so one
        slow request cannot hold up the others. ``heavy`` calls (analytics, ingestion)
        share a few threads of their own and queue for them, leaving the rest of the
        threadpool to cheap requests."""
        limiter = None
        if heavy:
            if self._heavy_limiter is None:
                self._heavy_limiter = CapacityLimiter(max(1, self.settings.heavy_request_threads))
            limiter = self._heavy_limiter
        return await to_thread.run_sync(partial(self.run, fn, *args, **kwargs), limiter=limiter)

    def run(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """Call ``fn`` (which opens its own transactions), again from the start when the
        database reports a transient conflict; a conflict that persists, or a wait for a
        lock past its limit, answers 503 with nothing written."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                failure = db.failure_kind(exc)
                if failure is None:
                    raise
                if failure is db.Failure.DUPLICATE and attempt >= 2:
                    # A uniqueness race that running again did not settle; the transaction was rolled back whole.
                    raise Conflict("Conflict: a concurrent change made this request invalid; retry it.") from exc
                if failure is db.Failure.TIMEOUT:
                    raise QueryTimeout() from exc
                if failure is db.Failure.BUSY or (failure is db.Failure.CONFLICT and attempt == ATTEMPTS):
                    raise ServiceBusy() from exc
                # DUPLICATE on the first attempt (running again sees the winner's row) or a transient CONFLICT.
            time.sleep(random.uniform(0.005, 0.05) * attempt)
        raise AssertionError("unreachable")

    @classmethod
    def build(cls, engine: Engine, settings: Settings, clock: Clock | None = None) -> Runtime:
        with db.writing(engine) as conn:
            secret = auth_store.server_secret(conn, "bookmarks")
            link_secret = auth_store.server_secret(conn, "file_links")
        clock = clock or Clock(today=parse_today(settings.today))
        # Built once, so a bad PINSIGHT_ANALYTICS_LOOKBACK_DAYS stops the server at start.
        rules = AnalyticsRules.from_setting(settings.analytics_lookback_days)
        return cls(
            engine=engine, settings=settings, clock=clock, bookmarks=BookmarkCodec(secret.encode()), analytics_rules=rules,
            files=FileStore(settings.resolved_files_url(), settings.files_options), link_secret=link_secret.encode(),
        )
