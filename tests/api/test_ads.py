"""Ads over HTTP, on both databases: each promotes a pin of the ad account's owner."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.errors import (
    AdAccountNotFound,
    AdGroupNotFound,
    AdNotFound,
    Forbidden,
    InvalidParameters,
    MissingScope,
    PinNotFound,
)
from tests.api.test_ad_groups import created as created_group
from tests.api.test_ad_groups import make_campaign
from tests.support.api import all_pages, assert_error, create_board, create_pin, video_source
from tests.support.factories import make_ad_account, set_role

_names = itertools.count()
ALL_STATUSES = "ACTIVE,PAUSED,ARCHIVED,DRAFT,DELETED_DRAFT"


@dataclass
class Shop:
    """An ad account with a campaign and an ad group, and pins of its owner to promote."""

    account: str
    campaign: str
    group: str
    board: str
    pin: dict  # an image pin without a link
    video: dict  # a video pin with a link


def make_shop(runtime, owner) -> Shop:
    account = make_ad_account(runtime, owner)
    campaign = make_campaign(owner.client, account)["id"]
    group = created_group(owner.client, account, campaign)["id"]
    board = create_board(owner.client)["id"]
    pin = create_pin(owner.client, board)
    video = create_pin(owner.client, board, link="https://shop.example/v", media_source=video_source(
        owner.client, cover_image_url="https://img.example/cover.jpg"))
    return Shop(account, campaign, group, board, pin, video)


def ad(group: str, pin_id: str, **fields) -> dict:
    return {"ad_group_id": group, "pin_id": pin_id, "name": f"Ad {next(_names)}", **fields}


def create(client, account: str, *items: dict) -> list[dict]:
    response = client.post(f"/ad_accounts/{account}/ads", json=list(items))
    assert response.status_code == 200, response.text
    return response.json()["items"]


def created(client, shop: Shop, pin_id: str | None = None, **fields) -> dict:
    (entry,) = create(client, shop.account, ad(shop.group, pin_id or shop.pin["id"], **fields))
    assert set(entry) == {"data"}, entry
    return entry["data"]


def update(client, account: str, *items: dict) -> list[dict]:
    response = client.patch(f"/ad_accounts/{account}/ads", json=list(items))
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _exception(entry: dict) -> dict:
    """The spec's AdArrayResponseElement: one exception object, and no data."""
    assert set(entry) == {"exceptions"}, entry
    exception = entry["exceptions"]
    assert set(exception) == {"code", "message"} and exception["message"]
    return exception


def promoted(client, pin_id: str) -> bool:
    response = client.get(f"/pins/{pin_id}")
    assert response.status_code == 200, response.text
    return response.json()["has_been_promoted"]


# --- create and get --------------------------------------------------------------------------------


def test_create_and_get_an_ad(runtime, user):
    shop = make_shop(runtime, user)
    assert not promoted(user.client, shop.pin["id"])
    sent = ad(f"AG{shop.group}", shop.pin["id"], creative_type="CAROUSEL", status="PAUSED",
              destination_url="https://shop.example/p", android_deep_link="shop://p", ios_deep_link="shop://p",
              carousel_destination_urls=["https://shop.example/1", "https://shop.example/2"],
              carousel_android_deep_links=["shop://1"], carousel_ios_deep_links=["shop://1"],
              click_tracking_url="https://t.example/c", view_tracking_url="https://t.example/v",
              tracking_urls={"impression": ["https://t.example/i"]}, customizable_cta_type="LEARN_MORE",
              disclosure_type="IMPORTANT_SAFETY_INFO", disclosure_url="https://shop.example/safety", is_removable=True,
              lead_form_id="AG77", quiz_pin_data={"questions": [{"question_id": 1, "question_text": "Which?",
                                                                "options": [{"id": 1, "text": "This"}]}]},
              # Read-only or computed: ignored.
              grid_click_type="CLOSEUP", is_pin_deleted=True)
    (entry,) = create(user.client, shop.account, sent)
    data = entry["data"]
    for field in set(sent) - {"ad_group_id", "grid_click_type", "is_pin_deleted", "quiz_pin_data"}:
        assert data[field] == sent[field], field
    assert data["quiz_pin_data"]["questions"][0]["options"] == [{"id": 1, "text": "This"}]
    assert (data["ad_group_id"], data["campaign_id"], data["ad_account_id"]) == (shop.group, shop.campaign, shop.account)
    assert (data["type"], data["summary_status"], data["review_status"]) == ("pinpromotion", "PAUSED", "APPROVED")
    assert (data["rejected_reasons"], data["rejection_labels"], data["is_pin_deleted"]) == ([], [], False)
    assert data["grid_click_type"] == "DIRECT_TO_DESTINATION" and data["created_time"] == data["updated_time"]
    assert user.client.get(f"/ad_accounts/{shop.account}/ads/{data['id']}").json() == data
    # The pin is promoted now, as its own reads and the pins list's filter say.
    assert promoted(user.client, shop.pin["id"])
    listed = all_pages(user.client, "/pins", pin_filter="has_been_promoted")
    assert shop.pin["id"] in {pin["id"] for pin in listed} and shop.video["id"] not in {pin["id"] for pin in listed}

    # Defaults: ACTIVE (APPROVED), the creative type from the pin, no destination of its own.
    image = created(user.client, shop, name=None)
    assert (image["status"], image["summary_status"], image["creative_type"]) == ("ACTIVE", "APPROVED", "REGULAR")
    assert image["name"] is None and image["is_removable"] is False and image["grid_click_type"] == "CLOSEUP"
    video = created(user.client, shop, shop.video["id"])
    assert video["creative_type"] == "VIDEO" and video["grid_click_type"] == "DIRECT_TO_DESTINATION"
    assert promoted(user.client, shop.video["id"])

    for missing in ("1000000000000000001", "abc", data["id"] + "0", "9" * 19):
        assert_error(user.client.get(f"/ad_accounts/{shop.account}/ads/{missing}"), 404, AdNotFound.code)
    other_account = make_ad_account(runtime, user)
    assert_error(user.client.get(f"/ad_accounts/{other_account}/ads/{data['id']}"), 404, AdNotFound.code)


def test_an_ad_outlives_its_pin(runtime, user):
    shop = make_shop(runtime, user)
    made = created(user.client, shop)
    assert user.client.delete(f"/pins/{shop.pin['id']}").status_code == 204
    after = user.client.get(f"/ad_accounts/{shop.account}/ads/{made['id']}").json()
    assert after["is_pin_deleted"] is True and after["pin_id"] == shop.pin["id"]
    assert {key: value for key, value in after.items() if key != "is_pin_deleted"} == {
        key: value for key, value in made.items() if key != "is_pin_deleted"}
    (entry,) = update(user.client, shop.account, {"id": made["id"], "status": "PAUSED"})
    assert entry["data"]["is_pin_deleted"] is True
    # A deleted pin cannot be promoted again.
    assert _exception(create(user.client, shop.account, ad(shop.group, shop.pin["id"]))[0])["code"] == PinNotFound.code


def test_only_the_owners_own_visible_pins_can_be_promoted(runtime, user, other_user):
    shop = make_shop(runtime, user)
    theirs = create_pin(other_user.client, create_board(other_user.client)["id"])
    secret = create_pin(user.client, create_board(user.client, privacy="SECRET")["id"])
    protected = create_pin(user.client, create_board(user.client, privacy="PROTECTED")["id"])
    # A delegate's own pin is theirs, not the account owner's.
    set_role(runtime, shop.account, other_user, "CAMPAIGN_MANAGER")
    answered = create(other_user.client, shop.account, ad(shop.group, theirs["id"]), ad(shop.group, "1000000000000000001"),
                      ad(shop.group, "9" * 19), ad(shop.group, secret["id"]), ad(shop.group, protected["id"]))
    assert [_exception(entry)["code"] for entry in answered[:4]] == [PinNotFound.code] * 3 + [InvalidParameters.code]
    assert answered[4]["data"]["pin_id"] == protected["id"]
    assert not promoted(other_user.client, theirs["id"]) and not promoted(user.client, secret["id"])
    assert promoted(user.client, protected["id"])


def test_bad_items_get_their_own_exception_and_the_good_ones_are_written(runtime, user, other_user):
    shop = make_shop(runtime, user)
    foreign = make_shop(runtime, other_user)
    group, pin = shop.group, shop.pin["id"]
    bad_items = [
        {"ad_group_id": group},  # no pin
        {"pin_id": pin},  # no ad group
        ad(group, pin, creative_type="GIF"),
        ad(group, pin, creative_type="VIDEO"),  # an image pin
        ad(group, pin, creative_type="MAX_VIDEO"),
        ad(group, pin, status="RUNNING"),
        ad(group, pin, status="DELETED_DRAFT"),
        ad(group, pin, name="x" * 256),
        ad(group, pin, customizable_cta_type="CLICK_HERE"),
        ad(group, pin, disclosure_type="FINE_PRINT"),
        ad(group, pin, carousel_destination_urls=[f"https://shop.example/{n}" for n in range(6)]),
        ad(group, pin, destination_url=""),
        ad(group, pin, destination_url=5),
        ad(group, pin, is_removable="yes"),
        ad(group, pin, lead_form_id="form-1"),
        ad(group, pin, tracking_urls={"view": ["https://t.example"]}),
        ad(group, pin, quiz_pin_data={"questions": [{"question": "?"}]}),
        ad(group, "pin-1"),
        ad("G1", pin),
        ad(group, pin, ad_account_id="1234567890123456"),
        ad(foreign.group, pin),  # another account's ad group
        ad("1000000000000000001", pin),
        "not an object",
    ]
    good = [ad(group, pin, name="First good"), ad(group, shop.video["id"], name="Second good", creative_type="VIDEO")]
    answered = create(user.client, shop.account, good[0], *bad_items, good[1])
    assert len(answered) == len(bad_items) + 2 <= 30
    for entry, sent in zip(answered[1:-1], bad_items):
        not_found = isinstance(sent, dict) and sent.get("ad_group_id") in (foreign.group, "1000000000000000001")
        assert _exception(entry)["code"] == (AdGroupNotFound.code if not_found else InvalidParameters.code), sent
    assert [entry["data"]["name"] for entry in (answered[0], answered[-1])] == ["First good", "Second good"]
    listed = all_pages(user.client, f"/ad_accounts/{shop.account}/ads", entity_statuses=ALL_STATUSES)
    assert sorted(item["name"] for item in listed) == ["First good", "Second good"]
    assert all_pages(other_user.client, f"/ad_accounts/{foreign.account}/ads", entity_statuses=ALL_STATUSES) == []


@pytest.mark.parametrize("body", [[], [{}] * 31, {"pin_id": "1"}, "ads", None])
def test_a_body_that_is_not_a_list_of_1_to_30_is_a_400(runtime, user, body):
    account = make_ad_account(runtime, user)
    for method in ("POST", "PATCH"):
        assert_error(user.client.request(method, f"/ad_accounts/{account}/ads", json=body), 400, InvalidParameters.code)


def test_thirty_ads_of_one_pin_in_one_request(runtime, user):
    shop = make_shop(runtime, user)
    answered = create(user.client, shop.account, *[ad(shop.group, shop.pin["id"]) for _ in range(30)])
    assert len({entry["data"]["id"] for entry in answered}) == 30
    assert promoted(user.client, shop.pin["id"])


# --- update ------------------------------------------------------------------------------------------


def test_update_changes_only_the_fields_given(runtime, user):
    shop = make_shop(runtime, user)
    made = created(user.client, shop, destination_url="https://shop.example/a", tracking_urls={"click": ["https://t"]})
    (entry,) = update(user.client, shop.account, {"id": made["id"], "name": "Renamed", "status": "PAUSED",
                                                  "customizable_cta_type": "SHOP_NOW", "grid_click_type": "CLOSEUP"})
    changed = entry["data"]
    assert (changed["name"], changed["status"], changed["summary_status"]) == ("Renamed", "PAUSED", "PAUSED")
    assert changed["customizable_cta_type"] == "SHOP_NOW" and changed["grid_click_type"] == "DIRECT_TO_DESTINATION"
    unchanged = {key: value for key, value in made.items()
                 if key not in ("name", "status", "summary_status", "customizable_cta_type", "updated_time")}
    assert {key: changed[key] for key in unchanged} == unchanged
    assert user.client.get(f"/ad_accounts/{shop.account}/ads/{made['id']}").json() == changed
    # Clearing nullable fields; a null pin_id keeps the pin.
    (entry,) = update(user.client, shop.account, {"id": made["id"], "destination_url": None, "tracking_urls": None,
                                                  "name": None, "pin_id": None})
    cleared = entry["data"]
    assert (cleared["destination_url"], cleared["tracking_urls"], cleared["name"]) == (None, None, None)
    assert cleared["pin_id"] == shop.pin["id"] and cleared["grid_click_type"] == "CLOSEUP"


def test_a_draft_ad_may_change_its_pin(runtime, user):
    shop = make_shop(runtime, user)
    other_pin = create_pin(user.client, shop.board)
    draft = created(user.client, shop, status="DRAFT")
    active = created(user.client, shop)
    answered = update(user.client, shop.account, {"id": active["id"], "pin_id": other_pin["id"]},
                      {"id": draft["id"], "pin_id": other_pin["id"], "status": "ACTIVE"})
    assert _exception(answered[0])["code"] == InvalidParameters.code
    assert answered[1]["data"]["pin_id"] == other_pin["id"] and answered[1]["data"]["status"] == "ACTIVE"
    assert promoted(user.client, other_pin["id"])
    # Another pin that is not the owner's is refused like on create.
    draft = created(user.client, shop, status="DRAFT")
    (entry,) = update(user.client, shop.account, {"id": draft["id"], "pin_id": "1000000000000000001"})
    assert _exception(entry)["code"] == PinNotFound.code


def test_update_exceptions_per_item(runtime, user, other_user):
    shop = make_shop(runtime, user)
    foreign = make_shop(runtime, other_user)
    theirs = created(other_user.client, foreign)
    mine = created(user.client, shop)
    second_group = created_group(user.client, shop.account, shop.campaign)["id"]
    items = [
        {"id": mine["id"], "name": "Good update"},
        {"id": "1000000000000000001", "name": "Unknown"},
        {"id": "9" * 19, "name": "Unknown"},
        {"id": theirs["id"], "name": "Someone else's"},
        {"id": mine["id"], "status": None},
        {"id": mine["id"], "creative_type": None},
        {"id": mine["id"], "creative_type": "VIDEO"},
        {"id": mine["id"], "ad_group_id": second_group},
        {"id": mine["id"], "is_removable": None},
        {"name": "No id"},
        {"id": mine["id"], "ad_account_id": "1234"},
        {"id": mine["id"], "ad_group_id": f"AG{shop.group}", "is_removable": True},
    ]
    answered = update(user.client, shop.account, *items)
    assert answered[0]["data"]["name"] == "Good update" and answered[-1]["data"]["is_removable"] is True
    for entry, sent in zip(answered[1:-1], items[1:-1]):
        expected = AdNotFound.code if sent.get("name") in ("Unknown", "Someone else's") else InvalidParameters.code
        assert _exception(entry)["code"] == expected, sent
    stored = user.client.get(f"/ad_accounts/{shop.account}/ads/{mine['id']}").json()
    assert (stored["name"], stored["ad_group_id"], stored["creative_type"]) == ("Good update", shop.group, "REGULAR")
    assert other_user.client.get(f"/ad_accounts/{foreign.account}/ads/{theirs['id']}").json()["name"] == theirs["name"]


# --- list --------------------------------------------------------------------------------------------


def test_list_filters_order_and_pages(runtime, user):
    shop = make_shop(runtime, user)
    other = make_shop(runtime, user)
    created(user.client, other)
    second_campaign = make_campaign(user.client, shop.account)["id"]
    second_group = created_group(user.client, shop.account, second_campaign)["id"]
    statuses = ["ACTIVE", "PAUSED", "ARCHIVED", "DRAFT", "ACTIVE", "PAUSED"]
    made = []
    for n, status in enumerate(statuses):
        (entry,) = create(user.client, shop.account, ad((shop.group, second_group)[n % 2], shop.pin["id"], status=status))
        made.append(entry["data"])
    path = f"/ad_accounts/{shop.account}/ads"
    ids = [item["id"] for item in made]

    assert [a["id"] for a in all_pages(user.client, path)] == [a["id"] for a in reversed(made)
                                                               if a["status"] in ("ACTIVE", "PAUSED")]
    assert [a["id"] for a in all_pages(user.client, path, entity_statuses=ALL_STATUSES, order="ASCENDING")] == ids
    by_campaign = all_pages(user.client, path, campaign_ids=second_campaign, entity_statuses=ALL_STATUSES)
    assert [a["id"] for a in by_campaign] == [ids[5], ids[3], ids[1]]
    by_group = all_pages(user.client, path, ad_group_ids=[shop.group], entity_statuses="ACTIVE,ARCHIVED")
    assert [a["id"] for a in by_group] == [ids[4], ids[2], ids[0]]
    chosen = all_pages(user.client, path, ad_ids=f"{ids[1]},{ids[3]},100000000000000001", entity_statuses="DRAFT")
    assert [a["id"] for a in chosen] == [ids[3]]
    # The spec bounds no ad or ad group id's length: one no ad can have filters out everything.
    for far in ("9" * 19, "1" * 40, "7" * 5000):
        assert all_pages(user.client, path, ad_ids=far) == []
        assert all_pages(user.client, path, ad_group_ids=far) == []
    assert_error(user.client.get(path, params={"campaign_ids": "1" * 19}), 400)  # the spec's maxLength 18

    for order, expected in (("ASCENDING", ids), ("DESCENDING", ids[::-1])):
        seen, bookmark = [], None
        while True:
            params = {"order": order, "page_size": 4, "entity_statuses": ALL_STATUSES,
                      **({"bookmark": bookmark} if bookmark else {})}
            page = user.client.get(path, params=params).json()
            seen += [a["id"] for a in page["items"]]
            bookmark = page["bookmark"]
            if bookmark is None:
                break
        assert seen == expected
    page = user.client.get(path, params={"page_size": 1}).json()
    assert_error(user.client.get(path, params={"page_size": 1, "ad_ids": ids[0], "bookmark": page["bookmark"]}), 400)
    assert_error(user.client.get(f"/ad_accounts/{other.account}/ads",
                                 params={"page_size": 1, "bookmark": page["bookmark"]}), 400)
    for query in ({"entity_statuses": "APPROVED"}, {"order": "UP"}, {"page_size": 0}, {"ad_ids": "12x"},
                  {"ad_group_ids": ",".join(["1"] * 251)}, {"bookmark": "forged"},
                  {"campaign_ids": shop.campaign, "ad_ids": ids[0]}, {"ad_group_ids": shop.group, "ad_ids": ids[0]}):
        assert_error(user.client.get(path, params=query), 400)


# --- access ---------------------------------------------------------------------------------------------


def test_another_users_ad_account_is_not_found(runtime, user, other_user):
    shop = make_shop(runtime, other_user)
    made = created(other_user.client, shop)
    base = f"/ad_accounts/{shop.account}/ads"
    for method, path, body in (("GET", base, None), ("GET", f"{base}/{made['id']}", None),
                               ("POST", base, [ad(shop.group, shop.pin["id"])]),
                               ("PATCH", base, [{"id": made["id"], "name": "x"}])):
        assert_error(user.client.request(method, path, json=body), 404, AdAccountNotFound.code)


@pytest.mark.parametrize("role, writes", [("ADMIN", True), ("CAMPAIGN_MANAGER", True), ("ANALYST", False),
                                          ("FINANCE_MANAGER", None)])
def test_roles_on_the_ad_account(runtime, user, other_user, role, writes):
    """Owner, Admin, Analyst and Campaign Manager read ads; an Analyst may not write them (nor
    mark a pin promoted); a role that has nothing to do with campaigns does neither."""
    shop = make_shop(runtime, user)
    made = created(user.client, shop)
    set_role(runtime, shop.account, other_user, role)
    base = f"/ad_accounts/{shop.account}/ads"
    listed, got = other_user.client.get(base), other_user.client.get(f"{base}/{made['id']}")
    if writes is not None:
        assert listed.status_code == 200 and [a["id"] for a in listed.json()["items"]] == [made["id"]]
        assert got.status_code == 200 and got.json() == made
    else:
        assert_error(listed, 403, Forbidden.code)
        assert_error(got, 403, Forbidden.code)
    by_delegate = other_user.client.post(base, json=[ad(shop.group, shop.video["id"], name="By a delegate")])
    changed = other_user.client.patch(base, json=[{"id": made["id"], "name": "Changed"}])
    if writes:
        assert by_delegate.status_code == 200 and by_delegate.json()["items"][0]["data"]["name"] == "By a delegate"
        assert changed.status_code == 200 and changed.json()["items"][0]["data"]["name"] == "Changed"
        assert promoted(user.client, shop.video["id"])
    else:
        assert_error(by_delegate, 403, Forbidden.code)
        assert_error(changed, 403, Forbidden.code)
        assert user.client.get(f"{base}/{made['id']}").json()["name"] == made["name"]
        assert not promoted(user.client, shop.video["id"])


def test_scopes(runtime, user):
    shop = make_shop(runtime, user)
    made = created(user.client, shop)
    base = f"/ad_accounts/{shop.account}/ads"
    reader = {"Authorization": f"Bearer {user.token_with(runtime, set(ALL_SCOPES) - {'ads:write'})}"}
    assert user.client.get(base, headers=reader).status_code == 200
    assert_error(user.client.post(base, json=[ad(shop.group, shop.video["id"])], headers=reader), 403, MissingScope.code)
    assert_error(user.client.patch(base, json=[{"id": made["id"]}], headers=reader), 403, MissingScope.code)
    assert not promoted(user.client, shop.video["id"])
    writer = {"Authorization": f"Bearer {user.token_with(runtime, set(ALL_SCOPES) - {'ads:read'})}"}
    assert_error(user.client.get(f"{base}/{made['id']}", headers=writer), 403, MissingScope.code)
