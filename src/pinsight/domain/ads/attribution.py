"""Conversion attribution: which ad action, if any, a conversion is credited to.

The rules (the README's "Attribution" section says the same):

* Candidates are ad actions of the same ad account that come strictly before the
  conversion, by the same person (INDIVIDUAL: an identifier in common, or the click the
  conversion names by ``click_id``), or, for HOUSEHOLD, also by anyone in one of the
  person's households.
* A window of ``N`` days covers the ``N`` x 24 hours before the conversion's instant, its
  start included: a click exactly 7 days earlier is in a 7-day window, one 7 days and a
  second earlier is not. A window of 0 turns its kind off.
* A click (``CLICK``, ``OUTBOUND_CLICK``) in the click window wins; else an engagement
  (saves, closeups, video views) in the engagement window; else a view (``IMPRESSION``)
  in the view window. Within the winning kind the latest action wins (the larger action
  id on a tie of instants, so that the answer never depends on the order rows come in).
* ``TIME_OF_AD_ACTION`` reports a credited conversion on the winning action's instant,
  ``TIME_OF_CONVERSION`` on the conversion's.

``credit`` is that definition, read plainly: it looks at every candidate. Answering
analytics must not rescan actions for each window combination a request asks for, so
the store keeps, per conversion and attribution type, only each kind's latest candidate
within the longest window (``latest_touches``), with the shortest window that reaches it
(``Touch.reach_days``). ``winner`` picks from those three in constant time for any
windows, and ``tests/domain/test_attribution.py`` proves it equal to ``credit``.
Why three are enough: a kind's latest candidate is its youngest, so if it is outside a
window, every older one of that kind is too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from pinsight.catalog.ad_actions import (
    ACTION_TYPES,
    DEFAULT_WINDOWS,
    HOUSEHOLD,
    INDIVIDUAL,
    KIND_PRIORITY,
    TIME_OF_AD_ACTION,
    TIME_OF_CONVERSION,
    WINDOW_DAYS,
    ActionKind,
)

DAY = timedelta(days=1)
# The windows that can reach an action, shortest first (0 reaches nothing).
REACHES = tuple(days for days in WINDOW_DAYS if days > 0)
LONGEST_WINDOW = timedelta(days=REACHES[-1])


@dataclass(frozen=True)
class Action:
    """An ad action as attribution sees it."""

    id: int | str  # ingested actions carry the client's string id
    ad_id: int
    type: str
    at: datetime
    person_keys: frozenset[str]  # the person's identifiers: external ids, hashed e-mails
    household: str | None = None
    profile_id: int = 0  # its targeting facts' profile (domain.ads.action_profiles)

    @property
    def kind(self) -> ActionKind:
        return ACTION_TYPES[self.type]


@dataclass(frozen=True)
class Conversion:
    """A conversion event, with who made it: ``person_keys`` from its user data,
    ``click_id`` if it names a click, and ``households`` the person's households (known
    from their ad actions)."""

    at: datetime
    person_keys: frozenset[str]
    click_id: int | str | None = None
    households: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Windows:
    click_days: int = DEFAULT_WINDOWS[ActionKind.CLICK]
    engagement_days: int = DEFAULT_WINDOWS[ActionKind.ENGAGEMENT]
    view_days: int = DEFAULT_WINDOWS[ActionKind.VIEW]

    def __post_init__(self) -> None:
        for days in (self.click_days, self.engagement_days, self.view_days):
            if days not in WINDOW_DAYS:
                raise ValueError(f"a window is one of {WINDOW_DAYS} days, not {days!r}")

    def days(self, kind: ActionKind) -> int:
        return {ActionKind.CLICK: self.click_days, ActionKind.ENGAGEMENT: self.engagement_days,
                ActionKind.VIEW: self.view_days}[kind]


@dataclass(frozen=True)
class Touch:
    """A kind's latest candidate action for one conversion, and the shortest window (in
    days, one of ``REACHES``) that covers it: every window at least that long does."""

    action_id: int | str
    ad_id: int
    kind: ActionKind
    at: datetime
    reach_days: int
    profile_id: int = 0  # the action's (domain.ads.action_profiles)


def matches(action: Action, conversion: Conversion, attribution_type: str) -> bool:
    """Whether ``action`` was made by the converting person (or, for HOUSEHOLD, by their household)."""
    if action.id == conversion.click_id or action.person_keys & conversion.person_keys:
        return True
    if attribution_type == HOUSEHOLD:
        return action.household is not None and action.household in conversion.households
    if attribution_type != INDIVIDUAL:
        raise ValueError(f"unknown attribution type {attribution_type!r}")
    return False


def _latest(actions: Iterable[Action]) -> Action | None:
    return max(actions, key=lambda action: (action.at, action.id), default=None)


def _within(action: Action, conversion: Conversion, days: int) -> bool:
    return days > 0 and conversion.at - days * DAY <= action.at < conversion.at


def credit(conversion: Conversion, actions: Iterable[Action], windows: Windows, attribution_type: str) -> Action | None:
    """The action ``conversion`` is credited to (None: not attributed), by the plain rules."""
    candidates = [action for action in actions if matches(action, conversion, attribution_type)]
    for kind in KIND_PRIORITY:
        days = windows.days(kind)
        found = _latest(a for a in candidates if a.kind is kind and _within(a, conversion, days))
        if found is not None:
            return found
    return None


def reach_days(age: timedelta) -> int | None:
    """The shortest window that covers an action ``age`` before the conversion (None: beyond all)."""
    if age <= timedelta(0):
        return None  # at or after the conversion: never a candidate
    return next((days for days in REACHES if age <= days * DAY), None)


def latest_touches(conversion: Conversion, actions: Iterable[Action], attribution_type: str) -> dict[ActionKind, Touch]:
    """Each kind's latest candidate within the longest window: all that ``winner`` needs."""
    candidates = [a for a in actions if matches(a, conversion, attribution_type) and reach_days(conversion.at - a.at)]
    touches = {}
    for kind in KIND_PRIORITY:
        latest = _latest(a for a in candidates if a.kind is kind)
        if latest is not None:
            reach = reach_days(conversion.at - latest.at)
            touches[kind] = Touch(latest.id, latest.ad_id, kind, latest.at, reach, latest.profile_id)
    return touches


def winner(touches: Mapping[ActionKind, Touch], windows: Windows) -> Touch | None:
    """The credited touch for ``windows``: the first kind whose latest touch its window reaches."""
    for kind in KIND_PRIORITY:
        touch = touches.get(kind)
        days = windows.days(kind)
        if touch is not None and days > 0 and touch.reach_days <= days:
            return touch
    return None


def reported_at(conversion_at: datetime, credited: Touch, report_time: str) -> datetime:
    """The instant a credited conversion is reported at (``conversion_report_time``)."""
    if report_time == TIME_OF_AD_ACTION:
        return credited.at
    if report_time == TIME_OF_CONVERSION:
        return conversion_at
    raise ValueError(f"unknown conversion report time {report_time!r}")
