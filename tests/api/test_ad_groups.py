"""Ad groups over HTTP, on both databases."""

from __future__ import annotations

import itertools

import pytest

from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.errors import AdAccountNotFound, AdGroupNotFound, CampaignNotFound, Forbidden, InvalidParameters, MissingScope
from tests.support.api import all_pages, assert_error
from tests.support.factories import make_ad_account, set_role

_names = itertools.count()
ALL_STATUSES = "ACTIVE,PAUSED,ARCHIVED,DRAFT,DELETED_DRAFT"


def make_campaign(client, account: str, **fields) -> dict:
    body = {"ad_account_id": account, "name": f"Campaign {next(_names)}", "objective_type": "CONSIDERATION", **fields}
    response = client.post(f"/ad_accounts/{account}/campaigns", json=[body])
    assert response.status_code == 200, response.text
    (entry,) = response.json()["items"]
    assert entry["exceptions"] == [], entry
    return entry["data"]


def ad_group(campaign_id: str, **fields) -> dict:
    """A valid ad group of a campaign without budget optimization, billed per click."""
    return {"campaign_id": campaign_id, "name": f"Ad group {next(_names)}", "billable_event": "CLICKTHROUGH",
            "budget_in_micro_currency": 2_000_000, "bid_in_micro_currency": 100_000, **fields}


def create(client, account: str, *items: dict) -> list[dict]:
    response = client.post(f"/ad_accounts/{account}/ad_groups", json=list(items))
    assert response.status_code == 200, response.text
    return response.json()["items"]


def created(client, account: str, campaign_id: str, **fields) -> dict:
    (entry,) = create(client, account, ad_group(campaign_id, **fields))
    assert entry["exceptions"] == [], entry
    return entry["data"]


def update(client, account: str, *items: dict) -> list[dict]:
    response = client.patch(f"/ad_accounts/{account}/ad_groups", json=list(items))
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _exception(entry: dict) -> dict:
    assert "data" not in entry, entry
    (exception,) = entry["exceptions"]
    assert exception["message"]
    return exception


# --- create and get --------------------------------------------------------------------------------


def test_create_and_get_an_ad_group(runtime, user):
    account = make_ad_account(runtime, user)
    now = int(runtime.clock.now().timestamp())
    campaign = make_campaign(user.client, account, start_time=now - 60, end_time=now + 86400 * 60)
    sent = ad_group(
        campaign["id"], status="PAUSED", budget_type="LIFETIME", billable_event="IMPRESSION", start_time=now + 3600,
        end_time=now + 86400 * 30, lifetime_frequency_cap=12,
        targeting_spec={"LOCATION": ["US", "807"], "GENDER": ["female"], "AGE_BUCKET": ["25-34", "35-44"],
                        "APPTYPE": ["iphone"], "LOCALE": ["en-US"], "INTEREST": ["150"],
                        "AUDIENCE_INCLUDE": ["2542620905473"], "TARGETING_STRATEGY": ["FIND_NEW_CUSTOMERS"],
                        "SHOPPING_RETARGETING": [{"lookback_window": 30, "exclusion_window": 14, "tag_types": [0]}]},
        tracking_urls={"impression": ["https://t.example/i"]}, auto_targeting_enabled=False, placement_group="BROWSE",
        pacing_delivery_type="ACCELERATED", bid_strategy_type="MAX_BID", is_creative_optimization=True,
        bid_multiplier=2.5, promotion_id="7834020347906", promotion_application_level="ITEM",
        optimization_goal_metadata={"frequency_goal_metadata": {"frequency": 3, "timerange": "DAY"}},
    )
    (entry,) = create(user.client, account, sent)
    assert entry["exceptions"] == []
    data = entry["data"]
    for field, value in sent.items():
        assert data[field] == value, field
    assert (data["type"], data["summary_status"], data["ad_account_id"]) == ("adgroup", "PAUSED", account)
    assert data["created_time"] == data["updated_time"] and data["id"].isdigit() and len(data["id"]) <= 18
    assert data["conversion_learning_mode_type"] is None and data["targeting_template_ids"] is None
    got = user.client.get(f"/ad_accounts/{account}/ad_groups/{data['id']}")
    assert got.status_code == 200 and got.json() == data

    # The spec's defaults; the schedule is the campaign's until the ad group has one.
    minimal = created(user.client, account, campaign["id"])
    assert (minimal["status"], minimal["budget_type"], minimal["placement_group"], minimal["pacing_delivery_type"]) == (
        "ACTIVE", "DAILY", "ALL", "STANDARD")
    assert minimal["auto_targeting_enabled"] is True and minimal["is_creative_optimization"] is False
    assert minimal["targeting_spec"] == {} and "lifetime_frequency_cap" not in minimal
    assert (minimal["start_time"], minimal["end_time"], minimal["summary_status"]) == (None, None, "RUNNING")
    later = make_campaign(user.client, account, start_time=now + 7200)
    assert created(user.client, account, later["id"])["summary_status"] == "NOT_STARTED"
    assert created(user.client, account, campaign["id"], start_time=now + 60)["summary_status"] == "NOT_STARTED"
    # The spec writes a campaign id with an optional "C".
    assert created(user.client, account, f"C{campaign['id']}")["campaign_id"] == campaign["id"]

    for missing in ("1000000000000000001", "abc", data["id"] + "0", "9" * 19):
        assert_error(user.client.get(f"/ad_accounts/{account}/ad_groups/{missing}"), 404, AdGroupNotFound.code)
    other_account = make_ad_account(runtime, user)
    assert_error(user.client.get(f"/ad_accounts/{other_account}/ad_groups/{data['id']}"), 404, AdGroupNotFound.code)


def test_bad_items_get_their_own_exception_and_the_good_ones_are_written(runtime, user, other_user):
    account = make_ad_account(runtime, user)
    now = int(runtime.clock.now().timestamp())
    campaign = make_campaign(user.client, account, start_time=now, end_time=now + 86400 * 10)["id"]
    awareness = make_campaign(user.client, account, objective_type="AWARENESS")["id"]
    foreign = make_campaign(other_user.client, make_ad_account(runtime, other_user))["id"]
    bad_items = [
        {"campaign_id": campaign, "billable_event": "CLICKTHROUGH", "budget_in_micro_currency": 1},  # no name
        {"name": "No campaign", "billable_event": "CLICKTHROUGH"},
        {"campaign_id": campaign, "name": "No billable event", "budget_in_micro_currency": 1},
        ad_group(campaign, name="  "),
        ad_group(campaign, billable_event="CLICK"),
        ad_group(campaign, budget_type="WEEKLY"),
        ad_group(campaign, budget_type=None),
        ad_group(campaign, status="RUNNING"),
        ad_group(campaign, status="DELETED_DRAFT"),
        ad_group(campaign, budget_in_micro_currency="1000"),
        ad_group(campaign, budget_in_micro_currency=0),
        ad_group(campaign, placement_group="FEED"),
        ad_group(campaign, bid_strategy_type="CHEAPEST"),
        ad_group(campaign, targeting_spec={"COUNTRY": ["US"]}),
        ad_group(campaign, targeting_spec={"LOCATION": ["US"], "GENDER": ["other"]}),
        ad_group(campaign, targeting_spec={"LOCATION": ["US"], "AGE_BUCKET": ["30-40"]}),
        ad_group(campaign, targeting_spec={"LOCATION": "US"}),
        ad_group(campaign, targeting_spec={"LOCATION": ["XX"]}),
        ad_group(campaign, targeting_spec={"GENDER": ["male"]}),  # no place
        ad_group(campaign, targeting_spec={"LOCATION": ["US"], "MINIMUM_AGE": "18"}),
        ad_group(campaign, targeting_spec={"LOCATION": ["US"], "MINIMUM_AGE": "18", "MAXIMUM_AGE": "70"}),
        ad_group(campaign, targeting_spec={"LOCATION": ["US"], "MINIMUM_AGE": "18", "MAXIMUM_AGE": "30",
                                           "AGE_BUCKET": ["18-24"]}),
        ad_group(campaign, start_time=now + 100, end_time=now + 100),
        ad_group(campaign, start_time=now - 100),  # before the campaign starts
        ad_group(campaign, end_time=now + 86400 * 11),  # after it ends
        ad_group(campaign, budget_type="LIFETIME"),  # no end
        ad_group(campaign, lifetime_frequency_cap=5, billable_event="IMPRESSION"),  # no end
        ad_group(campaign, lifetime_frequency_cap=5, end_time=now + 3600),  # billed per click
    ]
    more_bad = [
        ad_group(campaign, budget_type="CBO_ADGROUP"),  # the campaign has no budget optimization
        ad_group(campaign, budget_in_micro_currency=None),
        ad_group(awareness, billable_event="IMPRESSION", bid_in_micro_currency=None),
        ad_group(campaign, bid_multiplier=0.05),
        ad_group(campaign, bid_multiplier=11),
        ad_group(campaign, targeting_template_ids=["643"], targeting_spec={"LOCATION": ["US"]}),
        ad_group(campaign, targeting_template_ids=["1", "2"]),
        ad_group(campaign, optimization_goal_metadata={"frequency_goal_metadata": {"frequency": 30}}),
        ad_group(campaign, ad_account_id="1234567890123456"),
        ad_group(foreign),
        ad_group("1000000000000000001"),
        ad_group("9" * 19),
        "not an object",
    ]
    good = [ad_group(campaign, name="First good"), ad_group(awareness, name="Second good", billable_event="IMPRESSION",
                                                            bid_strategy_type="AUTOMATIC_BID", bid_in_micro_currency=None)]
    for bad in (bad_items, more_bad):
        answered = create(user.client, account, good[0], *bad, good[1])
        assert len(answered) == len(bad) + 2 <= 30
        for entry, sent in zip(answered[1:-1], bad):
            exception = _exception(entry)
            not_found = isinstance(sent, dict) and sent.get("campaign_id") in (foreign, "1000000000000000001", "9" * 19)
            assert exception["code"] == (CampaignNotFound.code if not_found else InvalidParameters.code), (sent, exception)
        assert [entry["data"]["name"] for entry in (answered[0], answered[-1])] == ["First good", "Second good"]
    listed = all_pages(user.client, f"/ad_accounts/{account}/ad_groups", entity_statuses=ALL_STATUSES)
    assert sorted(group["name"] for group in listed) == ["First good", "First good", "Second good", "Second good"]


def test_targeting_values_the_dictionaries_do_not_know_are_refused_by_name(runtime, user):
    account = make_ad_account(runtime, user)
    campaign = make_campaign(user.client, account)["id"]
    specs = [{"GEO": ["BE-VOV", "XX-NOPE"]}, {"LOCATION": ["US", "999"]}, {"LOCATION": ["US"], "INTEREST": ["42424242"]},
             {"LOCATION": ["US"], "LOCALE": ["xx-YY"]}]
    answered = create(user.client, account, *(ad_group(campaign, targeting_spec=spec) for spec in specs),
                      ad_group(campaign, name="Known places", targeting_spec={"GEO": ["BE-VOV", "IT-23"],
                                                                              "INTEREST": ["150"]}))
    for entry, named in zip(answered, ("XX-NOPE", "999", "42424242", "xx-YY")):
        exception = _exception(entry)
        assert exception["code"] == InvalidParameters.code and named in exception["message"], exception
    assert answered[-1]["data"]["targeting_spec"] == {"GEO": ["BE-VOV", "IT-23"], "INTEREST": ["150"]}


def test_campaign_budget_optimization_and_web_conversion_rules(runtime, user):
    account = make_ad_account(runtime, user)
    cbo = make_campaign(user.client, account, is_campaign_budget_optimization=True)["id"]
    web = make_campaign(user.client, account, objective_type="WEB_CONVERSION")["id"]
    # A budget-optimized campaign's ad group takes CBO_ADGROUP (its default there), paced evenly, no budget of its own.
    group = created(user.client, account, cbo, budget_in_micro_currency=None)
    assert group["budget_type"] == "CBO_ADGROUP"
    goal = {"conversion_tag_v3_goal_metadata": {"conversion_event": "CHECKOUT", "learning_mode_type": "NOT_ACTIVE",
                                                "attribution_windows": {"click_window_days": 7}}}
    answered = create(user.client, account, ad_group(cbo, budget_type="DAILY"),
                      ad_group(cbo, pacing_delivery_type="ACCELERATED"), ad_group(web),
                      ad_group(web, optimization_goal_metadata=goal))
    assert [_exception(entry)["code"] for entry in answered[:3]] == [InvalidParameters.code] * 3
    assert answered[3]["data"]["conversion_learning_mode_type"] == "NOT_ACTIVE"
    assert answered[3]["data"]["optimization_goal_metadata"] == goal


@pytest.mark.parametrize("body", [[], [{}] * 31, {"name": "n"}, "ad groups", None])
def test_a_body_that_is_not_a_list_of_1_to_30_is_a_400(runtime, user, body):
    account = make_ad_account(runtime, user)
    for method in ("POST", "PATCH"):
        assert_error(user.client.request(method, f"/ad_accounts/{account}/ad_groups", json=body), 400,
                     InvalidParameters.code)
        assert_error(user.client.request(method, f"/ad_accounts/{account}/ad_groups", content=b"[{",
                                         headers={"Content-Type": "application/json"}), 400)


def test_thirty_ad_groups_in_one_request(runtime, user):
    account = make_ad_account(runtime, user)
    campaign = make_campaign(user.client, account)["id"]
    answered = create(user.client, account, *[ad_group(campaign) for _ in range(30)])
    assert all(entry["exceptions"] == [] for entry in answered)
    assert len({entry["data"]["id"] for entry in answered}) == 30


# --- update ------------------------------------------------------------------------------------------


def test_update_changes_only_the_fields_given(runtime, user):
    account = make_ad_account(runtime, user)
    now = int(runtime.clock.now().timestamp())
    campaign = make_campaign(user.client, account)["id"]
    group = created(user.client, account, campaign, end_time=now + 86400, tracking_urls={"click": ["https://t.example"]},
                    targeting_spec={"LOCATION": ["FR"]}, bid_multiplier=1.5, targeting_template_ids=None)
    (entry,) = update(user.client, account, {"id": group["id"], "name": "Renamed", "status": "PAUSED",
                                             "targeting_spec": {"GEO": ["FR-75C"], "GENDER": ["male"]}})
    assert entry["exceptions"] == []
    updated = entry["data"]
    assert (updated["name"], updated["status"], updated["summary_status"]) == ("Renamed", "PAUSED", "PAUSED")
    assert updated["targeting_spec"] == {"GEO": ["FR-75C"], "GENDER": ["male"]}
    unchanged = {key: value for key, value in group.items()
                 if key not in ("name", "status", "summary_status", "targeting_spec", "updated_time")}
    assert {key: updated[key] for key in unchanged} == unchanged
    assert user.client.get(f"/ad_accounts/{account}/ad_groups/{group['id']}").json() == updated

    # The spec's ways of clearing: null, {} for tracking URLs, 0 for the multiplier, ["0"] for templates.
    (entry,) = update(user.client, account, {"id": group["id"], "end_time": None, "tracking_urls": {},
                                             "bid_multiplier": 0, "targeting_template_ids": ["0"],
                                             "targeting_spec": {}, "bid_strategy_type": None})
    assert entry["exceptions"] == [], entry
    cleared = entry["data"]
    assert (cleared["end_time"], cleared["tracking_urls"], cleared["bid_multiplier"]) == (None, None, None)
    assert cleared["targeting_template_ids"] is None and cleared["bid_strategy_type"] is None
    assert cleared["targeting_spec"] == {}
    # A bid this campaign's objective needs for clicks cannot be cleared.
    assert _exception(update(user.client, account, {"id": group["id"], "bid_in_micro_currency": None})[0])
    # One id twice: the second item sees the first's change.
    first, second = update(user.client, account, {"id": group["id"], "name": "Once"},
                           {"id": group["id"], "bid_in_micro_currency": 7})
    assert (second["data"]["name"], second["data"]["bid_in_micro_currency"]) == ("Once", 7)


def test_update_exceptions_per_item(runtime, user, other_user):
    account = make_ad_account(runtime, user)
    campaign = make_campaign(user.client, account)["id"]
    other_campaign = make_campaign(user.client, account)["id"]
    foreign_account = make_ad_account(runtime, other_user)
    foreign = created(other_user.client, foreign_account, make_campaign(other_user.client, foreign_account)["id"])
    mine = created(user.client, account, campaign)
    draft = created(user.client, account, campaign, status="DRAFT")
    items = [
        {"id": mine["id"], "name": "Good update"},
        {"id": "1000000000000000001", "name": "Unknown"},
        {"id": "9" * 19, "name": "Unknown"},
        {"id": foreign["id"], "name": "Someone else's"},
        {"id": mine["id"], "name": None},
        {"id": mine["id"], "status": None},
        {"id": mine["id"], "budget_type": "LIFETIME"},  # only on a draft (and it has no end either)
        {"id": mine["id"], "billable_event": "IMPRESSION"},  # only on a draft
        {"id": mine["id"], "campaign_id": other_campaign},
        {"id": mine["id"], "budget_in_micro_currency": None},
        {"id": mine["id"], "start_time": 2_000_000_000, "end_time": 1_999_999_999},
        {"id": mine["id"], "targeting_spec": {"LOCATION": ["US"], "MINIMUM_AGE": "30"}},
        {"name": "No id"},
        {"id": mine["id"], "ad_account_id": "1234"},
        {"id": draft["id"], "billable_event": "IMPRESSION", "campaign_id": campaign, "status": "ACTIVE"},
    ]
    answered = update(user.client, account, *items)
    assert answered[0]["data"]["name"] == "Good update"
    assert answered[-1]["data"]["billable_event"] == "IMPRESSION" and answered[-1]["data"]["status"] == "ACTIVE"
    for entry, sent in zip(answered[1:-1], items[1:-1]):
        expected = AdGroupNotFound.code if sent.get("name") in ("Unknown", "Someone else's") else InvalidParameters.code
        assert _exception(entry)["code"] == expected, (sent, entry)
    stored = user.client.get(f"/ad_accounts/{account}/ad_groups/{mine['id']}").json()
    assert (stored["name"], stored["budget_type"], stored["billable_event"]) == ("Good update", "DAILY", "CLICKTHROUGH")
    assert stored["campaign_id"] == campaign and stored["budget_in_micro_currency"] == 2_000_000
    assert other_user.client.get(f"/ad_accounts/{foreign_account}/ad_groups/{foreign['id']}").json()["name"] == foreign["name"]


# --- list --------------------------------------------------------------------------------------------


def test_list_filters_order_and_pages(runtime, user):
    account = make_ad_account(runtime, user)
    other_account = make_ad_account(runtime, user)
    created(user.client, other_account, make_campaign(user.client, other_account)["id"])
    first, second = make_campaign(user.client, account)["id"], make_campaign(user.client, account)["id"]
    statuses = ["ACTIVE", "PAUSED", "ARCHIVED", "DRAFT", "ACTIVE", "PAUSED"]
    made = [created(user.client, account, (first, second)[n % 2], status=status) for n, status in enumerate(statuses)]
    deleted = created(user.client, account, first, status="DRAFT")
    update(user.client, account, {"id": deleted["id"], "status": "DELETED_DRAFT"})
    path = f"/ad_accounts/{account}/ad_groups"
    ids = [group["id"] for group in made]

    # By default ACTIVE and PAUSED, newest first.
    assert [g["id"] for g in all_pages(user.client, path)] == [g["id"] for g in reversed(made)
                                                               if g["status"] in ("ACTIVE", "PAUSED")]
    everything = all_pages(user.client, path, entity_statuses=ALL_STATUSES.split(","), order="ASCENDING")
    assert [g["id"] for g in everything] == [*ids, deleted["id"]]
    assert [g["id"] for g in all_pages(user.client, path, entity_statuses="DRAFT,DELETED_DRAFT")] == [deleted["id"],
                                                                                                      ids[3]]
    in_first = all_pages(user.client, path, campaign_ids=first, entity_statuses=ALL_STATUSES, order="ASCENDING")
    assert [g["id"] for g in in_first] == [ids[0], ids[2], ids[4], deleted["id"]]
    chosen = all_pages(user.client, path, ad_group_ids=[ids[0], ids[2], "100000000000000001"],
                       entity_statuses="ACTIVE,ARCHIVED")
    assert sorted(g["id"] for g in chosen) == sorted([ids[0], ids[2]])
    assert [g["id"] for g in all_pages(user.client, path, ad_group_ids=f"{ids[1]},{ids[4]}")] == [ids[4], ids[1]]
    # translate_interests_to_names is taken, and interests stay as they were sent.
    assert len(all_pages(user.client, path, translate_interests_to_names="true")) == 4

    for order, expected in (("ASCENDING", ids), ("DESCENDING", ids[::-1])):
        seen, sizes, bookmark = [], [], None
        while True:
            params = {"order": order, "page_size": 2, "entity_statuses": "ACTIVE,PAUSED,ARCHIVED,DRAFT",
                      **({"bookmark": bookmark} if bookmark else {})}
            page = user.client.get(path, params=params).json()
            seen += [g["id"] for g in page["items"]]
            sizes.append(len(page["items"]))
            bookmark = page["bookmark"]
            if bookmark is None:
                break
        assert seen == expected and sizes == [2, 2, 2]
    page = user.client.get(path, params={"page_size": 1}).json()
    # A bookmark is bound to its list: its order, filters and account.
    assert_error(user.client.get(path, params={"page_size": 1, "order": "ASCENDING", "bookmark": page["bookmark"]}), 400)
    assert_error(user.client.get(path, params={"page_size": 1, "campaign_ids": first, "bookmark": page["bookmark"]}),
                 400)
    assert_error(user.client.get(f"/ad_accounts/{other_account}/ad_groups",
                                 params={"page_size": 1, "bookmark": page["bookmark"]}), 400)

    for query in ({"entity_statuses": "RUNNING"}, {"order": "UP"}, {"page_size": 0}, {"page_size": 251},
                  {"ad_group_ids": "12x"}, {"campaign_ids": ",".join(["1"] * 251)}, {"bookmark": "forged"},
                  {"campaign_ids": first, "ad_group_ids": ids[0]}, {"translate_interests_to_names": "maybe"}):
        assert_error(user.client.get(path, params=query), 400)


# --- access ---------------------------------------------------------------------------------------------


def test_another_users_ad_account_is_not_found(runtime, user, other_user):
    account = make_ad_account(runtime, other_user)
    group = created(other_user.client, account, make_campaign(other_user.client, account)["id"])
    base = f"/ad_accounts/{account}/ad_groups"
    for method, path, body in (("GET", base, None), ("GET", f"{base}/{group['id']}", None),
                               ("POST", base, [ad_group(group["campaign_id"])]),
                               ("PATCH", base, [{"id": group["id"], "name": "x"}])):
        assert_error(user.client.request(method, path, json=body), 404, AdAccountNotFound.code)


@pytest.mark.parametrize("role, writes", [("ADMIN", True), ("CAMPAIGN_MANAGER", True), ("ANALYST", False),
                                          ("FINANCE_MANAGER", None)])
def test_roles_on_the_ad_account(runtime, user, other_user, role, writes):
    """Owner, Admin, Analyst and Campaign Manager read ad groups; an Analyst may not write them;
    a role that has nothing to do with campaigns does neither."""
    account = make_ad_account(runtime, user)
    campaign = make_campaign(user.client, account)["id"]
    group = created(user.client, account, campaign)
    set_role(runtime, account, other_user, role)
    base = f"/ad_accounts/{account}/ad_groups"
    listed, got = other_user.client.get(base), other_user.client.get(f"{base}/{group['id']}")
    if writes is not None:
        assert listed.status_code == 200 and [g["id"] for g in listed.json()["items"]] == [group["id"]]
        assert got.status_code == 200 and got.json() == group
    else:
        assert_error(listed, 403, Forbidden.code)
        assert_error(got, 403, Forbidden.code)
    made = other_user.client.post(base, json=[ad_group(campaign, name="By a delegate")])
    changed = other_user.client.patch(base, json=[{"id": group["id"], "name": "Changed"}])
    if writes:
        assert made.status_code == 200 and made.json()["items"][0]["data"]["name"] == "By a delegate"
        assert changed.status_code == 200 and changed.json()["items"][0]["data"]["name"] == "Changed"
    else:
        assert_error(made, 403, Forbidden.code)
        assert_error(changed, 403, Forbidden.code)
        assert user.client.get(f"{base}/{group['id']}").json()["name"] == group["name"]
        assert len(all_pages(user.client, base)) == 1


def test_scopes(runtime, user):
    account = make_ad_account(runtime, user)
    group = created(user.client, account, make_campaign(user.client, account)["id"])
    base = f"/ad_accounts/{account}/ad_groups"
    reader = {"Authorization": f"Bearer {user.token_with(runtime, set(ALL_SCOPES) - {'ads:write'})}"}
    assert user.client.get(base, headers=reader).status_code == 200
    assert_error(user.client.post(base, json=[ad_group(group["campaign_id"])], headers=reader), 403, MissingScope.code)
    assert_error(user.client.patch(base, json=[{"id": group["id"]}], headers=reader), 403, MissingScope.code)
    writer = {"Authorization": f"Bearer {user.token_with(runtime, set(ALL_SCOPES) - {'ads:read'})}"}
    assert_error(user.client.get(f"{base}/{group['id']}", headers=writer), 403, MissingScope.code)
    assert_error(user.client.get(base, headers=writer), 403, MissingScope.code)


def test_hostile_items_are_refused_item_by_item(runtime, user):
    """Text a database cannot keep, numbers past 64 bits or not finite, deep nesting: each is
    that item's exception, never a 500; the good item beside them is written."""
    account = make_ad_account(runtime, user)
    campaign = make_campaign(user.client, account)["id"]
    raw = ('[{"campaign_id": "%s", "name": "NUL \\u0000", "billable_event": "CLICKTHROUGH"},'
           ' {"campaign_id": "%s", "name": "\\ud800", "billable_event": "CLICKTHROUGH"},'
           ' {"campaign_id": "%s", "name": "n", "billable_event": "CLICKTHROUGH", "budget_in_micro_currency": 1e400},'
           ' {"campaign_id": "%s", "name": "n", "billable_event": "CLICKTHROUGH", "bid_multiplier": NaN},'
           ' {"campaign_id": "%s", "name": "n", "billable_event": "CLICKTHROUGH", "budget_in_micro_currency": %d},'
           ' {"campaign_id": "%s", "name": "n", "billable_event": "CLICKTHROUGH", "targeting_spec": %s},'
           ' {"campaign_id": "%s", "name": "n", "billable_event": "CLICKTHROUGH",'
           '  "targeting_spec": {"LOCATION": ["US"], "MINIMUM_AGE": "%s", "MAXIMUM_AGE": "65+"}},'
           ' {"campaign_id": "%s", "name": "Good", "billable_event": "CLICKTHROUGH", "budget_in_micro_currency": 1,'
           '  "bid_in_micro_currency": 1}]') % (
        campaign, campaign, campaign, campaign, campaign, 2**64, campaign, "[" * 200 + "]" * 200, campaign, "1" * 5000,
        campaign)
    response = user.client.post(f"/ad_accounts/{account}/ad_groups", content=raw.encode(),
                                headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    *refused, good = response.json()["items"]
    assert [_exception(entry)["code"] for entry in refused] == [InvalidParameters.code] * len(refused)
    assert good["data"]["name"] == "Good"
