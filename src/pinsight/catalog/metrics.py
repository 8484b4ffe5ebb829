"""Every organic analytics metric, declared once.

The organic analytics operations (``pins/analytics``, ``multi_pins/analytics``,
``user_account/analytics``, ``user_account/analytics/top_pins`` and
``user_account/analytics/top_video_pins``) all speak of the same metrics by the same
upper-case names. This module is the single table of them:

* A *base* metric is stored: it has a storage column (``stored_as``) holding a
  non-negative, additive daily value, so the value over any period is the plain sum
  of the period's rows.
* A *derived* metric is never stored: its ``formula`` (data, not code) says how to
  compute it from the summed base columns of the period. ``Ratio`` is a ratio of
  sums (sum of numerators over sum of denominators over the whole period, never an
  average of daily ratios) and ``Sum`` adds base counts. ``pinsight.store.organic.formulas``
  is the one engine that evaluates formulas, in Python and in SQL alike.

Durations are milliseconds, as Pinterest reports them.

The per-endpoint sets below (which names each operation's ``metric_types`` and
``sort_by`` accept) are checked against the official spec by
``tests/contract/test_metric_catalog.py``, so they cannot drift from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Union

from pinsight.errors import InvalidParameters

MetricKind = Literal["count", "rate", "duration"]
KINDS: tuple[str, ...] = ("count", "rate", "duration")


@dataclass(frozen=True)
class Ratio:
    """sum(numerator metrics) / sum(denominator metrics), both summed over the period."""

    numerator: tuple[str, ...]
    denominator: tuple[str, ...]

    @property
    def inputs(self) -> tuple[str, ...]:
        return _unique(self.numerator + self.denominator)


@dataclass(frozen=True)
class Sum:
    """The sum of some base counts."""

    parts: tuple[str, ...]

    @property
    def inputs(self) -> tuple[str, ...]:
        return _unique(self.parts)


Formula = Union[Ratio, Sum]


@dataclass(frozen=True)
class Metric:
    name: str
    display_name: str
    definition: str
    kind: MetricKind
    stored_as: str | None = None
    formula: Formula | None = None
    # Pin analytics reports it once for the pin's whole life (``lifetime_metrics``),
    # not per day or per requested period.
    lifetime: bool = False
    # Only meaningful for video Pins (the spec's video branch of the pin metric enum).
    video_only: bool = False

    @property
    def is_base(self) -> bool:
        return self.stored_as is not None

    @property
    def inputs(self) -> tuple[str, ...]:
        """The base metric names the metric is computed from (itself, for a base metric)."""
        return (self.name,) if self.formula is None else self.formula.inputs


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


# ENGAGEMENT. Pinterest's public analytics glossary counts as engagements the saves,
# Pin clicks and outbound clicks on a Pin, plus carousel card swipes, collection
# (secondary creative) clicks and Idea Pin page swipes; its engagement *rate* is
# described over saves, Pin clicks and outbound clicks alone. pinsight models no
# carousels, collections or Idea Pin pages, so both reduce to the same three parts.
# Deliberately left out:
# - CLOSEUP: a legacy metric that "Pin clicks" replaced in 2021; counting both would
#   count most taps twice.
# - TOTAL_COMMENTS / TOTAL_REACTIONS: not in Pinterest's definition, and they are
#   lifetime-only figures, so no daily or per-period series of them exists to add.
ENGAGEMENT_PARTS: tuple[str, ...] = ("SAVE", "PIN_CLICK", "OUTBOUND_CLICK")


def _base(name: str, display_name: str, definition: str, kind: MetricKind = "count", **flags) -> Metric:
    return Metric(name, display_name, definition, kind, stored_as=name.lower(), **flags)


def _per_impression(name: str, display_name: str, definition: str, numerator: tuple[str, ...]) -> Metric:
    return Metric(name, display_name, definition, "rate", formula=Ratio(numerator, ("IMPRESSION",)))


CATALOGUE: tuple[Metric, ...] = (
    # Base counts.
    _base("IMPRESSION", "Impressions", "Times the Pin was shown on someone's screen."),
    _base("SAVE", "Saves", "Times someone saved the Pin to one of their boards."),
    _base("PIN_CLICK", "Pin clicks", "Taps on the Pin that opened it or led to content on or off Pinterest."),
    _base("OUTBOUND_CLICK", "Outbound clicks", "Clicks that took someone to the Pin's destination link off Pinterest."),
    _base("CLOSEUP", "Closeups", "Times someone opened the Pin's close-up view (the legacy form of Pin clicks)."),
    _base("PROFILE_VISIT", "Profile visits", "Visits to the owner's profile that started from the Pin."),
    _base("USER_FOLLOW", "Follows", "People who followed the owner after seeing the Pin."),
    _base("TOTAL_COMMENTS", "Comments", "Comments left on the Pin, counted over its lifetime.", lifetime=True),
    _base("TOTAL_REACTIONS", "Reactions", "Reactions left on the Pin, counted over its lifetime.", lifetime=True),
    # Not in Pinterest's v5 analytics (no v5 endpoint offers it): the overview API's repins.
    _base("REPIN", "Repins", "Times someone other than the owner saved the Pin to one of their boards (part of saves)."),
    # Base video counts and the one stored duration.
    _base("VIDEO_START", "Video starts", "Times the video began playing.", video_only=True),
    _base(
        "VIDEO_MRC_VIEW",
        "Video views",
        "Plays of at least two seconds with at least half of the video on screen.",
        video_only=True,
    ),
    _base("VIDEO_10S_VIEW", "10-second views", "Plays that lasted ten seconds or longer.", video_only=True),
    _base(
        "QUARTILE_95_PERCENT_VIEW", "95% views", "Plays that reached 95% of the video's length.", video_only=True
    ),
    # The spec's own gloss of VIDEO_V50_WATCH_TIME is the total play time, so it is the
    # stored total watch time (no separate hidden column is needed).
    _base(
        "VIDEO_V50_WATCH_TIME",
        "Total play time",
        "Milliseconds the video played while at least half of it was on screen, summed over all plays.",
        "duration",
        video_only=True,
    ),
    # Derived counts.
    Metric(
        "ENGAGEMENT",
        "Engagements",
        "Saves, Pin clicks and outbound clicks added together.",
        "count",
        formula=Sum(ENGAGEMENT_PARTS),
    ),
    # Derived rates: ratios of sums over the period.
    _per_impression("SAVE_RATE", "Save rate", "Saves per impression.", ("SAVE",)),
    _per_impression("PIN_CLICK_RATE", "Pin click rate", "Pin clicks per impression.", ("PIN_CLICK",)),
    _per_impression(
        "OUTBOUND_CLICK_RATE", "Outbound click rate", "Outbound clicks per impression.", ("OUTBOUND_CLICK",)
    ),
    _per_impression("CLOSEUP_RATE", "Closeup rate", "Closeups per impression.", ("CLOSEUP",)),
    _per_impression("ENGAGEMENT_RATE", "Engagement rate", "Engagements per impression.", ENGAGEMENT_PARTS),
    # Derived duration. The top video Pins sample in the spec agrees (its average is
    # half its total play time, over two starts).
    Metric(
        "VIDEO_AVG_WATCH_TIME",
        "Average watch time",
        "Total play time divided by video starts, in milliseconds.",
        "duration",
        formula=Ratio(("VIDEO_V50_WATCH_TIME",), ("VIDEO_START",)),
        video_only=True,
    ),
)

METRICS: dict[str, Metric] = {metric.name: metric for metric in CATALOGUE}

# The storage layer's additive columns, in catalogue order.
STORED_COLUMNS: tuple[str, ...] = tuple(metric.stored_as for metric in CATALOGUE if metric.stored_as is not None)

BASE_METRICS: tuple[str, ...] = tuple(metric.name for metric in CATALOGUE if metric.is_base)
DERIVED_METRICS: tuple[str, ...] = tuple(metric.name for metric in CATALOGUE if not metric.is_base)
LIFETIME_METRICS: tuple[str, ...] = tuple(metric.name for metric in CATALOGUE if metric.lifetime)
VIDEO_ONLY_METRICS: tuple[str, ...] = tuple(metric.name for metric in CATALOGUE if metric.video_only)


# What each operation accepts. Pin analytics takes either the standard or the video
# list (a oneOf in the spec); PIN_ANALYTICS_METRICS is their union. Lifetime metrics
# are answered in ``lifetime_metrics``, everything else per day and summed.
PIN_STANDARD_METRICS: tuple[str, ...] = (
    "IMPRESSION",
    "OUTBOUND_CLICK",
    "PIN_CLICK",
    "SAVE",
    "SAVE_RATE",
    "TOTAL_COMMENTS",
    "TOTAL_REACTIONS",
    "USER_FOLLOW",
    "PROFILE_VISIT",
)
PIN_VIDEO_METRICS: tuple[str, ...] = (
    "IMPRESSION",
    "OUTBOUND_CLICK",
    "PIN_CLICK",
    "SAVE",
    "SAVE_RATE",
    "VIDEO_MRC_VIEW",
    "VIDEO_10S_VIEW",
    "QUARTILE_95_PERCENT_VIEW",
    "VIDEO_V50_WATCH_TIME",
    "VIDEO_START",
    "VIDEO_AVG_WATCH_TIME",
    "TOTAL_COMMENTS",
    "TOTAL_REACTIONS",
)
PIN_ANALYTICS_METRICS: tuple[str, ...] = _unique(PIN_STANDARD_METRICS + PIN_VIDEO_METRICS)
# multi_pins/analytics accepts the same names.
MULTI_PIN_ANALYTICS_METRICS: tuple[str, ...] = PIN_ANALYTICS_METRICS

USER_ACCOUNT_METRICS: tuple[str, ...] = (
    "ENGAGEMENT",
    "ENGAGEMENT_RATE",
    "IMPRESSION",
    "OUTBOUND_CLICK",
    "OUTBOUND_CLICK_RATE",
    "PIN_CLICK",
    "PIN_CLICK_RATE",
    "SAVE",
    "SAVE_RATE",
)
# top_pins shares user_account/analytics' metric_types parameter.
TOP_PINS_METRICS: tuple[str, ...] = USER_ACCOUNT_METRICS
TOP_PINS_SORT_BY: tuple[str, ...] = ("ENGAGEMENT", "IMPRESSION", "OUTBOUND_CLICK", "PIN_CLICK", "SAVE")

TOP_VIDEO_PINS_METRICS: tuple[str, ...] = (
    "IMPRESSION",
    "SAVE",
    "VIDEO_MRC_VIEW",
    "VIDEO_AVG_WATCH_TIME",
    "VIDEO_V50_WATCH_TIME",
    "QUARTILE_95_PERCENT_VIEW",
    "VIDEO_10S_VIEW",
    "VIDEO_START",
    "OUTBOUND_CLICK",
)
TOP_VIDEO_PINS_SORT_BY: tuple[str, ...] = TOP_VIDEO_PINS_METRICS

ENDPOINT_SETS: dict[str, tuple[str, ...]] = {
    "PIN_STANDARD_METRICS": PIN_STANDARD_METRICS,
    "PIN_VIDEO_METRICS": PIN_VIDEO_METRICS,
    "PIN_ANALYTICS_METRICS": PIN_ANALYTICS_METRICS,
    "MULTI_PIN_ANALYTICS_METRICS": MULTI_PIN_ANALYTICS_METRICS,
    "USER_ACCOUNT_METRICS": USER_ACCOUNT_METRICS,
    "TOP_PINS_METRICS": TOP_PINS_METRICS,
    "TOP_PINS_SORT_BY": TOP_PINS_SORT_BY,
    "TOP_VIDEO_PINS_METRICS": TOP_VIDEO_PINS_METRICS,
    "TOP_VIDEO_PINS_SORT_BY": TOP_VIDEO_PINS_SORT_BY,
}


def _check_catalogue() -> None:
    """Fail at import rather than at request time if the table is inconsistent."""
    names = [metric.name for metric in CATALOGUE]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"metrics declared twice: {duplicates}")
    if len(set(STORED_COLUMNS)) != len(STORED_COLUMNS):
        raise ValueError("two base metrics share a storage column")
    for metric in CATALOGUE:
        if metric.kind not in KINDS:
            raise ValueError(f"{metric.name}: unknown kind {metric.kind!r}")
        if (metric.stored_as is None) == (metric.formula is None):
            raise ValueError(f"{metric.name}: exactly one of stored_as and formula must be given")
        for name in metric.inputs:
            if name not in METRICS or not METRICS[name].is_base:
                raise ValueError(f"{metric.name}: input {name} is not a declared base metric")
    for set_name, members in ENDPOINT_SETS.items():
        unknown = [name for name in members if name not in METRICS]
        if unknown:
            raise ValueError(f"{set_name} names undeclared metrics {unknown}")


_check_catalogue()


def base_columns_for(metric_names: Iterable[str]) -> tuple[str, ...]:
    """The storage columns needed to compute the metrics, in ``STORED_COLUMNS`` order."""
    needed = {METRICS[base].stored_as for name in metric_names for base in METRICS[name].inputs}
    return tuple(column for column in STORED_COLUMNS if column in needed)


def parse_metric_types(values: Iterable[str], allowed: Iterable[str]) -> list[str]:
    """The metric names a query asked for, validated against an endpoint's allowed set.

    Accepts the parameter repeated (``?metric_types=SAVE&metric_types=IMPRESSION``),
    comma-separated (``?metric_types=SAVE,IMPRESSION``) or both. Surrounding blanks and
    empty items are ignored; names are case-sensitive, as in the spec's enums; repeats
    collapse to the first occurrence. Returns [] when nothing was named: the caller
    decides whether that means "all" (user account endpoints) or an error (pin
    endpoints, where the parameter is required).

    Raises InvalidParameters naming every value that is not in ``allowed``.
    """
    allowed = tuple(allowed)
    allowed_set = set(allowed)
    names: list[str] = []
    for value in values:
        for item in value.split(","):
            item = item.strip()
            if item:
                names.append(item)
    names = list(_unique(names))
    rejected = [name for name in names if name not in allowed_set]
    if rejected:
        unknown = [name for name in rejected if name not in METRICS]
        elsewhere = [name for name in rejected if name in METRICS]
        problems = []
        if unknown:
            problems.append(f"unknown metric type(s) {', '.join(unknown)}")
        if elsewhere:
            problems.append(f"metric type(s) {', '.join(elsewhere)} not available here")
        raise InvalidParameters(
            f"Invalid metric_types: {'; '.join(problems)}. Allowed values: {', '.join(allowed)}."
        )
    return names


# The ``pin_metrics`` blocks of a Pin (``?pin_metrics=true`` on pin reads): each field
# and the stored column it sums. "90d" reports the first three, "all_time" all five.
PIN_METRIC_FIELDS: dict[str, str] = {
    "pin_click": "pin_click",
    "impression": "impression",
    "clickthrough": "outbound_click",
    "reaction": "total_reactions",
    "comment": "total_comments",
}
PIN_METRICS_90D_FIELDS: tuple[str, ...] = ("pin_click", "impression", "clickthrough")
PIN_METRICS_ALL_TIME_FIELDS: tuple[str, ...] = tuple(PIN_METRIC_FIELDS)
