"""What every service call needs: the database, the clock and the bookmark codec."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from pinsight.domain.bookmarks import BookmarkCodec
from pinsight.domain.clock import Clock
from pinsight.settings import Settings
from pinsight.store import auth as auth_store


@dataclass
class Runtime:
    engine: Engine
    settings: Settings
    clock: Clock
    bookmarks: BookmarkCodec
    token_cache: dict = field(default_factory=dict)

    @classmethod
    def build(cls, engine: Engine, settings: Settings, clock: Clock | None = None) -> Runtime:
        with engine.begin() as conn:
            secret = auth_store.server_secret(conn, "bookmarks")
        return cls(engine=engine, settings=settings, clock=clock or Clock(), bookmarks=BookmarkCodec(secret.encode()))
