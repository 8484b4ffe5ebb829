"""Ad actions, declared once: what a person can do with an ad, and how attribution
counts each type.

A conversion is credited to a click before an engagement before a view
(``domain.ads.attribution``); every action type is exactly one of the three kinds.
"""

from __future__ import annotations

from enum import Enum

from pinsight.catalog.ads import AGE_BUCKETS, GENDERS, TARGETING_APP_TYPES  # noqa: F401 -- re-exported


class ActionKind(Enum):
    """The three kinds attribution ranks, highest first."""

    CLICK = "CLICK"
    ENGAGEMENT = "ENGAGEMENT"
    VIEW = "VIEW"


# Every ad action type pinsight ingests (``POST /api/v1/ad_events``), with its kind.
ACTION_TYPES: dict[str, ActionKind] = {
    "IMPRESSION": ActionKind.VIEW,
    "CLICK": ActionKind.CLICK,  # a pin click (closeup to the pin's landing)
    "OUTBOUND_CLICK": ActionKind.CLICK,
    "SAVE": ActionKind.ENGAGEMENT,
    "CLOSEUP": ActionKind.ENGAGEMENT,
    "VIDEO_START": ActionKind.ENGAGEMENT,
    "VIDEO_P25": ActionKind.ENGAGEMENT,
    "VIDEO_P50": ActionKind.ENGAGEMENT,
    "VIDEO_P75": ActionKind.ENGAGEMENT,
    "VIDEO_P95": ActionKind.ENGAGEMENT,
    "VIDEO_P100": ActionKind.ENGAGEMENT,
    "VIDEO_MRC_VIEW": ActionKind.ENGAGEMENT,
    "VIDEO_3S_VIEW": ActionKind.ENGAGEMENT,
}

# Attribution's ranking: a qualifying click wins over any engagement, which wins over any view.
KIND_PRIORITY: tuple[ActionKind, ...] = (ActionKind.CLICK, ActionKind.ENGAGEMENT, ActionKind.VIEW)

# The values each window parameter (click_window_days, engagement_window_days,
# view_window_days) takes, as the spec lists them; 0 turns that kind off.
WINDOW_DAYS: tuple[int, ...] = (0, 1, 7, 14, 30, 60)
DEFAULT_WINDOWS = {ActionKind.CLICK: 30, ActionKind.ENGAGEMENT: 30, ActionKind.VIEW: 1}

# Whose actions may take a conversion's credit (``attribution_types``).
INDIVIDUAL = "INDIVIDUAL"
HOUSEHOLD = "HOUSEHOLD"
ATTRIBUTION_TYPES = (INDIVIDUAL, HOUSEHOLD)

# Which day a credited conversion is reported on (``conversion_report_time``).
TIME_OF_AD_ACTION = "TIME_OF_AD_ACTION"
TIME_OF_CONVERSION = "TIME_OF_CONVERSION"
REPORT_TIMES = (TIME_OF_AD_ACTION, TIME_OF_CONVERSION)

# The app an ad action happened in (``app_type``): the spec's targeting app types.
AD_APP_TYPES: tuple[str, ...] = TARGETING_APP_TYPES

# The viewer's targeting facts an ad action may carry (``dimensions``), kept for the
# targeting analytics (``catalog.ad_targeting`` says which type reads which). Where the spec
# or a targeting dictionary enumerates a fact's values, the value must be one of them
# (``domain.ads.ad_events``); keywords, audiences and the rest are free text.
AD_ACTION_DIMENSIONS: tuple[str, ...] = (
    "gender", "age_bucket", "country", "region", "metro", "keyword", "interest", "targeted_interest", "placement",
    "audience", "audience_multiplier", "creative_enhancement", "quiz_result", "device",
)
# The enumerated ones take the targeting spec's values (``catalog.ads``): GENDERS, AGE_BUCKETS.
# Where an ad was shown, as the targeting analytics' PLACEMENT slices it (the ad groups'
# placement groups but ALL).
AD_PLACEMENTS: tuple[str, ...] = ("BROWSE", "SEARCH", "OTHER")
# The name an action's ``app_type`` goes by among its facts (``catalog.ad_targeting``).
AD_APP_TYPE_FACT = "app_type"
DEFAULT_REPORT_TIME = TIME_OF_AD_ACTION  # the spec's default
