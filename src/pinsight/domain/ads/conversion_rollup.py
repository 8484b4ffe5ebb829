"""What one attributed conversion adds to the daily conversion rollup.

A conversion contributes one row per attribution type and per kind it has a touch of
(``domain.ads.attribution.latest_touches``), in every rollup zone and for both report
times, under the touched action's ad and profile (``domain.ads.action_profiles``). The
row records the touch's reach and the reaches of the conversion's higher-ranked touches
(``NO_TOUCH`` when it has none), because whether that touch is the credited one depends
only on them: for windows (c, e, v) in days, a CLICK row counts when ``reach <= c``; an
ENGAGEMENT row when ``reach <= e`` and ``click_reach > c``; a VIEW row when
``reach <= v``, ``click_reach > c`` and ``engagement_reach > e`` (``winner``'s rule,
written as a filter). So the credited conversions for any windows are one aggregate over
stored rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pinsight.catalog.ad_actions import REPORT_TIMES, TIME_OF_AD_ACTION, ActionKind
from pinsight.domain.ads.attribution import Touch
from pinsight.domain.ads.reporting_days import days_of

# Larger than any window, so "no touch of that kind" reads as "out of every window".
NO_TOUCH = 255
# The higher-ranked kinds' reaches a row of each kind records (0 where it does not matter).
_BLOCKERS = {
    ActionKind.CLICK: (False, False),
    ActionKind.ENGAGEMENT: (True, False),
    ActionKind.VIEW: (True, True),
}


def _reach(touches: Mapping[ActionKind, Touch], kind: ActionKind) -> int:
    touch = touches.get(kind)
    return NO_TOUCH if touch is None else touch.reach_days


def contributions(conversion: Mapping, touches_by_type: Mapping[str, Mapping[ActionKind, Touch]]) -> dict[tuple, list[int]]:
    """The rollup rows (keyed as ``store.ads.conversions.ROLLUP_KEYS``) one conversion adds,
    with their (conversions, value_micro, quantity)."""
    amounts = (1, conversion["value_micro"] or 0, conversion["num_items"] or 0)
    at: datetime = conversion["occurred_at"]
    conversion_days = days_of(at)
    rows: dict[tuple, list[int]] = {}
    for attribution_type, touches in touches_by_type.items():
        click_reach, engagement_reach = _reach(touches, ActionKind.CLICK), _reach(touches, ActionKind.ENGAGEMENT)
        for kind, touch in touches.items():
            records_click, records_engagement = _BLOCKERS[kind]
            blockers = (click_reach if records_click else 0, engagement_reach if records_engagement else 0)
            for report_time in REPORT_TIMES:
                days = days_of(touch.at) if report_time == TIME_OF_AD_ACTION else conversion_days
                for zone, day in days:
                    key = (touch.ad_id, zone, day, report_time, attribution_type, kind.value, touch.reach_days,
                           *blockers, conversion["event_name"], conversion["action_source"], touch.profile_id)
                    row = rows.setdefault(key, [0, 0, 0])
                    for n, amount in enumerate(amounts):
                        row[n] += amount
    return rows


def counts_for(kind: str, reach: int, click_reach: int, engagement_reach: int, click_days: int, engagement_days: int,
               view_days: int) -> bool:
    """Whether a rollup row counts for the windows (the rule above, as the store's SQL filter says it)."""
    if kind == ActionKind.CLICK.value:
        return reach <= click_days
    if kind == ActionKind.ENGAGEMENT.value:
        return reach <= engagement_days and click_reach > click_days
    return reach <= view_days and click_reach > click_days and engagement_reach > engagement_days
