"""Which reporting day an instant falls on, in each zone the ads rollups keep."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from pinsight.catalog.ad_reporting import ROLLUP_ZONES


@lru_cache(maxsize=None)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def day_in(at: datetime, zone: str) -> date:
    """The calendar day in ``zone`` of ``at`` (naive UTC)."""
    if zone == "UTC":
        return at.date()
    return at.replace(tzinfo=UTC).astimezone(_zone(zone)).date()


def days_of(at: datetime) -> tuple[tuple[str, date], ...]:
    """``at``'s day in every rollup zone."""
    return tuple((zone, day_in(at, zone)) for zone in ROLLUP_ZONES)
