"""The consent page: never framed, and its form answers only when this server served it."""

import time
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from sqlalchemy import func, select

from pinsight.domain import form_tokens
from pinsight.services.identity.consent import AUTHORIZATION_FIELDS, FORM_MAX_AGE_SECONDS, FORM_SECRET_NAME
from pinsight.services.identity.oauth import create_app
from pinsight.store.identity import auth as auth_store
from pinsight.store.tables import auth_codes
from tests.support.oauth import REDIRECT, SCOPE, consent_form

OTHER_REDIRECT = "https://client.example/other-callback"
NO_FRAMING = {"x-frame-options": "DENY", "content-security-policy": "frame-ancestors 'none'"}


@pytest.fixture
def oauth_app(runtime, user):
    return create_app(runtime, "Consent app", user.username, [REDIRECT, OTHER_REDIRECT])


def codes_issued(runtime, oauth_app) -> int:
    with runtime.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(auth_codes).where(auth_codes.c.app_id == int(oauth_app.app_id))).scalar_one()


def post(server, data: dict, **headers) -> httpx.Response:
    return httpx.post(f"{server.url}/oauth/", data=data, headers=headers)


def assert_refused(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("text/html")
    assert "Authorization request rejected" in response.text
    for name, value in NO_FRAMING.items():
        assert response.headers[name] == value


def test_the_page_shows_the_app_and_scopes_and_no_answer_can_be_framed(server, oauth_app, user):
    params = {"client_id": oauth_app.app_id, "redirect_uri": REDIRECT, "response_type": "code", "scope": SCOPE, "state": "s"}
    page = httpx.get(f"{server.url}/oauth/", params=params)
    assert page.status_code == 200
    assert "Consent app" in page.text and "boards:read" in page.text and user.username in page.text
    assert page.headers["cache-control"] == "no-store"
    answers = [page, httpx.get(f"{server.url}/oauth/", params={**params, "client_id": "42"})]
    form = consent_form(server, oauth_app.app_id)
    answers += [
        post(server, {**form, "username": user.username, "decision": "allow"}),
        post(server, {**form, "username": user.username, "decision": "deny"}),
        post(server, {**form, "username": "nobody_by_that_name", "decision": "allow"}),
        post(server, {**form, "csrf_token": "forged", "username": user.username, "decision": "allow"}),
    ]
    assert [answer.status_code for answer in answers] == [200, 400, 302, 302, 400, 403]
    for answer in answers:
        for name, value in NO_FRAMING.items():
            assert answer.headers[name] == value, (answer.status_code, answer.headers)


def test_an_answer_from_the_served_form_grants_a_code(runtime, server, oauth_app, user):
    form = consent_form(server, oauth_app.app_id, state="s2")
    allowed = post(server, {**form, "username": user.username, "decision": "allow"}, Origin=server.url)
    assert allowed.status_code == 302, allowed.text
    assert set(parse_qs(urlparse(allowed.headers["location"]).query)) == {"code", "state"}
    assert codes_issued(runtime, oauth_app) == 1


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda form: {k: v for k, v in form.items() if k != "csrf_token"}, id="missing token"),
        pytest.param(lambda form: {**form, "csrf_token": ""}, id="empty token"),
        pytest.param(lambda form: {**form, "csrf_token": f"{int(time.time())}.{'0' * 64}"}, id="forged token"),
        pytest.param(lambda form: {**form, "csrf_token": form["csrf_token"] + "0"}, id="altered token"),
        pytest.param(lambda form: {**form, "csrf_token": "é" * 40}, id="non-ASCII token"),
        pytest.param(lambda form: {**form, "scope": "boards:read"}, id="other scope"),
        pytest.param(lambda form: {**form, "state": "attacker-state"}, id="other state"),
        pytest.param(lambda form: {k: v for k, v in form.items() if k != "state"}, id="state dropped"),
        pytest.param(lambda form: {**form, "redirect_uri": OTHER_REDIRECT}, id="other registered redirect_uri"),
    ],
)
@pytest.mark.parametrize("decision", ["allow", "deny"])
def test_a_form_not_served_for_this_request_is_refused_and_grants_nothing(runtime, server, oauth_app, user, tamper, decision):
    form = consent_form(server, oauth_app.app_id)
    refused = post(server, {**tamper(form), "username": user.username, "decision": decision})
    assert_refused(refused, 403)
    assert "location" not in refused.headers
    assert codes_issued(runtime, oauth_app) == 0


def test_a_token_for_another_app_is_refused(runtime, server, oauth_app, user):
    other = create_app(runtime, "Other app", user.username, [REDIRECT])
    borrowed = consent_form(server, other.app_id)["csrf_token"]
    form = consent_form(server, oauth_app.app_id)
    assert_refused(post(server, {**form, "csrf_token": borrowed, "username": user.username, "decision": "allow"}), 403)
    assert codes_issued(runtime, oauth_app) == 0


def test_an_expired_form_is_refused(runtime, server, oauth_app, user):
    form = consent_form(server, oauth_app.app_id)
    with runtime.engine.connect() as conn:
        secret = auth_store.find_server_secret(conn, FORM_SECRET_NAME).encode()
    fields = [form.get(name) for name in AUTHORIZATION_FIELDS]
    now = int(time.time())
    stale = form_tokens.issue(secret, fields, now - FORM_MAX_AGE_SECONDS - 60)
    from_the_future = form_tokens.issue(secret, fields, now + 3600)
    for token in (stale, from_the_future):
        assert_refused(post(server, {**form, "csrf_token": token, "username": user.username, "decision": "allow"}), 403)
    # The same signer with a fresh timestamp is accepted: only the age made the difference.
    fresh = form_tokens.issue(secret, fields, now)
    assert post(server, {**form, "csrf_token": fresh, "username": user.username, "decision": "allow"}).status_code == 302
    assert codes_issued(runtime, oauth_app) == 1


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://127.0.0.1:1", "http://localhost"])
def test_a_post_from_a_foreign_origin_is_refused_even_with_a_valid_form(runtime, server, oauth_app, user, origin):
    form = consent_form(server, oauth_app.app_id)
    assert_refused(post(server, {**form, "username": user.username, "decision": "allow"}, Origin=origin), 403)
    assert codes_issued(runtime, oauth_app) == 0
