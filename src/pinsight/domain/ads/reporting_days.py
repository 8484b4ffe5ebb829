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
    return tuple((zone, day_in(at, zone)) for zone in ROLLUP_ZONES)
