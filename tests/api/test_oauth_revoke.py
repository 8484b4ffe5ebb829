"""POST /v5/oauth/token/revoke: an app revokes the tokens it was issued (HTTP Basic with
its id and secret, a form body with ``token``); revoked tokens answer 401 from then on."""

import httpx
import pytest

from pinsight.services.identity.oauth import create_app
from pinsight.services.runtime import Runtime
from tests.support.api import assert_error
from tests.support.oauth import REDIRECT, basic, bearer, code_grant, token_request
from tests.support.server import LiveServer


@pytest.fixture
def oauth_app(runtime, user):
    return create_app(runtime, "Revoking app", user.username, [REDIRECT])


def revoke(server, oauth_app, headers=None, **form) -> httpx.Response:
    headers = basic(oauth_app.app_id, oauth_app.app_secret) if headers is None else headers
    return httpx.post(f"{server.url}/v5/oauth/token/revoke", data=form, headers=headers)


def me(server, access_token: str) -> httpx.Response:
    return httpx.get(f"{server.url}/v5/user_account", headers=bearer(access_token))


def refresh(server, oauth_app, refresh_token: str) -> httpx.Response:
    return token_request(server, oauth_app, grant_type="refresh_token", refresh_token=refresh_token)


def test_a_revoked_access_token_is_refused_afterwards(server, oauth_app, user):
    pair = code_grant(server, oauth_app, user.username)
    assert me(server, pair["access_token"]).status_code == 200
    answer = revoke(server, oauth_app, token=pair["access_token"], token_type_hint="access_token")
    assert answer.status_code == 200 and answer.content == b""
    assert_error(me(server, pair["access_token"]), 401, 2)
    # Only that token: the refresh token still brings a new, working pair.
    renewed = refresh(server, oauth_app, pair["refresh_token"])
    assert renewed.status_code == 200, renewed.text
    assert me(server, renewed.json()["access_token"]).status_code == 200


def test_a_revoked_refresh_token_cannot_refresh_and_its_grant_access_token_goes_too(server, oauth_app, user):
    pair = code_grant(server, oauth_app, user.username)
    assert revoke(server, oauth_app, token=pair["refresh_token"]).status_code == 200  # the hint is optional
    assert_error(refresh(server, oauth_app, pair["refresh_token"]), 400, 283)
    assert_error(me(server, pair["access_token"]), 401, 2)


def test_a_client_credentials_token_can_be_revoked(server, oauth_app):
    issued = token_request(server, oauth_app, grant_type="client_credentials", scope="user_accounts:read")
    access = issued.json()["access_token"]
    assert me(server, access).status_code == 200
    assert revoke(server, oauth_app, token=access).status_code == 200
    assert_error(me(server, access), 401, 2)


def test_another_app_cannot_revoke_a_token(runtime, server, oauth_app, user):
    other = create_app(runtime, "Other app", user.username, [REDIRECT])
    pair = code_grant(server, oauth_app, user.username)
    for token in (pair["access_token"], pair["refresh_token"]):
        assert_error(revoke(server, other, token=token), 403, 29)
    # Nor a token minted by the CLI, which no app was issued.
    assert_error(revoke(server, oauth_app, token=user.token), 403, 29)
    assert me(server, pair["access_token"]).status_code == 200
    assert me(server, user.token).status_code == 200
    assert refresh(server, oauth_app, pair["refresh_token"]).status_code == 200


def test_revoking_twice_or_an_unknown_token_is_no_error(server, oauth_app, user):
    # RFC 7009: a token the server does not know is already unusable.
    pair = code_grant(server, oauth_app, user.username)
    assert revoke(server, oauth_app, token=pair["access_token"]).status_code == 200
    assert revoke(server, oauth_app, token=pair["access_token"]).status_code == 200
    assert revoke(server, oauth_app, token="pina_never_issued").status_code == 200


def test_bad_credentials_are_401(server, oauth_app, user):
    pair = code_grant(server, oauth_app, user.username)
    wrong_secret = basic(oauth_app.app_id, "pinsight_wrong")
    for headers in ({}, wrong_secret, basic("42", oauth_app.app_secret), bearer(pair["access_token"]),
                    {"Authorization": "Basic !!!"}):
        assert_error(revoke(server, oauth_app, headers=headers, token=pair["access_token"]), 401, 2)
    assert me(server, pair["access_token"]).status_code == 200


def test_bad_input_is_4xx(server, oauth_app, user):
    pair = code_grant(server, oauth_app, user.username)
    url = f"{server.url}/v5/oauth/token/revoke"
    auth = basic(oauth_app.app_id, oauth_app.app_secret)
    form = {**auth, "Content-Type": "application/x-www-form-urlencoded"}
    assert_error(httpx.post(url, content=b"", headers=form), 400)
    assert_error(revoke(server, oauth_app, token=""), 400)
    assert_error(revoke(server, oauth_app, token=pair["access_token"], token_type_hint="id_token"), 400)
    assert_error(revoke(server, oauth_app, token="x" * 129), 400)
    repeated = httpx.post(url, content=f"token={pair['access_token']}&token=other", headers=form)
    assert_error(repeated, 400)
    assert_error(httpx.post(url, json={"token": pair["access_token"]}, headers=auth), 415)
    assert_error(httpx.get(url, headers=auth), 405)
    assert me(server, pair["access_token"]).status_code == 200


@pytest.fixture(scope="module")
def caching_server(runtime):
    """A server whose workers trust a verified token for a minute, as production ones do for seconds."""
    settings = runtime.settings.model_copy(update={"token_cache_seconds": 60})
    live = LiveServer(Runtime.build(runtime.engine, settings)).start()
    yield live
    live.stop()


def test_revocation_reaches_the_worker_that_cached_the_token(caching_server, oauth_app, user):
    pair = code_grant(caching_server, oauth_app, user.username)
    assert me(caching_server, pair["access_token"]).status_code == 200  # now in this worker's cache
    assert revoke(caching_server, oauth_app, token=pair["access_token"]).status_code == 200
    assert_error(me(caching_server, pair["access_token"]), 401, 2)
