"""Reporting buckets: which row of a sync ads analytics answer a day or an instant counts in,
and the ``DATE`` that row carries.

A query's range is ``start``..``end`` (both included), days in its reporting time zone
(``AdsAnalyticsQuery.time_zone``). A bucket is keyed by:

* TOTAL: the range's first day (one bucket; its rows carry no DATE);
* DAY: the day;
* WEEK: the first day of its week that lies in the range. Neither the spec nor the
  reporting guide says when Pinterest's weeks start; pinsight uses ISO weeks (Monday to
  Sunday). A range starting mid-week opens with a short week keyed by its own first
  day, so every key, and every DATE, is a day of the range;
* MONTH: the first day of its month that lies in the range (the 1st, or ``start``);
* HOUR: the instant, as an aware UTC datetime, at which the hour begins on the reporting
  zone's clocks. UTC keys stay distinct where local clock times repeat (the hour that
  comes twice when summer time ends), and compare and hash reliably.

The DATE of a day bucket is its key, ``YYYY-MM-DD`` as in the spec's examples. The spec
types DATE as a date for HOUR rows too, which cannot tell a day's 24 rows apart; pinsight
gives an HOUR row the hour's start as RFC 3339 local time with its UTC offset
(``2024-11-03T01:00:00-07:00``), unambiguous on the days clocks change.

Instants without a time zone are UTC, as the store keeps them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

from pinsight.catalog.ad_reporting import DAY, GRANULARITIES, HOUR, MONTH, TOTAL, WEEK

ONE_DAY = timedelta(days=1)
ONE_HOUR = timedelta(hours=1)
DAY_GRANULARITIES: tuple[str, ...] = (TOTAL, DAY, WEEK, MONTH)
if set(DAY_GRANULARITIES) | {HOUR} != set(GRANULARITIES):
    raise ValueError("every granularity but HOUR buckets days")

BucketKey = date | datetime


def as_utc(instant: datetime) -> datetime:
    """An aware UTC datetime (a naive one is taken as UTC)."""
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)


def reporting_day(instant: datetime, zone: tzinfo) -> date:
    """The day, on the zone's clocks, an instant falls on."""
    return as_utc(instant).astimezone(zone).date()


def day_start(day: date, zone: tzinfo) -> datetime:
    """The UTC instant a day of the zone begins (midnight local; zoneinfo resolves a
    midnight that does not exist, or comes twice, by its rules)."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def range_instants(start: date, end: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """``[from, until)`` in UTC: the instants whose reporting day is in ``start``..``end``."""
    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    return day_start(start, zone), day_start(end + ONE_DAY, zone)


def hour_key(instant: datetime, zone: tzinfo) -> datetime:
    """The HOUR bucket of an instant: the UTC instant its hour began on the zone's clocks."""
    local = as_utc(instant).astimezone(zone)
    # Minutes and seconds since the local hour began; subtracting them keeps the fold.
    into_hour = timedelta(minutes=local.minute, seconds=local.second, microseconds=local.microsecond)
    return as_utc(instant) - into_hour


def _check_day_granularity(granularity: str) -> None:
    if granularity not in DAY_GRANULARITIES:
        raise ValueError(f"{granularity!r} does not bucket days: one of {DAY_GRANULARITIES}")


def day_key(day: date, granularity: str, start: date, end: date) -> date:
    """The key of the bucket ``day`` counts in, for a range ``start``..``end``."""
    _check_day_granularity(granularity)
    if not start <= day <= end:
        raise ValueError(f"{day} is outside the range {start}..{end}")
    if granularity == TOTAL:
        return start
    if granularity == DAY:
        return day
    first = day - timedelta(days=day.weekday()) if granularity == WEEK else day.replace(day=1)  # Monday; the 1st
    return max(first, start)


def bucket_key(instant: datetime, granularity: str, zone: tzinfo, start: date, end: date) -> BucketKey | None:
    """The key of the bucket an instant counts in; None when its reporting day is outside the range."""
    day = reporting_day(instant, zone)
    if not start <= day <= end:
        return None
    if granularity == HOUR:
        return hour_key(instant, zone)
    return day_key(day, granularity, start, end)


def bucket_keys(start: date, end: date, granularity: str, zone: tzinfo) -> tuple[BucketKey, ...]:
    """Every bucket of the range, in time order (HOUR: as many hours as the days have on
    the zone's clocks: 23 or 25 on the days clocks change)."""
    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    if granularity == HOUR:
        since, until = range_instants(start, end, zone)
        keys = []
        moment = since
        while moment < until:
            keys.append(moment)
            moment += ONE_HOUR
        return tuple(keys)
    _check_day_granularity(granularity)
    keys = []
    day = start
    while day <= end:
        key = day_key(day, granularity, start, end)
        if not keys or keys[-1] != key:
            keys.append(key)
        day += ONE_DAY
    return tuple(keys)


def date_label(key: BucketKey, granularity: str, zone: tzinfo) -> str | None:
    """The DATE a bucket's rows carry (module docstring); None for TOTAL, whose rows have none."""
    if granularity == TOTAL:
        return None
    if granularity == HOUR:
        if not isinstance(key, datetime):
            raise TypeError(f"an HOUR bucket is keyed by an instant, not {key!r}")
        return as_utc(key).astimezone(zone).isoformat(timespec="seconds")
    _check_day_granularity(granularity)
    if isinstance(key, datetime) or not isinstance(key, date):
        raise TypeError(f"a {granularity} bucket is keyed by a day, not {key!r}")
    return key.isoformat()
