"""The ad group rules and what an ad shows, as pure functions."""

from __future__ import annotations

import pytest

from pinsight.domain.ads import ad_groups, ads

CAMPAIGN = {"start_time": 1000, "end_time": 5000, "objective_type": "CONSIDERATION",
            "is_campaign_budget_optimization": None}
GROUP = {"name": "g", "start_time": None, "end_time": None, "budget_type": "DAILY", "pacing_delivery_type": "STANDARD",
         "billable_event": "CLICKTHROUGH", "budget_in_micro_currency": 1, "bid_in_micro_currency": 1}


def problem(campaign=None, **fields):
    return ad_groups.problem({**GROUP, **fields}, {**CAMPAIGN, **(campaign or {})})


def test_a_valid_ad_group_has_no_problem():
    assert problem() is None
    assert problem(start_time=1000, end_time=5000) is None
    assert problem(campaign={"is_campaign_budget_optimization": True}, budget_type="CBO_ADGROUP",
                   budget_in_micro_currency=None) is None
    assert problem(campaign={"objective_type": "AWARENESS"}, billable_event="IMPRESSION", bid_in_micro_currency=None,
                   bid_strategy_type="AUTOMATIC_BID") is None
    assert problem(lifetime_frequency_cap=3, end_time=4000, billable_event="IMPRESSION") is None


@pytest.mark.parametrize("fields, campaign, fragment", [
    ({"name": ""}, None, "name"),
    ({"start_time": 2000, "end_time": 2000}, None, "after start_time"),
    ({"start_time": 999}, None, "precede"),
    ({"end_time": 5001}, None, "after the campaign's end_time"),
    ({"start_time": 5000}, None, "before the campaign's end_time"),
    ({"budget_type": "CBO_ADGROUP"}, None, "only for campaigns"),
    ({"budget_in_micro_currency": None}, None, "budget_in_micro_currency is required"),
    ({}, {"is_campaign_budget_optimization": True}, "CBO_ADGROUP"),
    ({"budget_type": "CBO_ADGROUP", "pacing_delivery_type": "ACCELERATED"}, {"is_campaign_budget_optimization": True},
     "STANDARD"),
    ({"budget_type": "LIFETIME"}, {"end_time": None}, "LIFETIME"),
    ({"bid_in_micro_currency": None}, None, "bid_in_micro_currency is required"),
    ({"bid_multiplier": 0.01}, None, "bid_multiplier"),
    ({"lifetime_frequency_cap": 3}, None, "needs an end_time"),
    ({"lifetime_frequency_cap": 3, "end_time": 4000}, None, "IMPRESSION"),
    ({}, {"objective_type": "WEB_CONVERSION"}, "optimization_goal_metadata"),
    ({"targeting_spec": {"GENDER": ["male"]}}, None, "LOCATION or GEO"),
])
def test_each_rule(fields, campaign, fragment):
    found = problem(campaign, **fields)
    assert found is not None and fragment in found, found


@pytest.mark.parametrize("spec, ok", [
    ({}, True),
    ({"LOCATION": ["US", "807"]}, True),
    ({"GEO": ["BE-VOV"], "GENDER": ["female"]}, True),
    ({"LOCATION": ["ZZ"]}, False),
    ({"LOCATION": ["8070"]}, False),
    ({"LOCATION": ["999"]}, False),  # three digits, but no US metro (DMA) has that code
    ({"GEO": ["US-94107", "FR-75001"]}, True),  # postal codes
    ({"GEO": ["US-94107", "BE-VOV"]}, False),  # postal and region codes together
    ({"GEO": ["BE-XXX"]}, False),
    ({"GEO": ["ZZ-12345"]}, False),
    ({"LOCATION": ["US"], "INTEREST": ["150"], "LOCALE": ["en-US", "fr"]}, True),
    ({"LOCATION": ["US"], "INTEREST": ["999999999999"]}, False),
    ({"LOCATION": ["US"], "LOCALE": ["xx-YY"]}, False),
    ({"LOCATION": ["US"], "MINIMUM_AGE": "18", "MAXIMUM_AGE": "65+"}, True),
    ({"LOCATION": ["US"], "MINIMUM_AGE": "65", "MAXIMUM_AGE": "65"}, True),
    ({"LOCATION": ["US"], "MINIMUM_AGE": "17", "MAXIMUM_AGE": "30"}, False),
    ({"LOCATION": ["US"], "MINIMUM_AGE": "65+", "MAXIMUM_AGE": "65+"}, False),
    ({"LOCATION": ["US"], "MINIMUM_AGE": "30", "MAXIMUM_AGE": "20+"}, False),
    ({"LOCATION": ["US"], "MINIMUM_AGE": "40", "MAXIMUM_AGE": "30"}, False),
    ({"LOCATION": ["US"], "MAXIMUM_AGE": "30"}, False),
    ({"LOCATION": ["US"], "MINIMUM_AGE": "20", "MAXIMUM_AGE": "30", "AGE_BUCKET": ["25-34"]}, False),
])
def test_targeting(spec, ok):
    assert (ad_groups.targeting_problem(spec) is None) == ok


def test_templates_and_draft_only_fields():
    assert ad_groups.template_problem({"targeting_template_ids": ["7"], "targeting_spec": {}}) is not None
    assert ad_groups.template_problem({"targeting_template_ids": ["7"], "targeting_spec": None}) is None
    assert ad_groups.template_problem({"targeting_template_ids": ["0"], "placement_group": "ALL"}) is None
    active = {"status": "ACTIVE", "budget_type": "DAILY", "billable_event": "CLICKTHROUGH"}
    assert ad_groups.draft_only_problem(active, {"budget_type": "LIFETIME"}) is not None
    assert ad_groups.draft_only_problem(active, {"budget_type": "DAILY", "name": "x"}) is None
    assert ad_groups.draft_only_problem({**active, "status": "DRAFT"}, {"billable_event": "IMPRESSION"}) is None


def test_what_an_ad_shows():
    assert [ads.summary_status(status) for status in ("ACTIVE", "PAUSED", "DRAFT")] == ["APPROVED", "PAUSED", "DRAFT"]
    assert [ads.default_creative_type(kind) for kind in ("VIDEO", "MAX_VIDEO", "REGULAR", "CAROUSEL")] == [
        "VIDEO", "VIDEO", "REGULAR", "REGULAR"]
    assert ads.creative_problem("VIDEO", "REGULAR") is not None
    assert ads.creative_problem("REGULAR", "VIDEO") is None and ads.creative_problem("VIDEO", "VIDEO") is None
    assert ads.grid_click_type(None, None) == "CLOSEUP"
    assert ads.grid_click_type(None, "https://x") == ads.grid_click_type("https://y", None) == "DIRECT_TO_DESTINATION"
