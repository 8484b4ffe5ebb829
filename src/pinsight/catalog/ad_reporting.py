"""The sync ads analytics operations' parameters, declared once.

``ad_account/analytics``, ``campaigns/analytics``, ``ad_groups/analytics``,
``ads/analytics`` and ``ad_pins/analytics`` share their columns
(``pinsight.catalog.ad_columns``), attribution windows and report times
(``pinsight.catalog.ad_actions``) and the vocabulary below: granularities, reporting
time zones and date limits. They differ in what each row is about and which ids filter
the rows; ``REPORTS_BY_LEVEL`` says so per report (``catalog.operations.SYNC_REPORTS`` per operation). ``domain.ads.analytics_query`` reads
these to check a request, ``domain.ads.analytics_rows`` to shape the answer, and
``tests/contract/test_ad_reporting_catalog.py`` holds every entry to the spec.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pinsight.catalog.ad_actions import HOUSEHOLD
from pinsight.catalog.ad_columns import CATALOGUE, AdColumn
from pinsight.catalog.ad_targeting import types_for_level

# The spec's Granularity enum, in its order. TOTAL is one bucket for the whole range; the
# others split it, and only they give rows a DATE.
TOTAL = "TOTAL"
DAY = "DAY"
HOUR = "HOUR"
WEEK = "WEEK"
MONTH = "MONTH"
GRANULARITIES: tuple[str, ...] = (TOTAL, DAY, HOUR, WEEK, MONTH)
TIME_BASED_GRANULARITIES: tuple[str, ...] = (DAY, HOUR, WEEK, MONTH)

# ``reporting_timezone`` (the spec's ReportingTimeZone enum) and the IANA zone each stands
# for. The spec names the two without saying which zones they are; pinsight's ad accounts
# have no time zone of their own, so an ad account's is UTC (the zone the spec gives every
# other date in), and Pinterest's own is that of its headquarters, America/Los_Angeles.
PINTEREST_TIME_ZONE = "PINTEREST_TIME_ZONE"
AD_ACCOUNT_TIME_ZONE = "AD_ACCOUNT_TIME_ZONE"
REPORTING_TIME_ZONES: dict[str, str] = {
    PINTEREST_TIME_ZONE: "America/Los_Angeles",
    AD_ACCOUNT_TIME_ZONE: "UTC",
}
# The spec gives no default; without the parameter, dates are the ad account's.
DEFAULT_REPORTING_TIME_ZONE = AD_ACCOUNT_TIME_ZONE


@dataclass(frozen=True)
class DateLimits:
    """How far back ``start_date`` may go (``today - start_date <= lookback_days``) and how
    long the range may be (``end_date - start_date <= max_span_days``). None: no such
    limit (a range is still bounded by the lookback and by today)."""

    lookback_days: int | None
    max_span_days: int | None


# Every operation's description: "If granularity is not HOUR, you can pull data from up to
# 90 days before the current date in UTC time, with a maximum time range of 90 days" (and
# ``end_date``: "Cannot be more than 90 days past start_date", which is how pinsight reads
# a range's length, as for organic analytics).
NOT_HOUR_LIMITS = DateLimits(lookback_days=90, max_span_days=90)
# "If granularity is HOUR, you can pull data from up to 8 days before the current date in
# UTC time, with a maximum time range of 3 days." ``ad_account/analytics`` states no
# maximum range for HOUR; the 8-day lookback bounds it.
HOUR_LIMITS = DateLimits(lookback_days=8, max_span_days=3)
HOUR_LIMITS_WITHOUT_SPAN = DateLimits(lookback_days=8, max_span_days=None)


@dataclass(frozen=True)
class IdFilter:
    """An id parameter: a list of 1 to ``max_items`` ids (or one id: ``max_items`` None),
    each of digits only, at most ``max_digits`` long where the spec says so."""

    name: str
    required: bool
    max_items: int | None
    max_digits: int | None = None


# What a row is about: an entity of the ads hierarchy, or a promoted Pin.
RowLevel = Literal["AD_ACCOUNT", "CAMPAIGN", "AD_GROUP", "AD", "PIN"]
ROW_LEVELS: tuple[str, ...] = ("AD_ACCOUNT", "CAMPAIGN", "AD_GROUP", "AD", "PIN")
# Every id parameter of the five operations (each takes some of them).
ID_PARAMETERS: tuple[str, ...] = ("campaign_ids", "campaign_id", "ad_group_ids", "ad_ids", "pin_ids")


@dataclass(frozen=True)
class SyncReport:
    rows_per: RowLevel
    # The key naming a row's entity, as the operation's response schema has it.
    id_key: str
    id_filters: tuple[IdFilter, ...]
    # The id filters a request must give one group of, entirely (beyond the required ones).
    one_group_of: tuple[tuple[str, ...], ...] = ()
    reporting_timezone: bool = True
    aggregate_report_rows: bool = False
    hour_limits: DateLimits = HOUR_LIMITS
    # A targeting report (``targeting_analytics``): the targeting types it takes (its
    # ``targeting_types`` enum, ``catalog.ad_targeting``) and how many one request may ask
    # for; it also takes ``attribution_types``. Empty for the untargeted reports.
    targeting_types: tuple[str, ...] = ()
    max_targeting_types: int = 0
    # The operation answering this report: set where the operations table names its report
    # (``catalog.operations.SYNC_REPORTS``), the one place operation ids are declared.
    operation_id: str = ""

    def __post_init__(self) -> None:
        names = [item.name for item in self.id_filters]
        if self.rows_per not in ROW_LEVELS or not set(names) <= set(ID_PARAMETERS) or len(set(names)) != len(names):
            raise ValueError(f"{self.rows_per}: unknown row level or id parameters")
        if not {name for group in self.one_group_of for name in group} <= set(names):
            raise ValueError(f"{self.rows_per}: a group names an id parameter the operation does not take")

    def id_filter(self, name: str) -> IdFilter | None:
        return next((item for item in self.id_filters if item.name == name), None)

    @property
    def targeting(self) -> bool:
        return bool(self.targeting_types)


# Each sync report by what its rows are about; ``catalog.operations`` names the operation
# answering each one (``Operation.sync_report``) and keys them by operation there.
REPORTS_BY_LEVEL: dict[str, SyncReport] = {
    report.rows_per: report
    for report in (
        SyncReport("AD_ACCOUNT", "AD_ACCOUNT_ID", (), hour_limits=HOUR_LIMITS_WITHOUT_SPAN),
        SyncReport("CAMPAIGN", "CAMPAIGN_ID", (IdFilter("campaign_ids", True, 250, 18),), aggregate_report_rows=True),
        SyncReport("AD_GROUP", "AD_GROUP_ID", (IdFilter("ad_group_ids", True, 250, 18),), aggregate_report_rows=True),
        # "The request must contain either ad_ids or both campaign_ids and pin_ids."
        SyncReport("AD", "AD_ID",
                   (IdFilter("ad_ids", False, 250), IdFilter("pin_ids", False, 100),
                    IdFilter("campaign_ids", False, 250, 18)),
                   one_group_of=(("ad_ids",), ("campaign_ids", "pin_ids"))),
        SyncReport("PIN", "PIN_ID", (IdFilter("campaign_id", True, None, 18), IdFilter("pin_ids", True, 100)),
                   reporting_timezone=False),
    )
}

# The targeting reports (``targeting_analytics``), by what their rows are about: each row is
# one entity's figures in one bucket for one slice of a targeting type. Every level names
# its entities (the spec's required ids) but the ad account's; all state HOUR's 3-day span.
TARGETING_REPORTS_BY_LEVEL: dict[str, SyncReport] = {
    report.rows_per: report
    for report in (
        SyncReport("AD_ACCOUNT", "AD_ACCOUNT_ID", (), targeting_types=types_for_level("AD_ACCOUNT"),
                   max_targeting_types=15),
        SyncReport("CAMPAIGN", "CAMPAIGN_ID", (IdFilter("campaign_ids", True, 250, 18),),
                   targeting_types=types_for_level("CAMPAIGN"), max_targeting_types=14),
        SyncReport("AD_GROUP", "AD_GROUP_ID", (IdFilter("ad_group_ids", True, 250, 18),),
                   targeting_types=types_for_level("AD_GROUP"), max_targeting_types=14),
        SyncReport("AD", "AD_ID", (IdFilter("ad_ids", True, 250),), targeting_types=types_for_level("AD"),
                   max_targeting_types=14),
    )
}

# ``GET /v5/resources/delivery_metrics``' ``report_type`` (the spec's enum).
SYNC = "SYNC"
ASYNC = "ASYNC"
REPORT_TYPES: tuple[str, ...] = (SYNC, ASYNC)
# Sync columns the async reports' column enum (ReportingColumnAsync) lacks, as the spec stands.
SYNC_ONLY_COLUMNS: frozenset[str] = frozenset({"QUIZ_PIN_RESULT_OPEN"})
# Every metric definition is about ads (the spec's other category is ORGANIC).
ADS_CATEGORY = "ADS"


def delivery_metric_columns(report_type: str | None) -> tuple[AdColumn, ...]:
    """The columns ``delivery_metrics/get`` defines for a report type: the sync columns
    pinsight computes (asking for any other is a 400 that says why) and, for ASYNC, those of
    them async reports take too. Without a report type, the metrics of either: the async
    ones are among the sync ones, so that is the sync list.

    ASYNC answers the columns an async report (``services.ads.reports``) takes, so that a
    client picking columns from it picks ones pinsight computes.
    """
    if report_type not in (None, *REPORT_TYPES):
        raise ValueError(f"report_type is one of {REPORT_TYPES} or None, not {report_type!r}")
    columns = tuple(column for column in CATALOGUE if column.supported)
    if report_type == ASYNC:
        return tuple(column for column in columns if column.name not in SYNC_ONLY_COLUMNS)
    return columns

# The zones the stored daily rollups of ad delivery and attributed conversions keep days in
# (one row set per zone), so a daily answer in either reporting time zone is a sum of
# stored days, never a scan of raw actions.
ROLLUP_ZONES: tuple[str, ...] = tuple(dict.fromkeys(REPORTING_TIME_ZONES.values()))

# Whose actions the sync analytics credit a conversion to: the spec gives those operations
# no ``attribution_types`` parameter; pinsight credits the household, the wider of the two
# (the targeting analytics, which take the parameter, can ask for INDIVIDUAL).
SYNC_ATTRIBUTION_TYPE = HOUSEHOLD


# ---- async reports (``analytics/create_report``) ----------------------------------------
# The operation's description: not HOUR, "up to 914 days before the current date in UTC
# time, with a maximum time range of 186 days"; HOUR, 8 days back and 3 days long;
# PRODUCT_ITEM, 92 days back and 31 days long (and no ad_ids or ad_statuses).
ASYNC_NOT_HOUR_LIMITS = DateLimits(lookback_days=914, max_span_days=186)
ASYNC_HOUR_LIMITS = DateLimits(lookback_days=8, max_span_days=3)
ASYNC_PRODUCT_ITEM_LIMITS = DateLimits(lookback_days=92, max_span_days=31)

# ``report_format`` (the spec's DataOutputFormat) and ``primary_sort``.
REPORT_FORMATS: tuple[str, ...] = ("JSON", "CSV")
DEFAULT_REPORT_FORMAT = "JSON"  # the spec's default
PRIMARY_SORTS: tuple[str, ...] = ("BY_ID", "BY_DATE")


@dataclass(frozen=True)
class AsyncLevel:
    """A ``level`` of the async reports (the spec's MetricsReportingLevel): the sync report
    that gives its rows (by what they are about, in ``REPORTS_BY_LEVEL`` or, for a
    targeting level, ``TARGETING_REPORTS_BY_LEVEL``), or None where pinsight keeps no such
    entities (keywords, product groups, product items): a report of those has no rows."""

    name: str
    rows_per: RowLevel | None
    targeting: bool = False
    limits: DateLimits = ASYNC_NOT_HOUR_LIMITS
    # Request fields the level refuses (the description's PRODUCT_ITEM rule).
    refused_fields: tuple[str, ...] = ()

    @property
    def report(self) -> SyncReport | None:
        if self.rows_per is None:
            return None
        return (TARGETING_REPORTS_BY_LEVEL if self.targeting else REPORTS_BY_LEVEL)[self.rows_per]

    @property
    def id_key(self) -> str | None:
        report = self.report
        return None if report is None else report.id_key


ASYNC_LEVELS: dict[str, AsyncLevel] = {
    level.name: level
    for level in (
        AsyncLevel("ADVERTISER", "AD_ACCOUNT"),
        AsyncLevel("ADVERTISER_TARGETING", "AD_ACCOUNT", targeting=True),
        AsyncLevel("CAMPAIGN", "CAMPAIGN"),
        AsyncLevel("CAMPAIGN_TARGETING", "CAMPAIGN", targeting=True),
        AsyncLevel("AD_GROUP", "AD_GROUP"),
        AsyncLevel("AD_GROUP_TARGETING", "AD_GROUP", targeting=True),
        AsyncLevel("PIN_PROMOTION", "AD"),
        AsyncLevel("PIN_PROMOTION_TARGETING", "AD", targeting=True),
        AsyncLevel("KEYWORD", None),
        AsyncLevel("PRODUCT_GROUP", None),
        AsyncLevel("PRODUCT_GROUP_TARGETING", None, targeting=True),
        AsyncLevel("PRODUCT_ITEM", None, limits=ASYNC_PRODUCT_ITEM_LIMITS, refused_fields=("ad_ids", "ad_statuses")),
        AsyncLevel("PRODUCT_ITEM_TARGETING", None, targeting=True, limits=ASYNC_PRODUCT_ITEM_LIMITS,
                   refused_fields=("ad_ids", "ad_statuses")),
    )
}
# ``metrics_filters``: the columns and operators the spec allows.
METRICS_FILTER_COLUMNS: tuple[str, ...] = ("SPEND_IN_DOLLAR", "TOTAL_IMPRESSION")
METRICS_FILTER_OPERATORS: tuple[str, ...] = ("LESS_THAN", "GREATER_THAN")
