"""Ad account creation and campaigns over HTTP, on both databases."""

from __future__ import annotations

import itertools

import pytest

from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.errors import AdAccountNotFound, CampaignNotFound, Forbidden, InvalidParameters, MissingScope
from tests.support.api import all_pages, assert_error
from tests.support.factories import make_ad_account, set_role

_names = itertools.count()


def _campaign(account: str, **fields) -> dict:
    return {"ad_account_id": account, "name": f"Campaign {next(_names)}", "objective_type": "AWARENESS", **fields}


def _create(client, account: str, *items: dict) -> list[dict]:
    response = client.post(f"/ad_accounts/{account}/campaigns", json=list(items))
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _created(client, account: str, **fields) -> dict:
    (entry,) = _create(client, account, _campaign(account, **fields))
    assert entry["exceptions"] == [], entry
    return entry["data"]


# --- ad accounts --------------------------------------------------------------------------------


def test_create_ad_account(user, new_user, runtime):
    response = user.client.post("/ad_accounts", json={"name": "  Spring ads ", "country": "FR", "currency": "EUR",
                                                      "owner_user_id": user.id})
    assert response.status_code == 201, response.text
    account = response.json()
    assert (account["name"], account["country"], account["currency"]) == ("Spring ads", "FR", "EUR")
    assert account["owner"] == {"id": user.id, "username": user.username}
    assert account["permissions"] == ["OWNER"] and len(account["id"]) == 16
    assert user.client.get(f"/ad_accounts/{account['id']}").json() == account
    assert account["id"] in {a["id"] for a in all_pages(user.client, "/ad_accounts")}
    # Currency defaults to USD.
    assert user.client.post("/ad_accounts", json={"name": "Plain", "country": "US"}).json()["currency"] == "USD"

    for bad in ({}, {"country": "US"}, {"name": "n"}, {"name": " ", "country": "US"}, {"name": "n", "country": "XX"},
                {"name": "n", "country": "US", "currency": "ABC"}, {"name": "x" * 257, "country": "US"},
                {"name": 5, "country": "US"}, [], {"name": "n", "country": "US", "owner_user_id": "12a"}):
        assert_error(user.client.post("/ad_accounts", json=bad), 400, InvalidParameters.code)
    assert_error(user.client.post("/ad_accounts", content=b"{nope", headers={"Content-Type": "application/json"}), 400)
    # Only for oneself, and only with ads:write.
    assert_error(user.client.post("/ad_accounts", json={"name": "n", "country": "US", "owner_user_id": "123"}), 403,
                 Forbidden.code)
    reader = new_user(scopes=[scope for scope in ALL_SCOPES if scope != "ads:write"])
    assert_error(reader.client.post("/ad_accounts", json={"name": "n", "country": "US"}), 403, MissingScope.code)


def test_a_personal_account_cannot_create_ad_accounts_and_a_user_owns_at_most_50(user, runtime):
    from sqlalchemy import update

    from pinsight.store.tables import users

    for index in range(50):
        make_ad_account(runtime, user, name=f"Existing {index}")
    assert_error(user.client.post("/ad_accounts", json={"name": "51st", "country": "US"}), 400, InvalidParameters.code)
    with runtime.engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == int(user.id)).values(account_type="PINNER"))
    assert_error(user.client.post("/ad_accounts", json={"name": "n", "country": "US"}), 403, Forbidden.code)


# --- campaigns: create and get ----------------------------------------------------------------------


def test_create_and_get_a_campaign(runtime, user):
    account = make_ad_account(runtime, user)
    now = int(runtime.clock.now().timestamp())
    sent = _campaign(account, status="PAUSED", objective_type="WEB_CONVERSION", lifetime_spend_cap=5_000_000,
                     start_time=now + 3600, end_time=now + 86400, order_line_id="42",
                     tracking_urls={"impression": ["https://t.example/i"], "click": ["https://t.example/c"]},
                     is_flexible_daily_budgets=True, default_ad_group_budget_in_micro_currency=0,
                     is_campaign_budget_optimization=True, is_automated_campaign=False,
                     bid_options={"placement_multipliers": {"SEARCH": 1.5}})
    (entry,) = _create(user.client, account, sent)
    data = entry["data"]
    assert entry["exceptions"] == []
    for field, value in sent.items():
        assert data[field] == value, field
    assert data["daily_spend_cap"] is None and data["type"] == "campaign" and data["summary_status"] == "PAUSED"
    assert data["created_time"] == data["updated_time"] and data["id"].isdigit()

    got = user.client.get(f"/ad_accounts/{account}/campaigns/{data['id']}")
    assert got.status_code == 200 and got.json() == data

    # Defaults: ACTIVE, starting now, the flags off.
    minimal = _created(user.client, account)
    assert minimal["status"] == "ACTIVE" and minimal["summary_status"] == "RUNNING"
    assert abs(minimal["start_time"] - now) < 120 and minimal["end_time"] is None
    assert (minimal["is_flexible_daily_budgets"], minimal["is_automated_campaign"]) == (False, False)
    assert minimal["tracking_urls"] is None and minimal["bid_options"] is None
    later = _created(user.client, account, start_time=now + 3600)
    assert later["summary_status"] == "NOT_STARTED"

    for missing in ("1000000000000000001", "abc", data["id"] + "0"):
        assert_error(user.client.get(f"/ad_accounts/{account}/campaigns/{missing}"), 404, CampaignNotFound.code)
    # A campaign is found only under its own ad account.
    other_account = make_ad_account(runtime, user)
    assert_error(user.client.get(f"/ad_accounts/{other_account}/campaigns/{data['id']}"), 404, CampaignNotFound.code)


def test_bad_items_get_their_own_exception_and_the_good_ones_are_written(runtime, user):
    account = make_ad_account(runtime, user)
    bad_items = [
        {"ad_account_id": account, "objective_type": "AWARENESS"},  # no name
        _campaign(account, name="   "),
        _campaign(account, objective_type="WEB_SESSIONS"),  # not among the spec's objectives
        _campaign(account, status="RUNNING"),
        _campaign(account, status="DELETED_DRAFT"),
        _campaign(account, start_time=2_000_000_000, end_time=1_999_999_999),
        _campaign(account, start_time=2_000_000_000, end_time=2_000_000_000),
        _campaign(account, daily_spend_cap=-1),
        _campaign(account, lifetime_spend_cap=0),
        _campaign(account, daily_spend_cap=1_000_000, lifetime_spend_cap=1_000_000),
        _campaign(account, daily_spend_cap="1000000"),
        _campaign(account, tracking_urls={"impression": ["a", "b", "c", "d"]}),
        _campaign(account, tracking_urls={"page_visit": ["a"]}),
        _campaign(account, bid_options={"placement_multipliers": {"SEARCH": 11}}),
        _campaign(account, order_line_id="x1"),
        _campaign(account, start_time=10**13),
        {"name": "No account", "objective_type": "AWARENESS"},
        _campaign("1234567890123456"),  # not the path's account
        "not an object",
    ]
    good = [_campaign(account, name="First good"), _campaign(account, name="Second good")]
    items = [good[0], *bad_items, good[1]]
    assert len(items) <= 30
    answered = _create(user.client, account, *items)
    assert len(answered) == len(items)
    for entry, sent in zip(answered[1:-1], bad_items):
        assert "data" not in entry, sent
        (exception,) = entry["exceptions"]
        assert exception["code"] == InvalidParameters.code and exception["message"], sent
    assert [entry["data"]["name"] for entry in (answered[0], answered[-1])] == ["First good", "Second good"]
    listed = all_pages(user.client, f"/ad_accounts/{account}/campaigns", entity_statuses="ACTIVE,PAUSED,ARCHIVED,DRAFT,DELETED_DRAFT")
    assert sorted(c["name"] for c in listed) == ["First good", "Second good"]


@pytest.mark.parametrize("body", [[], [{}] * 31, {"name": "n"}, "campaigns", None])
def test_a_body_that_is_not_a_list_of_1_to_30_is_a_400(runtime, user, body):
    account = make_ad_account(runtime, user)
    for method in ("POST", "PATCH"):
        response = user.client.request(method, f"/ad_accounts/{account}/campaigns", json=body)
        assert_error(response, 400, InvalidParameters.code)


def test_malformed_json_is_a_400(runtime, user):
    account = make_ad_account(runtime, user)
    for method in ("POST", "PATCH"):
        response = user.client.request(method, f"/ad_accounts/{account}/campaigns", content=b"[{",
                                       headers={"Content-Type": "application/json"})
        assert_error(response, 400)


def test_thirty_campaigns_in_one_request(runtime, user):
    account = make_ad_account(runtime, user)
    answered = _create(user.client, account, *[_campaign(account) for _ in range(30)])
    assert all(entry["exceptions"] == [] for entry in answered)
    assert len({entry["data"]["id"] for entry in answered}) == 30


# --- update -------------------------------------------------------------------------------------------


def _update(client, account: str, *items: dict) -> list[dict]:
    response = client.patch(f"/ad_accounts/{account}/campaigns", json=list(items))
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_update_changes_only_the_fields_given(runtime, user, other_user):
    account = make_ad_account(runtime, user)
    now = int(runtime.clock.now().timestamp())
    campaign = _created(user.client, account, daily_spend_cap=2_000_000, end_time=now + 86400 * 30,
                        tracking_urls={"click": ["https://t.example/c"]})
    (entry,) = _update(user.client, account, {"id": campaign["id"], "ad_account_id": account, "name": "Renamed",
                                              "status": "PAUSED"})
    assert entry["exceptions"] == []
    updated = entry["data"]
    assert (updated["name"], updated["status"], updated["summary_status"]) == ("Renamed", "PAUSED", "PAUSED")
    unchanged = {key: value for key, value in campaign.items() if key not in ("name", "status", "summary_status",
                                                                              "updated_time")}
    assert {key: updated[key] for key in unchanged} == unchanged
    assert user.client.get(f"/ad_accounts/{account}/campaigns/{campaign['id']}").json() == updated

    # Clearing a nullable field, and swapping one cap for the other in one item.
    (entry,) = _update(user.client, account, {"id": campaign["id"], "ad_account_id": account, "daily_spend_cap": None,
                                              "lifetime_spend_cap": 9_000_000, "tracking_urls": None, "end_time": None})
    assert entry["exceptions"] == []
    assert (entry["data"]["daily_spend_cap"], entry["data"]["lifetime_spend_cap"]) == (None, 9_000_000)
    assert entry["data"]["tracking_urls"] is None and entry["data"]["end_time"] is None


def test_update_exceptions_per_item(runtime, user, other_user):
    account = make_ad_account(runtime, user)
    foreign_account = make_ad_account(runtime, other_user)
    foreign = _created(other_user.client, foreign_account)
    mine = _created(user.client, account, daily_spend_cap=1_000_000)
    draft = _created(user.client, account, status="DRAFT")
    start = mine["start_time"]
    items = [
        {"id": mine["id"], "ad_account_id": account, "name": "Good update"},
        {"id": "1000000000000000001", "ad_account_id": account, "name": "Unknown"},
        {"id": "9" * 19, "ad_account_id": account, "name": "Unknown"},  # past 64 bits: not found, not a 500
        {"id": foreign["id"], "ad_account_id": account, "name": "Someone else's"},
        {"id": mine["id"], "ad_account_id": account, "end_time": start - 1},
        {"id": mine["id"], "ad_account_id": account, "lifetime_spend_cap": 5_000_000},  # the daily cap stays set
        {"id": mine["id"], "ad_account_id": account, "daily_spend_cap": -5},
        {"id": mine["id"], "ad_account_id": account, "status": "GONE"},
        {"id": mine["id"], "ad_account_id": account, "name": None},
        {"id": mine["id"], "ad_account_id": account, "objective_type": "CONSIDERATION"},  # not a draft
        {"ad_account_id": account, "name": "No id"},
        {"id": mine["id"], "name": "No account"},
        {"id": draft["id"], "ad_account_id": account, "objective_type": "CONSIDERATION", "status": "ACTIVE"},
    ]
    answered = _update(user.client, account, *items)
    assert answered[0]["data"]["name"] == "Good update" and answered[0]["exceptions"] == []
    assert answered[-1]["data"]["objective_type"] == "CONSIDERATION" and answered[-1]["data"]["status"] == "ACTIVE"
    for entry, sent in zip(answered[1:-1], items[1:-1]):
        assert "data" not in entry, sent
        (exception,) = entry["exceptions"]
        expected = CampaignNotFound.code if sent.get("name") in ("Unknown", "Someone else's") else InvalidParameters.code
        assert exception["code"] == expected, (sent, exception)
    # Nothing refused was applied; the foreign campaign is untouched.
    stored = user.client.get(f"/ad_accounts/{account}/campaigns/{mine['id']}").json()
    assert (stored["name"], stored["daily_spend_cap"], stored["lifetime_spend_cap"]) == ("Good update", 1_000_000, None)
    assert stored["end_time"] is None and stored["objective_type"] == "AWARENESS"
    theirs = other_user.client.get(f"/ad_accounts/{foreign_account}/campaigns/{foreign['id']}").json()
    assert theirs["name"] == foreign["name"]


# --- list --------------------------------------------------------------------------------------------


def test_list_filters_order_and_pages(runtime, user):
    account = make_ad_account(runtime, user)
    other_account = make_ad_account(runtime, user)
    _created(user.client, other_account)
    statuses = ["ACTIVE", "PAUSED", "ARCHIVED", "DRAFT", "ACTIVE", "PAUSED"]
    made = [_created(user.client, account, status=status) for status in statuses]
    deleted = _created(user.client, account, status="DRAFT")
    _update(user.client, account, {"id": deleted["id"], "ad_account_id": account, "status": "DELETED_DRAFT"})
    path = f"/ad_accounts/{account}/campaigns"
    ids = [c["id"] for c in made]

    # By default ACTIVE and PAUSED, newest first.
    default = all_pages(user.client, path)
    assert [c["id"] for c in default] == [c["id"] for c in reversed(made) if c["status"] in ("ACTIVE", "PAUSED")]
    ascending = all_pages(user.client, path, order="ASCENDING")
    assert [c["id"] for c in ascending] == [c["id"] for c in made if c["status"] in ("ACTIVE", "PAUSED")]
    everything = all_pages(user.client, path, entity_statuses=["ACTIVE", "PAUSED", "ARCHIVED", "DRAFT", "DELETED_DRAFT"],
                           order="ASCENDING")
    assert [c["id"] for c in everything] == [*ids, deleted["id"]]
    assert [c["id"] for c in all_pages(user.client, path, entity_statuses="DRAFT,DELETED_DRAFT")] == [deleted["id"],
                                                                                                      ids[3]]
    chosen = all_pages(user.client, path, campaign_ids=[ids[0], ids[2], "100000000000000001"],
                       entity_statuses="ACTIVE,ARCHIVED")
    assert sorted(c["id"] for c in chosen) == sorted([ids[0], ids[2]])
    assert [c["id"] for c in all_pages(user.client, path, campaign_ids=f"{ids[1]},{ids[4]}")] == [ids[4], ids[1]]

    # Pages of 2 in both orders, each bookmark bound to its list.
    for order, expected in (("ASCENDING", ids), ("DESCENDING", ids[::-1])):
        seen, sizes, bookmark = [], [], None
        while True:
            params = {"order": order, "page_size": 2, "entity_statuses": "ACTIVE,PAUSED,ARCHIVED,DRAFT",
                      **({"bookmark": bookmark} if bookmark else {})}
            page = user.client.get(path, params=params).json()
            seen += [c["id"] for c in page["items"]]
            sizes.append(len(page["items"]))
            bookmark = page["bookmark"]
            if bookmark is None:
                break
        assert seen == expected and sizes == [2, 2, 2]
    first = user.client.get(path, params={"page_size": 1}).json()
    assert_error(user.client.get(path, params={"page_size": 1, "order": "ASCENDING", "bookmark": first["bookmark"]}),
                 400)
    assert_error(user.client.get(f"/ad_accounts/{other_account}/campaigns",
                                 params={"page_size": 1, "bookmark": first["bookmark"]}), 400)

    for query in ({"entity_statuses": "RUNNING"}, {"order": "UP"}, {"page_size": 0}, {"page_size": 251},
                  {"campaign_ids": "12x"}, {"campaign_ids": ",".join(["1"] * 251)}, {"bookmark": "forged"}):
        assert_error(user.client.get(path, params=query), 400)


# --- access ---------------------------------------------------------------------------------------------


def test_another_users_ad_account_is_not_found(runtime, user, other_user):
    account = make_ad_account(runtime, other_user)
    campaign = _created(other_user.client, account)
    base = f"/ad_accounts/{account}/campaigns"
    for method, path, body in (("GET", base, None), ("GET", f"{base}/{campaign['id']}", None),
                               ("POST", base, [_campaign(account)]),
                               ("PATCH", base, [{"id": campaign["id"], "ad_account_id": account, "name": "x"}])):
        assert_error(user.client.request(method, path, json=body), 404, AdAccountNotFound.code)
    assert_error(user.client.get("/ad_accounts/999/campaigns"), 404, AdAccountNotFound.code)


@pytest.mark.parametrize("role, writes", [("ADMIN", True), ("CAMPAIGN_MANAGER", True), ("ANALYST", False),
                                          ("FINANCE_MANAGER", None)])
def test_roles_on_the_ad_account(runtime, user, other_user, role, writes):
    """Owner, Admin, Analyst and Campaign Manager read campaigns; an Analyst may not write
    them; a role that has nothing to do with campaigns does neither."""
    account = make_ad_account(runtime, user)
    campaign = _created(user.client, account)
    set_role(runtime, account, other_user, role)
    base = f"/ad_accounts/{account}/campaigns"
    reads = writes is not None
    listed = other_user.client.get(base)
    got = other_user.client.get(f"{base}/{campaign['id']}")
    if reads:
        assert listed.status_code == 200 and [c["id"] for c in listed.json()["items"]] == [campaign["id"]]
        assert got.status_code == 200 and got.json() == campaign
    else:
        assert_error(listed, 403, Forbidden.code)
        assert_error(got, 403, Forbidden.code)
    created = other_user.client.post(base, json=[_campaign(account, name="By a delegate")])
    updated = other_user.client.patch(base, json=[{"id": campaign["id"], "ad_account_id": account, "name": "Changed"}])
    if writes:
        assert created.status_code == 200 and created.json()["items"][0]["data"]["name"] == "By a delegate"
        assert updated.status_code == 200 and updated.json()["items"][0]["data"]["name"] == "Changed"
    else:
        assert_error(created, 403, Forbidden.code)
        assert_error(updated, 403, Forbidden.code)
        assert user.client.get(f"{base}/{campaign['id']}").json()["name"] == campaign["name"]


def test_scopes(runtime, user, new_user):
    account = make_ad_account(runtime, user)
    campaign = _created(user.client, account)
    base = f"/ad_accounts/{account}/campaigns"
    reader = user.token_with(runtime, [scope for scope in ALL_SCOPES if scope != "ads:write"])
    headers = {"Authorization": f"Bearer {reader}"}
    assert user.client.get(base, headers=headers).status_code == 200
    assert_error(user.client.post(base, json=[_campaign(account)], headers=headers), 403, MissingScope.code)
    assert_error(user.client.patch(base, json=[{"id": campaign["id"], "ad_account_id": account}], headers=headers),
                 403, MissingScope.code)
    writer = user.token_with(runtime, [scope for scope in ALL_SCOPES if scope != "ads:read"])
    assert_error(user.client.get(f"{base}/{campaign['id']}", headers={"Authorization": f"Bearer {writer}"}), 403,
                 MissingScope.code)
