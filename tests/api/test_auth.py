"""Tokens and scopes: 401 without a valid token, 403 without the operation's scopes."""

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update

from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.domain import secrets
from pinsight.store.tables import tokens
from tests.support.api import assert_error, create_board, create_pin
from tests.support.operations import V5_BEARER_OPERATIONS as OPERATIONS

# One representative request per implemented operation: (operation id, method, path template).
OPERATION_REQUESTS = [
    ("user_account/get", "GET", "/user_account"),
    ("boards/list", "GET", "/boards"),
    ("boards/create", "POST", "/boards"),
    ("boards/get", "GET", "/boards/{board}"),
    ("boards/update", "PATCH", "/boards/{board}"),
    ("boards/delete", "DELETE", "/boards/{board}"),
    ("boards/list_pins", "GET", "/boards/{board}/pins"),
    ("board_sections/list", "GET", "/boards/{board}/sections"),
    ("board_sections/create", "POST", "/boards/{board}/sections"),
    ("board_sections/update", "PATCH", "/boards/{board}/sections/{section}"),
    ("board_sections/delete", "DELETE", "/boards/{board}/sections/{section}"),
    ("board_sections/list_pins", "GET", "/boards/{board}/sections/{section}/pins"),
    ("pins/list", "GET", "/pins"),
    ("pins/create", "POST", "/pins"),
    ("pins/get", "GET", "/pins/{pin}"),
    ("pins/update", "PATCH", "/pins/{pin}"),
    ("pins/delete", "DELETE", "/pins/{pin}"),
    ("pins/save", "POST", "/pins/{pin}/save"),
    ("pins/analytics", "GET", "/pins/{pin}/analytics?start_date={today}&end_date={today}&metric_types=SAVE"),
    ("multi_pins/analytics", "GET", "/pins/analytics?pin_ids={pin}&start_date={today}&end_date={today}&metric_types=SAVE"),
    ("ad_accounts/list", "GET", "/ad_accounts"),
    ("ad_accounts/get", "GET", "/ad_accounts/1"),
    ("user_account/analytics", "GET", "/user_account/analytics?start_date={today}&end_date={today}"),
    ("user_account/analytics/top_pins", "GET", "/user_account/analytics/top_pins?start_date={today}&end_date={today}&sort_by=SAVE"),
    ("user_account/analytics/top_video_pins", "GET",
     "/user_account/analytics/top_video_pins?start_date={today}&end_date={today}&sort_by=VIDEO_START"),
    ("media/create", "POST", "/media"),
    ("media/list", "GET", "/media"),
    ("media/get", "GET", "/media/1"),
    ("ad_accounts/create", "POST", "/ad_accounts"),
    ("campaigns/list", "GET", "/ad_accounts/1/campaigns"),
    ("campaigns/create", "POST", "/ad_accounts/1/campaigns"),
    ("campaigns/update", "PATCH", "/ad_accounts/1/campaigns"),
    ("campaigns/get", "GET", "/ad_accounts/1/campaigns/1"),
    ("ad_groups/list", "GET", "/ad_accounts/1/ad_groups"),
    ("ad_groups/create", "POST", "/ad_accounts/1/ad_groups"),
    ("ad_groups/update", "PATCH", "/ad_accounts/1/ad_groups"),
    ("ad_groups/get", "GET", "/ad_accounts/1/ad_groups/1"),
    ("ads/list", "GET", "/ad_accounts/1/ads"),
    ("ads/create", "POST", "/ad_accounts/1/ads"),
    ("ads/update", "PATCH", "/ad_accounts/1/ads"),
    ("ads/get", "GET", "/ad_accounts/1/ads/1"),
    ("metrics_ready_state/get", "GET", "/resources/metrics_ready_state"),
    ("events/create", "POST", "/ad_accounts/1/events"),
    ("ad_account/analytics", "GET", "/ad_accounts/1/analytics"),
    ("campaigns/analytics", "GET", "/ad_accounts/1/campaigns/analytics"),
    ("ad_groups/analytics", "GET", "/ad_accounts/1/ad_groups/analytics"),
    ("ads/analytics", "GET", "/ad_accounts/1/ads/analytics"),
    ("ad_pins/analytics", "GET", "/ad_accounts/1/pins/analytics"),
    ("ad_account_targeting_analytics/get", "GET", "/ad_accounts/1/targeting_analytics"),
    ("campaign_targeting_analytics/get", "GET", "/ad_accounts/1/campaigns/targeting_analytics"),
    ("ad_groups_targeting_analytics/get", "GET", "/ad_accounts/1/ad_groups/targeting_analytics"),
    ("ad_targeting_analytics/get", "GET", "/ad_accounts/1/ads/targeting_analytics"),
    ("delivery_metrics/get", "GET", "/resources/delivery_metrics"),
    ("targeting_options/get", "GET", "/resources/targeting/GEO"),
    ("interest_targeting_options/get", "GET", "/resources/targeting/interests/150"),
    ("audience_insights/get", "GET", "/ad_accounts/1/audience_insights?audience_insight_type=YOUR_TOTAL_AUDIENCE"),
    ("audience_insights_scope_and_type/get", "GET", "/ad_accounts/1/insights/audiences"),
    ("analytics/create_report", "POST", "/ad_accounts/1/reports"),
    ("analytics/get_report", "GET", "/ad_accounts/1/reports?token=1"),
    ("templates/list", "GET", "/ad_accounts/1/templates"),
    ("analytics/create_template_report", "POST", "/ad_accounts/1/templates/1/reports"),
    ("bulk_download/create", "POST", "/ad_accounts/1/bulk/download"),
    ("bulk_request/get", "GET", "/ad_accounts/1/bulk/1"),
]


def test_every_implemented_operation_is_listed_here():
    assert {op for op, _, _ in OPERATION_REQUESTS} == set(OPERATIONS)


@pytest.fixture
def targets(runtime, user):
    board = create_board(user.client)
    section = user.client.post(f"/boards/{board['id']}/sections", json={"name": "S"}).json()
    pin = create_pin(user.client, board["id"])
    return {"board": board["id"], "section": section["id"], "pin": pin["id"], "today": runtime.clock.today().isoformat()}


@pytest.mark.parametrize("operation_id,method,path", OPERATION_REQUESTS)
def test_no_token_is_401(server, targets, operation_id, method, path):
    response = httpx.request(method, f"{server.url}/v5{path.format(**targets)}", json={"name": "x"})
    assert_error(response, 401)


@pytest.mark.parametrize("operation_id,method,path", OPERATION_REQUESTS)
def test_bad_token_is_401(server, targets, operation_id, method, path):
    headers = {"Authorization": "Bearer pina_not-a-real-token"}
    response = httpx.request(method, f"{server.url}/v5{path.format(**targets)}", json={"name": "x"}, headers=headers)
    assert_error(response, 401)


@pytest.mark.parametrize("operation_id,method,path", OPERATION_REQUESTS)
def test_each_missing_scope_is_403(runtime, server, user, targets, operation_id, method, path):
    for scope in sorted(OPERATIONS[operation_id].scopes):
        token = user.token_with(runtime, set(ALL_SCOPES) - {scope})
        response = httpx.request(
            method,
            f"{server.url}/v5{path.format(**targets)}",
            json={"name": "x"},
            headers={"Authorization": f"Bearer {token}"},
        )
        body = assert_error(response, 403)
        assert scope in body["message"]


def test_expired_and_revoked_tokens_are_401(runtime, user):
    assert user.client.get("/user_account").status_code == 200
    digest = secrets.digest(user.token)
    with runtime.engine.begin() as conn:
        conn.execute(update(tokens).where(tokens.c.token_hash == digest).values(expires_at=runtime.clock.now() - timedelta(seconds=1)))
    assert "expired" in assert_error(user.client.get("/user_account"), 401)["message"]
    with runtime.engine.begin() as conn:
        conn.execute(
            update(tokens)
            .where(tokens.c.token_hash == digest)
            .values(expires_at=runtime.clock.now() + timedelta(days=1), revoked=True)
        )
    assert_error(user.client.get("/user_account"), 401)


def test_tokens_are_hashed_at_rest(runtime, user):
    with runtime.engine.connect() as conn:
        stored = conn.execute(select(tokens.c.token_hash)).scalars().all()
    assert secrets.digest(user.token) in stored
    assert user.token not in stored


def test_access_tokens_live_30_days(runtime, user):
    with runtime.engine.connect() as conn:
        row = conn.execute(select(tokens).where(tokens.c.token_hash == secrets.digest(user.token))).mappings().one()
    assert row["expires_at"] - row["created_at"] == timedelta(days=30)


def test_malformed_authorization_header_is_401(server):
    for header in ("Basic abc", "Bearer", "pina_token", "Token pina_x"):
        assert_error(httpx.get(f"{server.url}/v5/user_account", headers={"Authorization": header}), 401)
