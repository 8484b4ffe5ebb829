"""Every engagement event type POST /api/v1/events accepts, declared once.

Each event type adds to exactly one stored metric column of ``pin_daily_metrics``
(``catalog.metrics.STORED_COLUMNS``): a plain event adds 1, a *valued* event (a
duration) adds its ``value``, which must lie within ``[0, max_value]``. Plain events
must not carry a value.
"""

from __future__ import annotations

from dataclasses import dataclass

from pinsight.catalog.metrics import METRICS, STORED_COLUMNS


@dataclass(frozen=True)
class EventType:
    name: str
    column: str  # the storage column it adds to
    carries_value: bool = False  # True: adds ``value``; False: adds 1 and forbids ``value``
    max_value: int = 0  # inclusive upper bound of ``value`` (valued events only)
    unit: str = ""


def _counted(name: str, metric: str | None = None) -> EventType:
    return EventType(name, METRICS[metric or name].stored_as)  # type: ignore[arg-type]


EVENT_TYPES: dict[str, EventType] = {
    event.name: event
    for event in (
        _counted("IMPRESSION"),
        _counted("SAVE"),
        _counted("PIN_CLICK"),
        _counted("OUTBOUND_CLICK"),
        _counted("CLOSEUP"),
        _counted("PROFILE_VISIT"),
        _counted("USER_FOLLOW"),
        _counted("COMMENT", "TOTAL_COMMENTS"),
        _counted("REACTION", "TOTAL_REACTIONS"),
        # Someone other than the owner saved the pin (send a SAVE too: repins are part of saves).
        _counted("REPIN"),
        _counted("VIDEO_START"),
        _counted("VIDEO_MRC_VIEW"),
        _counted("VIDEO_10S_VIEW"),
        _counted("QUARTILE_95_PERCENT_VIEW"),
        # Milliseconds of play in one viewing, at most a whole day.
        EventType(
            "VIDEO_WATCH_TIME",
            METRICS["VIDEO_V50_WATCH_TIME"].stored_as,  # type: ignore[arg-type]
            carries_value=True,
            max_value=86_400_000,
            unit="ms",
        ),
    )
}


def _check() -> None:
    for event in EVENT_TYPES.values():
        if event.column not in STORED_COLUMNS:
            raise ValueError(f"event {event.name}: {event.column!r} is not a stored metric column")
        if event.carries_value != (event.max_value > 0):
            raise ValueError(f"event {event.name}: a valued event needs a max_value, a plain one none")


_check()
