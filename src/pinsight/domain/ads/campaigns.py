"""What a campaign's summary status says: a pure function of its status, its schedule and
the time it is asked at (so it is computed when a campaign is read, never stored)."""

from __future__ import annotations


def summary_status(status: str, start_time: int | None, end_time: int | None, now: int) -> str:
    """An active campaign is NOT_STARTED before its start, COMPLETED from its end on, and
    RUNNING in between; every other status reads as itself (PAUSED, ARCHIVED, DRAFT,
    DELETED_DRAFT). ``now`` and the times are Unix seconds."""
    if status != "ACTIVE":
        return status
    if end_time is not None and now >= end_time:
        return "COMPLETED"
    if start_time is not None and now < start_time:
        return "NOT_STARTED"
    return "RUNNING"
