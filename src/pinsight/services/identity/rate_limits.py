"""Rate limits as Pinterest applies them, plus a brake on guessing credentials.

* Each user per app (tokens minted by the CLI and API keys have no app: "no app" is an
  app of its own) may make so many requests a minute in each rate category, and so many
  a second in all categories together (``catalog.rate_limits``).
* Each client address may fail to authenticate so many times a minute; past that, every
  request from it is refused, valid credentials too, until the minute ends.

Windows are fixed and aligned to the clock (a minute window starts on each whole
minute). Every request counts, refused ones included. The counters are shared by every
worker and process through the database (``store.identity.rate_limits``): one statement per
request adds to the request's counters and returns their totals.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from pinsight.catalog import rate_limits as catalog
from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
from pinsight.store.identity import rate_limits as store

log = logging.getLogger("pinsight.rate_limits")

NO_APP = "none"
# How often a process deletes the counters of ended windows.
PRUNE_EVERY_SECONDS = 60


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision on one request, and what its X-RateLimit-* headers say."""

    allowed: bool
    limit: int
    remaining: int
    # Whole seconds until the deciding window ends (at least 1).
    reset: int
    # Which limit, in words, for the 429 message.
    description: str


@dataclass(frozen=True, slots=True)
class Window:
    """A kind of counter: ``limit`` requests per ``seconds``, windows aligned to the clock."""

    limit: int
    seconds: int
    description: str

    def refuses(self, total: int, added: int) -> bool:
        # Refused once the requests before this one reached the limit: a request adds
        # itself, a failed authentication too, a check against the failures adds nothing.
        return total - added >= self.limit

    def verdict(self, total: int, added: int, ends: int, now: float) -> Verdict:
        reset = max(1, math.ceil(ends - now))
        return Verdict(not self.refuses(total, added), self.limit, max(0, self.limit - total), reset, self.description)


@dataclass(frozen=True)
class Limits:
    per_minute: dict[str, int]
    per_second: int
    auth_failures: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        """The catalog's figures with the settings' overrides; a bad one stops the server at start."""
        unknown = sorted(set(settings.rate_limits) - set(catalog.PER_MINUTE))
        if unknown:
            raise ValueError(f"PINSIGHT_RATE_LIMITS names unknown rate categories: {', '.join(unknown)} "
                             f"(known: {', '.join(sorted(catalog.PER_MINUTE))})")
        limits = cls({**catalog.PER_MINUTE, **settings.rate_limits}, settings.rate_limit_per_second,
                     settings.auth_failure_limit)
        figures = [*limits.per_minute.values(), limits.per_second, limits.auth_failures]
        if min(figures) < 1:
            raise ValueError("rate limits must be at least 1 request per window")
        return limits


class RateLimiter:
    def __init__(self, counters: store.Counters, limits: Limits, clock: Callable[[], float] = time.time):
        self.counters = counters
        self.limits = limits
        self._clock = clock
        self._next_prune = 0.0
        # Built once: a request only names its counters.
        self._categories = {
            category: Window(limit, catalog.CATEGORY_WINDOW_SECONDS, f"{limit} {category} requests a minute")
            for category, limit in limits.per_minute.items()
        }
        self._universal = Window(limits.per_second, catalog.UNIVERSAL_WINDOW_SECONDS,
                                 f"{limits.per_second} requests a second")
        self._failures = Window(limits.auth_failures, catalog.AUTH_FAILURE_WINDOW_SECONDS,
                                f"{limits.auth_failures} failed authentications a minute from one address")

    @classmethod
    def build(cls, rt: Runtime, clock: Callable[[], float] = time.time) -> RateLimiter | None:
        """The runtime's limiter, or None when PINSIGHT_RATE_LIMITS_ENABLED is false."""
        if not rt.settings.rate_limits_enabled:
            return None
        limits = Limits.from_settings(rt.settings)
        return cls(store.Counters(rt.engine), limits, clock)

    def hit(self, category: str, user_id: int, app_id: int | None, address: str) -> Verdict | None:
        """Count a request of ``category`` by the user and app from ``address``."""
        caller = f"{user_id}:{NO_APP if app_id is None else app_id}"
        return self._count((
            (self._categories[category], f"{category}:{caller}", 1),
            (self._universal, f"universal:{caller}", 1),
            (self._failures, f"auth_failures:{address}", 0),
        ))

    def check_address(self, address: str) -> Verdict | None:
        """Whether ``address`` may still try to authenticate (counts nothing)."""
        return self._count(((self._failures, f"auth_failures:{address}", 0),))

    def fail(self, address: str) -> Verdict | None:
        """Count a failed authentication from ``address``."""
        return self._count(((self._failures, f"auth_failures:{address}", 1),))

    def _count(self, counted: tuple[tuple[Window, str, int], ...]) -> Verdict | None:
        """Add to the counters; the refusal that lasts longest, else the first counter's verdict.
        None when the counters could not be reached in time (the request goes uncounted)."""
        now = self._clock()
        rows = []
        for window, key, added in counted:
            index = int(now // window.seconds)
            rows.append((f"{key}@{index}", added, (index + 1) * window.seconds))
        try:
            totals = self.counters.add(rows)
        except Exception as error:
            if not store.is_busy(error):
                raise
            log.warning("rate limit counters busy: request not counted")
            return None
        if now >= self._next_prune:
            self._next_prune = now + PRUNE_EVERY_SECONDS
            self.counters.prune(int(now))
        decisive, refused = 0, False
        for n, ((window, _, added), (bucket, _, ends)) in enumerate(zip(counted, rows)):
            if window.refuses(totals[bucket], added) and (not refused or ends > rows[decisive][2]):
                decisive, refused = n, True
        window, _, added = counted[decisive]
        bucket, _, ends = rows[decisive]
        return window.verdict(totals[bucket], added, ends, now)
