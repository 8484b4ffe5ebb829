"""What every service call needs: the database, the clock and the bookmark codec."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from anyio import to_thread
from sqlalchemy import Engine

from pinsight.domain.analytics_period import AnalyticsRules, parse_today
from pinsight.domain.bookmarks import BookmarkCodec
from pinsight.domain.clock import Clock
from pinsight.settings import Settings
from pinsight.services.overview_cache import OverviewCache
from pinsight.store import auth as auth_store

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

    def __post_init__(self) -> None:
        # SQLite answers from local pages in microseconds: a thread hop would cost more
        # than the query, so its calls run inline. Database servers wait on the network,
        # so their calls go to the threadpool and never stall the event loop.
        self.inline_io = self.engine.dialect.name == "sqlite"

    async def call(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """Run a (blocking) service call the cheapest safe way for this database."""
        if self.inline_io:
            return fn(*args, **kwargs)
        return await to_thread.run_sync(lambda: fn(*args, **kwargs))

    @classmethod
    def build(cls, engine: Engine, settings: Settings, clock: Clock | None = None) -> Runtime:
        with engine.begin() as conn:
            secret = auth_store.server_secret(conn, "bookmarks")
        clock = clock or Clock(today=parse_today(settings.today))
        # Built once, so a bad PINSIGHT_ANALYTICS_LOOKBACK_DAYS stops the server at start.
        rules = AnalyticsRules.from_setting(settings.analytics_lookback_days)
        return cls(
            engine=engine, settings=settings, clock=clock, bookmarks=BookmarkCodec(secret.encode()), analytics_rules=rules
        )
