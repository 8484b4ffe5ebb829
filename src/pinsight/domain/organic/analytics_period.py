"""Organic analytics periods: which ``start_date``/``end_date`` pairs are allowed, and
what ``data_status`` each day in a period carries.

Pure: no clock, no settings, no database. ``today`` (the current UTC date) is always
passed in, so callers decide where time comes from and tests pin it.

Pinterest's rules (API v5, organic pin / multi-pin / user account / top pins analytics):

* dates are UTC ``YYYY-MM-DD``;
* ``end_date`` is not before ``start_date`` (a one-day period, start == end, is fine);
* ``end_date`` is not after today: no day in a period lies in the future;
* ``start_date`` is at most ``lookback_days`` (90) days back from today:
  ``today - start_date <= 90`` days, so exactly 90 days back is allowed, 91 is not;
* ``end_date`` is at most ``max_span_days`` (90) days past ``start_date``:
  ``end_date - start_date <= 90`` days (a 91-day inclusive list), 91 is rejected.

The checks run in that order, so a request breaking several rules is told about the
first of them. Each violation raises :class:`InvalidParameters` (HTTP 400) whose message
names the parameter, the rule, and the allowed bound.

Days of a period carry ``BEFORE_PIN_CREATED`` before the pin existed, ``PROCESSING``
for the most recent ``processing_days`` days (today included), and ``READY`` otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pinsight.errors import InvalidParameters

READY = "READY"
PROCESSING = "PROCESSING"
BEFORE_PIN_CREATED = "BEFORE_PIN_CREATED"
# In the order they occur along a period, oldest day first.
DATA_STATUSES = (BEFORE_PIN_CREATED, READY, PROCESSING)

DEFAULT_LOOKBACK_DAYS = 90
DEFAULT_MAX_SPAN_DAYS = 90
# Today and yesterday (UTC) are still being counted: Pinterest's own analytics need up to
# about 48 hours to settle, so a day is READY from the day after tomorrow on.
DEFAULT_PROCESSING_DAYS = 2
UNLIMITED = "unlimited"

# ASCII only: `\d` would also accept other scripts' digits, which date() then reads.
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_COUNT = re.compile(r"[0-9]+")


def _shown(text: str, limit: int = 40) -> str:
    """The offending value, quoted and cut short, for an error message."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _iso_day(text: str) -> date | None:
    """The date written strictly as YYYY-MM-DD, or None."""
    if not _DAY.fullmatch(text):
        return None
    try:
        return date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:  # month 13, 2023-02-29, year 0000, ...
        return None


def parse_day(text: str | None, field: str) -> date:
    """A request's date parameter, strictly ``YYYY-MM-DD``; InvalidParameters naming ``field`` otherwise."""
    if text is None or text == "":
        raise InvalidParameters(f"{field} is required: a date in YYYY-MM-DD format (UTC).")
    if not isinstance(text, str):
        raise InvalidParameters(f"Invalid {field}: expected a date in YYYY-MM-DD format (UTC).")
    day = _iso_day(text)
    if day is None:
        if _DAY.fullmatch(text):
            raise InvalidParameters(f"Invalid {field}: {_shown(text)} is not a calendar date.")
        raise InvalidParameters(f"Invalid {field}: {_shown(text)} is not a date in YYYY-MM-DD format (UTC).")
    return day


def parse_today(text: str | None) -> date | None:
    """The ``PINSIGHT_TODAY`` override: None when unset or blank, else a strict YYYY-MM-DD date.

    A bad value is a configuration mistake, not a bad request, so it raises ValueError.
    """
    if text is None or not text.strip():
        return None
    day = _iso_day(text.strip())
    if day is None:
        raise ValueError(f"PINSIGHT_TODAY must be a date in YYYY-MM-DD format (or empty), got {_shown(text)}.")
    return day


@dataclass(frozen=True)
class AnalyticsRules:
    """The limits applied to organic analytics periods.

    ``lookback_days`` None lifts the lookback limit (an archive server keeping more than
    Pinterest's 90 days); the span limit still applies.
    """

    lookback_days: int | None = DEFAULT_LOOKBACK_DAYS
    max_span_days: int = DEFAULT_MAX_SPAN_DAYS
    processing_days: int = DEFAULT_PROCESSING_DAYS

    def __post_init__(self) -> None:
        for name in ("lookback_days", "max_span_days", "processing_days"):
            value = getattr(self, name)
            if value is None and name == "lookback_days":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number of days, 0 or more; got {value!r}.")

    @classmethod
    def from_setting(cls, lookback: str | int | None, **others: int) -> AnalyticsRules:
        """Rules from ``PINSIGHT_ANALYTICS_LOOKBACK_DAYS``: a day count such as ``"90"``, or ``"unlimited"``.

        None or a blank value means the default (90). Anything else raises ValueError.
        """
        if lookback is None or (isinstance(lookback, str) and not lookback.strip()):
            return cls(lookback_days=DEFAULT_LOOKBACK_DAYS, **others)
        if isinstance(lookback, int) and not isinstance(lookback, bool):
            return cls(lookback_days=lookback, **others)
        if isinstance(lookback, str):
            text = lookback.strip()
            if text.lower() == UNLIMITED:
                return cls(lookback_days=None, **others)
            if _COUNT.fullmatch(text):
                return cls(lookback_days=int(text), **others)
        raise ValueError(
            "PINSIGHT_ANALYTICS_LOOKBACK_DAYS must be a whole number of days (0 or more, such as 90) "
            f"or 'unlimited'; got {_shown(str(lookback))}."
        )


@dataclass(frozen=True)
class Period:
    """A run of consecutive days, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"Period ends ({self.end}) before it starts ({self.start}).")

    def __len__(self) -> int:
        return (self.end - self.start).days + 1

    def days(self) -> list[date]:
        return [self.start + timedelta(days=offset) for offset in range(len(self))]


def validate_period(start_text: str | None, end_text: str | None, today: date, rules: AnalyticsRules) -> Period:
    """The period a request asks for, checked against Pinterest's rules (see the module docstring)."""
    start = parse_day(start_text, "start_date")
    end = parse_day(end_text, "end_date")
    if end < start:
        raise InvalidParameters(f"end_date ({end}) must not be before start_date ({start}).")
    if end > today:
        raise InvalidParameters(
            f"end_date ({end}) cannot be in the future: the latest allowed end_date is today, {today} (UTC)."
        )
    if rules.lookback_days is not None and (today - start).days > rules.lookback_days:
        # Only reached when start lies further back than the bound, so the bound is a real date.
        earliest = today - timedelta(days=rules.lookback_days)
        raise InvalidParameters(
            f"start_date ({start}) cannot be more than {rules.lookback_days} days back from today: "
            f"the earliest allowed start_date is {earliest} (UTC)."
        )
    if (end - start).days > rules.max_span_days:
        latest = start + timedelta(days=rules.max_span_days)
        raise InvalidParameters(
            f"end_date ({end}) cannot be more than {rules.max_span_days} days past start_date ({start}): "
            f"the latest allowed end_date is {latest}."
        )
    return Period(start, end)


def data_status(day: date, today: date, pin_created_on: date | None, rules: AnalyticsRules) -> str:
    """The ``data_status`` of one day of metrics.

    BEFORE_PIN_CREATED before the pin's creation day (None: not about a pin, never);
    PROCESSING for the last ``rules.processing_days`` days up to and including today,
    and for any day after today; READY otherwise. Along a period this is always
    BEFORE_PIN_CREATED*, READY*, PROCESSING*. A datetime creation moment (naive UTC, as
    stored) counts by its date.
    """
    if isinstance(pin_created_on, datetime):
        pin_created_on = pin_created_on.date()
    if isinstance(day, datetime) or isinstance(today, datetime):
        raise TypeError("day and today are dates, not datetimes")
    if pin_created_on is not None and day < pin_created_on:
        return BEFORE_PIN_CREATED
    if (today - day).days < rules.processing_days:
        return PROCESSING
    return READY
