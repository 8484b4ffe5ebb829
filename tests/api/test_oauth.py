"""OAuth: apps, the consent page, and the token endpoint's three grants."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from sqlalchemy import select

from pinsight.domain import secrets
from pinsight.services.identity.oauth import create_app
from pinsight.store.tables import apps, tokens
from tests.support.api import assert_error
from tests.support.oauth import REDIRECT, authorize, basic, consent_form, token_request


@pytest.fixture
def oauth_app(runtime, user):
    return create_app(runtime, "Test scheduler", user.username, [REDIRECT])


def test_authorization_code_then_refresh(server, oauth_app, user):
    code = authorize(server, oauth_app, user.username)
    response = token_request(server, oauth_app, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["response_type"] == "authorization_code" and body["token_type"] == "bearer"
    assert body["expires_in"] == 30 * 24 * 3600 and body["refresh_token_expires_in"] == 365 * 24 * 3600
    assert body["scope"] == "boards:read pins:read user_accounts:read"
    me = httpx.get(f"{server.url}/v5/user_account", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["username"] == user.username
    # The token carries only the consented scopes.
    denied = httpx.post(f"{server.url}/v5/boards", json={"name": "x"}, headers={"Authorization": f"Bearer {body['access_token']}"})
    assert_error(denied, 403)
    # The code is single-use.
    again = token_request(server, oauth_app, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert_error(again, 400)

    refreshed = token_request(server, oauth_app, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    new = refreshed.json()
    assert new["response_type"] == "refresh_token" and new["access_token"] != body["access_token"]
    assert new["refresh_token"] and new["refresh_token_expires_at"] > 0
    assert httpx.get(f"{server.url}/v5/user_account", headers={"Authorization": f"Bearer {new['access_token']}"}).status_code == 200
    # A refused request does not spend the refresh token; each refresh hands out the next one.
    widened = token_request(server, oauth_app, grant_type="refresh_token", refresh_token=new["refresh_token"], scope="ads:write")
    assert_error(widened, 400)
    narrowed = token_request(server, oauth_app, grant_type="refresh_token", refresh_token=new["refresh_token"], scope="pins:read")
    assert narrowed.status_code == 200, narrowed.text
    assert narrowed.json()["scope"] == "pins:read"
    # A refresh token is not an access token.
    assert_error(httpx.get(f"{server.url}/v5/user_account", headers={"Authorization": f"Bearer {body['refresh_token']}"}), 401)


def test_client_credentials_acts_for_the_app_owner_where_the_spec_allows(server, oauth_app, user):
    response = token_request(server, oauth_app, grant_type="client_credentials", scope="boards:read,boards:write,user_accounts:read")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["response_type"] == "client_credentials" and "refresh_token" not in body
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert httpx.get(f"{server.url}/v5/user_account", headers=headers).json()["username"] == user.username
    board = httpx.post(f"{server.url}/v5/boards", json={"name": "cc"}, headers=headers)
    assert board.status_code == 201
    # boards/delete does not accept client_credentials tokens in Pinterest's spec.
    assert_error(httpx.delete(f"{server.url}/v5/boards/{board.json()['id']}", headers=headers), 403)
    assert_error(token_request(server, oauth_app, grant_type="client_credentials"), 400)


def test_token_endpoint_rejections(server, oauth_app, user):
    code = authorize(server, oauth_app, user.username)
    wrong_secret = httpx.post(
        f"{server.url}/v5/oauth/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        headers=basic(oauth_app.app_id, "pins_wrong"),
    )
    assert_error(wrong_secret, 401)
    assert_error(httpx.post(f"{server.url}/v5/oauth/token", data={"grant_type": "client_credentials", "scope": "pins:read"}), 401)
    assert_error(token_request(server, oauth_app, grant_type="authorization_code", code=code, redirect_uri="https://evil.example"), 400)
    # The failed attempt above did not burn the code.
    ok = token_request(server, oauth_app, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert ok.status_code == 200
    assert_error(token_request(server, oauth_app, grant_type="password"), 400)
    assert_error(token_request(server, oauth_app, grant_type="refresh_token", refresh_token="pinr_nope"), 400)
    assert_error(token_request(server, oauth_app, grant_type="client_credentials", scope="not:a_scope"), 400)
    json_body = httpx.post(
        f"{server.url}/v5/oauth/token", json={"grant_type": "client_credentials"}, headers=basic(oauth_app.app_id, oauth_app.app_secret)
    )
    assert_error(json_body, 415)


def test_consent_page_rejects_unknown_apps_and_redirects(server, oauth_app):
    bad_app = httpx.get(f"{server.url}/oauth/", params={"client_id": "42", "redirect_uri": REDIRECT, "response_type": "code"})
    assert bad_app.status_code == 400
    bad_redirect = httpx.get(
        f"{server.url}/oauth/", params={"client_id": oauth_app.app_id, "redirect_uri": "https://evil.example/", "response_type": "code"}
    )
    assert bad_redirect.status_code == 400 and "redirect_uri" in bad_redirect.text
    form = consent_form(server, oauth_app.app_id, scope="pins:read", state="s1")
    denied = httpx.post(f"{server.url}/oauth/", data={**form, "decision": "deny", "username": "x"})
    assert denied.status_code == 302 and parse_qs(urlparse(denied.headers["location"]).query) == {"error": ["access_denied"], "state": ["s1"]}


def test_secrets_and_tokens_are_hashed_at_rest(runtime, server, oauth_app, user):
    code = authorize(server, oauth_app, user.username)
    body = token_request(server, oauth_app, grant_type="authorization_code", code=code, redirect_uri=REDIRECT).json()
    with runtime.engine.connect() as conn:
        app_row = conn.execute(select(apps).where(apps.c.id == int(oauth_app.app_id))).mappings().one()
        stored = set(conn.execute(select(tokens.c.token_hash)).scalars())
        refresh_row = conn.execute(select(tokens).where(tokens.c.token_hash == secrets.digest(body["refresh_token"]))).mappings().one()
    assert app_row["secret_hash"] == secrets.digest(oauth_app.app_secret) and oauth_app.app_secret not in app_row.values()
    assert body["access_token"] not in stored and secrets.digest(body["access_token"]) in stored
    assert refresh_row["expires_at"] - refresh_row["created_at"] == timedelta(days=365)
