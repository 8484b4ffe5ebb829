"""Which reporting day an instant falls on, in each zone the ads rollups keep
(``catalog.ad_reporting.ROLLUP_ZONES``, by IANA name; ``domain.ads.buckets`` says how a
day is found on a zone's clocks)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from pinsight.catalog.ad_reporting import ROLLUP_ZONES
from pinsight.domain.ads.buckets import reporting_day


@lru_cache(maxsize=None)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def day_in(at: datetime, zone: str) -> date:
    """The calendar day in ``zone`` (an IANA name) of ``at`` (naive UTC)."""
    if zone == "UTC":
        return at.date()  # the common case, without a conversion
    return reporting_day(at, _zone(zone))


def days_of(at: datetime) -> tuple[tuple[str, date], ...]:
    """``at``'s day in every rollup zone."""
    return _days_of_hour(at.replace(minute=0, second=0, microsecond=0))


@lru_cache(maxsize=100_000)
def _days_of_hour(hour: datetime) -> tuple[tuple[str, date], ...]:
    # The rollup zones' offsets from UTC are whole hours (UTC; Los Angeles since 1883), so
    # every instant of a UTC hour falls on the same day in each: a batch of actions spread
    # over a month converts each hour once, not each action.
    return tuple((zone, day_in(hour, zone)) for zone in ROLLUP_ZONES)
