"""Real answers validate against pinsight's own published document.

Every request goes through ``DocClient``, which authenticates only as the document's
security schemes say (what Swagger UI's "Authorize" then "Try it out" does), and every
answer must carry a status the operation lists and a body valid against its schema.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, timedelta

import httpx
import pytest

from pinsight.catalog import metrics
from pinsight.services.identity.api_keys import create_api_key
from pinsight.services.identity.oauth import create_app
from tests.docs.published import DocClient, Published
from tests.support.factories import make_ad_account
from tests.support.oauth import REDIRECT, authorize

SPLITS = ("NO_SPLIT", "APP_TYPE", "OWNED_CONTENT", "SOURCE", "PIN_FORMAT")


@pytest.fixture(scope="module")
def published(server) -> Published:
    return Published(httpx.get(f"{server.url}/openapi.json").json())


@pytest.fixture(scope="module")
def demo_client(server, demo, published):
    client = DocClient(server.url, published, {"bearer": demo["access_token"]})
    yield client
    client.close()


@pytest.fixture
def own_client(server, user, published):
    """A fresh user's client: what it writes disturbs no other test."""
    client = DocClient(server.url, published, {"bearer": user.token})
    yield client
    client.close()


def _period(runtime, days: int = 30) -> dict:
    today = runtime.clock.today()
    return {"start_date": (today - timedelta(days=days)).isoformat(), "end_date": today.isoformat()}


def _ok(response: httpx.Response) -> dict:
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_reads_answer_as_published(runtime, demo, demo_client):
    call = demo_client.call
    me = _ok(call("user_account/get"))
    assert me["username"] == demo["username"]
    boards = _ok(call("boards/list", params={"page_size": 250}))
    assert boards["items"]
    _ok(call("boards/get", path={"board_id": demo["board_id"]}))
    _ok(call("boards/list_pins", path={"board_id": demo["board_id"]}, params={"pin_metrics": "true"}))
    _ok(call("board_sections/list", path={"board_id": demo["board_id"]}))
    _ok(call("board_sections/list_pins", path={"board_id": demo["board_id"], "section_id": demo["section_id"]}))
    pins = _ok(call("pins/list", params={"page_size": 250, "pin_metrics": "true"}))["items"]
    # The demo's pins cover every kind of media the document describes.
    assert {pin["media"]["media_type"] for pin in pins} >= {"image", "multiple_images", "video"}
    _ok(call("pins/get", path={"pin_id": demo["pin_id"]}, params={"pin_metrics": "true"}))
    _ok(call("ad_accounts/list"))
    _ok(call("ad_accounts/get", path={"ad_account_id": demo["ad_account_id"]}))
    assert _ok(call("delivery_metrics/get", params={"report_type": "SYNC"}))["items"]


def test_analytics_answer_as_published(runtime, demo, demo_client):
    call, period = demo_client.call, _period(runtime)
    for split in ("NO_SPLIT", "APP_TYPE"):
        answer = _ok(call("pins/analytics", path={"pin_id": demo["pin_id"]},
                          params={**period, "metric_types": list(metrics.PIN_ANALYTICS_METRICS), "split_field": split}))
        assert all("lifetime_metrics" in series for series in answer.values())
    pins = [pin["id"] for pin in _ok(call("pins/list", params={"page_size": 5}))["items"]]
    params = {**period, "pin_ids": ",".join(pins), "metric_types": "IMPRESSION,SAVE_RATE"}
    _ok(call("multi_pins/analytics", params=params))
    for split in SPLITS:
        _ok(call("user_account/analytics", params={**period, "split_field": split}))
    for operation_id, sorts in (("user_account/analytics/top_pins", metrics.TOP_PINS_SORT_BY),
                                ("user_account/analytics/top_video_pins", metrics.TOP_VIDEO_PINS_SORT_BY)):
        _ok(call(operation_id, params={**period, "sort_by": sorts[0], "num_of_pins": 50}))


def test_writes_answer_as_published(runtime, own_client):
    call = own_client.call
    board = _ok(call("boards/create", json={"name": f"Docs {uuid.uuid4().hex[:6]}", "description": "d"}))
    _ok(call("boards/update", path={"board_id": board["id"]}, json={"privacy": "SECRET"}))
    section = _ok(call("board_sections/create", path={"board_id": board["id"]}, json={"name": "First"}))
    conflict = call("board_sections/create", path={"board_id": board["id"]}, json={"name": "First"})
    assert conflict.status_code == 409
    in_section = {"board_id": board["id"], "section_id": section["id"]}
    _ok(call("board_sections/update", path=in_section, json={"name": "Second"}))
    upload = _ok(call("media/create", json={"media_type": "video"}))
    assert _ok(call("media/get", path={"media_id": upload["media_id"]}))["status"] == "succeeded"
    assert upload["media_id"] in [item["media_id"] for item in _ok(call("media/list"))["items"]]
    sources = (
        {"source_type": "image_url", "url": "https://img.example/a.jpg"},
        {"source_type": "multiple_image_urls",
         "items": [{"url": "https://img.example/b.jpg"}, {"url": "https://img.example/c.jpg", "link": "https://x.example"}]},
        {"source_type": "video_id", "media_id": upload["media_id"]},
    )
    created = [_ok(call("pins/create", json={"board_id": board["id"], "title": "t", "media_source": source}))
               for source in sources]
    pin = created[0]
    _ok(call("pins/update", path={"pin_id": pin["id"]}, json={"title": "Changed", "board_section_id": section["id"]}))
    _ok(call("pins/save", path={"pin_id": pin["id"]}, json={"board_id": board["id"]}))
    assert call("pins/delete", path={"pin_id": pin["id"]}).status_code == 204
    assert call("board_sections/delete", path=in_section).status_code == 204
    assert call("boards/delete", path={"board_id": board["id"]}).status_code == 204


def test_ads_entities_answer_as_published(runtime, user, own_client):
    """Campaigns, ad groups and ads, written in full and refused item by item, then read."""
    call = own_client.call
    account = {"ad_account_id": make_ad_account(runtime, user)}
    campaigns = _ok(call("campaigns/create", path=account, json=[
        {"ad_account_id": account["ad_account_id"], "name": "Docs", "objective_type": "WEB_CONVERSION"},
        {"ad_account_id": account["ad_account_id"], "name": "Refused", "objective_type": "NOPE"}]))
    campaign = campaigns["items"][0]["data"]["id"]
    group = {"campaign_id": campaign, "name": "Docs group", "billable_event": "IMPRESSION", "budget_type": "LIFETIME",
             "budget_in_micro_currency": 5_000_000, "end_time": 2_000_000_000, "lifetime_frequency_cap": 3,
             "targeting_spec": {"LOCATION": ["US"], "MINIMUM_AGE": "21", "MAXIMUM_AGE": "65+",
                                "SHOPPING_RETARGETING": [{"lookback_window": 30, "tag_types": [1]}]},
             "tracking_urls": {"click": ["https://t.example/c"]}, "bid_strategy_type": "AUTOMATIC_BID",
             "optimization_goal_metadata": {"conversion_tag_v3_goal_metadata": {
                 "conversion_event": "CHECKOUT", "learning_mode_type": "ACTIVE",
                 "attribution_windows": {"click_window_days": 30}}},
             "bid_multiplier": 2.0, "promotion_id": "1", "promotion_application_level": "NONE"}
    groups = _ok(call("ad_groups/create", path=account, json=[group, {"campaign_id": "1", "name": "Refused",
                                                                      "billable_event": "IMPRESSION"}]))
    group_id = groups["items"][0]["data"]["id"]
    assert groups["items"][1]["exceptions"]
    _ok(call("ad_groups/update", path=account, json=[{"id": group_id, "status": "PAUSED"}, {"id": "1"}]))
    _ok(call("ad_groups/get", path={**account, "ad_group_id": group_id}))
    _ok(call("ad_groups/list", path=account, params={"campaign_ids": campaign, "page_size": 1}))
    board = _ok(call("boards/create", json={"name": f"Docs ads {uuid.uuid4().hex[:6]}"}))
    pin = _ok(call("pins/create", json={"board_id": board["id"], "link": "https://shop.example/p",
                                        "media_source": {"source_type": "image_url", "url": "https://img.example/p.jpg"}}))
    ads = _ok(call("ads/create", path=account, json=[
        {"ad_group_id": group_id, "pin_id": pin["id"], "name": "Docs ad", "customizable_cta_type": "SHOP_NOW",
         "carousel_destination_urls": ["https://shop.example/1"], "disclosure_type": "MED_GUIDE",
         "quiz_pin_data": {"questions": [{"question_id": 1, "options": [{"id": 1, "text": "a"}]}],
                           "tie_breaker_type": "RANDOM"}},
        {"ad_group_id": group_id, "pin_id": "1"}]))
    ad = ads["items"][0]["data"]
    assert ads["items"][1]["exceptions"]["code"] == 50
    _ok(call("ads/update", path=account, json=[{"id": ad["id"], "status": "ARCHIVED"}, {"id": "1"}]))
    _ok(call("ads/get", path={**account, "ad_id": ad["id"]}))
    _ok(call("ads/list", path=account, params={"ad_ids": ad["id"], "entity_statuses": "ARCHIVED"}))
    assert call("ads/get", path={**account, "ad_id": "1"}).status_code == 404


def test_ingestion_answers_as_published(runtime, own_client):
    call = own_client.call
    board = _ok(call("boards/create", json={"name": f"Ingest {uuid.uuid4().hex[:6]}"}))
    media = {"source_type": "image_url", "url": "https://img.example/i.jpg"}
    pin = _ok(call("pins/create", json={"board_id": board["id"], "media_source": media}))
    today = runtime.clock.today().isoformat()
    rows = [{"pin_id": pin["id"], "date": today, "app_type": "WEB", "metrics": {"IMPRESSION": 5, "SAVE": 1}}]
    assert _ok(call("pinsight/ingest_daily_metrics", json=rows)) == {"received": 1, "applied": 1}
    moment = runtime.clock.now().replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")
    event = {"id": uuid.uuid4().hex, "pin_id": pin["id"], "type": "VIDEO_WATCH_TIME", "timestamp": moment,
             "app_type": "MOBILE", "value": 1500}
    _ok(call("pinsight/ingest_events", json=[event]))
    line = {**event, "id": uuid.uuid4().hex, "type": "SAVE"}
    del line["value"]
    ndjson = (json.dumps(line) + "\n").encode()
    _ok(call("pinsight/ingest_events", content=ndjson, headers={"Content-Type": "application/x-ndjson"}))
    rejected = call("pinsight/ingest_events", json=[{**event, "type": "NOPE"}, {"id": "x"}])
    assert rejected.status_code == 400 and [e["position"] for e in rejected.json()["errors"]] == [0, 1]
    latin = call("pinsight/ingest_daily_metrics", content=b"[]",
                 headers={"Content-Type": "application/json; charset=latin-1"})
    assert latin.status_code == 415


def test_oauth_answers_as_published(runtime, server, user, published):
    app = create_app(runtime, "Docs app", user.username, [REDIRECT])
    client = DocClient(server.url, published, {"basic": (app.app_id, app.app_secret)})
    try:
        form = {"grant_type": "client_credentials", "scope": "boards:read"}
        assert "refresh_token" not in _ok(client.call("oauth/token", data=form))
        code = authorize(server, app, user.username)
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
        pair = _ok(client.call("oauth/token", data=form))
        form = {"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]}
        _ok(client.call("oauth/token", data=form))
        assert client.call("oauth/token", data={"grant_type": "password"}).status_code == 400
        wrong = client.call("oauth/token", data=form, credentials={"basic": (app.app_id, "nope")})
        assert wrong.status_code == 401
        assert client.call("oauth/token", json=form).status_code == 415
        assert client.call("token/revoke", data={"token": pair["access_token"]}).status_code == 200
        assert client.call("token/revoke", data={"token_type_hint": "access_token"}).status_code == 400
    finally:
        client.close()


def test_overview_answers_as_published(runtime, server, demo, published, demo_client):
    me = _ok(demo_client.call("user_account/get"))
    client = DocClient(server.url, published, {"apiKey": create_api_key(runtime, demo["username"])})
    try:
        account = {"social_network_id": me["id"]}
        answer = _ok(client.call("pinsight/overview", params={**account, "preset": "last_30_days"}))
        assert answer["data"]["metrics"]
        posts = _ok(client.call("pinsight/posts", params={**account, "preset": "last_90_days", "per_page": 100}))
        assert posts["data"]["posts"]
        assert client.call("pinsight/overview", params={**account, "preset": "last_year"}).status_code == 422
        unknown = {"social_network_id": "1", "preset": "last_7_days"}
        assert client.call("pinsight/overview", params=unknown).status_code == 404
        keyless = client.call("pinsight/posts", params={**account, "preset": "last_7_days"}, credentials={})
        assert keyless.status_code == 401
    finally:
        client.close()


def test_v5_errors_answer_as_published(runtime, demo, demo_client, user):
    call = demo_client.call
    # Without the credentials the document says to send, nothing is served.
    assert call("user_account/get", credentials={}).status_code == 401
    assert call("pins/get", path={"pin_id": "1"}).status_code == 404
    assert call("boards/list", params={"page_size": 0}).status_code == 400
    assert call("pins/analytics", path={"pin_id": demo["pin_id"]}, params={"metric_types": "NOPE", **_period(runtime)}
                ).status_code == 400
    narrow = user.token_with(runtime, {"boards:read"})
    assert call("pins/list", credentials={"bearer": narrow}).status_code == 403
