"""The sync ads analytics query and its parser, with ``today`` fixed: every rule at its edge,
each operation's id filters, defaults, and the order problems are reported in."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinsight.catalog.operations import SYNC_REPORTS
from pinsight.domain.ads.analytics_query import AdsAnalyticsQuery, parse_ads_analytics_query
from pinsight.domain.ads.attribution import Windows
from pinsight.errors import InvalidParameters

TODAY = date(2024, 6, 15)
OPERATIONS = tuple(SYNC_REPORTS)
# The least each operation needs besides dates, columns and granularity.
IDS = {
    "ad_account/analytics": {},
    "campaigns/analytics": {"campaign_ids": ["11"]},
    "ad_groups/analytics": {"ad_group_ids": ["21"]},
    "ads/analytics": {"ad_ids": ["31"]},
    "ad_pins/analytics": {"campaign_id": "11", "pin_ids": ["41"]},
}


def back(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


def query(operation_id: str = "ad_account/analytics", **params) -> AdsAnalyticsQuery:
    given_params = {"start_date": back(7), "end_date": back(0), "columns": ["SPEND_IN_DOLLAR"], "granularity": "DAY",
                    **IDS[operation_id]}
    return parse_ads_analytics_query(operation_id, **{**given_params, **params}, today=TODAY)


def message(operation_id: str = "ad_account/analytics", **params) -> str:
    with pytest.raises(InvalidParameters) as caught:
        query(operation_id, **params)
    assert caught.value.status == 400 and caught.value.body()["code"] == 1
    return caught.value.message


# --- what a query holds ----------------------------------------------------------------------------


def test_defaults_are_the_specs():
    parsed = query()
    assert parsed.windows == Windows(30, 30, 1)
    assert parsed.conversion_report_time == "TIME_OF_AD_ACTION"
    assert parsed.reporting_timezone == "AD_ACCOUNT_TIME_ZONE"
    assert parsed.time_zone == ZoneInfo("UTC")
    assert parsed.aggregate_report_rows is False
    assert (parsed.start, parsed.end, parsed.today, parsed.days) == (TODAY - timedelta(days=7), TODAY, TODAY, 8)
    assert parsed.column_names == ("SPEND_IN_DOLLAR",)
    assert (parsed.campaign_ids, parsed.ad_group_ids, parsed.ad_ids, parsed.pin_ids) == (None, None, None, None)


def test_every_parameter_is_read():
    parsed = query("campaigns/analytics", columns=["CTR,SPEND_IN_DOLLAR", "CTR", " TOTAL_CONVERSIONS "],
                   granularity="WEEK", click_window_days=7, engagement_window_days="0", view_window_days=60,
                   conversion_report_time="TIME_OF_CONVERSION", reporting_timezone="PINTEREST_TIME_ZONE",
                   aggregate_report_rows=True, campaign_ids=["3,1", "2", "1"])
    assert parsed.column_names == ("CTR", "SPEND_IN_DOLLAR", "TOTAL_CONVERSIONS")
    assert parsed.granularity == "WEEK"
    assert parsed.windows == Windows(7, 0, 60)
    assert parsed.conversion_report_time == "TIME_OF_CONVERSION"
    assert parsed.time_zone == ZoneInfo("America/Los_Angeles")
    assert parsed.aggregate_report_rows is True
    assert parsed.campaign_ids == (3, 1, 2)


def test_the_query_is_frozen_and_checks_itself():
    parsed = query()
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.granularity = "HOUR"
    with pytest.raises(ValueError):
        dataclasses.replace(parsed, granularity="WEEKLY")
    with pytest.raises(ValueError):
        dataclasses.replace(parsed, end=parsed.start - timedelta(days=1))
    with pytest.raises(ValueError):
        dataclasses.replace(parsed, aggregate_report_rows=True)  # ad accounts do not aggregate


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_each_operation_parses_with_its_ids(operation_id):
    assert query(operation_id).report.operation_id == operation_id


# --- dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["start_date", "end_date"])
@pytest.mark.parametrize("value", [None, ""])
def test_dates_are_required(field, value):
    assert message(**{field: value}).startswith(f"{field} is required")


@pytest.mark.parametrize("value", ["2024-6-1", "20240601", "2024-06-01T00:00", "yesterday"])
def test_dates_are_strictly_iso(value):
    assert message(start_date=value).startswith("Invalid start_date")


def test_impossible_dates_are_refused():
    assert "not a calendar date" in message(end_date="2024-02-30")


def test_one_day_is_fine_and_end_before_start_is_not():
    assert query(start_date=back(3), end_date=back(3)).days == 1
    assert message(start_date=back(3), end_date=back(4)) == (
        f"end_date ({back(4)}) must not be before start_date ({back(3)})."
    )


@pytest.mark.parametrize("granularity", ["TOTAL", "DAY", "HOUR", "WEEK", "MONTH"])
def test_today_is_the_latest_end(granularity):
    assert query(start_date=back(1), end_date=back(0), granularity=granularity).end == TODAY
    assert "cannot be in the future: the latest allowed end_date is today, 2024-06-15" in message(
        start_date=back(1), end_date=back(-1), granularity=granularity)


@pytest.mark.parametrize("granularity", ["TOTAL", "DAY", "WEEK", "MONTH"])
def test_not_hour_goes_back_exactly_90_days(granularity):
    assert query(start_date=back(90), end_date=back(80), granularity=granularity).start == TODAY - timedelta(days=90)
    assert message(start_date=back(91), end_date=back(80), granularity=granularity) == (
        f"start_date ({back(91)}) cannot be more than 90 days back from today for any granularity but HOUR: "
        f"the earliest allowed start_date is {back(90)} (UTC)."
    )


def test_not_hour_range_is_at_most_90_days_past_start():
    widest = query(start_date=back(90), end_date=back(0), granularity="TOTAL")
    assert (widest.end - widest.start).days == 90 and widest.days == 91
    # Only an archive lookback lets a range grow past 90 days: the range rule still holds.
    assert query(start_date=back(100), end_date=back(10), lookback_days=None).days == 91
    assert message(start_date=back(100), end_date=back(9), lookback_days=None) == (
        f"end_date ({back(9)}) cannot be more than 90 days past start_date ({back(100)}) for any granularity but "
        f"HOUR: the latest allowed end_date is {back(10)}."
    )


def test_an_archive_lookback_replaces_only_the_not_hour_lookback():
    assert query(start_date=back(365), end_date=back(300), lookback_days=None).start == TODAY - timedelta(days=365)
    assert query(start_date=back(120), end_date=back(100), lookback_days=120).days == 21
    assert "more than 120 days back" in message(start_date=back(121), end_date=back(100), lookback_days=120)
    assert "more than 8 days back" in message(start_date=back(9), end_date=back(8), granularity="HOUR",
                                               lookback_days=None)


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_hour_goes_back_exactly_8_days(operation_id):
    assert query(operation_id, start_date=back(8), end_date=back(6), granularity="HOUR").start == (
        TODAY - timedelta(days=8))
    assert message(operation_id, start_date=back(9), end_date=back(7), granularity="HOUR") == (
        f"start_date ({back(9)}) cannot be more than 8 days back from today for HOUR: "
        f"the earliest allowed start_date is {back(8)} (UTC)."
    )


@pytest.mark.parametrize("operation_id", [op for op in OPERATIONS if op != "ad_account/analytics"])
def test_hour_range_is_at_most_3_days_past_start(operation_id):
    assert query(operation_id, start_date=back(8), end_date=back(5), granularity="HOUR").days == 4
    assert message(operation_id, start_date=back(8), end_date=back(4), granularity="HOUR") == (
        f"end_date ({back(4)}) cannot be more than 3 days past start_date ({back(8)}) for HOUR: "
        f"the latest allowed end_date is {back(5)}."
    )


def test_ad_account_hour_range_is_bounded_only_by_the_lookback():
    # Its description states no HOUR range limit: 8 days back to today is the widest.
    assert query(start_date=back(8), end_date=back(0), granularity="HOUR").days == 9


def test_extreme_dates_do_not_overflow():
    assert "days back" in message(start_date="0001-01-01", end_date="0001-01-02")
    assert "future" in message(start_date="9999-12-30", end_date="9999-12-31")


@given(st.integers(0, 120), st.integers(0, 120), st.sampled_from(["TOTAL", "DAY", "HOUR", "WEEK", "MONTH"]))
def test_a_range_is_accepted_exactly_when_every_rule_holds(start_back, length, granularity):
    start, end = TODAY - timedelta(days=start_back), TODAY - timedelta(days=start_back - length)
    lookback, span = (8, 3) if granularity == "HOUR" else (90, 90)
    allowed = end <= TODAY and start_back <= lookback and length <= span
    params = {"start_date": start.isoformat(), "end_date": end.isoformat(), "granularity": granularity}
    if allowed:
        assert query("ads/analytics", **params).days == length + 1
    else:
        with pytest.raises(InvalidParameters):
            query("ads/analytics", **params)


# --- granularity, columns, windows, report time, time zone ------------------------------------------


@pytest.mark.parametrize("value", [None, ""])
def test_granularity_is_required(value):
    assert message(granularity=value) == "granularity is required: one of TOTAL, DAY, HOUR, WEEK, MONTH."


@pytest.mark.parametrize("value", ["WEEKLY", "MONTHLY", "day", "YEAR"])
def test_granularity_is_one_of_the_enum(value):
    assert message(granularity=value) == f"Invalid granularity: '{value}' is not one of TOTAL, DAY, HOUR, WEEK, MONTH."


@pytest.mark.parametrize("value", [None, [], [""], [" , "]])
def test_columns_are_required(value):
    assert message(columns=value).startswith("columns is required")


def test_unknown_and_unsupported_columns_are_named():
    text = message(columns=["CTR,NOT_A_COLUMN,ECTR"])
    assert "unknown column(s) NOT_A_COLUMN" in text and "ECTR (" in text


@pytest.mark.parametrize("name", ["click_window_days", "engagement_window_days", "view_window_days"])
@pytest.mark.parametrize("value", [0, 1, 7, 14, 30, 60, "7", "060"])
def test_windows_take_the_enum(name, value):
    parsed = query(**{name: value})
    assert int(value) in (parsed.windows.click_days, parsed.windows.engagement_days, parsed.windows.view_days)


@pytest.mark.parametrize("name", ["click_window_days", "engagement_window_days", "view_window_days"])
@pytest.mark.parametrize("value", [2, 90, -1, "30.0", "", "thirty", True, 1.0, "٣٠"])
def test_windows_refuse_other_values(name, value):
    assert message(**{name: value}).startswith(f"Invalid {name}: ")


def test_report_time_and_time_zone_take_their_enums():
    assert message(conversion_report_time="AD_EVENT").startswith("Invalid conversion_report_time: 'AD_EVENT'")
    assert message(reporting_timezone="UTC").startswith("Invalid reporting_timezone: 'UTC' is not one of")


def test_aggregate_report_rows_is_a_boolean():
    assert message("ad_groups/analytics", aggregate_report_rows="yes").startswith("Invalid aggregate_report_rows")


@pytest.mark.parametrize(("operation_id", "param", "value"), [
    ("ad_pins/analytics", "reporting_timezone", "PINTEREST_TIME_ZONE"),
    ("ad_account/analytics", "campaign_ids", ["1"]),
    ("ads/analytics", "aggregate_report_rows", True),
    ("campaigns/analytics", "pin_ids", ["1"]),
    ("ads/analytics", "campaign_id", "1"),
])
def test_a_parameter_the_operation_does_not_take_is_a_callers_mistake(operation_id, param, value):
    with pytest.raises(ValueError, match=f"takes no {param}"):
        query(operation_id, **{param: value})


def test_an_unknown_operation_is_a_callers_mistake():
    with pytest.raises(ValueError):
        parse_ads_analytics_query("pins/analytics", start_date=back(1), end_date=back(0), columns=["CTR"],
                                  granularity="DAY", today=TODAY)


# --- ids ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("operation_id", "name", "limit"), [
    ("campaigns/analytics", "campaign_ids", 250),
    ("ad_groups/analytics", "ad_group_ids", 250),
    ("ads/analytics", "ad_ids", 250),
    ("ad_pins/analytics", "pin_ids", 100),
])
def test_id_lists_take_1_to_their_max_items(operation_id, name, limit):
    ids = [str(n) for n in range(1, limit + 1)]
    assert len(getattr(query(operation_id, **{name: [",".join(ids)]}), name)) == limit
    assert message(operation_id, **{name: ids + [str(limit + 1)]}) == (
        f"Invalid {name}: give 1 to {limit} ids, not {limit + 1}.")
    assert message(operation_id, **{name: [""]}) == f"Invalid {name}: give 1 to {limit} ids, not 0."


def test_the_count_is_of_the_ids_as_sent_and_repeats_then_collapse():
    assert query("ads/analytics", ad_ids=["5", "5", "4,5"]).ad_ids == (5, 4)
    assert "not 251" in message("ads/analytics", ad_ids=["5"] * 251)


@pytest.mark.parametrize(("operation_id", "name"), [
    ("campaigns/analytics", "campaign_ids"), ("ad_groups/analytics", "ad_group_ids"),
    ("ad_pins/analytics", "pin_ids"), ("ad_pins/analytics", "campaign_id"),
])
def test_required_ids_are_required(operation_id, name):
    assert message(operation_id, **{name: None}).startswith(f"{name} is required")


@pytest.mark.parametrize(("operation_id", "name", "digits"), [
    ("campaigns/analytics", "campaign_ids", 18), ("ad_groups/analytics", "ad_group_ids", 18),
    ("ad_pins/analytics", "campaign_id", 18), ("ads/analytics", "ad_ids", 19), ("ad_pins/analytics", "pin_ids", 19),
])
def test_ids_are_digits_within_the_specs_length_and_the_stores_range(operation_id, name, digits):
    longest = "9" * digits if digits == 18 else str(2**63 - 1)
    value = longest if name == "campaign_id" else [longest]
    assert query(operation_id, **{name: value})
    for bad in ("1" * (digits + 1), "12a", "-1", "１２", "٣", "1.0", str(2**63)):
        text = message(operation_id, **{name: bad if name == "campaign_id" else [bad]})
        assert text.startswith(f"Invalid {name}: ") and f"at most {digits}" in text


def test_ad_pins_takes_one_campaign_id():
    assert query("ad_pins/analytics", campaign_id="77").campaign_ids == (77,)
    assert message("ad_pins/analytics", campaign_id="1,2") .startswith("Invalid campaign_id")
    assert message("ad_pins/analytics", campaign_id="") == "Invalid campaign_id: give exactly one id."


def test_ads_need_ad_ids_or_both_campaign_ids_and_pin_ids():
    assert query("ads/analytics", ad_ids=["1"]).ad_ids == (1,)
    both = query("ads/analytics", ad_ids=None, campaign_ids=["2"], pin_ids=["3"])
    assert (both.ad_ids, both.campaign_ids, both.pin_ids) == (None, (2,), (3,))
    # With ad_ids, the others narrow the rows further.
    assert query("ads/analytics", ad_ids=["1"], pin_ids=["3"]).pin_ids == (3,)
    expected = ("Invalid ads/analytics parameters: the request must contain ad_ids or campaign_ids and pin_ids.")
    for partial in ({}, {"campaign_ids": ["2"]}, {"pin_ids": ["3"]}):
        assert message("ads/analytics", ad_ids=None, **partial) == expected


# --- order -------------------------------------------------------------------------------------------


def test_the_first_broken_rule_is_reported():
    everything_wrong = dict(start_date="nope", end_date="2024-02-30", granularity="WEEKLY", columns=["NOPE"],
                            click_window_days=3, conversion_report_time="X", ad_ids=["x"])
    order = [("start_date", back(1)), ("end_date", back(0)), ("granularity", "DAY"), ("columns", ["CTR"]),
             ("click_window_days", 7), ("conversion_report_time", "TIME_OF_AD_ACTION"), ("ad_ids", ["1"])]
    params = dict(everything_wrong)
    for name, fixed in order:
        text = message("ads/analytics", **params)
        assert name in text, (name, text)
        params[name] = fixed
    assert query("ads/analytics", **params)


def test_a_range_too_far_back_and_too_long_reports_the_lookback():
    assert "days back" in message(start_date=back(200), end_date=back(0))


# --- targeting reports ---------------------------------------------------------------------------

def targeting(operation_id: str = "ad_account_targeting_analytics/get", **params) -> AdsAnalyticsQuery:
    given_params = {"start_date": back(7), "end_date": back(0), "columns": ["SPEND_IN_DOLLAR"], "granularity": "DAY",
                    "targeting_types": ["GEO"], **params}
    return parse_ads_analytics_query(operation_id, **given_params, today=TODAY)


def test_targeting_types_keep_their_order_and_collapse_repeats():
    assert targeting(targeting_types=["AGE_BUCKET,GEO", "AGE_BUCKET"]).targeting_types == ("AGE_BUCKET", "GEO")


@pytest.mark.parametrize("asked,problem", [
    ([], "targeting_types is required"), ([" , "], "targeting_types is required"),
    (["CREATIVE_TYPE"], "'CREATIVE_TYPE' is not one of"), (["geo"], "'geo' is not one of"),
    ([",".join(["GEO"] * 16)], "give 1 to 15 types, not 16"),
])
def test_bad_targeting_types_are_named(asked, problem):
    with pytest.raises(InvalidParameters, match=problem):
        targeting(targeting_types=asked)


def test_each_level_takes_its_own_types():
    assert targeting("campaign_targeting_analytics/get", campaign_ids=["1"],
                     targeting_types=["CREATIVE_TYPE"]).targeting_types == ("CREATIVE_TYPE",)
    with pytest.raises(InvalidParameters, match="QUIZ_RESULT"):
        targeting("ad_groups_targeting_analytics/get", ad_group_ids=["1"], targeting_types=["QUIZ_RESULT"])
    with pytest.raises(InvalidParameters, match="ad_ids is required"):
        targeting("ad_targeting_analytics/get")


@pytest.mark.parametrize("asked,credited", [(None, "HOUSEHOLD"), (["INDIVIDUAL"], "INDIVIDUAL"),
                                            (["HOUSEHOLD"], "HOUSEHOLD"), (["INDIVIDUAL,HOUSEHOLD"], "HOUSEHOLD")])
def test_attribution_types_choose_whose_actions_take_the_credit(asked, credited):
    assert targeting(attribution_types=asked).attribution_type == credited


def test_bad_attribution_types_are_named():
    with pytest.raises(InvalidParameters, match="'SOMEONE' is not one of INDIVIDUAL, HOUSEHOLD"):
        targeting(attribution_types=["SOMEONE"])
    with pytest.raises(InvalidParameters, match="at most 2"):
        targeting(attribution_types=["INDIVIDUAL,HOUSEHOLD,INDIVIDUAL"])


def test_untargeted_reports_take_no_targeting_parameters():
    with pytest.raises(ValueError, match="takes no targeting_types"):
        query(targeting_types=["GEO"])
    with pytest.raises(ValueError, match="takes no attribution_types"):
        query(attribution_types=["INDIVIDUAL"])
