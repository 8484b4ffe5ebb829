"""An organic analytics request as an immutable value, and the pure parsers that build it.

A query says what to count: for which pins or account (``entity``), over which days
(``period``, checked against ``today``), in which steps (``granularity``), which metrics
(``columns``), which daily rows (``filters``), broken down how (``split``) and, for the
top Pins lists, ranked how (``ranking``). Services parse an operation's parameters into
a query, authorize it, let the store run it (``store.organic.metrics``, ``store.organic.account_metrics``)
and a shaper render the rows (``services.organic.shapes``); a report job can store the
same value and give the same numbers.

The parsers are pure: ``today`` (or ``now``, for "created in the last n days") is passed
in, and they raise the errors the operations answer (``InvalidParameters``), checking the
parameters in the order the operations always have.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from pinsight.catalog.dimensions import APP_TYPES, TRAFFIC_KINDS
from pinsight.catalog.metrics import (
    LIFETIME_METRICS,
    PIN_ANALYTICS_METRICS,
    TOP_PINS_METRICS,
    TOP_PINS_SORT_BY,
    TOP_VIDEO_PINS_METRICS,
    TOP_VIDEO_PINS_SORT_BY,
    USER_ACCOUNT_METRICS,
    base_columns_for,
    parse_metric_types,
)
from pinsight.catalog.pin_formats import ORGANIC_FORMATS, PAID_FORMATS, PIN_FORMATS, SOURCES, VIDEO_CREATIVE_TYPES
from pinsight.domain.organic.analytics_period import AnalyticsRules, Period, validate_period
from pinsight.domain.organic.claimed_content import OWNED_CONTENT
from pinsight.errors import InvalidParameters

DAY = "DAY"
# Only daily series today; TOTAL, WEEK, MONTH and HOUR come with the ads analytics.
GRANULARITIES = (DAY,)
# The one series of a request without a split.
ALL = "all"
MAX_PINS = 100
MAX_TOP_PINS = 50
CREATED_IN_LAST_N_DAYS = (30,)


@dataclass(frozen=True)
class Pins:
    """Some pins, in the order they were asked for."""

    ids: tuple[int, ...]


@dataclass(frozen=True)
class Account:
    """Every pin of one account; ``owner_id`` is None until authorization names the account
    (``AnalyticsQuery.for_owner``)."""

    owner_id: int | None = None


@dataclass(frozen=True)
class Filters:
    """Which daily rows count. None for the optional ones means "no filter"."""

    app_types: tuple[str, ...] = APP_TYPES
    traffic: tuple[str, ...] = TRAFFIC_KINDS  # content_type
    source: str | None = None  # YOUR_PINS / OTHER_PINS
    claimed_content: str | None = None  # CLAIMED / OTHER (from_claimed_content)
    pin_format: str | None = None
    creative_types: tuple[str, ...] | None = None
    created_since: datetime | None = None  # naive UTC: pins created at or after it


@dataclass(frozen=True)
class Ranking:
    """The top Pins lists: the ``limit`` pins with the highest ``sort_by`` over the period."""

    sort_by: str
    limit: int


@dataclass(frozen=True)
class AnalyticsQuery:
    entity: Pins | Account
    period: Period
    # The day the query was asked on: the period was checked against it, and data
    # statuses and lifetime totals are relative to it.
    today: date
    columns: tuple[str, ...]  # metric names, in the order answered
    granularity: str = DAY
    filters: Filters = field(default_factory=Filters)
    split: str | None = None  # a split field (APP_TYPE, OWNED_CONTENT, SOURCE, PIN_FORMAT); None: one series
    ranking: Ranking | None = None

    def __post_init__(self) -> None:
        if self.granularity not in GRANULARITIES:
            raise ValueError(f"granularity {self.granularity!r} is not one of {GRANULARITIES}")

    @property
    def periodic_columns(self) -> tuple[str, ...]:
        """The metrics answered per day and period (the rest are lifetime metrics)."""
        return tuple(name for name in self.columns if name not in LIFETIME_METRICS)

    @property
    def lifetime_columns(self) -> tuple[str, ...]:
        """The metrics answered once for a pin's whole life (``lifetime_metrics``)."""
        return tuple(name for name in self.columns if name in LIFETIME_METRICS)

    @property
    def stored_columns(self) -> tuple[str, ...]:
        """The storage columns the metrics are computed from, in storage order."""
        return base_columns_for(self.columns)

    def split_keys(self) -> tuple[str, ...]:
        """The series answered: ``all`` without a split, otherwise one per value of the split
        field that the filters allow, present even when zero, so the parts add up to the whole."""
        flt = self.filters
        if self.split == "APP_TYPE":
            return flt.app_types
        if self.split == "OWNED_CONTENT":
            return (flt.claimed_content,) if flt.claimed_content else OWNED_CONTENT
        if self.split == "SOURCE":
            return (flt.source,) if flt.source else SOURCES
        if self.split == "PIN_FORMAT":
            allowed = [f for f in PIN_FORMATS if f in ORGANIC_FORMATS and "ORGANIC" in flt.traffic
                       or f in PAID_FORMATS and "PAID" in flt.traffic]
            return tuple(f for f in allowed if flt.pin_format in (None, f))
        return (ALL,)

    def for_owner(self, owner_id: int) -> AnalyticsQuery:
        """The account query once authorization has named whose account it reads."""
        return replace(self, entity=Account(owner_id))


# ---- parsers ---------------------------------------------------------------------------


def _one(value: str, all_value: str) -> str | None:
    return None if value == all_value else value


def parse_app_types(app_types: str) -> tuple[str, ...]:
    return APP_TYPES if app_types == "ALL" else (app_types,)


def parse_pin_id_list(pin_ids: list[str] | None) -> list[str]:
    """``multi_pins/analytics``' ``pin_ids``: repeated or comma-separated, repeats dropped, 1 to 100."""
    ids = list(dict.fromkeys(part for value in pin_ids or [] for part in value.split(",") if part))
    if not 1 <= len(ids) <= MAX_PINS:
        raise InvalidParameters(f"Invalid multi_pins analytics parameters: give 1 to {MAX_PINS} pin_ids.")
    return ids


def parse_pins_query(pin_ids: tuple[int, ...], *, start_date, end_date, app_types, metric_types, split_field="NO_SPLIT",
                     today: date, rules: AnalyticsRules) -> AnalyticsQuery:
    """``pins/analytics`` and ``multi_pins/analytics`` (which has no split) of these pins."""
    period = validate_period(start_date, end_date, today, rules)
    names = parse_metric_types(metric_types or [], PIN_ANALYTICS_METRICS)
    if not names:
        raise InvalidParameters("Invalid pins analytics parameters: metric_types is required.")
    return AnalyticsQuery(
        entity=Pins(tuple(pin_ids)), period=period, today=today, columns=tuple(names),
        filters=Filters(app_types=parse_app_types(app_types)), split="APP_TYPE" if split_field == "APP_TYPE" else None,
    )


def _account_filters(*, from_claimed_content, pin_format, app_types, content_type, source,
                     creative_types=None, created_in_last_n_days=None, now: datetime) -> Filters:
    created_since = None
    if created_in_last_n_days is not None:
        if created_in_last_n_days not in CREATED_IN_LAST_N_DAYS:
            raise InvalidParameters("Invalid parameters: created_in_last_n_days must be 30.")
        created_since = now - timedelta(days=created_in_last_n_days)
    return Filters(
        app_types=parse_app_types(app_types),
        traffic=TRAFFIC_KINDS if content_type == "ALL" else (content_type,),
        source=_one(source, "ALL"),
        claimed_content=_one(from_claimed_content, "BOTH"),
        pin_format=_one(pin_format, "ALL"),
        creative_types=creative_types,
        created_since=created_since,
    )


def parse_account_query(*, start_date, end_date, from_claimed_content, pin_format, app_types, content_type, source,
                        metric_types, split_field, now: datetime, rules: AnalyticsRules) -> AnalyticsQuery:
    """``user_account/analytics``: every account metric when none is named. ``now`` is naive UTC."""
    names = parse_metric_types(metric_types or [], USER_ACCOUNT_METRICS) or list(USER_ACCOUNT_METRICS)
    today = now.date()
    period = validate_period(start_date, end_date, today, rules)
    filters = _account_filters(from_claimed_content=from_claimed_content, pin_format=pin_format, app_types=app_types,
                               content_type=content_type, source=source, now=now)
    return AnalyticsQuery(entity=Account(), period=period, today=today, columns=tuple(names), filters=filters,
                          split=_one(split_field, "NO_SPLIT"))


def _parse_top_query(*, sort_options, metric_options, sort_by, num_of_pins, metric_types, start_date, end_date,
                     creative_types=None, created_in_last_n_days=None, now: datetime, rules: AnalyticsRules,
                     **filters) -> AnalyticsQuery:
    if sort_by not in sort_options:
        raise InvalidParameters(f"Invalid parameters: sort_by must be one of {', '.join(sort_options)}.")
    if not 1 <= num_of_pins <= MAX_TOP_PINS:
        raise InvalidParameters(f"Invalid parameters: num_of_pins must be 1 to {MAX_TOP_PINS}.")
    names = parse_metric_types(metric_types or [], metric_options) or list(metric_options)
    if sort_by not in names:
        names.append(sort_by)  # the sort metric is always reported
    today = now.date()
    period = validate_period(start_date, end_date, today, rules)
    return AnalyticsQuery(
        entity=Account(), period=period, today=today, columns=tuple(names),
        filters=_account_filters(creative_types=creative_types, created_in_last_n_days=created_in_last_n_days,
                                 now=now, **filters),
        ranking=Ranking(sort_by, num_of_pins),
    )


def parse_top_pins_query(*, now: datetime, rules: AnalyticsRules, **params) -> AnalyticsQuery:
    """``user_account/analytics/top_pins``: the operation's parameters as keywords."""
    return _parse_top_query(sort_options=TOP_PINS_SORT_BY, metric_options=TOP_PINS_METRICS, now=now, rules=rules,
                            **params)


def parse_top_video_pins_query(*, now: datetime, rules: AnalyticsRules, **params) -> AnalyticsQuery:
    """``user_account/analytics/top_video_pins``: top Pins among the video Pins."""
    return _parse_top_query(sort_options=TOP_VIDEO_PINS_SORT_BY, metric_options=TOP_VIDEO_PINS_METRICS, now=now,
                            rules=rules, creative_types=VIDEO_CREATIVE_TYPES, **params)


@dataclass(frozen=True)
class SeriesRows:
    """What running a query gives, before shaping: per series key (pin id, or None for an
    account; split key, or ``ALL``), the column totals (in ``columns`` order) of each day that
    has rows, and, for pins with lifetime metrics, the lifetime totals (absent: zero)."""

    columns: tuple[str, ...]
    by_day: dict[tuple, dict[date, tuple[int, ...]]]
    lifetime: dict[tuple, tuple[int, ...]] = field(default_factory=dict)
