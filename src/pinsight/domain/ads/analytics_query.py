"""A sync ads analytics request as an immutable value, and the pure parser that builds it.

Shared by ``ad_account/analytics``, ``campaigns/analytics``, ``ad_groups/analytics``,
``ads/analytics`` and ``ad_pins/analytics``, and by the four targeting analytics
operations; what differs between them (the rows' entity, the id filters, whether
``reporting_timezone`` and ``aggregate_report_rows`` are taken, the HOUR date limits, the
targeting types) is ``catalog.operations.ANALYTICS_REPORTS``.

A targeting report also takes ``targeting_types`` (required: 1 to the report's maximum of
its enum, repeated or comma-separated; repeats collapse) and ``attribution_types``
(INDIVIDUAL, HOUSEHOLD or both). Whose actions a conversion is credited to is one choice
per answer, since a row carries no attribution type: HOUSEHOLD credits the actions of
anyone in the converter's household, which include the converter's own, so asking for
both is asking for HOUSEHOLD; without the parameter the answer credits the household, as
the untargeted reports do (``catalog.ad_reporting.SYNC_ATTRIBUTION_TYPE``), so that the
slices of a type add up to their totals.

Pure: ``today`` (the current UTC date) is passed in. Pinterest's date rules, from the
operations' descriptions and the date parameters':

* dates are ``YYYY-MM-DD``; ``end_date`` is not before ``start_date`` (one day is fine)
  and not after today: no day of the range lies in the future;
* not HOUR: ``today - start_date <= 90`` days (exactly 90 back is allowed, 91 is not) and
  ``end_date - start_date <= 90`` days ("Cannot be more than 90 days past start_date");
* HOUR: ``today - start_date <= 8`` days and ``end_date - start_date <= 3`` days, read
  the same way; ``ad_account/analytics`` states no HOUR range limit, so there only the
  8 days back (and today) bound the range.

The checks run in a fixed order (dates, granularity, the date rules, columns, windows,
report time, time zone, aggregation, targeting types, attribution types, ids), so a request breaking several rules is told
about the first. Each raises ``InvalidParameters`` (400, ``{"code", "message"}``) naming
the parameter, the rule and the bound. A parameter the operation does not take is a
caller's mistake (the route does not declare it) and raises ValueError.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from pinsight.catalog.ad_actions import (
    ATTRIBUTION_TYPES,
    DEFAULT_REPORT_TIME,
    DEFAULT_WINDOWS,
    HOUSEHOLD,
    REPORT_TIMES,
    WINDOW_DAYS,
    ActionKind,
)
from pinsight.catalog.ad_columns import AdColumn, parse_columns
from pinsight.catalog.ad_reporting import (
    DEFAULT_REPORTING_TIME_ZONE,
    GRANULARITIES,
    HOUR,
    ID_PARAMETERS,
    NOT_HOUR_LIMITS,
    REPORTING_TIME_ZONES,
    SYNC_ATTRIBUTION_TYPE,
    DateLimits,
    IdFilter,
    SyncReport,
)
from pinsight.catalog.operations import ANALYTICS_REPORTS
from pinsight.domain.ads.attribution import Windows
from pinsight.domain.organic.analytics_period import parse_day
from pinsight.errors import InvalidParameters

# The store keeps ids in signed 64-bit columns: 19 digits at most, below 2**63.
_MAX_ID_DIGITS = 19
_MAX_ID = 2**63 - 1
_SHOWN = 40


def shown(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "…")


def listing(values: Iterable[object]) -> str:
    return ", ".join(str(value) for value in values)


@dataclass(frozen=True)
class AdsAnalyticsQuery:
    """What a sync ads analytics request asks for, checked.

    The range ``start``..``end`` (both included) is of days in the reporting time zone.
    Id filters are None when the request does not filter by them; ``ad_pins/analytics``'
    single ``campaign_id`` is ``campaign_ids`` of one.
    """

    operation_id: str
    start: date
    end: date
    today: date
    columns: tuple[AdColumn, ...]
    granularity: str
    windows: Windows
    conversion_report_time: str
    reporting_timezone: str
    campaign_ids: tuple[int, ...] | None = None
    ad_group_ids: tuple[int, ...] | None = None
    ad_ids: tuple[int, ...] | None = None
    pin_ids: tuple[int, ...] | None = None
    aggregate_report_rows: bool = False
    # A targeting report's: the types asked for, in order, and whose actions conversions credit.
    targeting_types: tuple[str, ...] = ()
    attribution_type: str = SYNC_ATTRIBUTION_TYPE

    def __post_init__(self) -> None:
        if self.operation_id not in ANALYTICS_REPORTS:
            raise ValueError(f"{self.operation_id!r} is not a sync ads analytics operation")
        if not set(self.targeting_types) <= set(self.report.targeting_types) or (
                bool(self.targeting_types) != self.report.targeting):
            raise ValueError(f"{self.operation_id} does not take targeting types {self.targeting_types}")
        if self.attribution_type not in ATTRIBUTION_TYPES:
            raise ValueError(f"attribution_type {self.attribution_type!r} is not one of {ATTRIBUTION_TYPES}")
        if self.granularity not in GRANULARITIES:
            raise ValueError(f"granularity {self.granularity!r} is not one of {GRANULARITIES}")
        if self.reporting_timezone not in REPORTING_TIME_ZONES:
            zones = tuple(REPORTING_TIME_ZONES)
            raise ValueError(f"reporting_timezone {self.reporting_timezone!r} is not one of {zones}")
        if self.conversion_report_time not in REPORT_TIMES:
            raise ValueError(f"conversion_report_time {self.conversion_report_time!r} is not one of {REPORT_TIMES}")
        if self.end < self.start:
            raise ValueError(f"the range ends ({self.end}) before it starts ({self.start})")
        if self.aggregate_report_rows and not self.report.aggregate_report_rows:
            raise ValueError(f"{self.operation_id} does not aggregate rows")

    @property
    def report(self) -> SyncReport:
        return ANALYTICS_REPORTS[self.operation_id]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def time_zone(self) -> ZoneInfo:
        """The zone the range's days and the rows' buckets are in."""
        return ZoneInfo(REPORTING_TIME_ZONES[self.reporting_timezone])

    @property
    def days(self) -> int:
        """How many days the range covers."""
        return (self.end - self.start).days + 1


def date_limits(report: SyncReport, granularity: str, lookback_days: int | None) -> DateLimits:
    """The limits for a granularity: HOUR's are the operation's; the others' lookback is
    ``lookback_days`` (None: none), their range limit Pinterest's."""
    if granularity == HOUR:
        return report.hour_limits
    return DateLimits(lookback_days, NOT_HOUR_LIMITS.max_span_days)


def check_range(start: date, end: date, today: date, limits: DateLimits, granularity: str) -> None:
    """Pinterest's date rules (see the module docstring) for one granularity's limits."""
    if end < start:
        raise InvalidParameters(f"end_date ({end}) must not be before start_date ({start}).")
    if end > today:
        raise InvalidParameters(
            f"end_date ({end}) cannot be in the future: the latest allowed end_date is today, {today} (UTC)."
        )
    which = "HOUR" if granularity == HOUR else "any granularity but HOUR"
    if limits.lookback_days is not None and (today - start).days > limits.lookback_days:
        earliest = today - timedelta(days=limits.lookback_days)
        raise InvalidParameters(
            f"start_date ({start}) cannot be more than {limits.lookback_days} days back from today for {which}: "
            f"the earliest allowed start_date is {earliest} (UTC)."
        )
    if limits.max_span_days is not None and (end - start).days > limits.max_span_days:
        latest = start + timedelta(days=limits.max_span_days)
        raise InvalidParameters(
            f"end_date ({end}) cannot be more than {limits.max_span_days} days past start_date ({start}) for "
            f"{which}: the latest allowed end_date is {latest}."
        )


def parse_granularity(value: str | None) -> str:
    if value is None or value == "":
        raise InvalidParameters(f"granularity is required: one of {listing(GRANULARITIES)}.")
    if value not in GRANULARITIES:
        raise InvalidParameters(f"Invalid granularity: {shown(value)} is not one of {listing(GRANULARITIES)}.")
    return value


def parse_window(value: int | str | None, name: str, default: int) -> int:
    """One attribution window parameter: one of ``WINDOW_DAYS``, ``default`` when absent."""
    if value is None:
        return default
    days: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        days = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 3:
        days = int(value)
    if days not in WINDOW_DAYS:
        raise InvalidParameters(f"Invalid {name}: {shown(value)} is not one of {listing(WINDOW_DAYS)} (days).")
    return days


def parse_windows(click: int | str | None, engagement: int | str | None, view: int | str | None) -> Windows:
    return Windows(
        click_days=parse_window(click, "click_window_days", DEFAULT_WINDOWS[ActionKind.CLICK]),
        engagement_days=parse_window(engagement, "engagement_window_days", DEFAULT_WINDOWS[ActionKind.ENGAGEMENT]),
        view_days=parse_window(view, "view_window_days", DEFAULT_WINDOWS[ActionKind.VIEW]),
    )


def one_of(value: str | None, name: str, allowed: Iterable[str], default: str) -> str:
    allowed = tuple(allowed)
    if value is None:
        return default
    if value not in allowed:
        raise InvalidParameters(f"Invalid {name}: {shown(value)} is not one of {listing(allowed)}.")
    return value


def parse_ids(values: list[str] | str | None, spec: IdFilter) -> tuple[int, ...] | None:
    """An id parameter: None when absent; else repeated or comma-separated ids (a single-id
    parameter takes one), each all digits, within the spec's length and the store's range.
    The count is of the ids as sent; repeats then collapse to the first."""
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    if spec.max_items is None:
        parts = [value.strip() for value in values]
        if len(parts) != 1 or not parts[0]:
            raise InvalidParameters(f"Invalid {spec.name}: give exactly one id.")
    else:
        parts = [part.strip() for value in values for part in value.split(",") if part.strip()]
        if not 1 <= len(parts) <= spec.max_items:
            raise InvalidParameters(f"Invalid {spec.name}: give 1 to {spec.max_items} ids, not {len(parts)}.")
    max_digits = spec.max_digits or _MAX_ID_DIGITS
    ids = []
    for part in parts:
        if not (part.isascii() and part.isdigit()) or len(part) > max_digits or int(part) > _MAX_ID:
            raise InvalidParameters(
                f"Invalid {spec.name}: {shown(part)} is not an id (digits only, at most {max_digits} of them)."
            )
        ids.append(int(part))
    return tuple(dict.fromkeys(ids))


def parse_aggregate(value: bool | None) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InvalidParameters(f"Invalid aggregate_report_rows: {shown(value)} is not true or false.")
    return value


def _listed(values: list[str] | str | None) -> list[str]:
    """A list parameter's items, repeated or comma-separated, blanks dropped."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def parse_targeting_types(values: list[str] | str | None, report: SyncReport) -> tuple[str, ...]:
    """``targeting_types``: 1 to ``report.max_targeting_types`` of the report's types, in
    the order asked, repeats collapsed."""
    asked = _listed(values)
    allowed = report.targeting_types
    if not asked:
        raise InvalidParameters(f"targeting_types is required: 1 to {report.max_targeting_types} of "
                                f"{listing(allowed)}.")
    if len(asked) > report.max_targeting_types:
        raise InvalidParameters(f"Invalid targeting_types: give 1 to {report.max_targeting_types} types, "
                                f"not {len(asked)}.")
    for value in asked:
        if value not in allowed:
            raise InvalidParameters(f"Invalid targeting_types: {shown(value)} is not one of {listing(allowed)}.")
    return tuple(dict.fromkeys(asked))


def parse_attribution_types(values: list[str] | str | None) -> str:
    """``attribution_types``: the one attribution the answer credits (module docstring)."""
    asked = _listed(values)
    if len(asked) > len(ATTRIBUTION_TYPES):
        raise InvalidParameters(f"Invalid attribution_types: give at most {len(ATTRIBUTION_TYPES)} types, "
                                f"not {len(asked)}.")
    for value in asked:
        if value not in ATTRIBUTION_TYPES:
            raise InvalidParameters(f"Invalid attribution_types: {shown(value)} is not one of "
                                    f"{listing(ATTRIBUTION_TYPES)}.")
    if not asked:
        return SYNC_ATTRIBUTION_TYPE
    return HOUSEHOLD if HOUSEHOLD in asked else asked[0]


def parse_ads_analytics_query(
    operation_id: str,
    *,
    start_date: str | None,
    end_date: str | None,
    columns: Iterable[str] | None,
    granularity: str | None,
    click_window_days: int | str | None = None,
    engagement_window_days: int | str | None = None,
    view_window_days: int | str | None = None,
    conversion_report_time: str | None = None,
    reporting_timezone: str | None = None,
    aggregate_report_rows: bool | None = None,
    campaign_ids: list[str] | str | None = None,
    campaign_id: str | None = None,
    ad_group_ids: list[str] | str | None = None,
    ad_ids: list[str] | str | None = None,
    pin_ids: list[str] | str | None = None,
    targeting_types: list[str] | str | None = None,
    attribution_types: list[str] | str | None = None,
    today: date,
    lookback_days: int | None = NOT_HOUR_LIMITS.lookback_days,
) -> AdsAnalyticsQuery:
    """One of the sync ads analytics operations' parameters, checked (module docstring).

    ``today`` is the current UTC date. ``lookback_days`` is how far back ``start_date``
    may go for any granularity but HOUR: Pinterest's 90 unless the server keeps an
    archive (``PINSIGHT_ANALYTICS_LOOKBACK_DAYS``, None: no limit); the range limits stay.
    """
    report = ANALYTICS_REPORTS.get(operation_id)
    if report is None:
        raise ValueError(f"{operation_id!r} is not a sync ads analytics operation")
    given_ids = {"campaign_ids": campaign_ids, "campaign_id": campaign_id, "ad_group_ids": ad_group_ids,
                 "ad_ids": ad_ids, "pin_ids": pin_ids}
    foreign = [name for name in ID_PARAMETERS if given_ids[name] is not None and report.id_filter(name) is None]
    if reporting_timezone is not None and not report.reporting_timezone:
        foreign.append("reporting_timezone")
    if aggregate_report_rows is not None and not report.aggregate_report_rows:
        foreign.append("aggregate_report_rows")
    foreign.extend(name for name, value in (("targeting_types", targeting_types),
                                            ("attribution_types", attribution_types))
                   if value is not None and not report.targeting)
    if foreign:
        raise ValueError(f"{operation_id} takes no {', '.join(foreign)}")

    start = parse_day(start_date, "start_date")
    end = parse_day(end_date, "end_date")
    chosen = parse_granularity(granularity)
    check_range(start, end, today, date_limits(report, chosen, lookback_days), chosen)
    parsed_columns = parse_columns(columns or [])
    if not parsed_columns:
        raise InvalidParameters("columns is required: one or more reporting columns, comma-separated.")
    windows = parse_windows(click_window_days, engagement_window_days, view_window_days)
    report_time = one_of(conversion_report_time, "conversion_report_time", REPORT_TIMES, DEFAULT_REPORT_TIME)
    zone = one_of(reporting_timezone, "reporting_timezone", REPORTING_TIME_ZONES, DEFAULT_REPORTING_TIME_ZONE)
    aggregate = parse_aggregate(aggregate_report_rows)
    if report.targeting:
        kinds = parse_targeting_types(targeting_types, report)
        attribution = parse_attribution_types(attribution_types)
    else:
        kinds, attribution = (), SYNC_ATTRIBUTION_TYPE

    ids: dict[str, tuple[int, ...] | None] = {}
    for spec in report.id_filters:
        parsed = parse_ids(given_ids[spec.name], spec)
        if parsed is None and spec.required:
            what = "one campaign id" if spec.max_items is None else f"1 to {spec.max_items} ids"
            raise InvalidParameters(f"{spec.name} is required: {what}.")
        ids[spec.name] = parsed
    if report.one_group_of and not any(all(ids.get(name) for name in group) for group in report.one_group_of):
        groups = " or ".join(" and ".join(group) for group in report.one_group_of)
        raise InvalidParameters(f"Invalid {operation_id} parameters: the request must contain {groups}.")
    campaigns = ids.get("campaign_ids") or ids.get("campaign_id")

    return AdsAnalyticsQuery(
        operation_id=operation_id,
        start=start,
        end=end,
        today=today,
        columns=tuple(parsed_columns),
        granularity=chosen,
        windows=windows,
        conversion_report_time=report_time,
        reporting_timezone=zone,
        campaign_ids=campaigns,
        ad_group_ids=ids.get("ad_group_ids"),
        ad_ids=ids.get("ad_ids"),
        pin_ids=ids.get("pin_ids"),
        aggregate_report_rows=aggregate,
        targeting_types=kinds,
        attribution_type=attribution,
    )
