"""Event timestamps as ingestion takes them: RFC 3339 date-times with a time zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

_TIMESTAMP_FORMAT = "timestamp must be an RFC 3339 date-time with a time zone, e.g. 2026-11-20T13:45:00Z"
# RFC 3339's date-time, checked before datetime.fromisoformat: that also takes ISO week
# dates and basic formats, and CPython's ignores whatever follows a NUL character.
_RFC3339 = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})")


def utc_moment(text, cache: dict) -> tuple[date, datetime] | str:
    """The UTC date and instant of an RFC 3339 timestamp, or the reason it is not one."""
    known = cache.get(text) if isinstance(text, str) else None
    if known is not None:
        return known
    if not isinstance(text, str) or len(text) > 40:
        return _TIMESTAMP_FORMAT
    if not _RFC3339.fullmatch(text):
        if _RFC3339.fullmatch(text + "Z"):
            return "timestamp must include a time zone (Z or an offset such as +01:00)"
        return _TIMESTAMP_FORMAT
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:  # month 13, 25:00, an offset of 24 hours, ...
        return _TIMESTAMP_FORMAT
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+05:00 is before year 1 in UTC
        return "timestamp is out of range: its UTC instant must lie in years 1 to 9999"
    known = cache[text] = (moment.date(), moment)
    return known
