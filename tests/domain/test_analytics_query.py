"""The analytics query value and its pure parsers, with ``today`` (or ``now``) fixed: what
each operation's parameters become, and the errors they answer, in the order they answer them."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest

from pinsight.catalog.dimensions import APP_TYPES, TRAFFIC_KINDS
from pinsight.catalog.metrics import TOP_VIDEO_PINS_METRICS, USER_ACCOUNT_METRICS
from pinsight.catalog.pin_formats import ORGANIC_FORMATS, PAID_FORMATS, VIDEO_CREATIVE_TYPES
from pinsight.domain.organic.analytics_period import AnalyticsRules, Period
from pinsight.domain.organic.analytics_query import (
    ALL,
    Account,
    AnalyticsQuery,
    Filters,
    Pins,
    Ranking,
    parse_account_query,
    parse_pin_id_list,
    parse_pins_query,
    parse_top_pins_query,
    parse_top_video_pins_query,
)
from pinsight.errors import InvalidParameters

TODAY = date(2026, 3, 15)
NOW = datetime(2026, 3, 15, 10, 30)
RULES = AnalyticsRules()
ACCOUNT = dict(start_date="2026-03-01", end_date="2026-03-15", from_claimed_content="BOTH", pin_format="ALL",
               app_types="ALL", content_type="ALL", source="ALL", metric_types=None)


def pins_query(**params):
    given = dict(start_date="2026-03-01", end_date="2026-03-15", app_types="ALL", metric_types=["SAVE,SAVE_RATE"])
    return parse_pins_query((7, 3), **{**given, **params}, today=TODAY, rules=RULES)


def message(call) -> str:
    with pytest.raises(InvalidParameters) as caught:
        call()
    return caught.value.message


# --- pins ---------------------------------------------------------------------------------------


def test_a_pins_query():
    query = pins_query(metric_types=["SAVE,TOTAL_COMMENTS", "SAVE_RATE"], app_types="WEB", split_field="APP_TYPE")
    assert query == AnalyticsQuery(
        entity=Pins((7, 3)), period=Period(date(2026, 3, 1), TODAY), today=TODAY,
        columns=("SAVE", "TOTAL_COMMENTS", "SAVE_RATE"), filters=Filters(app_types=("WEB",)), split="APP_TYPE",
    )
    assert query.periodic_columns == ("SAVE", "SAVE_RATE")
    assert query.lifetime_columns == ("TOTAL_COMMENTS",)
    assert query.stored_columns == ("impression", "save", "total_comments")
    assert query.split_keys() == ("WEB",)
    assert pins_query().split is None and pins_query().split_keys() == (ALL,)
    assert pins_query().filters.app_types == APP_TYPES


def test_pins_query_errors_period_first_then_metrics():
    assert message(lambda: pins_query(end_date="2026-03-16", metric_types=["BOGUS"])) == (
        "end_date (2026-03-16) cannot be in the future: the latest allowed end_date is today, 2026-03-15 (UTC).")
    assert message(lambda: pins_query(start_date="2025-12-14")).startswith(
        "start_date (2025-12-14) cannot be more than 90 days back from today: the earliest allowed start_date is 2025-12-15")
    assert message(lambda: pins_query(metric_types=["ENGAGEMENT"])).startswith(
        "Invalid metric_types: metric type(s) ENGAGEMENT not available here.")
    assert message(lambda: pins_query(metric_types=None)) == message(lambda: pins_query(metric_types=[" , "])) == (
        "Invalid pins analytics parameters: metric_types is required.")


def test_the_pin_id_list():
    assert parse_pin_id_list(["3,1", "3", "", "2,"]) == ["3", "1", "2"]
    too_few = "Invalid multi_pins analytics parameters: give 1 to 100 pin_ids."
    assert message(lambda: parse_pin_id_list(None)) == message(lambda: parse_pin_id_list([","])) == too_few
    assert message(lambda: parse_pin_id_list([str(n) for n in range(101)])) == too_few
    assert len(parse_pin_id_list([str(n) for n in range(100)] + ["0"])) == 100


# --- the account --------------------------------------------------------------------------------


def test_an_account_query_asks_for_every_metric_by_default():
    query = parse_account_query(**ACCOUNT, split_field="NO_SPLIT", now=NOW, rules=RULES)
    assert query == AnalyticsQuery(entity=Account(), period=Period(date(2026, 3, 1), TODAY), today=TODAY,
                                   columns=USER_ACCOUNT_METRICS, filters=Filters(APP_TYPES, TRAFFIC_KINDS))
    assert query.split_keys() == (ALL,)
    assert query.for_owner(42).entity == Account(42) and query.entity == Account()  # a new value, not a change


def test_account_filters():
    query = parse_account_query(**{**ACCOUNT, "from_claimed_content": "CLAIMED", "pin_format": "ORGANIC_VIDEO",
                                   "app_types": "TABLET", "content_type": "ORGANIC", "source": "OTHER_PINS",
                                   "metric_types": ["SAVE"]}, split_field="SOURCE", now=NOW, rules=RULES)
    assert query.filters == Filters(app_types=("TABLET",), traffic=("ORGANIC",), source="OTHER_PINS",
                                    claimed_content="CLAIMED", pin_format="ORGANIC_VIDEO")
    assert (query.columns, query.split, query.split_keys()) == (("SAVE",), "SOURCE", ("OTHER_PINS",))


@pytest.mark.parametrize("split, filters, keys", [
    ("APP_TYPE", {"app_types": "WEB"}, ("WEB",)),
    ("OWNED_CONTENT", {}, ("CLAIMED", "OTHER")),
    ("OWNED_CONTENT", {"from_claimed_content": "OTHER"}, ("OTHER",)),
    ("SOURCE", {}, ("YOUR_PINS", "OTHER_PINS")),
    ("PIN_FORMAT", {}, ORGANIC_FORMATS + PAID_FORMATS),
    ("PIN_FORMAT", {"content_type": "PAID"}, PAID_FORMATS),
    ("PIN_FORMAT", {"pin_format": "ADS_IDEA"}, ("ADS_IDEA",)),
    ("PIN_FORMAT", {"pin_format": "ADS_IDEA", "content_type": "ORGANIC"}, ()),
])
def test_split_keys_are_what_the_filters_allow(split, filters, keys):
    query = parse_account_query(**{**ACCOUNT, **filters}, split_field=split, now=NOW, rules=RULES)
    assert query.split_keys() == keys


def test_account_query_errors_metrics_first_then_period():
    bad_both = {**ACCOUNT, "metric_types": ["VIDEO_START"], "end_date": "2026-03-16"}
    assert message(lambda: parse_account_query(**bad_both, split_field="NO_SPLIT", now=NOW, rules=RULES)).startswith(
        "Invalid metric_types: metric type(s) VIDEO_START not available here.")
    assert message(lambda: parse_account_query(**{**ACCOUNT, "end_date": "2026-03-1"}, split_field="NO_SPLIT", now=NOW,
                                               rules=RULES)) == (
        "Invalid end_date: '2026-03-1' is not a date in YYYY-MM-DD format (UTC).")


# --- top pins -----------------------------------------------------------------------------------


def test_top_pins_report_the_sort_metric_and_rank():
    query = parse_top_pins_query(**{**ACCOUNT, "metric_types": ["IMPRESSION"]}, sort_by="SAVE", num_of_pins=5,
                                 created_in_last_n_days=30, now=NOW, rules=RULES)
    assert query.columns == ("IMPRESSION", "SAVE")
    assert query.ranking == Ranking("SAVE", 5)
    assert query.filters.created_since == NOW - timedelta(days=30)
    everything = parse_top_pins_query(**ACCOUNT, sort_by="SAVE", num_of_pins=5, now=NOW, rules=RULES)
    assert everything.columns == USER_ACCOUNT_METRICS and everything.filters.created_since is None


def test_top_video_pins_keep_video_pins():
    query = parse_top_video_pins_query(**ACCOUNT, sort_by="VIDEO_START", num_of_pins=50, now=NOW, rules=RULES)
    assert query.filters.creative_types == VIDEO_CREATIVE_TYPES
    assert query.columns == TOP_VIDEO_PINS_METRICS


def test_top_pins_errors_in_order():
    def top(**params):
        return lambda: parse_top_pins_query(**{**ACCOUNT, "sort_by": "SAVE", "num_of_pins": 10, **params},
                                            now=NOW, rules=RULES)

    assert message(top(sort_by="VIDEO_START", num_of_pins=0)) == (
        "Invalid parameters: sort_by must be one of ENGAGEMENT, IMPRESSION, OUTBOUND_CLICK, PIN_CLICK, SAVE.")
    assert message(top(num_of_pins=51, metric_types=["BOGUS"])) == "Invalid parameters: num_of_pins must be 1 to 50."
    assert message(top(metric_types=["BOGUS"], end_date="2026-03-16")).startswith(
        "Invalid metric_types: unknown metric type(s) BOGUS.")
    assert message(top(end_date="2026-03-16", created_in_last_n_days=7)).startswith("end_date (2026-03-16) cannot")
    assert message(top(created_in_last_n_days=7)) == "Invalid parameters: created_in_last_n_days must be 30."


# --- the value ----------------------------------------------------------------------------------


def test_a_query_is_an_immutable_value():
    one = parse_account_query(**ACCOUNT, split_field="APP_TYPE", now=NOW, rules=RULES)
    again = parse_account_query(**ACCOUNT, split_field="APP_TYPE", now=NOW + timedelta(hours=1), rules=RULES)
    assert one == again and hash(one) == hash(again)  # a key for caches and stored reports
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.split = None  # type: ignore[misc]
    with pytest.raises(ValueError, match="granularity"):
        dataclasses.replace(one, granularity="FORTNIGHT")
