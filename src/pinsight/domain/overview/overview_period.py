"""Periods of the overview API: local days in an IANA time zone, and the period before.

A period is a run of whole local days, ``first`` to ``last`` inclusive, in ``zone``.
It is given by a ``preset`` (the last 7, 30 or 90 days, ending yesterday in that zone)
or by ``start_date`` and ``end_date`` (``Y-m-d``; the end after the start, so at least
one day apart, and no later than yesterday). The previous period has the same number
of days and ends the day before the current one starts. Its instants are the local
midnights converted to UTC, so a day of 23 or 25 hours (daylight saving) is still one
day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pinsight.errors import InvalidPeriod

PRESETS = {"last_7_days": 7, "last_30_days": 30, "last_90_days": 90}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
EARLIEST = date(1970, 1, 1)
# The longest IANA name is 32 characters; anything much longer is not worth a lookup.
MAX_ZONE_NAME = 64


@dataclass(frozen=True)
class LocalPeriod:
    first: date
    last: date
    zone: ZoneInfo

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> LocalPeriod:
        return LocalPeriod(self.first - timedelta(days=self.days), self.first - timedelta(days=1), self.zone)

    def window(self) -> tuple[datetime, datetime]:
        """[start, end) as naive UTC instants: the local midnights that bound the period."""
        return _utc_midnight(self.first, self.zone), _utc_midnight(self.last + timedelta(days=1), self.zone)


@cache
def _known_zones() -> frozenset[str]:
    # Read once (about 0.1 s): only names of the time zone database reach ZoneInfo, never
    # a path such as ../../etc/passwd or a directory such as America.
    return frozenset(available_timezones())


def zone_named(name: str) -> ZoneInfo | None:
    """The time zone with this IANA name, or None when there is no such zone."""
    if len(name) > MAX_ZONE_NAME or name not in _known_zones():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # the database changed since it was listed
        return None


def _utc_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def _parse_day(value: str | None, field: str, errors: dict[str, list[str]]) -> date | None:
    if value is None or value == "":
        errors.setdefault(field, []).append(f"The {field.replace('_', ' ')} field is required when preset is not present.")
        return None
    try:
        if not _DAY.fullmatch(value):
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        errors.setdefault(field, []).append(f"The {field.replace('_', ' ')} does not match the format Y-m-d.")
        return None
    if day < EARLIEST:
        errors.setdefault(field, []).append(f"The {field.replace('_', ' ')} must be {EARLIEST} or later.")
        return None
    return day


def parse_period(preset: str | None, start_date: str | None, end_date: str | None, timezone: str | None,
                 now: datetime) -> LocalPeriod:
    """The requested period; ``now`` is the current instant (naive UTC)."""
    errors: dict[str, list[str]] = {}
    zone = zone_named(timezone or "UTC")
    if zone is None:
        errors["timezone"] = ["The timezone must be a valid IANA time zone name, such as UTC or Asia/Tokyo."]
    yesterday = (now.replace(tzinfo=UTC).astimezone(zone).date() if zone else now.date()) - timedelta(days=1)
    first = last = None
    if preset:
        if start_date or end_date:
            errors["preset"] = ["Give either a preset or start_date and end_date, not both."]
        elif preset not in PRESETS:
            errors["preset"] = [f"The selected preset is invalid: use one of {', '.join(PRESETS)}."]
        else:
            last = yesterday
            first = yesterday - timedelta(days=PRESETS[preset] - 1)
    else:
        first = _parse_day(start_date, "start_date", errors)
        last = _parse_day(end_date, "end_date", errors)
        if first is not None and last is not None and last <= first:
            errors.setdefault("end_date", []).append("The end date must be a date after start date.")
        if last is not None and last > yesterday:
            errors.setdefault("end_date", []).append(f"The end date must be no later than yesterday ({yesterday}).")
    if errors or zone is None or first is None or last is None:
        raise InvalidPeriod(errors)
    return LocalPeriod(first, last, zone)


def percentage_change(current: int, last: int) -> str:
    """``(current - last) / last * 100`` with one decimal and a sign; 100 when only the
    last period was zero, 0 when both were (``"+25.0%"``, ``"-3.2%"``, ``"0.0%"``)."""
    if last == 0:
        value = 100.0 if current > 0 else 0.0
    else:
        value = (current - last) / last * 100
    text = f"{value:.1f}"
    if text in ("0.0", "-0.0"):
        return "0.0%"
    return ("+" if value > 0 else "") + text + "%"


def split_window(start: datetime, end: datetime) -> tuple[tuple[date, date] | None, list[tuple[date, datetime, datetime]]]:
    """[start, end) (naive UTC) as whole UTC days (first, last; None if there are none)
    and the parts of UTC days it covers only in part, as (day, from, to)."""
    first_whole = start.date() if start.time() == time(0) else start.date() + timedelta(days=1)
    last_whole = end.date() - timedelta(days=1)
    partial: list[tuple[date, datetime, datetime]] = []
    if first_whole > last_whole:
        # No whole day: the window lies within one UTC day or straddles one midnight.
        day = start.date()
        while datetime.combine(day, time(0)) < end:
            lo = max(start, datetime.combine(day, time(0)))
            hi = min(end, datetime.combine(day + timedelta(days=1), time(0)))
            if lo < hi:
                partial.append((day, lo, hi))
            day += timedelta(days=1)
        return None, partial
    if start.time() != time(0):
        partial.append((start.date(), start, datetime.combine(first_whole, time(0))))
    if end.time() != time(0):
        partial.append((end.date(), datetime.combine(end.date(), time(0)), end))
    return (first_whole, last_whole), partial
