"""When a day's ads metrics are final (``GET /v5/resources/metrics_ready_state``).

Delivery metrics (impressions, clicks, saves, spend) are final once the day has left the
processing window organic analytics use too (``AnalyticsRules.processing_days``: the day
is READY there). Conversion metrics settle later: reported at the time of the ad action,
a conversion made up to the longest attribution window after an action still counts on
the action's day, so that day's conversion figures can change until the window has also
passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pinsight.catalog.ad_actions import WINDOW_DAYS

LONGEST_WINDOW_DAYS = max(WINDOW_DAYS)


@dataclass(frozen=True)
class ReadyState:
    conversion_metrics_ready: bool
    non_conversion_metrics_ready: bool


def ready_state(day: date, today: date, processing_days: int) -> ReadyState:
    """Whether ``day``'s conversion and delivery metrics are final, ``today`` being today (UTC)."""
    age = (today - day).days
    return ReadyState(
        conversion_metrics_ready=age >= processing_days + LONGEST_WINDOW_DAYS,
        non_conversion_metrics_ready=age >= processing_days,
    )
