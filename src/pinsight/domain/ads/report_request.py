"""An async ads report request (``analytics/create_report``'s JSON body) as an immutable
value, and the pure parser that builds it.

The request asks for what a sync report would answer, over a longer range and for every
entity of a level at once: its columns, granularity, windows, report time, time zone,
targeting types and attribution types are checked by the sync parser's own rules
(``domain.ads.analytics_query``), so a report and a sync answer for the same request
cannot disagree on what was asked. What differs:

* ``level`` (``catalog.ad_reporting.ASYNC_LEVELS``) instead of an operation, and its date
  limits (914 days back and 186 long; HOUR 8 and 3; PRODUCT_ITEM 92 and 31);
* the entities are chosen by filters, not named: ids (up to 500 each), summary statuses,
  campaign objectives; without any, every entity of the level;
* ``report_format`` (JSON or CSV), ``primary_sort`` (BY_ID or BY_DATE) and
  ``metrics_filters`` (rows kept where SPEND_IN_DOLLAR or TOTAL_IMPRESSION is above or
  below given values).

``start_hour`` and ``end_hour`` (0 to 23) narrow an HOUR report to the hours from
``start_hour`` of its first day to ``end_hour`` of its last, in the reporting time zone;
pinsight takes them with HOUR only, the one granularity whose rows have hours.

Fields pinsight cannot honour are refused with a 400 that says so, never ignored:
``custom_conversion_event_metrics``,
``combine_targeting_types`` true, ``campaign_brand_label``, and the product group and
product item filters (pinsight keeps no product groups or items, so such a report would
be empty whatever the filter; ask for those levels without them). ``today`` is passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from pinsight.catalog.ad_actions import DEFAULT_REPORT_TIME, REPORT_TIMES
from pinsight.catalog.ad_columns import AdColumn, parse_columns
from pinsight.catalog.ad_reporting import (
    ASYNC_HOUR_LIMITS,
    ASYNC_LEVELS,
    DEFAULT_REPORT_FORMAT,
    DEFAULT_REPORTING_TIME_ZONE,
    HOUR,
    METRICS_FILTER_COLUMNS,
    METRICS_FILTER_OPERATORS,
    PRIMARY_SORTS,
    REPORT_FORMATS,
    REPORTING_TIME_ZONES,
    SYNC_ATTRIBUTION_TYPE,
    SYNC_ONLY_COLUMNS,
    AsyncLevel,
    DateLimits,
    IdFilter,
)
from pinsight.catalog.ads import AD_SUMMARY_STATUSES, CAMPAIGN_SUMMARY_STATUSES, OBJECTIVE_TYPES
from pinsight.domain.ads.analytics_query import (
    listing,
    one_of,
    shown,
    check_range,
    parse_attribution_types,
    parse_granularity,
    parse_ids,
    parse_targeting_types,
    parse_windows,
)
from pinsight.domain.ads.attribution import Windows
from pinsight.domain.organic.analytics_period import parse_day
from pinsight.errors import InvalidParameters

# The id filters: up to 500 ids each (CampaignIdFilter, AdGroupIdFilter, ad_ids).
_ID_FILTERS = {name: IdFilter(name, False, 500) for name in ("campaign_ids", "ad_group_ids", "ad_ids")}
# The status and objective filters: 1 to maxItems values of an enum.
_ENUM_FILTERS: dict[str, tuple[tuple[str, ...], int]] = {
    "campaign_statuses": (CAMPAIGN_SUMMARY_STATUSES, 6),
    "ad_group_statuses": (CAMPAIGN_SUMMARY_STATUSES, 6),
    "ad_statuses": (AD_SUMMARY_STATUSES, 6),
    "campaign_objective_types": (OBJECTIVE_TYPES, 7),
}
# Fields of the spec's request that pinsight refuses, and why.
_UNSUPPORTED = {
    "custom_conversion_event_metrics": "pinsight keeps no custom conversion events",
    "campaign_brand_label": "pinsight's campaigns have no brand labels",
    "product_group_ids": "pinsight keeps no product groups",
    "product_group_statuses": "pinsight keeps no product groups",
    "product_item_ids": "pinsight keeps no product items",
}
_KNOWN = {
    "start_date", "end_date", "granularity", "columns", "level", "click_window_days", "engagement_window_days",
    "view_window_days", "conversion_report_time", "attribution_types", "targeting_types", "metrics_filters",
    "report_format", "primary_sort", "reporting_timezone", "combine_targeting_types", "start_hour", "end_hour",
    *_ID_FILTERS, *_ENUM_FILTERS,
    *_UNSUPPORTED,
}


@dataclass(frozen=True)
class MetricsFilter:
    column: str
    operator: str
    values: tuple[float, ...]

    def keeps(self, value: float | int | None) -> bool:
        """Whether a row whose column holds ``value`` passes: compared with every value given."""
        if value is None:
            return False
        if self.operator == "GREATER_THAN":
            return all(value > bound for bound in self.values)
        return all(value < bound for bound in self.values)


@dataclass(frozen=True)
class ReportRequest:
    """What an async report asks for, checked: the sync query's parts (the range, columns,
    windows, report time, zone, targeting) and the report's own (its level, the entity
    filters, metrics filters, format and sort). Filters are None when not given."""

    level: AsyncLevel
    start: date
    end: date
    today: date
    columns: tuple[AdColumn, ...]
    granularity: str
    windows: Windows
    conversion_report_time: str
    reporting_timezone: str
    attribution_type: str
    targeting_types: tuple[str, ...]
    campaign_ids: tuple[int, ...] | None
    ad_group_ids: tuple[int, ...] | None
    ad_ids: tuple[int, ...] | None
    campaign_statuses: tuple[str, ...] | None
    ad_group_statuses: tuple[str, ...] | None
    ad_statuses: tuple[str, ...] | None
    campaign_objective_types: tuple[str, ...] | None
    metrics_filters: tuple[MetricsFilter, ...]
    report_format: str
    primary_sort: str
    start_hour: int | None = None
    end_hour: int | None = None

    def within_hours(self, label: str) -> bool:
        """Whether an HOUR row (its DATE, an ISO instant in the reporting zone) lies within
        ``start_hour`` of the first day to ``end_hour`` of the last."""
        moment = (date.fromisoformat(label[:10]), int(label[11:13]))
        return ((self.start_hour is None or moment >= (self.start, self.start_hour))
                and (self.end_hour is None or moment <= (self.end, self.end_hour)))

    @property
    def filtered(self) -> bool:
        """Whether any filter narrows the entities (else: every entity of the level)."""
        return any(getattr(self, name) is not None for name in (*_ID_FILTERS, *_ENUM_FILTERS))


def _strings(body: Mapping, name: str) -> list[str] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidParameters(f"Invalid {name}: give a list of strings.")
    return value


def _text(body: Mapping, name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise InvalidParameters(f"Invalid {name}: {shown(value)} is not a string.")
    return value


def _window(body: Mapping, name: str) -> int | str | None:
    value = body.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | str)):
        raise InvalidParameters(f"Invalid {name}: {shown(value)} is not a number of days.")
    return value


def _enum_filter(body: Mapping, name: str) -> tuple[str, ...] | None:
    values = _strings(body, name)
    if values is None:
        return None
    allowed, max_items = _ENUM_FILTERS[name]
    if not 1 <= len(values) <= max_items:
        raise InvalidParameters(f"Invalid {name}: give 1 to {max_items} values, not {len(values)}.")
    for value in values:
        if value not in allowed:
            raise InvalidParameters(f"Invalid {name}: {shown(value)} is not one of {listing(allowed)}.")
    return tuple(dict.fromkeys(values))


def _metrics_filters(body: Mapping) -> tuple[MetricsFilter, ...]:
    value = body.get("metrics_filters")
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        raise InvalidParameters("Invalid metrics_filters: give a list of one or more filters.")
    parsed = []
    for item in value:
        if not isinstance(item, Mapping) or set(item) != {"field", "operator", "values"}:
            raise InvalidParameters("Invalid metrics_filters: each filter is {field, operator, values}.")
        field, operator, values = item["field"], item["operator"], item["values"]
        if field not in METRICS_FILTER_COLUMNS:
            raise InvalidParameters(f"Invalid metrics_filters field: {shown(field)} is not one of "
                                    f"{listing(METRICS_FILTER_COLUMNS)}.")
        if operator not in METRICS_FILTER_OPERATORS:
            raise InvalidParameters(f"Invalid metrics_filters operator: {shown(operator)} is not one of "
                                    f"{listing(METRICS_FILTER_OPERATORS)}.")
        if (not isinstance(values, list) or not values
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)):
            raise InvalidParameters("Invalid metrics_filters values: give a list of one or more numbers.")
        parsed.append(MetricsFilter(field, operator, tuple(values)))
    return tuple(parsed)


def _hour(body: Mapping, name: str, granularity: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 23:
        raise InvalidParameters(f"Invalid {name}: {shown(value)} is not an hour from 0 to 23.")
    if granularity != HOUR:
        raise InvalidParameters(f"{name} is taken with granularity HOUR only: other rows have no hours.")
    return value


def _columns(body: Mapping) -> tuple[AdColumn, ...]:
    names = _strings(body, "columns")
    if not names:
        raise InvalidParameters("columns is required: a list of one or more reporting columns.")
    only_sync = [name for name in names if name in SYNC_ONLY_COLUMNS]
    if only_sync:
        raise InvalidParameters(f"Invalid columns: {', '.join(only_sync)} is not an async report column.")
    return tuple(parse_columns(names))


def parse_report_request(body: object, *, today: date) -> ReportRequest:
    """The JSON body of ``analytics/create_report``, checked (module docstring)."""
    if not isinstance(body, Mapping):
        raise InvalidParameters("The request body must be a JSON object.")
    unknown = sorted(set(body) - _KNOWN)
    if unknown:
        raise InvalidParameters(f"Invalid ad account ads analytics parameters: unknown field(s) {', '.join(unknown)}.")
    for name, why in _UNSUPPORTED.items():
        if body.get(name) is not None:
            raise InvalidParameters(f"{name} is not supported: {why}.")
    if body.get("combine_targeting_types") not in (None, False):
        raise InvalidParameters("combine_targeting_types is not supported: each row reports one targeting type.")

    level_name = _text(body, "level")
    if level_name is None:
        raise InvalidParameters(f"level is required: one of {listing(ASYNC_LEVELS)}.")
    level = ASYNC_LEVELS.get(level_name)
    if level is None:
        raise InvalidParameters(f"Invalid level: {shown(level_name)} is not one of {listing(ASYNC_LEVELS)}.")
    for name in level.refused_fields:
        if body.get(name) is not None:
            raise InvalidParameters(f"{name} is not allowed when level is {level.name}.")

    start = parse_day(_text(body, "start_date"), "start_date")
    end = parse_day(_text(body, "end_date"), "end_date")
    granularity = parse_granularity(_text(body, "granularity"))
    limits: DateLimits = ASYNC_HOUR_LIMITS if granularity == HOUR else level.limits
    check_range(start, end, today, limits, granularity)
    columns = _columns(body)
    windows = parse_windows(_window(body, "click_window_days"), _window(body, "engagement_window_days"),
                            _window(body, "view_window_days"))
    report_time = one_of(_text(body, "conversion_report_time"), "conversion_report_time", REPORT_TIMES,
                          DEFAULT_REPORT_TIME)
    zone = one_of(_text(body, "reporting_timezone"), "reporting_timezone", REPORTING_TIME_ZONES,
                   DEFAULT_REPORTING_TIME_ZONE)
    attribution = parse_attribution_types(_strings(body, "attribution_types"))
    if not level.targeting and body.get("attribution_types") is None:
        attribution = SYNC_ATTRIBUTION_TYPE
    targeting_types: tuple[str, ...] = ()
    if level.targeting and level.report is not None:
        targeting_types = parse_targeting_types(_strings(body, "targeting_types"), level.report)
    elif body.get("targeting_types") is not None and not level.targeting:
        raise InvalidParameters(f"targeting_types is only taken by the targeting levels, not {level.name}.")
    ids = {name: parse_ids(_strings(body, name), spec) for name, spec in _ID_FILTERS.items()}
    report_format = one_of(_text(body, "report_format"), "report_format", REPORT_FORMATS, DEFAULT_REPORT_FORMAT)
    primary_sort = one_of(_text(body, "primary_sort"), "primary_sort", PRIMARY_SORTS, "BY_ID")
    request = ReportRequest(
        level=level, start=start, end=end, today=today, columns=columns, granularity=granularity, windows=windows,
        conversion_report_time=report_time, reporting_timezone=zone, attribution_type=attribution,
        targeting_types=targeting_types, campaign_ids=ids["campaign_ids"], ad_group_ids=ids["ad_group_ids"],
        ad_ids=ids["ad_ids"], campaign_statuses=_enum_filter(body, "campaign_statuses"),
        ad_group_statuses=_enum_filter(body, "ad_group_statuses"), ad_statuses=_enum_filter(body, "ad_statuses"),
        campaign_objective_types=_enum_filter(body, "campaign_objective_types"),
        metrics_filters=_metrics_filters(body), report_format=report_format, primary_sort=primary_sort,
        start_hour=_hour(body, "start_hour", granularity), end_hour=_hour(body, "end_hour", granularity),
    )
    if level.targeting and level.rows_per == "AD_ACCOUNT" and request.filtered:
        # Its figures come from the account's own targeting rollup, which no filter narrows.
        raise InvalidParameters(f"{level.name} reports the whole ad account: give no id, status or objective filter.")
    return request
