"""The clock: time comes from here, so tests and demos can set it."""

from __future__ import annotations

from datetime import UTC, datetime


class Clock:
    def __init__(self, fixed: datetime | None = None):
        self._fixed = fixed

    def now(self) -> datetime:
        """Naive UTC, second precision: how timestamps are stored."""
        moment = self._fixed or datetime.now(UTC)
        return moment.replace(tzinfo=None, microsecond=0)

