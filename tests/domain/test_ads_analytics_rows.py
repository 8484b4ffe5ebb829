"""Rows shaped as the spec's responses: each operation's id key, DATE for time-based
granularities only, the columns in the order asked, aggregated rows, HOUR without
conversion columns. ``tests/contract/test_ad_reporting_catalog.py`` validates the shapes
against the spec's response schemas."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pinsight.catalog.operations import SYNC_REPORTS
from pinsight.domain.ads.analytics_query import parse_ads_analytics_query
from pinsight.domain.ads.analytics_rows import answered_columns, shape_rows

TODAY = date(2024, 6, 15)
IDS = {
    "ad_account/analytics": {},
    "campaigns/analytics": {"campaign_ids": ["11"]},
    "ad_groups/analytics": {"ad_group_ids": ["21"]},
    "ads/analytics": {"ad_ids": ["31"]},
    "ad_pins/analytics": {"campaign_id": "11", "pin_ids": ["41"]},
}
ID_KEYS = {"ad_account/analytics": "AD_ACCOUNT_ID", "campaigns/analytics": "CAMPAIGN_ID",
           "ad_groups/analytics": "AD_GROUP_ID", "ads/analytics": "AD_ID", "ad_pins/analytics": "PIN_ID"}


def query(operation_id: str, granularity: str = "DAY", columns: str = "SPEND_IN_DOLLAR,CTR", **params):
    return parse_ads_analytics_query(
        operation_id, start_date=(TODAY - timedelta(days=2)).isoformat(), end_date=TODAY.isoformat(),
        columns=[columns], granularity=granularity, **{**IDS[operation_id], **params}, today=TODAY)


def test_the_id_keys_are_the_catalogues():
    assert {op: report.id_key for op, report in SYNC_REPORTS.items()} == ID_KEYS


@pytest.mark.parametrize("operation_id", sorted(ID_KEYS))
def test_a_daily_row_carries_date_id_and_columns_in_order(operation_id):
    rows = shape_rows(query(operation_id), [(549755885175, "2024-06-14", {"SPEND_IN_DOLLAR": 30.0, "CTR": None})])
    assert rows == [{"DATE": "2024-06-14", ID_KEYS[operation_id]: "549755885175", "SPEND_IN_DOLLAR": 30.0,
                     "CTR": None}]
    assert list(rows[0]) == ["DATE", ID_KEYS[operation_id], "SPEND_IN_DOLLAR", "CTR"]


def test_a_total_row_has_no_date():
    rows = shape_rows(query("ads/analytics", "TOTAL"), [("31", None, {"SPEND_IN_DOLLAR": 1.5, "CTR": 0.5})])
    assert rows == [{"AD_ID": "31", "SPEND_IN_DOLLAR": 1.5, "CTR": 0.5}]


def test_rows_keep_their_order_and_extra_values_are_ignored():
    values = {"SPEND_IN_DOLLAR": 0.0, "CTR": None, "NOT_ASKED": 1}
    rows = shape_rows(query("ads/analytics", ad_ids=["2,1"]), [(2, "2024-06-15", values), (1, "2024-06-13", values)])
    assert [(row["AD_ID"], row["DATE"]) for row in rows] == [("2", "2024-06-15"), ("1", "2024-06-13")]
    assert all("NOT_ASKED" not in row for row in rows)


def test_the_date_and_the_id_must_match_the_query():
    with pytest.raises(ValueError):
        shape_rows(query("ads/analytics", "TOTAL"), [(1, "2024-06-15", {"SPEND_IN_DOLLAR": 0, "CTR": None})])
    with pytest.raises(ValueError):
        shape_rows(query("ads/analytics", "DAY"), [(1, None, {"SPEND_IN_DOLLAR": 0, "CTR": None})])
    with pytest.raises(ValueError):
        shape_rows(query("ads/analytics"), [(None, "2024-06-15", {"SPEND_IN_DOLLAR": 0, "CTR": None})])
    with pytest.raises(ValueError):
        shape_rows(query("ads/analytics"), [("12a", "2024-06-15", {"SPEND_IN_DOLLAR": 0, "CTR": None})])
    with pytest.raises(KeyError):
        shape_rows(query("ads/analytics"), [(1, "2024-06-15", {"SPEND_IN_DOLLAR": 0})])


def test_an_id_column_asked_for_is_the_rows_id():
    rows = shape_rows(query("ads/analytics", columns="AD_ID,PIN_PROMOTION_ID,CTR"),
                      [(31, "2024-06-15", {"AD_ID": "31", "PIN_PROMOTION_ID": "31", "CTR": 0.1})])
    assert rows == [{"DATE": "2024-06-15", "AD_ID": "31", "PIN_PROMOTION_ID": "31", "CTR": 0.1}]


@pytest.mark.parametrize("operation_id", ["campaigns/analytics", "ad_groups/analytics"])
def test_aggregated_rows_have_no_id(operation_id):
    id_key = ID_KEYS[operation_id]
    aggregated = query(operation_id, columns=f"{id_key},SPEND_IN_DOLLAR", aggregate_report_rows=True)
    assert answered_columns(aggregated) == ("SPEND_IN_DOLLAR",)
    rows = shape_rows(aggregated, [(None, "2024-06-15", {id_key: None, "SPEND_IN_DOLLAR": 3.0})])
    assert rows == [{"DATE": "2024-06-15", "SPEND_IN_DOLLAR": 3.0}]
    with pytest.raises(ValueError):
        shape_rows(aggregated, [(11, "2024-06-15", {"SPEND_IN_DOLLAR": 3.0})])


def test_hour_rows_leave_conversion_columns_out():
    hourly = query("campaigns/analytics", "HOUR", columns="TOTAL_CONVERSIONS,CTR,CHECKOUT_ROAS,SPEND_IN_DOLLAR")
    assert answered_columns(hourly) == ("CTR", "SPEND_IN_DOLLAR")
    label = "2024-06-15T13:00:00+00:00"
    rows = shape_rows(hourly, [(11, label, {"TOTAL_CONVERSIONS": 0, "CTR": 0.5, "CHECKOUT_ROAS": None,
                                            "SPEND_IN_DOLLAR": 1.0})])
    assert rows == [{"DATE": label, "CAMPAIGN_ID": "11", "CTR": 0.5, "SPEND_IN_DOLLAR": 1.0}]
    daily = query("campaigns/analytics", "DAY", columns="TOTAL_CONVERSIONS,CTR")
    assert answered_columns(daily) == ("TOTAL_CONVERSIONS", "CTR")
