"""OAuth: an app registered in pinsight, a code from the consent page, then the SDK's own
refresh-token client (PinterestSDKClient.create_client_with_refresh_token), which POSTs
to {PINTEREST_API_URI}/oauth/token."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from openapi_generated.pinterest_client.api.user_account_api import UserAccountApi
from openapi_generated.pinterest_client.exceptions import ForbiddenException
from openapi_generated.pinterest_client.model.oauth_access_token_response import OauthAccessTokenResponse
from pinterest.client import PinterestSDKClient
from pinterest.organic.boards import Board
from pinterest.utils.sdk_exceptions import SdkException

from pinsight.services.identity.oauth import create_app
from tests.sdk.helpers import as_model, unique
from tests.support.oauth import consent_form

REDIRECT_URI = "http://localhost:8085/callback"
SCOPES = "boards:read,pins:read,user_accounts:read"


def _authorize(sdk_server, app, username: str) -> str:
    """Approve the app on the consent page as `username`; return the authorization code."""
    form = consent_form(sdk_server, app.app_id, scope=SCOPES, state="xyz-123", redirect_uri=REDIRECT_URI)
    response = httpx.post(f"{sdk_server.url}/oauth/", data={**form, "username": username, "decision": "allow"}, trust_env=False)
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    query = parse_qs(location.query)
    assert query["state"] == ["xyz-123"]
    return query["code"][0]


def _exchange_code(sdk_server, app, code: str) -> dict:
    response = httpx.post(
        f"{sdk_server.api_uri}/oauth/token",
        auth=(app.app_id, app.app_secret),
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
        trust_env=False,
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def oauth_app(runtime, user):
    return create_app(runtime, unique("SDK app"), user.username, [REDIRECT_URI])


def test_sdk_client_from_refresh_token(runtime, user, user_client, sdk_server, oauth_app):
    mine = Board.create(name=unique("Visible"), client=user_client)
    tokens = _exchange_code(sdk_server, oauth_app, _authorize(sdk_server, oauth_app, user.username))
    # The token response satisfies the SDK's own OAuth response model.
    parsed = as_model(user_client, tokens, OauthAccessTokenResponse)
    assert parsed.response_type == "authorization_code"
    assert set(parsed.scope.split()) == set(SCOPES.split(","))

    client = PinterestSDKClient.create_client_with_refresh_token(tokens["refresh_token"], oauth_app.app_id, oauth_app.app_secret)

    assert client.configuration.host == sdk_server.api_uri
    assert client.configuration.access_token not in (tokens["access_token"], tokens["refresh_token"])
    assert UserAccountApi(client).user_account_get().username == user.username
    boards, _ = Board.get_all(client=client)
    assert [board.id for board in boards] == [mine.id]
    # The refreshed token carries the consented scopes only: no boards:write.
    with pytest.raises(ForbiddenException) as caught:
        Board.create(name=unique("Not allowed"), client=client)
    assert caught.value.status == 403


def test_refresh_token_grant_response_satisfies_the_sdk_model(user, user_client, sdk_server, oauth_app):
    tokens = _exchange_code(sdk_server, oauth_app, _authorize(sdk_server, oauth_app, user.username))
    response = httpx.post(
        f"{sdk_server.api_uri}/oauth/token",
        auth=(oauth_app.app_id, oauth_app.app_secret),
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        trust_env=False,
    )
    assert response.status_code == 200, response.text
    parsed = as_model(user_client, response.json(), OauthAccessTokenResponse)
    assert parsed.response_type == "refresh_token"
    assert parsed.token_type == "bearer" and parsed.expires_in > 0


def test_refresh_with_a_wrong_secret_or_token_is_refused(user, sdk_server, oauth_app):
    tokens = _exchange_code(sdk_server, oauth_app, _authorize(sdk_server, oauth_app, user.username))

    with pytest.raises(SdkException) as caught:
        PinterestSDKClient.create_client_with_refresh_token(tokens["refresh_token"], oauth_app.app_id, "pins_wrong-secret")
    assert caught.value.status == 401

    with pytest.raises(SdkException) as caught:
        PinterestSDKClient.create_client_with_refresh_token("pinr_not-a-token", oauth_app.app_id, oauth_app.app_secret)
    assert caught.value.status == 400

