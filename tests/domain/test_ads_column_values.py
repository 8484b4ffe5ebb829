"""Column values from a row's figures: every supported column against values worked out by
hand, ratios over nothing, answer types, and (hypothesis) additivity over merged inputs."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pinsight.catalog.ad_columns import AD_ACTION_SUMS, AD_ACTION_TYPES, CATALOGUE, SUPPORTED_COLUMNS, SYNC_COLUMNS
from pinsight.catalog.ad_conversions import ACTION_SOURCES, CONVERSION_EVENT_NAMES, CONVERSION_MEASURES
from pinsight.domain.ads.column_values import (
    NOTHING,
    Inputs,
    column_value,
    column_values,
    compile_columns,
    exact_value,
    merge,
    merge_all,
    uses_conversions,
)

DELIVERY = {
    "IMPRESSION": 2000, "CLICK": 50, "OUTBOUND_CLICK": 20, "SAVE": 10, "CLOSEUP": 7,
    "VIDEO_MRC_VIEW": 300, "VIDEO_3S_VIEW": 250, "spend_micro_dollar": 12_500_000,
}
CONVERSIONS = {
    ("CLICK", "checkout", "web", "COUNT"): 3,
    ("CLICK", "checkout", "web", "VALUE"): 90_000_000,
    ("CLICK", "checkout", "web", "QUANTITY"): 5,
    ("CLICK", "checkout", "app_ios", "COUNT"): 1,
    ("CLICK", "checkout", "app_ios", "VALUE"): 10_000_000,
    ("ENGAGEMENT", "checkout", "web", "COUNT"): 2,
    ("ENGAGEMENT", "checkout", "web", "VALUE"): 40_000_000,
    ("VIEW", "checkout", "offline", "COUNT"): 4,
    ("VIEW", "checkout", "offline", "VALUE"): 25_000_000,
    ("VIEW", "checkout", "app_android", "COUNT"): 1,
    ("CLICK", "signup", "web", "COUNT"): 6,
    ("ENGAGEMENT", "signup", "web", "COUNT"): 1,
    ("ENGAGEMENT", "signup", "web", "VALUE"): 1_500_000,
    ("CLICK", "signup", "app_android", "VALUE"): 700_000,
    ("VIEW", "signup", "web", "COUNT"): 2,
    ("VIEW", "page_visit", "web", "COUNT"): 40,
    ("VIEW", "page_visit", "web", "VALUE"): 2_000_000,
    ("CLICK", "lead", "web", "COUNT"): 2,
    ("ENGAGEMENT", "lead", "web", "COUNT"): 3,
    ("VIEW", "lead", "offline", "COUNT"): 1,
    ("CLICK", "add_to_cart", "web", "COUNT"): 8,
    ("VIEW", "add_to_cart", "web", "COUNT"): 5,
    ("VIEW", "custom", "web", "COUNT"): 3,
    ("VIEW", "custom", "web", "VALUE"): 6_000_000,
    ("CLICK", "add_to_wishlist", "web", "COUNT"): 4,
    ("VIEW", "subscribe", "app_ios", "COUNT"): 2,
}
ENTITIES = {
    "AD_ACCOUNT": {"id": "549755885175"},
    "CAMPAIGN": {"id": "626736533506", "name": "Spring sale", "status": "ACTIVE", "lifetime_spend_cap": 1_000_000_000,
                 "daily_spend_cap": None},
    "AD_GROUP": {"id": "2680059592705", "name": "Group A", "budget_type": "DAILY",
                 "budget_in_micro_currency": 25_500_000, "status": "PAUSED"},
    "AD": {"id": "687195905986", "name": "Ad one", "pin_id": "1234567890123456789"},
}
ROW = Inputs(DELIVERY, CONVERSIONS)

# Worked out by hand from the figures above (spend 12.5 in whole units).
EXPECTED = {
    "SPEND_IN_MICRO_DOLLAR": 12_500_000,
    "PAID_IMPRESSION": 2000,
    "SPEND_IN_DOLLAR": 12.5,
    "CPC_IN_MICRO_DOLLAR": 250_000.0,  # 12.5M / 50 clicks
    "CTR": 0.025,  # 50 / 2000
    "OUTBOUND_CTR_1": 0.01,  # 20 / 2000
    "CAMPAIGN_NAME": "Spring sale",
    "PIN_ID": "1234567890123456789",
    "ENGAGEMENT_1": 80,  # clicks 50 + outbound 20 + saves 10 (closeups are not engagements)
    "ENGAGEMENT_RATE": 0.04,
    "REPIN_RATE": 0.005,
    "CAMPAIGN_ID": "626736533506",
    "ADVERTISER_ID": "549755885175",
    "AD_ACCOUNT_ID": "549755885175",
    "PIN_PROMOTION_ID": "687195905986",
    "AD_ID": "687195905986",
    "AD_GROUP_ID": "2680059592705",
    "CAMPAIGN_ENTITY_STATUS": "ACTIVE",
    "CPM_IN_MICRO_DOLLAR": 6_250_000.0,  # 12.5M per 2 thousand impressions
    "CPM_IN_DOLLAR": 6.25,
    "AD_GROUP_NAME": "Group A",
    "AD_GROUP_BUDGET_TYPE": "DAILY",
    "AD_GROUP_BUDGET_IN_LOCAL_CURRENCY": 25.5,
    "AD_GROUP_ENTITY_STATUS": "PAUSED",
    "CLICKTHROUGH_1": 50,
    "REPIN_1": 10,
    "IMPRESSION_1": 2000,
    "OUTBOUND_CLICK_1": 20,
    "COST_PER_OUTBOUND_CLICK_IN_DOLLAR_1": 0.625,  # 12.5 / 20
    "TOTAL_ENGAGEMENT_SIGNUP": 1,
    "TOTAL_ENGAGEMENT_CHECKOUT": 2,
    "TOTAL_ENGAGEMENT_LEAD": 3,
    "TOTAL_CLICK_SIGNUP": 6,
    "TOTAL_CLICK_CHECKOUT": 4,  # web 3 + iOS 1
    "TOTAL_CLICK_ADD_TO_CART": 8,
    "TOTAL_CLICK_LEAD": 2,
    "TOTAL_VIEW_SIGNUP": 2,
    "TOTAL_VIEW_CHECKOUT": 5,  # offline 4 + Android 1
    "TOTAL_VIEW_ADD_TO_CART": 5,
    "TOTAL_VIEW_LEAD": 1,
    "TOTAL_CONVERSIONS": 88,  # every COUNT, no VALUE or QUANTITY
    "TOTAL_ENGAGEMENT_SIGNUP_VALUE_IN_MICRO_DOLLAR": 1_500_000,
    "TOTAL_ENGAGEMENT_CHECKOUT_VALUE_IN_MICRO_DOLLAR": 40_000_000,
    "TOTAL_CLICK_SIGNUP_VALUE_IN_MICRO_DOLLAR": 700_000,
    "TOTAL_CLICK_CHECKOUT_VALUE_IN_MICRO_DOLLAR": 100_000_000,
    "TOTAL_VIEW_SIGNUP_VALUE_IN_MICRO_DOLLAR": 0,
    "TOTAL_VIEW_CHECKOUT_VALUE_IN_MICRO_DOLLAR": 25_000_000,
    "AD_NAME": "Ad one",
    "CAMPAIGN_LIFETIME_SPEND_CAP": 1_000_000_000,
    "CAMPAIGN_DAILY_SPEND_CAP": None,
    "TOTAL_PAGE_VISIT": 40,
    "TOTAL_SIGNUP": 9,
    "TOTAL_CHECKOUT": 11,
    "TOTAL_CUSTOM": 3,
    "TOTAL_LEAD": 6,
    "TOTAL_ADD_TO_WISHLIST": 4,
    "TOTAL_SUBSCRIBE": 2,
    "TOTAL_SIGNUP_VALUE_IN_MICRO_DOLLAR": 2_200_000,
    "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR": 165_000_000,
    "TOTAL_CUSTOM_VALUE_IN_MICRO_DOLLAR": 6_000_000,
    "PAGE_VISIT_COST_PER_ACTION": 0.3125,  # 12.5 / 40
    "PAGE_VISIT_ROAS": 0.16,  # 2M / 12.5M
    "CHECKOUT_ROAS": 13.2,  # 165M / 12.5M
    "CUSTOM_ROAS": 0.48,
    "VIDEO_3SEC_VIEWS_1": 250,
    "VIDEO_MRC_VIEWS_1": 300,
    "WEB_CHECKOUT_COST_PER_ACTION": 2.5,  # 12.5 / (3 + 2)
    "WEB_CHECKOUT_ROAS": 10.4,  # 130M / 12.5M
    "TOTAL_WEB_CHECKOUT": 5,
    "TOTAL_WEB_CHECKOUT_VALUE_IN_MICRO_DOLLAR": 130_000_000,
    "TOTAL_WEB_CLICK_CHECKOUT": 3,
    "TOTAL_WEB_CLICK_CHECKOUT_VALUE_IN_MICRO_DOLLAR": 90_000_000,
    "TOTAL_WEB_ENGAGEMENT_CHECKOUT": 2,
    "TOTAL_WEB_ENGAGEMENT_CHECKOUT_VALUE_IN_MICRO_DOLLAR": 40_000_000,
    "TOTAL_WEB_VIEW_CHECKOUT": 0,
    "TOTAL_WEB_VIEW_CHECKOUT_VALUE_IN_MICRO_DOLLAR": 0,
    "INAPP_CHECKOUT_COST_PER_ACTION": 6.25,  # 12.5 / (iOS 1 + Android 1)
    "TOTAL_OFFLINE_CHECKOUT": 4,
}
SUPPORTED = [SYNC_COLUMNS[name] for name in SUPPORTED_COLUMNS]
ADDITIVE = [column for column in SUPPORTED if column.additive]


def test_the_expectations_cover_every_supported_column():
    assert set(EXPECTED) == set(SUPPORTED_COLUMNS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_supported_column(name):
    value = column_value(SYNC_COLUMNS[name], ROW, ENTITIES)
    assert value == EXPECTED[name]
    assert type(value) is type(EXPECTED[name])  # ints for counts and micro amounts, floats for the rest


def test_column_values_answers_in_the_order_asked():
    columns = [SYNC_COLUMNS[name] for name in ("CTR", "SPEND_IN_DOLLAR", "AD_ID", "TOTAL_CONVERSIONS")]
    values = column_values(columns, ROW, ENTITIES)
    assert list(values.items()) == [("CTR", 0.025), ("SPEND_IN_DOLLAR", 12.5), ("AD_ID", "687195905986"),
                                    ("TOTAL_CONVERSIONS", 88)]


def test_a_ratio_over_nothing_is_null_and_sums_of_nothing_are_zero():
    values = column_values(SUPPORTED, NOTHING, {})
    assert values["CTR"] is None and values["CPC_IN_MICRO_DOLLAR"] is None and values["CHECKOUT_ROAS"] is None
    assert values["INAPP_CHECKOUT_COST_PER_ACTION"] is None
    assert values["SPEND_IN_MICRO_DOLLAR"] == 0 and values["TOTAL_CONVERSIONS"] == 0
    assert values["SPEND_IN_DOLLAR"] == 0.0 and type(values["SPEND_IN_DOLLAR"]) is float
    # Impressions without clicks: a rate of 0, not null.
    assert column_value(SYNC_COLUMNS["CTR"], Inputs({"IMPRESSION": 5})) == 0.0
    # Spend without any checkout: no cost per checkout; value without spend: no ROAS.
    assert column_value(SYNC_COLUMNS["WEB_CHECKOUT_COST_PER_ACTION"], Inputs({"spend_micro_dollar": 5})) is None


def test_entity_columns_without_the_entity_are_null():
    values = column_values([SYNC_COLUMNS[name] for name in ("CAMPAIGN_NAME", "AD_GROUP_BUDGET_IN_LOCAL_CURRENCY",
                                                            "AD_ACCOUNT_ID")], ROW, {"AD_ACCOUNT": {"id": "1"}})
    assert values == {"CAMPAIGN_NAME": None, "AD_GROUP_BUDGET_IN_LOCAL_CURRENCY": None, "AD_ACCOUNT_ID": "1"}


def test_a_scaled_entity_attribute_must_be_an_amount():
    with pytest.raises(ValueError):
        column_value(SYNC_COLUMNS["AD_GROUP_BUDGET_IN_LOCAL_CURRENCY"], ROW,
                     {"AD_GROUP": {"budget_in_micro_currency": ["x"]}})


def test_a_value_with_a_fraction_of_a_micro_unit_stays_exact():
    row = Inputs(conversions={("CLICK", "checkout", "web", "VALUE"): 1.5, ("VIEW", "checkout", "web", "VALUE"): 2})
    assert column_value(SYNC_COLUMNS["TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR"], row) == 3.5
    assert column_value(SYNC_COLUMNS["TOTAL_VIEW_CHECKOUT_VALUE_IN_MICRO_DOLLAR"], row) == 2


def test_unsupported_columns_are_refused():
    with pytest.raises(ValueError, match="not supported"):
        column_value(SYNC_COLUMNS["ECTR"], ROW)


def test_inputs_check_their_keys_and_values():
    with pytest.raises(ValueError, match="unknown delivery"):
        Inputs({"IMPRESSIONS": 1})
    with pytest.raises(ValueError, match="unknown conversions key"):
        Inputs(conversions={("CLICK", "checkout", "web"): 1})
    with pytest.raises(ValueError, match="unknown conversions key"):
        Inputs(conversions={("TOTAL", "checkout", "web", "COUNT"): 1})  # TOTAL is a column's sum, not a kind
    with pytest.raises(ValueError, match="unknown conversions key"):
        Inputs(conversions={("CLICK", "checkout", "WEB", "COUNT"): 1})
    with pytest.raises(ValueError, match="a number"):
        Inputs({"CLICK": True})
    with pytest.raises(TypeError):
        ROW.delivery["CLICK"] = 1  # read-only


def test_merge_adds_figures():
    merged = merge(Inputs({"CLICK": 1, "IMPRESSION": 4}), Inputs({"CLICK": 2, "SAVE": 1},
                                                                  {("VIEW", "lead", "web", "COUNT"): 1}))
    assert dict(merged.delivery) == {"CLICK": 3, "IMPRESSION": 4, "SAVE": 1}
    assert dict(merged.conversions) == {("VIEW", "lead", "web", "COUNT"): 1}
    assert merge_all([]) == NOTHING
    total = merge_all([ROW, ROW, ROW])
    assert column_value(SYNC_COLUMNS["TOTAL_CONVERSIONS"], total) == 3 * 88
    # A ratio over merged rows is a ratio of sums, not an average of ratios.
    one, other = Inputs({"CLICK": 1, "IMPRESSION": 10}), Inputs({"CLICK": 9, "IMPRESSION": 10})
    assert column_value(SYNC_COLUMNS["CTR"], merge(one, other)) == 0.5


@pytest.mark.parametrize(("name", "conversion"), [
    ("CTR", False), ("SPEND_IN_DOLLAR", False), ("ENGAGEMENT_RATE", False), ("CAMPAIGN_NAME", False),
    ("TOTAL_CONVERSIONS", True), ("CHECKOUT_ROAS", True), ("PAGE_VISIT_ROAS", True),
    ("INAPP_CHECKOUT_COST_PER_ACTION", True), ("WEB_CHECKOUT_COST_PER_ACTION", True),
])
def test_conversion_metrics_are_attributed_or_built_on_attributed_figures(name, conversion):
    assert uses_conversions(SYNC_COLUMNS[name]) is conversion


# --- properties -------------------------------------------------------------------------------------

_COUNTS = st.integers(min_value=0, max_value=10**12)
_DELIVERY = st.dictionaries(st.sampled_from((*AD_ACTION_TYPES, *AD_ACTION_SUMS)), _COUNTS, max_size=8)
_KEYS = st.tuples(st.sampled_from(("CLICK", "ENGAGEMENT", "VIEW")), st.sampled_from(CONVERSION_EVENT_NAMES),
                  st.sampled_from(ACTION_SOURCES), st.sampled_from(CONVERSION_MEASURES))
_AMOUNTS = st.one_of(_COUNTS, st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False))
_CONVERSIONS = st.dictionaries(_KEYS, _AMOUNTS, max_size=12)
INPUTS = st.builds(Inputs, _DELIVERY, _CONVERSIONS)
_ATTRIBUTE = st.one_of(st.none(), st.integers(0, 10**15), st.text(alphabet="0123456789", min_size=1, max_size=19))
ENTITY_SETS = st.dictionaries(
    st.sampled_from(("AD_ACCOUNT", "CAMPAIGN", "AD_GROUP", "AD")),
    st.dictionaries(st.sampled_from(("id", "name", "status", "pin_id", "budget_type", "budget_in_micro_currency",
                                     "lifetime_spend_cap", "daily_spend_cap")), _ATTRIBUTE),
)


@settings(max_examples=200)
@given(INPUTS, INPUTS)
def test_every_additive_column_over_merged_inputs_is_the_sum_of_its_values(first, second):
    merged = merge(first, second)
    for column in ADDITIVE:
        assert exact_value(column, merged) == exact_value(column, first) + exact_value(column, second), column.name


@given(st.lists(INPUTS, max_size=5))
def test_a_total_is_the_sum_of_its_days(days):
    total = merge_all(days)
    for column in ADDITIVE:
        assert exact_value(column, total) == sum((exact_value(column, day) for day in days), Fraction(0))


@settings(max_examples=200)
@given(INPUTS, ENTITY_SETS)
def test_every_supported_column_evaluates_on_any_inputs(inputs, entities):
    values = column_values(SUPPORTED, inputs, entities)
    assert list(values) == list(SUPPORTED_COLUMNS)
    for column in SUPPORTED:
        value = values[column.name]
        if column.kind in ("STORED", "ATTRIBUTED") or (column.additive and column.kind == "DERIVED"):
            assert isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0, column.name
        elif column.kind == "DERIVED":
            assert value is None or (isinstance(value, float) and value >= 0), column.name


def test_the_catalogue_has_no_kind_this_module_does_not_know():
    assert {column.kind for column in CATALOGUE} == {"STORED", "DERIVED", "ATTRIBUTED", "ENTITY", "UNSUPPORTED"}


_WHOLE_CONVERSIONS = st.dictionaries(_KEYS, _COUNTS, max_size=12)


@settings(max_examples=300)
@given(_DELIVERY, _WHOLE_CONVERSIONS, ENTITY_SETS)
def test_the_compiled_columns_answer_exactly_what_column_values_answers(delivery, conversions, entities):
    """The fast path (plain dicts of whole numbers) against the exact one, every supported column."""
    columns = [SYNC_COLUMNS[name] for name in SUPPORTED_COLUMNS]
    fast = compile_columns(columns)(delivery, conversions, entities)
    exact = column_values(columns, Inputs(delivery, conversions), entities)
    assert fast == exact
    assert {name: type(value) for name, value in fast.items()} == {name: type(value) for name, value in exact.items()}
