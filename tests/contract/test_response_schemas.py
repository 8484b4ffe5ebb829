"""Every implemented operation, over real HTTP: success and error answers match the spec.

Each request goes through ``ContractClient.call``, which asserts the status, checks the
content type, validates the body against the spec's schema for that path, method and
status (the ``default`` response when the status is not listed), and requires error
bodies to be exactly ``{"code": int, "message": str}``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from pinsight.catalog.metrics import METRICS
from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.domain import secrets
from pinsight.errors import (
    AdAccountNotFound,
    AdGroupNotFound,
    AdNotFound,
    BoardNotFound,
    CampaignNotFound,
    Conflict,
    Forbidden,
    InvalidBookmark,
    InvalidParameters,
    MissingScope,
    PinNotFound,
    SectionNotFound,
    Unauthenticated,
)
from pinsight.services.identity import oauth
from pinsight.services.identity.auth import issue_token
from pinsight.store import tables
from tests.support.operations import V5_BEARER_OPERATIONS as OPERATIONS
from tests.contract.support import (
    APP_TYPES,
    LIFETIME_COUNTS,
    OAuthApp,
    World,
    build_world,
    daily_rows,
    ingest_daily_rows,
    tiny_png,
    tiny_png_base64,
    totals,
    unique,
)
from tests.contract.spec_validation import SPEC_URI, SpecValidator, assert_error_body, find_operation
from tests.support.factories import backdate_pin, make_ad_account

UNKNOWN_ID = "1000000000000000001"  # numeric, well-formed, and never minted by the tests' clock
BAD_ID = "not-a-number"
ALL = frozenset(ALL_SCOPES)


# --- the validator itself: it must be able to fail -------------------------------------------


def _pin(**overrides) -> dict:
    pin = {
        "id": "1",
        "created_at": "2024-05-01T10:00:00Z",
        "creative_type": "REGULAR",
        "board_section_id": None,
        "media": {"media_type": "image", "images": {"150x150": {"url": "https://x/1.jpg", "width": 150, "height": 150}}},
    }
    pin.update(overrides)
    return pin


def test_validator_accepts_a_valid_pin_and_nulls_where_nullable(validator: SpecValidator):
    assert validator.component_errors("Pin", _pin()) == []
    assert validator.component_errors("Pin", _pin(title=None, creative_type=None, pin_metrics=None)) == []


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        ({"created_at": "2024-05-01 10:00:00"}, "is not a 'date-time'"),
        ({"created_at": "2024-13-01T10:00:00Z"}, "is not a 'date-time'"),
        ({"id": 1}, "is not of type 'string'"),
        ({"id": "abc"}, "does not match"),
        ({"is_owner": None}, "None is not of type 'boolean'"),
        ({"creative_type": "GIF"}, "is not valid under any of the given schemas"),
        ({"media": {"media_type": "image", "images": {"600x": {"url": "u", "width": 600}}}}, "'height' is a required"),
        ({"media": {"media_type": "carousel"}}, "is not valid under any of the given schemas"),
    ],
)
def test_validator_rejects_an_invalid_pin(validator: SpecValidator, overrides, fragment):
    problems = validator.component_errors("Pin", _pin(**overrides))
    assert any(fragment in problem for problem in problems), problems


def test_validator_enforces_discriminator_mappings(validator: SpecValidator):
    refresh = {"access_token": "a", "token_type": "bearer", "expires_in": 1, "scope": "s", "response_type": "refresh_token"}
    problems = validator.component_errors("OauthAccessTokenResponse", refresh)
    assert any("'refresh_token' is a required property" in problem for problem in problems), problems


def test_validator_resolves_refs_from_the_spec(validator: SpecValidator):
    schema = validator.response_schema("/boards", "get", 200)
    assert schema["properties"]["items"]["items"] == {"$ref": f"{SPEC_URI}#/components/schemas/Board"}
    assert validator.errors(schema, {"items": [{"id": "1"}]}) == ["at items/0: 'name' is a required property"]
    assert validator.response_key("/user_account", "get", 404) == "default"
    assert validator.response_schema("/boards/{board_id}", "delete", 204) is None


def _series(**overrides) -> dict:
    series = {
        "daily_metrics": [{"date": "2024-05-01", "data_status": "READY", "metrics": {"IMPRESSION": 3, "SAVE_RATE": 0.5}}],
        "summary_metrics": {"IMPRESSION": 3, "SAVE_RATE": 0.5},
        "lifetime_metrics": {"TOTAL_COMMENTS": 2},
    }
    series.update(overrides)
    return series


def test_validator_accepts_valid_pin_analytics(validator: SpecValidator):
    assert validator.component_errors("PinAnalyticsResponse", {"all": _series()}) == []
    assert validator.component_errors("PinAnalyticsResponse", {"MOBILE": _series(), "WEB": _series(lifetime_metrics={})}) == []
    assert validator.component_errors("BulkPinAnalyticsResponse", {"1": {"all": _series()}, "2": {"all": _series()}}) == []


@pytest.mark.parametrize(
    "schema, body, fragment",
    [
        ("PinAnalyticsResponse", {"all": _series(lifetime_metrics={"TOTAL_COMMENTS": 1.5})}, "is not of type 'integer'"),
        ("PinAnalyticsResponse", {"all": _series(summary_metrics={"SAVE_RATE": None})}, "None is not of type 'number'"),
        ("PinAnalyticsResponse", {"all": _series(summary_metrics={"SAVE": "3"})}, "'3' is not of type 'number'"),
        ("PinAnalyticsResponse", {"all": _series(daily_metrics=[{"date": "2024-05-01", "data_status": "DONE", "metrics": {}}])},
         "'DONE' is not one of"),
        ("PinAnalyticsResponse", {"all": _series(daily_metrics={"2024-05-01": {}})}, "is not of type 'array'"),
        ("PinAnalyticsResponse", {"all": []}, "is not of type 'object'"),
        ("BulkPinAnalyticsResponse", {"1": _series()}, "is not of type 'object'"),  # a series where the pin's map belongs
    ],
)
def test_validator_rejects_invalid_pin_analytics(validator: SpecValidator, schema, body, fragment):
    problems = validator.component_errors(schema, body)
    assert any(fragment in problem for problem in problems), problems


@pytest.mark.parametrize(
    "body",
    [{"code": 1}, {"message": "m"}, {"code": "1", "message": "m"}, {"code": True, "message": "m"},
     {"code": 1, "message": ""}, {"code": 1, "message": "m", "extra": 1}, [], None],
)
def test_error_shape_check_rejects_other_shapes(body):
    with pytest.raises(AssertionError):
        assert_error_body(body)


def test_the_spec_knows_every_implemented_operation(spec):
    for operation_id in [*OPERATIONS, "oauth/token", "token/revoke"]:
        find_operation(spec, operation_id)


# --- authentication and scopes, for every operation -------------------------------------------

SUCCESS = {op: 200 for op in OPERATIONS} | {
    "boards/create": 201,
    "board_sections/create": 201,
    "pins/create": 201,
    "pins/save": 201,
    "media/create": 201,
    "ad_accounts/create": 201,
    "boards/delete": 204,
    "board_sections/delete": 204,
    "pins/delete": 204,
}


def _request(operation_id: str, world: World, today: date) -> dict:
    """A request that succeeds for the world's user, as keyword arguments for ContractClient.call."""
    ids = {"board_id": world.board_id, "section_id": world.section_id, "pin_id": world.pin_id,
           "ad_account_id": world.ad_account_id, "media_id": world.media_id, "campaign_id": world.campaign_id,
           "ad_group_id": world.ad_group_id, "ad_id": world.ad_id, "targeting_type": "GEO",
           "interest_id": "1", "template_id": world.template_id}
    # The world's pins are new: the week's first days are BEFORE_PIN_CREATED, the last ones PROCESSING.
    analytics = {**_period(today, 6), "metric_types": "IMPRESSION,SAVE_RATE,TOTAL_COMMENTS"}
    queries = {
        "pins/analytics": analytics,
        "multi_pins/analytics": {**analytics, "pin_ids": [world.pin_id, world.section_pin_id]},
        "user_account/analytics": _period(today, 6),
        "user_account/analytics/top_pins": {**_period(today, 6), "sort_by": "IMPRESSION"},
        "user_account/analytics/top_video_pins": {**_period(today, 6), "sort_by": "VIDEO_START"},
        "metrics_ready_state/get": {"date": today.isoformat()},
        "delivery_metrics/get": {"report_type": "ASYNC"},
        "audience_insights/get": {"audience_insight_type": "YOUR_TOTAL_AUDIENCE"},
        **{operation_id: {**_period(today, 6), "granularity": "DAY", **ids,
                          "columns": "SPEND_IN_MICRO_DOLLAR,PAID_IMPRESSION,CTR,TOTAL_CONVERSIONS"}
           for operation_id, ids in (("ad_account/analytics", {}), ("campaigns/analytics", {"campaign_ids": world.campaign_id}),
                                     ("ad_groups/analytics", {"ad_group_ids": "1"}), ("ads/analytics", {"ad_ids": "1"}),
                                     ("ad_pins/analytics", {"campaign_id": world.campaign_id, "pin_ids": world.pin_id}))},
        **{operation_id: {**_period(today, 6), "granularity": "DAY", **ids, "targeting_types": kinds,
                          "columns": "SPEND_IN_MICRO_DOLLAR,PAID_IMPRESSION,CTR,TOTAL_CONVERSIONS,CAMPAIGN_NAME"}
           for operation_id, ids, kinds in (
               ("ad_account_targeting_analytics/get", {}, "GEO,AGE_BUCKET"),
               ("campaign_targeting_analytics/get", {"campaign_ids": world.campaign_id}, "CREATIVE_TYPE,GENDER"),
               ("ad_groups_targeting_analytics/get", {"ad_group_ids": world.ad_group_id}, "APPTYPE"),
               ("ad_targeting_analytics/get", {"ad_ids": world.ad_id}, "LOCATION"))},
        "ad_groups/list": {"campaign_ids": [world.campaign_id], "translate_interests_to_names": "true"},
        "analytics/get_report": {"token": "no-such-report"},
        "ads/list": {"ad_group_ids": [world.ad_group_id]},
    }
    bodies = {
        "boards/create": {"name": unique("Auth board")},
        "boards/update": {"description": "updated"},
        "board_sections/create": {"name": unique("Auth section")},
        "board_sections/update": {"name": unique("Renamed")},
        "pins/create": {"board_id": world.board_id,
                        "media_source": {"source_type": "image_url", "url": "https://images.example/a.jpg"}},
        "pins/update": {"title": "updated"},
        "pins/save": {"board_id": world.board_id},
        "media/create": {"media_type": "video"},
        "ad_accounts/create": {"name": unique("Auth ads"), "country": "US"},
        "campaigns/create": [{"ad_account_id": world.ad_account_id, "name": unique("Auth campaign"),
                              "objective_type": "CONSIDERATION"}],
        "campaigns/update": [{"id": world.campaign_id, "ad_account_id": world.ad_account_id, "name": unique("Renamed")}],
        "events/create": {"data": [{"event_name": "lead", "action_source": "web", "event_id": unique("conversion"),
                                    "event_time": int(datetime.combine(today, time()).replace(tzinfo=UTC).timestamp()),
                                    "user_data": {"em": ["c" * 64]}}]},
        "ad_groups/create": [{"campaign_id": world.campaign_id, "name": unique("Auth ad group"),
                              "billable_event": "CLICKTHROUGH", "budget_in_micro_currency": 1_000_000}],
        "ad_groups/update": [{"id": world.ad_group_id, "name": unique("Renamed")}],
        "ads/create": [{"ad_group_id": world.ad_group_id, "pin_id": world.pin_id, "creative_type": "REGULAR"}],
        "ads/update": [{"id": world.ad_id, "name": unique("Renamed")}],
        "analytics/create_report": {"level": "CAMPAIGN", "granularity": "DAY", **_period(today, 6),
                                    "columns": ["SPEND_IN_MICRO_DOLLAR", "PAID_IMPRESSION", "CAMPAIGN_NAME"]},
        "bulk_download/create": {"entity_types": ["CAMPAIGN", "AD"], "output_format": "CSV"},
    }
    if operation_id == "bulk_request/get":
        ids["bulk_request_id"] = _bulk_request(world)
    return {"params": ids, "json": bodies.get(operation_id), "query": queries.get(operation_id)}


def _bulk_request(world: World) -> str:
    """A bulk download of the world's ad account (its status answers whether done or not)."""
    answer = world.user.client.post(f"/ad_accounts/{world.ad_account_id}/bulk/download", json={})
    assert answer.status_code == 200, answer.text
    return answer.json()["request_id"]


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_authentication_and_scope_errors(operation_id, spec, api, runtime, world: World):
    path, method, operation = find_operation(spec, operation_id)
    request = _request(operation_id, world, runtime.clock.today())
    user = world.user

    for authorization in (None, "Bearer not-a-real-token", "Bearer", f"Basic {user.token}", user.token):
        body = api.call(method, path, authorization=authorization, expect=401, **request)
        assert body["code"] == Unauthenticated.code

    for scope in sorted(OPERATIONS[operation_id].scopes):
        token = user.token_with(runtime, ALL - {scope})
        body = api.call(method, path, token=token, expect=403, **request)
        assert body["code"] == MissingScope.code and scope in body["message"], body

    # Finally the positive control: the same request with every scope succeeds, with the documented status.
    expected = SUCCESS[operation_id]
    assert str(expected) in operation["responses"], f"{operation_id} does not document {expected}"
    api.call(method, path, token=user.token, expect=expected, **request)


def test_expired_tokens_are_401(api, runtime, user):
    with runtime.engine.begin() as conn:
        expired, _, _ = issue_token(conn, runtime, user_id=int(user.id), scopes=ALL, grant="cli")
        conn.execute(
            tables.tokens.update()
            .where(tables.tokens.c.token_hash == secrets.digest(expired))
            .values(expires_at=runtime.clock.now() - timedelta(seconds=1))
        )
    body = api.call("get", "/user_account", token=expired, expect=401)
    assert "expired" in body["message"]


# --- user_account/get ---------------------------------------------------------------------------


def test_user_account(api, runtime, user, other_user):
    account = api.call("get", "/user_account", token=user.token, expect=200)
    assert account["username"] == user.username and account["id"] == user.id

    own_ads = make_ad_account(runtime, user)
    assert api.call("get", "/user_account", token=user.token, query={"ad_account_id": own_ads}, expect=200)["id"] == user.id

    shared = make_ad_account(runtime, other_user, roles={user.id: "ANALYST"})
    as_owner = api.call("get", "/user_account", token=user.token, query={"ad_account_id": shared}, expect=200)
    assert as_owner["username"] == other_user.username

    not_shared = make_ad_account(runtime, other_user)
    body = api.call("get", "/user_account", token=user.token, query={"ad_account_id": not_shared}, expect=403)
    assert body["code"] == Forbidden.code
    body = api.call("get", "/user_account", token=user.token, query={"ad_account_id": UNKNOWN_ID[:16]}, expect=404)
    assert body["code"] == AdAccountNotFound.code
    api.call("get", "/user_account", token=user.token, query={"ad_account_id": "12ab"}, expect=400)
    api.call("get", "/user_account", token=user.token, query={"ad_account_id": "1" * 19}, expect=400)


# --- boards -----------------------------------------------------------------------------------------


def test_boards_list(api, runtime, user, world: World):
    api.call("post", "/boards", token=user.token, json={"name": unique("Secret"), "privacy": "SECRET"}, expect=201)
    api.call("post", "/boards", token=user.token, json={"name": unique("Protected"), "privacy": "PROTECTED"}, expect=201)
    everything = api.call("get", "/boards", token=user.token, expect=200)
    assert {board["privacy"] for board in everything["items"]} == {"PUBLIC", "PROTECTED", "SECRET"}
    assert everything["bookmark"] is None
    for privacy in ("ALL", "PUBLIC", "PROTECTED", "SECRET", "PUBLIC_AND_SECRET"):
        api.call("get", "/boards", token=user.token, query={"privacy": privacy}, expect=200)

    first = api.call("get", "/boards", token=user.token, query={"page_size": 1}, expect=200)
    assert isinstance(first["bookmark"], str) and len(first["items"]) == 1
    api.call("get", "/boards", token=user.token, query={"page_size": 1, "bookmark": first["bookmark"]}, expect=200)

    for query in ({"page_size": 0}, {"page_size": 251}, {"page_size": "ten"}, {"privacy": "HIDDEN"},
                  {"ad_account_id": "x"}):
        api.call("get", "/boards", token=user.token, query=query, expect=400)
    body = api.call("get", "/boards", token=user.token, query={"bookmark": "forged.bookmark"}, expect=400)
    assert body["code"] == InvalidBookmark.code
    api.call("get", "/boards", token=user.token, query={"ad_account_id": UNKNOWN_ID[:16]}, expect=404)

    no_secret = user.token_with(runtime, ALL - {"boards:read_secret"})
    api.call("get", "/boards", token=no_secret, query={"privacy": "SECRET"}, expect=403)
    visible = api.call("get", "/boards", token=no_secret, expect=200)
    assert "SECRET" not in {board["privacy"] for board in visible["items"]}


def test_boards_create(api, runtime, user):
    name = unique("Created")
    board = api.call("post", "/boards", token=user.token, expect=201,
                     json={"name": name, "description": "d", "privacy": "PROTECTED", "is_ads_only": False})
    assert board["name"] == name and board["pin_count"] == 0 and board["media"]["image_cover_url"] is None
    api.call("post", "/boards", token=user.token, json={"name": unique("Null description"), "description": None}, expect=201)

    body = api.call("post", "/boards", token=user.token, json={"name": name}, expect=400)
    assert body["code"] == 58  # Pinterest's "board name already taken"
    for bad in ({}, {"name": ""}, {"name": "   "}, {"name": "x" * 181}, {"name": "n", "privacy": "HIDDEN"},
                {"name": 5}, {"name": "nul\x00byte"}, [], "name"):
        api.call("post", "/boards", token=user.token, json=bad, expect=400)
    api.call("post", "/boards", token=user.token, content=b"{not json", headers={"Content-Type": "application/json"},
             expect=400)
    api.call("post", "/boards", token=user.token, query={"ad_account_id": UNKNOWN_ID[:16]}, json={"name": unique("b")},
             expect=404)
    no_secret_write = user.token_with(runtime, ALL - {"boards:write_secret"})
    api.call("post", "/boards", token=no_secret_write, json={"name": unique("S"), "privacy": "SECRET"}, expect=403)


def test_boards_get(api, runtime, user, other_user, world: World):
    board = api.call("get", "/boards/{board_id}", token=user.token, params={"board_id": world.board_id}, expect=200)
    assert board["id"] == world.board_id and board["pin_count"] == 2
    assert board["media"]["image_cover_url"] and len(board["media"]["pin_thumbnail_urls"]) == 2

    theirs = api.call("post", "/boards", token=other_user.token, json={"name": unique("Theirs"), "privacy": "SECRET"},
                      expect=201)
    for board_id in (UNKNOWN_ID, BAD_ID, "9" * 30, theirs["id"]):
        body = api.call("get", "/boards/{board_id}", token=user.token, params={"board_id": board_id}, expect=404)
        assert body["code"] == BoardNotFound.code
    api.call("get", "/boards/{board_id}", token=user.token, params={"board_id": world.board_id},
             query={"ad_account_id": "-1"}, expect=400)


def test_boards_update(api, runtime, user, other_user, world: World):
    path, params = "/boards/{board_id}", {"board_id": world.board_id}
    updated = api.call("patch", path, token=user.token, params=params, expect=200,
                       json={"name": unique("Renamed"), "description": None, "privacy": "SECRET"})
    assert updated["privacy"] == "SECRET" and updated["description"] is None
    api.call("patch", path, token=user.token, params=params, json={}, expect=200)

    for bad in ({"name": ""}, {"name": None}, {"privacy": "PROTECTED"}, {"privacy": None}, {"description": "x" * 501}):
        api.call("patch", path, token=user.token, params=params, json=bad, expect=400)
    taken = api.call("post", "/boards", token=user.token, json={"name": unique("Taken")}, expect=201)["name"]
    assert api.call("patch", path, token=user.token, params=params, json={"name": taken}, expect=400)["code"] == 58

    public = api.call("post", "/boards", token=other_user.token, json={"name": unique("Public")}, expect=201)
    body = api.call("patch", path, token=user.token, params={"board_id": public["id"]}, json={"name": "mine"}, expect=403)
    assert body["code"] == Forbidden.code
    api.call("patch", path, token=user.token, params={"board_id": UNKNOWN_ID}, json={"name": "x"}, expect=404)
    no_secret_write = user.token_with(runtime, ALL - {"boards:write_secret"})
    api.call("patch", path, token=no_secret_write, params=params, json={"name": "x"}, expect=403)


def test_boards_delete(api, runtime, user, other_user):
    board = api.call("post", "/boards", token=user.token, json={"name": unique("Doomed")}, expect=201)
    path, params = "/boards/{board_id}", {"board_id": board["id"]}
    public = api.call("post", "/boards", token=other_user.token, json={"name": unique("Public")}, expect=201)
    api.call("delete", path, token=user.token, params={"board_id": public["id"]}, expect=403)

    assert api.call("delete", path, token=user.token, params=params, expect=204) is None
    api.call("delete", path, token=user.token, params=params, expect=404)
    api.call("get", path, token=user.token, params=params, expect=404)
    api.call("delete", path, token=user.token, params={"board_id": BAD_ID}, expect=404)
    api.call("delete", path, token=user.token, params={"board_id": UNKNOWN_ID}, query={"ad_account_id": "a"}, expect=400)


def test_boards_list_pins(api, runtime, user, other_user, world: World):
    path, params = "/boards/{board_id}/pins", {"board_id": world.board_id}
    listed = api.call("get", path, token=user.token, params=params, expect=200)
    assert {pin["id"] for pin in listed["items"]} == {world.pin_id, world.section_pin_id}
    page = api.call("get", path, token=user.token, params=params, query={"page_size": 1}, expect=200)
    api.call("get", path, token=user.token, params=params, query={"page_size": 1, "bookmark": page["bookmark"]}, expect=200)
    api.call("get", path, token=user.token, params=params, query=[("creative_types", "REGULAR"), ("creative_types", "VIDEO")],
             expect=200)
    api.call("get", path, token=user.token, params=params, query={"creative_types": "REGULAR,CAROUSEL", "pin_metrics": "true"},
             expect=200)

    for query in ({"creative_types": "GIF"}, {"page_size": 0}, {"pin_metrics": "maybe"}, {"bookmark": "x"}):
        api.call("get", path, token=user.token, params=params, query=query, expect=400)
    # A bookmark from another list is refused.
    boards_page = api.call("get", "/boards", token=user.token, query={"page_size": 1}, expect=200)
    if boards_page["bookmark"]:
        api.call("get", path, token=user.token, params=params, query={"bookmark": boards_page["bookmark"]}, expect=400)
    api.call("get", path, token=user.token, params={"board_id": UNKNOWN_ID}, expect=404)
    api.call("get", path, token=other_user.token, params=params, expect=200)  # public board: others may read


# --- board sections --------------------------------------------------------------------------------


def test_board_sections_list(api, user, other_user, world: World):
    path, params = "/boards/{board_id}/sections", {"board_id": world.board_id}
    api.call("post", path, token=user.token, params=params, json={"name": unique("Second")}, expect=201)
    listed = api.call("get", path, token=user.token, params=params, expect=200)
    assert world.section_id in {section["id"] for section in listed["items"]} and len(listed["items"]) == 2
    page = api.call("get", path, token=user.token, params=params, query={"page_size": 1}, expect=200)
    api.call("get", path, token=user.token, params=params, query={"page_size": 1, "bookmark": page["bookmark"]}, expect=200)

    api.call("get", path, token=user.token, params=params, query={"bookmark": "nope"}, expect=400)
    api.call("get", path, token=user.token, params=params, query={"page_size": 300}, expect=400)
    assert api.call("get", path, token=user.token, params={"board_id": UNKNOWN_ID}, expect=404)["code"] == BoardNotFound.code
    api.call("get", path, token=other_user.token, params=params, expect=200)


def test_board_sections_create(api, runtime, user, other_user, world: World):
    path, params = "/boards/{board_id}/sections", {"board_id": world.board_id}
    name = unique("Fresh")
    assert api.call("post", path, token=user.token, params=params, json={"name": name}, expect=201)["name"] == name

    for bad in ({}, {"name": ""}, {"name": "  "}, {"name": "x" * 181}, {"name": None}):
        api.call("post", path, token=user.token, params=params, json=bad, expect=400)
    body = api.call("post", path, token=user.token, params=params, json={"name": name}, expect=409)
    assert body["code"] == Conflict.code
    body = api.call("post", path, token=other_user.token, params=params, json={"name": "intruder"}, expect=403)
    assert body["code"] == Forbidden.code
    api.call("post", path, token=user.token, params={"board_id": UNKNOWN_ID}, json={"name": "x"}, expect=404)


def test_board_sections_update(api, runtime, user, other_user, world: World):
    path = "/boards/{board_id}/sections/{section_id}"
    params = {"board_id": world.board_id, "section_id": world.section_id}
    name = unique("Renamed section")
    assert api.call("patch", path, token=user.token, params=params, json={"name": name}, expect=200)["name"] == name
    api.call("patch", path, token=user.token, params=params, json={"name": name}, expect=200)  # same name: no conflict

    other = api.call("post", "/boards/{board_id}/sections", token=user.token, params={"board_id": world.board_id},
                     json={"name": unique("Other")}, expect=201)
    body = api.call("patch", path, token=user.token, params=params, json={"name": other["name"]}, expect=409)
    assert body["code"] == Conflict.code
    api.call("patch", path, token=user.token, params=params, json={"name": ""}, expect=400)
    api.call("patch", path, token=user.token, params=params, json={}, expect=400)
    api.call("patch", path, token=other_user.token, params=params, json={"name": "mine"}, expect=403)
    body = api.call("patch", path, token=user.token, params={**params, "section_id": UNKNOWN_ID}, json={"name": "x"},
                    expect=404)
    assert body["code"] == SectionNotFound.code
    # A section of another board is not found on this one.
    board = api.call("post", "/boards", token=user.token, json={"name": unique("Elsewhere")}, expect=201)
    api.call("patch", path, token=user.token, params={**params, "board_id": board["id"]}, json={"name": "x"}, expect=404)


def test_board_sections_delete(api, runtime, user, other_user, world: World):
    path = "/boards/{board_id}/sections/{section_id}"
    params = {"board_id": world.board_id, "section_id": world.section_id}
    api.call("delete", path, token=other_user.token, params=params, expect=403)
    api.call("delete", path, token=user.token, params=params, query={"ad_account_id": "x1"}, expect=400)
    assert api.call("delete", path, token=user.token, params=params, expect=204) is None
    assert api.call("delete", path, token=user.token, params=params, expect=404)["code"] == SectionNotFound.code
    api.call("delete", path, token=user.token, params={**params, "section_id": BAD_ID}, expect=404)
    api.call("delete", path, token=user.token, params={**params, "board_id": UNKNOWN_ID}, expect=404)
    # As on Pinterest, a section's pins go with it; the board's other pins stay.
    api.call("get", "/pins/{pin_id}", token=user.token, params={"pin_id": world.section_pin_id}, expect=404)
    api.call("get", "/pins/{pin_id}", token=user.token, params={"pin_id": world.pin_id}, expect=200)


def test_board_sections_list_pins(api, runtime, user, other_user, world: World):
    path = "/boards/{board_id}/sections/{section_id}/pins"
    params = {"board_id": world.board_id, "section_id": world.section_id}
    listed = api.call("get", path, token=user.token, params=params, expect=200)
    assert [pin["id"] for pin in listed["items"]] == [world.section_pin_id]
    assert listed["items"][0]["board_section_id"] == world.section_id
    api.call("get", path, token=other_user.token, params=params, expect=200)

    api.call("get", path, token=user.token, params=params, query={"page_size": -1}, expect=400)
    api.call("get", path, token=user.token, params=params, query={"bookmark": "bad"}, expect=400)
    api.call("get", path, token=user.token, params={**params, "section_id": UNKNOWN_ID}, expect=404)
    api.call("get", path, token=user.token, params={**params, "board_id": UNKNOWN_ID}, expect=404)


# --- pins -------------------------------------------------------------------------------------------


def test_pins_list(api, runtime, user, world: World):
    listed = api.call("get", "/pins", token=user.token, expect=200)
    assert {pin["id"] for pin in listed["items"]} >= {world.pin_id, world.section_pin_id}
    for query in ({"pin_filter": "exclude_native"}, {"pin_filter": "exclude_repins"}, {"pin_filter": "has_been_promoted"},
                  {"include_protected_pins": "true"}, {"pin_type": "PRIVATE"}, {"creative_types": "VIDEO"},
                  {"pin_metrics": "true"}, {"page_size": 1}, {"ad_account_id": world.ad_account_id}):
        api.call("get", "/pins", token=user.token, query=query, expect=200)

    for query in ({"pin_filter": "all"}, {"pin_type": "PUBLIC"}, {"creative_types": "GIF"}, {"page_size": 251},
                  {"include_protected_pins": "perhaps"}, {"bookmark": "x.y"}):
        api.call("get", "/pins", token=user.token, query=query, expect=400)
    no_secret = user.token_with(runtime, ALL - {"pins:read_secret"})
    api.call("get", "/pins", token=no_secret, query={"pin_type": "PRIVATE"}, expect=403)
    api.call("get", "/pins", token=user.token, query={"ad_account_id": UNKNOWN_ID[:16]}, expect=404)


PNG_2x1 = tiny_png_base64(2, 1)

MEDIA_SOURCES = {
    "image_url": {"source_type": "image_url", "url": "https://images.example/one.jpg"},
    "image_base64": {"source_type": "image_base64", "content_type": "image/png", "data": PNG_2x1},
    "multiple_image_urls": {
        "source_type": "multiple_image_urls",
        "items": [{"url": "https://images.example/1.jpg", "link": "https://shop.example/1", "title": "one"},
                  {"url": "https://images.example/2.jpg"}],
        "index": 1,
    },
    "multiple_image_base64": {
        "source_type": "multiple_image_base64",
        "items": [{"content_type": "image/png", "data": PNG_2x1}, {"content_type": "image/png", "data": tiny_png_base64(1, 1)}],
    },
    # PNG bytes labelled JPEG, as the official SDK's own integration tests send them: the bytes decide.
    "image_base64_mislabelled": {"source_type": "image_base64", "content_type": "image/jpeg", "data": PNG_2x1},
    # The media_id is the world's registered upload (video_source).
    "video_id": {"source_type": "video_id", "cover_image_url": "https://images.example/cover.jpg"},
    "video_id_without_cover": {"source_type": "video_id"},
}


def video_source(world: World, kind: str = "video_id") -> dict:
    return {**MEDIA_SOURCES[kind], "media_id": world.media_id}


def test_tiny_png_is_a_png():
    raw = tiny_png(2, 1)
    assert raw.startswith(b"\x89PNG\r\n\x1a\n") and raw[12:16] == b"IHDR" and raw.endswith(b"IEND\xaeB`\x82")


@pytest.mark.parametrize("kind", sorted(MEDIA_SOURCES))
def test_pins_create_from_each_media_source(api, user, world: World, kind):
    source = video_source(world, kind) if kind.startswith("video_id") else MEDIA_SOURCES[kind]
    body = {"board_id": world.board_id, "title": f"From {kind}", "description": "d", "link": "https://shop.example/p",
            "alt_text": "alt", "dominant_color": "#6E7874", "media_source": source}
    pin = api.call("post", "/pins", token=user.token, json=body, expect=201)
    expected_type = "video" if kind.startswith("video_id") else "multiple_images" if kind.startswith("multiple") else "image"
    assert pin["media"]["media_type"] == expected_type and pin["board_id"] == world.board_id and pin["is_owner"] is True
    if expected_type == "image":
        assert all(isinstance(size["height"], int) for size in pin["media"]["images"].values())
    if kind.startswith("image_base64"):
        # The 2x1 PNG's proportions carry over to the width-bound renditions.
        assert (pin["media"]["images"]["600x"]["width"], pin["media"]["images"]["600x"]["height"]) == (600, 300)
    again = api.call("get", "/pins/{pin_id}", token=user.token, params={"pin_id": pin["id"]}, expect=200)
    assert again == pin


def test_pins_create_errors(api, runtime, user, other_user, world: World):
    image = MEDIA_SOURCES["image_url"]
    api.call("post", "/pins", token=user.token, expect=201,
             json={"board_id": world.board_id, "board_section_id": world.section_id, "media_source": image,
                   "parent_pin_id": world.pin_id, "title": None, "link": None})
    bad_bodies = [
        {"board_id": world.board_id},
        {"board_id": world.board_id, "media_source": None},
        {"board_id": world.board_id, "media_source": {"source_type": "image_url"}},
        {"board_id": world.board_id, "media_source": {"source_type": "image_url", "url": "ftp://x"}},
        {"board_id": world.board_id, "media_source": {"source_type": "gif_url", "url": "https://x/y.gif"}},
        {"board_id": world.board_id, "media_source": {"source_type": "pin_url", "url": "https://pinterest.com/pin/1"}},
        {"board_id": world.board_id, "media_source": {"source_type": "image_base64", "content_type": "image/png",
                                                        "data": "not base64!"}},
        {"board_id": world.board_id, "media_source": {"source_type": "image_base64", "content_type": "image/jpeg",
                                                        "data": "bm90IGFuIGltYWdl"}},  # base64, but of no image
        {"board_id": world.board_id, "media_source": {"source_type": "multiple_image_urls",
                                                        "items": [{"url": "https://x/1.jpg"}]}},
        {"board_id": world.board_id, "media_source": {**MEDIA_SOURCES["multiple_image_urls"], "index": 5}},
        {"board_id": world.board_id, "media_source": {"source_type": "video_id", "media_id": "v1"}},
        {"board_id": world.board_id, "media_source": {**image, "is_standard": "yes"}},
        {"board_id": world.board_id, "media_source": image, "title": "t" * 101},
        {"board_id": "abc", "media_source": image},
        {"media_source": image},
    ]
    for body in bad_bodies:
        api.call("post", "/pins", token=user.token, json=body, expect=400)
    assert api.call("post", "/pins", token=user.token, json={"board_id": UNKNOWN_ID, "media_source": image},
                    expect=404)["code"] == BoardNotFound.code
    assert api.call("post", "/pins", token=user.token, expect=404,
                    json={"board_id": world.board_id, "board_section_id": UNKNOWN_ID, "media_source": image},
                    )["code"] == SectionNotFound.code
    assert api.call("post", "/pins", token=user.token, expect=404,
                    json={"board_id": world.board_id, "parent_pin_id": UNKNOWN_ID, "media_source": image},
                    )["code"] == PinNotFound.code
    theirs = api.call("post", "/boards", token=other_user.token, json={"name": unique("Theirs")}, expect=201)
    api.call("post", "/pins", token=user.token, json={"board_id": theirs["id"], "media_source": image}, expect=403)


def test_pins_get(api, user, other_user, world: World):
    pin = api.call("get", "/pins/{pin_id}", token=user.token, params={"pin_id": world.pin_id}, expect=200)
    assert pin["id"] == world.pin_id and pin["board_owner"]["username"] == user.username
    seen = api.call("get", "/pins/{pin_id}", token=other_user.token, params={"pin_id": world.pin_id}, expect=200)
    assert seen["is_owner"] is False
    api.call("get", "/pins/{pin_id}", token=user.token, params={"pin_id": world.pin_id}, query={"pin_metrics": "true"},
             expect=200)
    for pin_id in (UNKNOWN_ID, BAD_ID, "0"):
        assert api.call("get", "/pins/{pin_id}", token=user.token, params={"pin_id": pin_id}, expect=404)["code"] == 50
    api.call("get", "/pins/{pin_id}", token=user.token, params={"pin_id": world.pin_id}, query={"pin_metrics": "x"},
             expect=400)


def test_pins_update(api, runtime, user, other_user, world: World):
    path, params = "/pins/{pin_id}", {"pin_id": world.pin_id}
    other_board = api.call("post", "/boards", token=user.token, json={"name": unique("Move to")}, expect=201)
    moved = api.call("patch", path, token=user.token, params=params, expect=200,
                     json={"title": "New", "description": None, "link": "https://x.example", "alt_text": "a",
                           "board_id": other_board["id"]})
    assert moved["board_id"] == other_board["id"] and moved["description"] is None
    back = api.call("patch", path, token=user.token, params=params, expect=200,
                    json={"board_id": world.board_id, "board_section_id": world.section_id})
    assert back["board_section_id"] == world.section_id
    assert api.call("patch", path, token=user.token, params=params, json={"board_section_id": None},
                    expect=200)["board_section_id"] is None

    carousel = api.call("post", "/pins", token=user.token, expect=201,
                        json={"board_id": world.board_id, "media_source": MEDIA_SOURCES["multiple_image_urls"]})
    slotted = api.call("patch", path, token=user.token, params={"pin_id": carousel["id"]}, expect=200,
                       json={"carousel_slots": [{"link": "https://a.example"}, {"link": None}]})
    assert [item["link"] for item in slotted["media"]["items"]] == ["https://a.example", None]

    for bad in ({"title": "t" * 101}, {"board_id": "x"}, {"carousel_slots": [{"link": "x"}]}, {"link": 3}):
        api.call("patch", path, token=user.token, params=params, json=bad, expect=400)
    api.call("patch", path, token=user.token, params={"pin_id": UNKNOWN_ID}, json={"title": "x"}, expect=404)
    api.call("patch", path, token=user.token, params=params, json={"board_id": UNKNOWN_ID}, expect=404)
    api.call("patch", path, token=other_user.token, params=params, json={"title": "mine"}, expect=403)


def test_pins_delete(api, user, other_user, world: World):
    path, params = "/pins/{pin_id}", {"pin_id": world.pin_id}
    api.call("delete", path, token=other_user.token, params=params, expect=403)
    api.call("delete", path, token=user.token, params=params, query={"ad_account_id": "x1"}, expect=400)
    assert api.call("delete", path, token=user.token, params=params, expect=204) is None
    api.call("delete", path, token=user.token, params=params, expect=404)
    api.call("delete", path, token=user.token, params={"pin_id": BAD_ID}, expect=404)
    api.call("delete", path, token=user.token, params=params, query={"ad_account_id": "1.5"}, expect=400)


def test_pins_save(api, runtime, user, other_user, world: World):
    path = "/pins/{pin_id}/save"
    theirs = build_world(api, runtime, other_user)
    saved = api.call("post", path, token=user.token, params={"pin_id": theirs.pin_id}, json={"board_id": world.board_id},
                     expect=201)
    assert saved["parent_pin_id"] == theirs.pin_id and saved["is_owner"] is True and saved["board_id"] == world.board_id
    into_section = api.call("post", path, token=user.token, params={"pin_id": theirs.pin_id},
                            json={"board_section_id": world.section_id}, expect=201)
    assert into_section["board_id"] == world.board_id

    assert api.call("post", path, token=user.token, params={"pin_id": UNKNOWN_ID}, json={"board_id": world.board_id},
                    expect=404)["code"] == PinNotFound.code
    assert api.call("post", path, token=user.token, params={"pin_id": theirs.pin_id}, json={"board_id": UNKNOWN_ID},
                    expect=404)["code"] == BoardNotFound.code
    assert api.call("post", path, token=user.token, params={"pin_id": theirs.pin_id},
                    json={"board_id": theirs.board_id}, expect=403)["code"] == Forbidden.code
    api.call("post", path, token=user.token, params={"pin_id": theirs.pin_id}, json={}, expect=400)
    api.call("post", path, token=user.token, params={"pin_id": theirs.pin_id}, json={"board_id": "b"}, expect=400)


# --- ad accounts --------------------------------------------------------------------------------------


def test_ad_accounts_list(api, runtime, user, other_user):
    own = make_ad_account(runtime, user)
    shared = make_ad_account(runtime, other_user, roles={user.id: "ADMIN"})
    listed = api.call("get", "/ad_accounts", token=user.token, expect=200)
    by_id = {account["id"]: account for account in listed["items"]}
    assert by_id.keys() == {own, shared}
    assert "OWNER" in by_id[own]["permissions"] and by_id[shared]["permissions"] == ["ADMIN"]
    only_own = api.call("get", "/ad_accounts", token=user.token, query={"include_shared_accounts": "false"}, expect=200)
    assert [account["id"] for account in only_own["items"]] == [own]
    page = api.call("get", "/ad_accounts", token=user.token, query={"page_size": 1}, expect=200)
    api.call("get", "/ad_accounts", token=user.token, query={"page_size": 1, "bookmark": page["bookmark"]}, expect=200)

    for query in ({"page_size": 0}, {"include_shared_accounts": "sometimes"}, {"bookmark": "x"}):
        api.call("get", "/ad_accounts", token=user.token, query=query, expect=400)


def test_ad_accounts_get(api, runtime, user, other_user):
    own = make_ad_account(runtime, user)
    shared = make_ad_account(runtime, other_user, roles={user.id: "ANALYST"})
    private = make_ad_account(runtime, other_user)
    account = api.call("get", "/ad_accounts/{ad_account_id}", token=user.token, params={"ad_account_id": own}, expect=200)
    assert account["owner"]["username"] == user.username and account["currency"] == "USD"
    api.call("get", "/ad_accounts/{ad_account_id}", token=user.token, params={"ad_account_id": shared}, expect=200)
    for ad_account_id in (private, UNKNOWN_ID, BAD_ID):
        body = api.call("get", "/ad_accounts/{ad_account_id}", token=user.token, params={"ad_account_id": ad_account_id},
                        expect=404)
        assert body["code"] == AdAccountNotFound.code


def test_ad_accounts_create(api, user):
    account = api.call("post", "/ad_accounts", token=user.token, expect=201,
                       json={"name": unique("Created ads"), "country": "DE", "currency": "EUR", "owner_user_id": user.id})
    assert account["permissions"] == ["OWNER"] and account["owner"]["id"] == user.id
    for bad in ({"name": "n"}, {"name": "n", "country": "ZZ"}, []):
        api.call("post", "/ad_accounts", token=user.token, json=bad, expect=400)
    body = api.call("post", "/ad_accounts", token=user.token, json={"name": "n", "country": "US", "owner_user_id": "1"},
                    expect=403)
    assert body["code"] == Forbidden.code


# --- campaigns -------------------------------------------------------------------------------------------

CAMPAIGNS = "/ad_accounts/{ad_account_id}/campaigns"
CAMPAIGN = "/ad_accounts/{ad_account_id}/campaigns/{campaign_id}"


def test_campaigns_create_update_get_and_list(api, runtime, user, other_user):
    account = make_ad_account(runtime, user)
    where = {"ad_account_id": account}
    full = {"ad_account_id": account, "name": unique("Full"), "objective_type": "CATALOG_SALES", "status": "PAUSED",
            "daily_spend_cap": 3_000_000, "start_time": 1_900_000_000, "end_time": 1_900_086_400, "order_line_id": "7",
            "tracking_urls": {"click": ["https://t.example/c"], "audience_verification": []},
            "is_flexible_daily_budgets": True, "default_ad_group_budget_in_micro_currency": 1_000_000,
            "is_campaign_budget_optimization": False, "is_automated_campaign": True,
            "bid_options": {"app_type_multipliers": {"iphone": 1.2}, "audience_multipliers": {"123": 0.5}}}
    created = api.call("post", CAMPAIGNS, token=user.token, params=where, expect=200,
                       json=[full, {"ad_account_id": account, "objective_type": "AWARENESS"},
                             {"ad_account_id": account, "name": "Minimal", "objective_type": "AWARENESS"}])
    data = created["items"][0]["data"]
    assert created["items"][1]["exceptions"] and "data" not in created["items"][1]
    ids = {"ad_account_id": account, "campaign_id": data["id"]}
    assert api.call("get", CAMPAIGN, token=user.token, params=ids, expect=200) == data

    updated = api.call("patch", CAMPAIGNS, token=user.token, params=where, expect=200,
                       json=[{"id": data["id"], "ad_account_id": account, "status": "ARCHIVED", "tracking_urls": None},
                             {"id": UNKNOWN_ID[:18], "ad_account_id": account, "name": "x"}])
    assert updated["items"][0]["data"]["summary_status"] == "ARCHIVED"
    assert updated["items"][1]["exceptions"][0]["code"] == CampaignNotFound.code

    listed = api.call("get", CAMPAIGNS, token=user.token, params=where, expect=200,
                      query={"entity_statuses": ["ACTIVE", "ARCHIVED"], "order": "ASCENDING", "page_size": 1})
    assert len(listed["items"]) == 1 and listed["bookmark"]
    api.call("get", CAMPAIGNS, token=user.token, params=where, expect=200,
             query={"entity_statuses": ["ACTIVE", "ARCHIVED"], "order": "ASCENDING", "page_size": 1,
                    "bookmark": listed["bookmark"]})
    api.call("get", CAMPAIGNS, token=user.token, params=where, expect=200, query={"campaign_ids": [data["id"]]})

    for query in ({"entity_statuses": "LIVE"}, {"order": "SIDEWAYS"}, {"page_size": 0}, {"bookmark": "x"}):
        api.call("get", CAMPAIGNS, token=user.token, params=where, query=query, expect=400)
    for body in ([], {"name": "x"}):
        api.call("post", CAMPAIGNS, token=user.token, params=where, json=body, expect=400)
        api.call("patch", CAMPAIGNS, token=user.token, params=where, json=body, expect=400)
    body = api.call("get", CAMPAIGN, token=user.token, params={**ids, "campaign_id": UNKNOWN_ID[:18]}, expect=404)
    assert body["code"] == CampaignNotFound.code
    foreign = make_ad_account(runtime, other_user)
    body = api.call("get", CAMPAIGNS, token=user.token, params={"ad_account_id": foreign}, expect=404)
    assert body["code"] == AdAccountNotFound.code
    analyst = make_ad_account(runtime, other_user, roles={user.id: "ANALYST"})
    api.call("get", CAMPAIGNS, token=user.token, params={"ad_account_id": analyst}, expect=200)
    body = api.call("post", CAMPAIGNS, token=user.token, params={"ad_account_id": analyst}, expect=403,
                    json=[{"ad_account_id": analyst, "name": "n", "objective_type": "AWARENESS"}])
    assert body["code"] == Forbidden.code


# --- ad groups and ads ------------------------------------------------------------------------------------

AD_GROUPS = "/ad_accounts/{ad_account_id}/ad_groups"
AD_GROUP = "/ad_accounts/{ad_account_id}/ad_groups/{ad_group_id}"
ADS = "/ad_accounts/{ad_account_id}/ads"
AD = "/ad_accounts/{ad_account_id}/ads/{ad_id}"


def _every_ad_group_field(campaign_id: str) -> dict:
    """An ad group with every field the spec's AdGroupCreateRequest has, each set."""
    return {
        "campaign_id": campaign_id, "name": unique("Full ad group"), "status": "PAUSED",
        "budget_in_micro_currency": 9_000_000, "bid_in_micro_currency": 1_500_000, "budget_type": "LIFETIME",
        "start_time": 1_900_086_400, "end_time": 1_950_000_000, "lifetime_frequency_cap": 20,
        "billable_event": "IMPRESSION",
        "targeting_spec": {
            "APPTYPE": ["iphone", "web"], "AUDIENCE_EXCLUDE": ["123"], "AUDIENCE_INCLUDE": ["456"],
            "GENDER": ["female", "unknown"], "GEO": ["BE-VOV", "FR-75C"], "INTEREST": ["150"],
            "LOCALE": ["en-US", "fr"], "LOCATION": ["US", "807"], "MINIMUM_AGE": "25", "MAXIMUM_AGE": "65+",
            "SHOPPING_RETARGETING": [{"lookback_window": 30, "exclusion_window": 14, "tag_types": [0, 6]}],
            "TARGETING_STRATEGY": ["CHOOSE_YOUR_OWN"],
        },
        "tracking_urls": {"impression": ["https://t.example/i"], "click": []},
        "auto_targeting_enabled": False, "placement_group": "SEARCH", "pacing_delivery_type": "ACCELERATED",
        "bid_strategy_type": "MAX_BID",
        "optimization_goal_metadata": {
            "conversion_tag_v3_goal_metadata": {
                "attribution_windows": {"click_window_days": 30, "engagement_window_days": 30, "view_window_days": 1},
                "conversion_event": "CHECKOUT", "conversion_tag_id": "2613", "cpa_goal_value_in_micro_currency": "5000000",
                "is_roas_optimized": False, "learning_mode_type": "ACTIVE", "reporting_event": "INITIATE_CHECKOUT",
            },
            "frequency_goal_metadata": {"frequency": 5, "timerange": "SEVEN_DAY"},
            "scrollup_goal_metadata": {"scrollup_goal_value_in_micro_currency": "100"},
        },
        "is_creative_optimization": True, "bid_multiplier": 1.5, "promotion_id": "7834020347906",
        "promotion_application_level": "AD_GROUP",
    }


def test_ad_groups_create_update_get_and_list(api, runtime, user, other_user):
    account = make_ad_account(runtime, user)
    where = {"ad_account_id": account}
    campaigns = api.call("post", CAMPAIGNS, token=user.token, params=where, expect=200,
                         json=[{"ad_account_id": account, "name": unique("Web"), "objective_type": "WEB_CONVERSION",
                                "start_time": 1_900_000_000, "end_time": 1_990_000_000}])
    campaign = campaigns["items"][0]["data"]["id"]
    goal = {"conversion_tag_v3_goal_metadata": {"conversion_event": "PAGE_VISIT"}}
    created = api.call("post", AD_GROUPS, token=user.token, params=where, expect=200, json=[
        _every_ad_group_field(campaign),
        {"campaign_id": f"C{campaign}", "name": "Buckets", "billable_event": "CLICKTHROUGH", "budget_in_micro_currency": 1,
         "targeting_spec": {"AGE_BUCKET": ["18-24", "65+"], "GEO": ["FR-75C"]}, "optimization_goal_metadata": goal},
        {"campaign_id": campaign, "name": "Template", "billable_event": "CLICKTHROUGH", "budget_in_micro_currency": 1,
         "targeting_template_ids": ["643"], "optimization_goal_metadata": goal},
        {"campaign_id": UNKNOWN_ID[:18], "name": "Nowhere", "billable_event": "CLICKTHROUGH"},
        {"campaign_id": campaign, "name": "Ages", "billable_event": "CLICKTHROUGH", "budget_in_micro_currency": 1,
         "targeting_spec": {"LOCATION": ["US"], "MINIMUM_AGE": "40", "MAXIMUM_AGE": "30"}},
    ])
    full, buckets, template, nowhere, ages = created["items"]
    data = full["data"]
    assert data["lifetime_frequency_cap"] == 20 and data["targeting_spec"]["MAXIMUM_AGE"] == "65+"
    assert data["conversion_learning_mode_type"] == "ACTIVE" and data["summary_status"] == "PAUSED"
    assert buckets["data"]["campaign_id"] == campaign and template["data"]["targeting_spec"] == {}
    assert nowhere["exceptions"][0]["code"] == CampaignNotFound.code
    assert ages["exceptions"][0]["code"] == InvalidParameters.code
    ids = {"ad_account_id": account, "ad_group_id": data["id"]}
    assert api.call("get", AD_GROUP, token=user.token, params=ids, expect=200) == data

    updated = api.call("patch", AD_GROUPS, token=user.token, params=where, expect=200,
                       json=[{"id": data["id"], "status": "ARCHIVED", "tracking_urls": {}, "bid_multiplier": 0,
                              "targeting_template_ids": ["0"]},
                             {"id": UNKNOWN_ID[:18], "name": "x"}])
    assert updated["items"][0]["data"]["tracking_urls"] is None and updated["items"][0]["data"]["bid_multiplier"] is None
    assert updated["items"][1]["exceptions"][0]["code"] == AdGroupNotFound.code

    listed = api.call("get", AD_GROUPS, token=user.token, params=where, expect=200,
                      query={"entity_statuses": ["ACTIVE", "ARCHIVED"], "order": "ASCENDING", "page_size": 1})
    assert len(listed["items"]) == 1 and listed["bookmark"]
    api.call("get", AD_GROUPS, token=user.token, params=where, expect=200,
             query={"entity_statuses": ["ACTIVE", "ARCHIVED"], "order": "ASCENDING", "page_size": 1,
                    "bookmark": listed["bookmark"]})
    api.call("get", AD_GROUPS, token=user.token, params=where, expect=200, query={"campaign_ids": [campaign]})
    api.call("get", AD_GROUPS, token=user.token, params=where, expect=200,
             query={"ad_group_ids": [data["id"]], "translate_interests_to_names": "true"})
    for query in ({"entity_statuses": "LIVE"}, {"order": "SIDEWAYS"}, {"page_size": 0}, {"bookmark": "x"},
                  {"campaign_ids": [campaign], "ad_group_ids": [data["id"]]}, {"ad_group_ids": ["x1"]}):
        api.call("get", AD_GROUPS, token=user.token, params=where, query=query, expect=400)
    for body in ([], {"name": "x"}):
        api.call("post", AD_GROUPS, token=user.token, params=where, json=body, expect=400)
        api.call("patch", AD_GROUPS, token=user.token, params=where, json=body, expect=400)
    body = api.call("get", AD_GROUP, token=user.token, params={**ids, "ad_group_id": UNKNOWN_ID[:18]}, expect=404)
    assert body["code"] == AdGroupNotFound.code
    foreign = make_ad_account(runtime, other_user)
    body = api.call("get", AD_GROUPS, token=user.token, params={"ad_account_id": foreign}, expect=404)
    assert body["code"] == AdAccountNotFound.code
    analyst = make_ad_account(runtime, other_user, roles={user.id: "ANALYST"})
    api.call("get", AD_GROUPS, token=user.token, params={"ad_account_id": analyst}, expect=200)
    body = api.call("patch", AD_GROUPS, token=user.token, params={"ad_account_id": analyst}, expect=403,
                    json=[{"id": data["id"], "name": "n"}])
    assert body["code"] == Forbidden.code


def test_ads_create_update_get_and_list(api, runtime, user, other_user, world: World):
    where = {"ad_account_id": world.ad_account_id}
    mine = world.pin_id
    theirs = api.call("post", "/pins", token=other_user.token, expect=201, json={
        "board_id": api.call("post", "/boards", token=other_user.token, json={"name": unique("Theirs")}, expect=201)["id"],
        "media_source": {"source_type": "image_url", "url": "https://images.example/theirs.jpg"}})["id"]
    video = api.call("post", "/pins", token=user.token, expect=201, json={
        "board_id": world.board_id, "link": "https://shop.example/v",
        "media_source": {"source_type": "video_id", "media_id": world.media_id,
                         "cover_image_url": "https://images.example/cover.jpg"}})
    quiz = {"questions": [{"question_id": 1, "question_text": "Where?", "options": [{"id": 1, "text": "Here"}]}],
            "results": [{"organic_pin_id": mine, "destination_url": "https://shop.example/r", "result_id": 1}],
            "tie_breaker_type": "CUSTOM",
            "tie_breaker_custom_result": {"organic_pin_id": mine, "android_deep_link": "app://r", "result_id": 1}}
    full = {
        "ad_group_id": f"AG{world.ad_group_id}", "pin_id": mine, "creative_type": "REGULAR", "name": unique("Full ad"),
        "status": "PAUSED", "android_deep_link": "app://a", "ios_deep_link": "app://i",
        "carousel_android_deep_links": ["app://1"], "carousel_destination_urls": ["https://shop.example/1"],
        "carousel_ios_deep_links": ["app://1"], "click_tracking_url": "https://t.example/c",
        "view_tracking_url": "https://t.example/v", "customizable_cta_type": "SHOP_NOW",
        "destination_url": "https://shop.example/", "disclosure_type": "MED_GUIDE",
        "disclosure_url": "https://shop.example/d", "is_removable": True, "lead_form_id": "123", "quiz_pin_data": quiz,
        "tracking_urls": {"click": ["https://t.example/c2"]},
        # What the spec says is computed or read-only is ignored.
        "grid_click_type": "CLOSEUP", "is_pin_deleted": True,
    }
    created = api.call("post", ADS, token=user.token, params=where, expect=200, json=[
        full,
        {"ad_group_id": world.ad_group_id, "pin_id": video["id"]},
        {"ad_group_id": world.ad_group_id, "pin_id": theirs},
        {"ad_group_id": UNKNOWN_ID[:18], "pin_id": mine},
        {"ad_group_id": world.ad_group_id, "pin_id": mine, "creative_type": "VIDEO"},
    ])
    data, from_video, other_pin, nowhere, not_video = created["items"]
    assert "exceptions" not in data and data["data"]["grid_click_type"] == "DIRECT_TO_DESTINATION"
    assert data["data"]["is_pin_deleted"] is False and data["data"]["review_status"] == "APPROVED"
    assert data["data"]["quiz_pin_data"]["tie_breaker_type"] == "CUSTOM"
    assert from_video["data"]["creative_type"] == "VIDEO" and from_video["data"]["summary_status"] == "APPROVED"
    assert other_pin["exceptions"]["code"] == PinNotFound.code and "data" not in other_pin
    assert nowhere["exceptions"]["code"] == AdGroupNotFound.code
    assert not_video["exceptions"]["code"] == InvalidParameters.code
    ad = data["data"]
    ids = {**where, "ad_id": ad["id"]}
    assert api.call("get", AD, token=user.token, params=ids, expect=200) == ad
    assert api.call("get", "/pins/{pin_id}", token=user.token, params={"pin_id": video["id"]},
                    expect=200)["has_been_promoted"] is True

    updated = api.call("patch", ADS, token=user.token, params=where, expect=200,
                       json=[{"id": ad["id"], "status": "ARCHIVED", "quiz_pin_data": None, "name": None},
                             {"id": ad["id"], "pin_id": video["id"]},  # not a draft
                             {"id": UNKNOWN_ID[:18], "name": "x"}])
    archived, moved, unknown = updated["items"]
    assert archived["data"]["summary_status"] == "ARCHIVED" and archived["data"]["quiz_pin_data"] is None
    assert moved["exceptions"]["code"] == InvalidParameters.code
    assert unknown["exceptions"]["code"] == AdNotFound.code

    for query in ({}, {"ad_ids": [ad["id"]], "entity_statuses": "ARCHIVED"}, {"campaign_ids": [world.campaign_id]},
                  {"ad_group_ids": [world.ad_group_id], "order": "ASCENDING", "page_size": 1}):
        api.call("get", ADS, token=user.token, params=where, query=query, expect=200)
    for query in ({"entity_statuses": "LIVE"}, {"order": "SIDEWAYS"}, {"page_size": 251}, {"bookmark": "x"},
                  {"ad_ids": [ad["id"]], "ad_group_ids": [world.ad_group_id]}, {"ad_ids": ",".join(["1"] * 251)}):
        api.call("get", ADS, token=user.token, params=where, query=query, expect=400)
    for body in ([], {"pin_id": mine}, [{}] * 31):
        api.call("post", ADS, token=user.token, params=where, json=body, expect=400)
        api.call("patch", ADS, token=user.token, params=where, json=body, expect=400)
    body = api.call("get", AD, token=user.token, params={**ids, "ad_id": UNKNOWN_ID[:18]}, expect=404)
    assert body["code"] == AdNotFound.code


# --- pin analytics ---------------------------------------------------------------------------------------

STANDARD_METRICS = ["IMPRESSION", "OUTBOUND_CLICK", "PIN_CLICK", "SAVE", "SAVE_RATE", "TOTAL_COMMENTS", "TOTAL_REACTIONS",
                    "USER_FOLLOW", "PROFILE_VISIT"]
VIDEO_METRICS = ["IMPRESSION", "SAVE_RATE", "VIDEO_MRC_VIEW", "VIDEO_10S_VIEW", "QUARTILE_95_PERCENT_VIEW",
                 "VIDEO_V50_WATCH_TIME", "VIDEO_START", "VIDEO_AVG_WATCH_TIME", "TOTAL_REACTIONS"]
RATIOS = {"SAVE_RATE": ("SAVE", "IMPRESSION"), "VIDEO_AVG_WATCH_TIME": ("VIDEO_V50_WATCH_TIME", "VIDEO_START")}
CREATED_DAYS_AGO = 40


def _period(today: date, back_start: int, back_end: int = 0) -> dict:
    return {"start_date": (today - timedelta(days=back_start)).isoformat(),
            "end_date": (today - timedelta(days=back_end)).isoformat()}


def _expected(counts: dict, names: list[str]) -> dict:
    """The metric values from summed counts (rates as a ratio of the sums, 0 with no denominator)."""
    def value(name):
        if name in RATIOS:
            numerator, denominator = RATIOS[name]
            return counts.get(numerator, 0) / counts[denominator] if counts.get(denominator) else 0.0
        return counts.get(name, 0)

    return {name: value(name) for name in names}


def _assert_series(series: dict, rows: list[dict], start: date, end: date, names: list[str], today: date,
                   app_types=APP_TYPES) -> None:
    """One PinAnalyticsMetricsResponse against the rows sent (the pin made CREATED_DAYS_AGO)."""
    per_day = totals(rows, start, end, app_types)
    created_on = today - timedelta(days=CREATED_DAYS_AGO)
    periodic = [name for name in names if name not in LIFETIME_COUNTS]
    lifetime = [name for name in names if name in LIFETIME_COUNTS]
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    assert [entry["date"] for entry in series["daily_metrics"]] == [day.isoformat() for day in days]
    for day, entry in zip(days, series["daily_metrics"]):
        if day < created_on:
            assert entry == {"date": day.isoformat(), "data_status": "BEFORE_PIN_CREATED", "metrics": {}}
            continue
        assert entry["data_status"] == ("PROCESSING" if (today - day).days < 2 else "READY")
        assert entry["metrics"] == pytest.approx(_expected(per_day.get(day.isoformat(), {}), periodic))
    summed: dict = {}
    for counts in per_day.values():
        for name, value in counts.items():
            summed[name] = summed.get(name, 0) + value
    assert series["summary_metrics"] == pytest.approx(_expected(summed, periodic))
    for name in periodic:
        if METRICS[name].kind == "count":  # counts are whole numbers; rates and durations may not be
            assert type(series["summary_metrics"][name]) is int, (name, series["summary_metrics"][name])
    if lifetime:
        # Lifetime metrics cover the pin's whole life, whatever the period.
        assert series["lifetime_metrics"] == {
            name: sum(row["metrics"][name] for row in rows if row["app_type"] in app_types) for name in lifetime
        }
    else:
        assert "lifetime_metrics" not in series


@pytest.fixture
def analysed(api, runtime, user, world: World) -> tuple[str, dict[str, list[dict]]]:
    """The world's two pins and a video pin, made CREATED_DAYS_AGO, with rows for the last 30 days."""
    today = runtime.clock.today()
    video = api.call("post", "/pins", token=user.token, expect=201,
                     json={"board_id": world.board_id, "media_source": video_source(world)})
    rows = {}
    for seed, pin_id in enumerate((world.pin_id, world.section_pin_id, video["id"])):
        backdate_pin(runtime, pin_id, days=CREATED_DAYS_AGO)
        rows[pin_id] = daily_rows(pin_id, today, 30, seed=seed, video=pin_id == video["id"])
        ingest_daily_rows(api, user.token, rows[pin_id])
    return video["id"], rows


def _bad_analytics_queries(today: date) -> list:
    base = {**_period(today, 6), "metric_types": "IMPRESSION"}
    without = lambda name: {key: value for key, value in base.items() if key != name}  # noqa: E731
    return [
        {**base, **_period(today, 91)},  # start_date more than 90 days back
        {**base, **_period(today, 91, 1)},
        {**base, "end_date": (today + timedelta(days=1)).isoformat()},  # in the future
        {**base, "start_date": today.isoformat(), "end_date": (today - timedelta(days=1)).isoformat()},  # ends first
        {**base, "start_date": (today - timedelta(days=3)).strftime("%Y/%m/%d")},
        {**base, "end_date": "2023-02-29"},
        {**base, "start_date": "yesterday"},
        {**base, "start_date": ""},
        {**base, "end_date": today.isoformat() + "T00:00:00Z"},
        without("start_date"),
        without("end_date"),
        without("metric_types"),
        {**base, "metric_types": ""},
        {**base, "metric_types": " , "},
        {**base, "metric_types": "NOPE"},
        {**base, "metric_types": "ENGAGEMENT"},  # a metric, but not a pin metric
        {**base, "metric_types": "IMPRESSION,save"},
        {**base, "app_types": "CAR"},
        {**base, "ad_account_id": "x"},
    ]


def test_pins_analytics(api, runtime, user, world: World, analysed):
    video_id, rows = analysed
    today = runtime.clock.today()
    path, params = "/pins/{pin_id}/analytics", {"pin_id": world.pin_id}
    pin_rows = rows[world.pin_id]

    def get(query, pin_id=world.pin_id, token=user.token):
        return api.call("get", path, token=token, params={"pin_id": pin_id}, query=query, expect=200)

    # NO_SPLIT (the default), every standard metric, comma-separated.
    body = get({**_period(today, 29), "metric_types": ",".join(STANDARD_METRICS)})
    assert list(body) == ["all"]
    _assert_series(body["all"], pin_rows, today - timedelta(days=29), today, STANDARD_METRICS, today)
    # Days without impressions have a save rate of 0 (not null, not NaN).
    assert any(d["metrics"]["IMPRESSION"] == 0 and d["metrics"]["SAVE_RATE"] == 0 for d in body["all"]["daily_metrics"])
    assert body == get({**_period(today, 29), "metric_types": ",".join(STANDARD_METRICS), "split_field": "NO_SPLIT",
                        "app_types": "ALL", "ad_account_id": world.ad_account_id})

    # Split by app type, metric_types repeated: one series per app type, adding up to the whole.
    names = ["IMPRESSION", "SAVE", "SAVE_RATE", "TOTAL_COMMENTS"]
    query = [*_period(today, 20).items(), *(("metric_types", name) for name in names), ("split_field", "APP_TYPE")]
    split = get(query)
    assert set(split) == set(APP_TYPES)
    for app_type in APP_TYPES:
        _assert_series(split[app_type], pin_rows, today - timedelta(days=20), today, names, today, app_types=(app_type,))
    whole = get({**_period(today, 20), "metric_types": ",".join(names)})["all"]
    for name in ("IMPRESSION", "SAVE"):
        assert sum(split[app_type]["summary_metrics"][name] for app_type in APP_TYPES) == whole["summary_metrics"][name]
    assert sum(split[app_type]["lifetime_metrics"]["TOTAL_COMMENTS"] for app_type in APP_TYPES) == \
        whole["lifetime_metrics"]["TOTAL_COMMENTS"]

    # One app type, with and without the split.
    web = get({**_period(today, 20), "metric_types": ",".join(names), "app_types": "WEB"})
    assert list(web) == ["all"]
    _assert_series(web["all"], pin_rows, today - timedelta(days=20), today, names, today, app_types=("WEB",))
    web_split = get({**_period(today, 20), "metric_types": ",".join(names), "app_types": "WEB", "split_field": "APP_TYPE"})
    assert web_split == {"WEB": web["all"]}

    # A video pin's metrics; the period reaches back before the pin was made.
    video = get({**_period(today, 60), "metric_types": ",".join(VIDEO_METRICS)}, pin_id=video_id)
    _assert_series(video["all"], rows[video_id], today - timedelta(days=60), today, VIDEO_METRICS, today)
    statuses = [entry["data_status"] for entry in video["all"]["daily_metrics"]]
    assert statuses.count("BEFORE_PIN_CREATED") == 60 - CREATED_DAYS_AGO and statuses[-2:] == ["PROCESSING"] * 2
    assert video["all"]["summary_metrics"]["VIDEO_START"] > 0

    # The widest period (90 days back to today), a one-day period, a period ending before today, and a quiet
    # period (before any rows, after the pin was made): zeros and rates of 0.
    for back_start, back_end in ((90, 0), (0, 0), (10, 10), (29, 3), (CREATED_DAYS_AGO, 31)):
        start, end = today - timedelta(days=back_start), today - timedelta(days=back_end)
        found = get({**_period(today, back_start, back_end), "metric_types": "SAVE_RATE,PIN_CLICK,TOTAL_REACTIONS"})
        _assert_series(found["all"], pin_rows, start, end, ["SAVE_RATE", "PIN_CLICK", "TOTAL_REACTIONS"], today)
    quiet = get({**_period(today, CREATED_DAYS_AGO, 31), "metric_types": "SAVE_RATE,PIN_CLICK"})["all"]
    assert quiet["summary_metrics"] == {"SAVE_RATE": 0, "PIN_CLICK": 0}


def test_pins_analytics_errors(api, runtime, user, other_user, world: World, analysed):
    today = runtime.clock.today()
    path, params = "/pins/{pin_id}/analytics", {"pin_id": world.pin_id}
    good = {**_period(today, 6), "metric_types": "IMPRESSION,SAVE_RATE"}

    for query in _bad_analytics_queries(today) + [{**good, "split_field": "DEVICE"}]:
        body = api.call("get", path, token=user.token, params=params, query=query, expect=400)
        assert body["code"] == InvalidParameters.code, (query, body)

    assert api.call("get", path, params=params, query=good, expect=401)["code"] == Unauthenticated.code
    for scope in ("boards:read", "pins:read"):
        body = api.call("get", path, token=user.token_with(runtime, ALL - {scope}), params=params, query=good, expect=403)
        assert body["code"] == MissingScope.code and scope in body["message"]

    # Analytics are for the pin's owner: another user who can see the pin may not read them.
    api.call("get", "/pins/{pin_id}", token=other_user.token, params=params, expect=200)
    assert api.call("get", path, token=other_user.token, params=params, query=good, expect=403)["code"] == Forbidden.code

    for pin_id in (UNKNOWN_ID, BAD_ID, "0", "9" * 30, "²"):
        body = api.call("get", path, token=user.token, params={"pin_id": pin_id}, query=good, expect=404)
        assert body["code"] == PinNotFound.code
    secret_board = api.call("post", "/boards", token=user.token, json={"name": unique("Secret"), "privacy": "SECRET"},
                            expect=201)
    secret_pin = api.call("post", "/pins", token=user.token, expect=201,
                          json={"board_id": secret_board["id"], "media_source": MEDIA_SOURCES["image_url"]})
    secret = {"pin_id": secret_pin["id"]}
    api.call("get", path, token=user.token, params=secret, query=good, expect=200)
    api.call("get", path, token=other_user.token, params=secret, query=good, expect=404)
    api.call("get", path, token=user.token_with(runtime, ALL - {"pins:read_secret"}), params=secret, query=good,
             expect=403)
    deleted = api.call("post", "/pins", token=user.token, expect=201,
                       json={"board_id": world.board_id, "media_source": MEDIA_SOURCES["image_url"]})
    api.call("delete", "/pins/{pin_id}", token=user.token, params={"pin_id": deleted["id"]}, expect=204)
    api.call("get", path, token=user.token, params={"pin_id": deleted["id"]}, query=good, expect=404)

    # Business Access: an Analyst acts as the ad account's owner on public content, not on secret content.
    shared = make_ad_account(runtime, user, roles={other_user.id: "ANALYST"})
    as_owner = api.call("get", path, token=other_user.token, params=params, query={**good, "ad_account_id": shared},
                        expect=200)
    assert as_owner == api.call("get", path, token=user.token, params=params, query=good, expect=200)
    api.call("get", path, token=other_user.token, params=secret, query={**good, "ad_account_id": shared}, expect=403)
    not_shared = make_ad_account(runtime, user)
    api.call("get", path, token=other_user.token, params=params, query={**good, "ad_account_id": not_shared}, expect=403)
    body = api.call("get", path, token=user.token, params=params, query={**good, "ad_account_id": UNKNOWN_ID[:16]},
                    expect=404)
    assert body["code"] == AdAccountNotFound.code


def test_multi_pins_analytics(api, runtime, user, world: World, analysed):
    video_id, rows = analysed
    today = runtime.clock.today()
    path = "/pins/analytics"
    ids = [world.pin_id, world.section_pin_id, video_id]
    names = ["IMPRESSION", "SAVE", "SAVE_RATE", "VIDEO_START", "VIDEO_AVG_WATCH_TIME", "TOTAL_COMMENTS"]

    def get(query, token=user.token):
        return api.call("get", path, token=token, query=query, expect=200)

    # pin_ids repeated, metric_types comma-separated: one PinAnalyticsResponse per pin, keyed by its id.
    query = [*(("pin_ids", pin_id) for pin_id in ids), *_period(today, 29).items(), ("metric_types", ",".join(names))]
    body = get(query)
    assert set(body) == set(ids)
    for pin_id in ids:
        assert list(body[pin_id]) == ["all"]
        _assert_series(body[pin_id]["all"], rows[pin_id], today - timedelta(days=29), today, names, today)
    # The same as asking for each pin alone.
    single = api.call("get", "/pins/{pin_id}/analytics", token=user.token, params={"pin_id": video_id}, expect=200,
                      query={**_period(today, 29), "metric_types": ",".join(names)})
    assert body[video_id] == single

    # pin_ids comma-separated, repeats collapsing; metric_types repeated; one app type; the widest period.
    query = [("pin_ids", f"{world.pin_id},{world.section_pin_id},{world.pin_id}"), *_period(today, 90).items(),
             ("metric_types", "PIN_CLICK"), ("metric_types", "SAVE_RATE"), ("metric_types", "TOTAL_REACTIONS"),
             ("app_types", "MOBILE"), ("ad_account_id", world.ad_account_id)]
    body = get(query)
    assert set(body) == {world.pin_id, world.section_pin_id}
    for pin_id in body:
        _assert_series(body[pin_id]["all"], rows[pin_id], today - timedelta(days=90), today,
                       ["PIN_CLICK", "SAVE_RATE", "TOTAL_REACTIONS"], today, app_types=("MOBILE",))
    # A new pin with no rows: the days before it existed carry no metrics, the rest are zeros.
    fresh = api.call("post", "/pins", token=user.token, expect=201,
                     json={"board_id": world.board_id, "media_source": MEDIA_SOURCES["image_url"]})
    quiet = get({"pin_ids": [fresh["id"]], **_period(today, 3), "metric_types": "SAVE_RATE,IMPRESSION,TOTAL_COMMENTS"})
    series = quiet[fresh["id"]]["all"]
    assert [entry["data_status"] for entry in series["daily_metrics"]] == ["BEFORE_PIN_CREATED"] * 3 + ["PROCESSING"]
    assert series["summary_metrics"] == {"SAVE_RATE": 0, "IMPRESSION": 0} and series["lifetime_metrics"] == {"TOTAL_COMMENTS": 0}


def test_multi_pins_analytics_errors(api, runtime, user, other_user, world: World, analysed):
    today = runtime.clock.today()
    path = "/pins/analytics"
    pins = {"pin_ids": [world.pin_id, world.section_pin_id]}
    good = {**pins, **_period(today, 6), "metric_types": "IMPRESSION,SAVE_RATE"}

    too_many = [str(10**18 + n) for n in range(101)]
    for query in [{**pins, **bad} for bad in _bad_analytics_queries(today)] + [
        {key: value for key, value in good.items() if key != "pin_ids"},
        {**good, "pin_ids": ""},
        {**good, "pin_ids": ","},
        {**good, "pin_ids": too_many},
        {**good, "pin_ids": ",".join(too_many)},
    ]:
        body = api.call("get", path, token=user.token, query=query, expect=400)
        assert body["code"] == InvalidParameters.code, (query, body)

    assert api.call("get", path, query=good, expect=401)["code"] == Unauthenticated.code
    for scope in ("boards:read", "pins:read"):
        body = api.call("get", path, token=user.token_with(runtime, ALL - {scope}), query=good, expect=403)
        assert body["code"] == MissingScope.code and scope in body["message"]

    # Every pin must be the caller's: one that is not spoils the request.
    theirs = build_world(api, runtime, other_user)
    for pin_ids in ([theirs.pin_id], [world.pin_id, theirs.pin_id]):
        body = api.call("get", path, token=user.token, query={**good, "pin_ids": pin_ids}, expect=403)
        assert body["code"] == Forbidden.code
    api.call("get", path, token=other_user.token, query=good, expect=403)

    for pin_ids in ([UNKNOWN_ID], [world.pin_id, UNKNOWN_ID], [BAD_ID], [world.pin_id, "²"], [f"{world.pin_id},0"]):
        body = api.call("get", path, token=user.token, query={**good, "pin_ids": pin_ids}, expect=404)
        assert body["code"] == PinNotFound.code
    body = api.call("get", path, token=user.token, query={**good, "ad_account_id": UNKNOWN_ID[:16]}, expect=404)
    assert body["code"] == AdAccountNotFound.code


# --- client_credentials tokens --------------------------------------------------------------------------


def _client_token(api, oauth_app, scope: str) -> str:
    body = api.call("post", "/oauth/token", authorization=oauth_app.basic, expect=200,
                    data={"grant_type": "client_credentials", "scope": scope})
    return body["access_token"]


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_client_credentials_tokens(operation_id, spec, api, runtime, user, oauth_app):
    world = build_world(api, runtime, user)
    path, method, _ = find_operation(spec, operation_id)
    token = _client_token(api, oauth_app, " ".join(ALL_SCOPES))
    request = _request(operation_id, world, runtime.clock.today())
    if OPERATIONS[operation_id].client_credentials:
        api.call(method, path, token=token, expect=SUCCESS[operation_id], **request)
    else:
        body = api.call(method, path, token=token, expect=403, **request)
        assert body["code"] == MissingScope.code and "client_credentials" in body["message"]


# --- oauth/token ---------------------------------------------------------------------------------------------


def _code(runtime, user, oauth_app, scope="boards:read pins:read") -> str:
    redirect = oauth.grant_code(runtime, oauth_app.app_id, oauth_app.redirect_uri, scope, user.username, "xyz")
    return parse_qs(urlsplit(redirect).query)["code"][0]


def test_oauth_token_grants(api, runtime, user, oauth_app):
    code = _code(runtime, user, oauth_app)
    issued = api.call("post", "/oauth/token", authorization=oauth_app.basic, expect=200,
                      data={"grant_type": "authorization_code", "code": code, "redirect_uri": oauth_app.redirect_uri})
    assert issued["response_type"] == "authorization_code" and issued["scope"] == "boards:read pins:read"
    refreshed = api.call("post", "/oauth/token", authorization=oauth_app.basic, expect=200,
                         data={"grant_type": "refresh_token", "refresh_token": issued["refresh_token"], "scope": "pins:read"})
    assert refreshed["response_type"] == "refresh_token" and refreshed["scope"] == "pins:read"
    client = api.call("post", "/oauth/token", authorization=oauth_app.basic, expect=200,
                      data={"grant_type": "client_credentials", "scope": "boards:read,pins:read"})
    assert client["response_type"] == "client_credentials" and "refresh_token" not in client
    api.call("get", "/boards", token=issued["access_token"], expect=200)


def test_oauth_token_errors(api, runtime, user, other_user, oauth_app):
    def token(expect, data, authorization=oauth_app.basic, **kwargs):
        return api.call("post", "/oauth/token", authorization=authorization, data=data, expect=expect, **kwargs)

    code = _code(runtime, user, oauth_app)
    grant = {"grant_type": "authorization_code", "code": code, "redirect_uri": oauth_app.redirect_uri}
    wrong_secret = OAuthApp(oauth_app.app_id, "wrong", oauth_app.redirect_uri).basic
    unknown_app = OAuthApp(UNKNOWN_ID, oauth_app.secret, oauth_app.redirect_uri).basic
    for authorization in (None, "Bearer abc", "Basic !!!", "Basic eHl6", wrong_secret, unknown_app):
        assert token(401, grant, authorization=authorization)["code"] == Unauthenticated.code

    token(400, {**grant, "redirect_uri": "https://elsewhere.example/cb"})
    token(200, grant)
    assert token(400, grant)["code"] == 283  # an authorization code works once
    token(400, {"grant_type": "authorization_code", "code": "made-up", "redirect_uri": oauth_app.redirect_uri})
    token(400, {"grant_type": "authorization_code"})
    token(400, {"grant_type": "password", "username": "u", "password": "p"})
    api.call("post", "/oauth/token", authorization=oauth_app.basic, content=b"", expect=400,
             headers={"Content-Type": "application/x-www-form-urlencoded"})
    token(400, {"grant_type": "refresh_token"})
    token(400, {"grant_type": "refresh_token", "refresh_token": "nope"})
    token(400, {"grant_type": "client_credentials"})
    token(400, {"grant_type": "client_credentials", "scope": "boards:read boards:fly"})

    fresh = _code(runtime, user, oauth_app, scope="pins:read")
    issued = token(200, {"grant_type": "authorization_code", "code": fresh, "redirect_uri": oauth_app.redirect_uri})
    token(400, {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"], "scope": "boards:read"})
    token(400, {"grant_type": "refresh_token", "refresh_token": issued["access_token"]})

    # Only form bodies are accepted.
    api.call("post", "/oauth/token", authorization=oauth_app.basic, json={"grant_type": "client_credentials"}, expect=415)


# --- input that no database or JSON encoder can take is a 400, never a 500 ---------------------------------------

# JSON may escape an unpaired UTF-16 surrogate ("\ud800"); Python decodes it into a str that cannot be
# encoded as UTF-8, so SQLite, PostgreSQL and the JSON renderer all fail on it.
SURROGATE = "\\ud800"


def _surrogate_requests(world: World, carousel_id: str) -> list[tuple[str, str, dict, str]]:
    board, section, pin = world.board_id, world.section_id, world.pin_id
    image = '{"source_type": "image_url", "url": "https://images.example/s.jpg"}'
    return [
        ("post", "/boards", {}, f'{{"name": "board {SURROGATE}"}}'),
        ("patch", "/boards/{board_id}", {"board_id": board}, f'{{"description": "{SURROGATE}"}}'),
        ("post", "/boards/{board_id}/sections", {"board_id": board}, f'{{"name": "{SURROGATE}"}}'),
        ("patch", "/boards/{board_id}/sections/{section_id}", {"board_id": board, "section_id": section},
         f'{{"name": "x{SURROGATE}"}}'),
        ("post", "/pins", {}, f'{{"board_id": "{board}", "title": "{SURROGATE}", "media_source": {image}}}'),
        ("post", "/pins", {}, f'{{"board_id": "{board}", "media_source": '
                              f'{{"source_type": "image_url", "url": "https://images.example/{SURROGATE}.jpg"}}}}'),
        ("post", "/pins", {}, f'{{"board_id": "{board}", "media_source": {{"source_type": "multiple_image_urls", "items": '
                              f'[{{"url": "https://i.example/1.jpg"}}, {{"url": "https://i.example/2.jpg", '
                              f'"link": "https://shop.example/{SURROGATE}"}}]}}}}'),
        ("post", "/pins", {}, f'{{"board_id": "{board}", "media_source": {{"source_type": "video_id", "media_id": "1", '
                              f'"cover_image_url": "https://images.example/{SURROGATE}"}}}}'),
        ("patch", "/pins/{pin_id}", {"pin_id": pin}, f'{{"alt_text": "{SURROGATE}"}}'),
        ("patch", "/pins/{pin_id}", {"pin_id": carousel_id},
         f'{{"carousel_slots": [{{"link": "{SURROGATE}"}}, {{"link": null}}]}}'),
    ]


def test_unpaired_surrogates_are_refused(api, user, world: World):
    carousel = api.call("post", "/pins", token=user.token, expect=201,
                        json={"board_id": world.board_id, "media_source": MEDIA_SOURCES["multiple_image_urls"]})
    for method, path, params, text in _surrogate_requests(world, carousel["id"]):
        api.call(method, path, token=user.token, params=params, content=text.encode(), expect=400,
                 headers={"Content-Type": "application/json"})
    # Nothing half-stored: the content still reads back.
    listed = api.call("get", "/boards/{board_id}/pins", token=user.token, params={"board_id": world.board_id}, expect=200)
    assert len(listed["items"]) == 3
    api.call("get", "/pins", token=user.token, expect=200)
    api.call("get", "/boards/{board_id}", token=user.token, params={"board_id": world.board_id}, expect=200)
    api.call("get", "/boards/{board_id}/sections", token=user.token, params={"board_id": world.board_id}, expect=200)


# "²" is a digit to str.isdigit() but not to int(); "١٢٣" is a decimal number in another script. The spec's
# ^\d+$ patterns are ECMA-262 regular expressions, where \d is [0-9].
@pytest.mark.parametrize("odd_id", ["²", "١٢٣", "1²"])
def test_ids_with_non_ascii_digits(api, user, oauth_app, world: World, odd_id):
    for method, path, params in [
        ("get", "/boards/{board_id}", {"board_id": odd_id}),
        ("delete", "/boards/{board_id}", {"board_id": odd_id}),
        ("get", "/boards/{board_id}/sections/{section_id}/pins", {"board_id": world.board_id, "section_id": odd_id}),
        ("get", "/pins/{pin_id}", {"pin_id": odd_id}),
        ("post", "/pins/{pin_id}/save", {"pin_id": odd_id}),
        ("get", "/ad_accounts/{ad_account_id}", {"ad_account_id": odd_id}),
    ]:
        body = {"board_id": world.board_id} if path.endswith("/save") else None
        api.call(method, path, token=user.token, params=params, json=body, expect=404)
    api.call("get", "/boards", token=user.token, query={"ad_account_id": odd_id}, expect=400)
    api.call("post", "/pins", token=user.token, expect=400, json={"board_id": odd_id, "media_source": MEDIA_SOURCES["image_url"]})
    api.call("post", "/pins/{pin_id}/save", token=user.token, params={"pin_id": world.pin_id},
             json={"board_section_id": odd_id}, expect=400)
    api.call("post", "/pins", token=user.token, expect=400,
             json={"board_id": world.board_id, "media_source": {"source_type": "video_id", "media_id": odd_id}})
    odd_app = OAuthApp(odd_id, oauth_app.secret, oauth_app.redirect_uri)
    api.call("post", "/oauth/token", authorization=odd_app.basic, expect=401,
             data={"grant_type": "client_credentials", "scope": "boards:read"})


@pytest.mark.parametrize("content_type", [["image/png"], {"type": "image/png"}, 1, None])
def test_media_content_type_of_the_wrong_json_type(api, user, world: World, content_type):
    sources = [
        {"source_type": "image_base64", "content_type": content_type, "data": PNG_2x1},
        {"source_type": "multiple_image_base64", "items": [{"content_type": content_type, "data": PNG_2x1}] * 2},
        {"source_type": "video_id", "media_id": "1", "cover_image_data": PNG_2x1, "cover_image_content_type": content_type},
    ]
    for source in sources:
        api.call("post", "/pins", token=user.token, json={"board_id": world.board_id, "media_source": source}, expect=400)


# --- errors outside the operations keep the same shape ---------------------------------------------------------


@pytest.mark.parametrize(
    "method, url, status",
    [("get", "/v5/no/such/path", 404), ("delete", "/v5/user_account", 405), ("put", "/v5/boards", 405)],
)
def test_routing_errors_have_the_error_shape(server, method, url, status):
    response = httpx.request(method.upper(), f"{server.url}{url}", timeout=30)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert_error_body(response.json())
