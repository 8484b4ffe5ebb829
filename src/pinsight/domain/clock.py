"""The clock: time comes from here, so tests and demos can set it."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime


class Clock:
    """Naive-UTC time. ``today`` pins the date (PINSIGHT_TODAY) while the time of day runs on."""

    def __init__(self, fixed: datetime | None = None, today: date | None = None):
        self._fixed = fixed
        self._today = today

    def now(self) -> datetime:
        """Naive UTC, second precision: how timestamps are stored."""
        moment = (self._fixed or datetime.now(UTC)).replace(tzinfo=None, microsecond=0)
        if self._today is not None:
            moment = datetime.combine(self._today, moment.time())
        return moment

    def today(self) -> date:
        return self.now().date()

    def timestamp(self) -> float:
        """Seconds since the epoch: the fixed moment, else the wall clock. Unlike ``now`` it is
        never pinned to ``today`` (which steps back a day at each midnight), so the ages and
        expiries measured with it only grow: cache ages, form token lifetimes."""
        if self._fixed is None:
            return time.time()
        fixed = self._fixed if self._fixed.tzinfo is not None else self._fixed.replace(tzinfo=UTC)
        return fixed.timestamp()
