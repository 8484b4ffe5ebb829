"""Hostile or broken input to OAuth is a clear 4xx, never a 500, and grants nothing."""

import base64
from html import unescape

import httpx
import pytest
from sqlalchemy import func, select

from pinsight.services.identity.oauth import FIELD_LIMITS, create_app
from pinsight.store.tables import auth_codes
from tests.support.api import assert_error
from tests.support.oauth import REDIRECT, SCOPE, basic, consent_form, token_request

HUGE_ID = "9" * 5000  # past Python's 4,300-digit limit on int()


@pytest.fixture
def oauth_app(runtime, user):
    return create_app(runtime, "Hostile input app", user.username, [REDIRECT])


def codes_issued(runtime, oauth_app) -> int:
    with runtime.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(auth_codes).where(auth_codes.c.app_id == int(oauth_app.app_id))).scalar_one()


def assert_error_page(response: httpx.Response, status: int = 400, mentions: str | None = None) -> None:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("text/html") and "Authorization request rejected" in response.text
    assert response.headers["x-frame-options"] == "DENY"
    if mentions is not None:
        assert mentions in unescape(response.text)


def authorization_params(oauth_app, **overrides) -> dict:
    return {"client_id": oauth_app.app_id, "redirect_uri": REDIRECT, "response_type": "code", "scope": SCOPE, "state": "s", **overrides}


# --- the consent page ------------------------------------------------------------------------------------------


def test_a_huge_client_id_on_the_consent_page(runtime, server, oauth_app, user):
    assert_error_page(httpx.get(f"{server.url}/oauth/", params=authorization_params(oauth_app, client_id=HUGE_ID)), mentions="client_id")
    form = consent_form(server, oauth_app.app_id)
    posted = httpx.post(f"{server.url}/oauth/", data={**form, "client_id": HUGE_ID, "username": user.username, "decision": "allow"})
    assert_error_page(posted, mentions="client_id")
    assert codes_issued(runtime, oauth_app) == 0


@pytest.mark.parametrize("client_id", ["9" * 19, "9" * 20, "١٢٣", "-1", " 1", "0x10"])
def test_odd_client_ids_are_unknown_apps(server, oauth_app, client_id):
    assert_error_page(httpx.get(f"{server.url}/oauth/", params=authorization_params(oauth_app, client_id=client_id)))


@pytest.mark.parametrize("field", ["client_id", "username", "csrf_token", "state", "decision"])
def test_a_file_upload_as_a_consent_field(runtime, server, oauth_app, user, field):
    form = {**consent_form(server, oauth_app.app_id), "username": user.username, "decision": "allow"}
    # The same form as multipart text fields is answered: only the file makes the difference.
    text_only = httpx.post(f"{server.url}/oauth/", files={name: (None, value) for name, value in form.items()})
    assert text_only.status_code == 302, text_only.text
    del form[field]
    with_file = httpx.post(f"{server.url}/oauth/", data=form, files={field: ("value.txt", b"123", "text/plain")})
    assert_error_page(with_file)
    assert codes_issued(runtime, oauth_app) == 1


@pytest.mark.parametrize("field", ["client_id", "redirect_uri", "scope", "state", "csrf_token", "username"])
def test_a_repeated_consent_field_is_refused(runtime, server, oauth_app, user, field):
    form = {**consent_form(server, oauth_app.app_id), "username": user.username, "decision": "allow"}
    posted = httpx.post(f"{server.url}/oauth/", data={**form, field: [form[field], form[field]]})
    assert_error_page(posted, mentions=f"'{field}' is given more than once")
    if field in authorization_params(oauth_app):
        params = authorization_params(oauth_app)
        page = httpx.get(f"{server.url}/oauth/", params={**params, field: [params[field], params[field]]})
        assert_error_page(page, mentions=f"'{field}' is given more than once")
    assert codes_issued(runtime, oauth_app) == 0


@pytest.mark.parametrize("field", ["state", "redirect_uri", "scope"])
def test_overlong_authorization_fields_are_refused(runtime, server, oauth_app, user, field):
    limit = FIELD_LIMITS[field]
    params = authorization_params(oauth_app)
    longest = {"state": "s" * limit, "redirect_uri": REDIRECT + "x" * (limit - len(REDIRECT)), "scope": "pins:read" + "," * (limit - 9)}
    too_long = {name: value + "x" for name, value in longest.items()}
    assert_error_page(httpx.get(f"{server.url}/oauth/", params={**params, field: too_long[field]}), mentions=f"'{field}' is too long")
    # At the limit the field is read (and judged on its merits: an unregistered redirect_uri is still a 400).
    at_limit = httpx.get(f"{server.url}/oauth/", params={**params, field: longest[field]})
    assert at_limit.status_code == (400 if field == "redirect_uri" else 200) and "too long" not in at_limit.text
    form = {**consent_form(server, oauth_app.app_id), "username": user.username, "decision": "allow"}
    assert_error_page(httpx.post(f"{server.url}/oauth/", data={**form, field: too_long[field]}), mentions=f"'{field}' is too long")
    assert codes_issued(runtime, oauth_app) == 0


def test_a_long_state_within_the_limit_comes_back_unchanged(server, oauth_app, user):
    state = "s" * FIELD_LIMITS["state"]
    form = consent_form(server, oauth_app.app_id, state=state)
    allowed = httpx.post(f"{server.url}/oauth/", data={**form, "username": user.username, "decision": "allow"})
    assert allowed.status_code == 302 and f"state={state}" in allowed.headers["location"]


def test_malformed_consent_bodies(runtime, server, oauth_app):
    bodies = [
        (b"xx", "multipart/form-data"),  # no boundary
        (b"--b\r\nxx", "multipart/form-data; boundary=b"),
        (b'--b\r\nContent-Disposition: form-data; name="client_id"\r\n\r\n\xff\xfe\r\n--b--\r\n', "multipart/form-data; boundary=b"),
        (b"client_id=%ff%fe&state=%00", "application/x-www-form-urlencoded"),
        (b"\xff\xfe", "text/plain"),
        (b"", ""),
    ]
    for body, content_type in bodies:
        response = httpx.post(f"{server.url}/oauth/", content=body, headers={"Content-Type": content_type})
        assert response.status_code in (400, 403), (content_type, response.status_code, response.text)
        assert_error_page(response, status=response.status_code)
    assert codes_issued(runtime, oauth_app) == 0


def test_a_bad_query_string_on_the_consent_page(server):
    for query in ("client_id=%ff%fe", "state=%00&client_id=1", "%zz=1"):
        assert_error_page(httpx.get(f"{server.url}/oauth/?{query}"))


# --- the token endpoint -----------------------------------------------------------------------------------------


def token_post(server, content: bytes | str, content_type: str | None = "application/x-www-form-urlencoded", authorization=None):
    headers = {} if content_type is None else {"Content-Type": content_type}
    return httpx.post(f"{server.url}/v5/oauth/token", content=content, headers={**headers, **(authorization or {})})


def test_a_huge_client_id_in_basic_credentials(server, oauth_app):
    for client_id in (HUGE_ID, "9" * 20, "99999999999999999999999"):
        assert_error(token_post(server, "grant_type=client_credentials&scope=pins:read", authorization=basic(client_id, "x")), 401, code=2)


def test_malformed_basic_credentials(server, oauth_app):
    body = "grant_type=client_credentials&scope=pins:read"
    not_utf8 = {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode()}
    no_colon = {"Authorization": "Basic " + base64.b64encode(oauth_app.app_id.encode()).decode()}
    for authorization in (not_utf8, no_colon, {"Authorization": "Basic"}, {"Authorization": "Basic ===="}):
        assert_error(token_post(server, body, authorization=authorization), 401, code=2)
    raw_bytes = httpx.post(
        f"{server.url}/v5/oauth/token",
        content=body,
        headers=[(b"Content-Type", b"application/x-www-form-urlencoded"), (b"Authorization", b"Basic \xff\xfe\x80")],
    )
    assert_error(raw_bytes, 401, code=2)


def test_the_token_endpoint_takes_only_form_bodies(server, oauth_app):
    credentials = basic(oauth_app.app_id, oauth_app.app_secret)
    body = "grant_type=client_credentials&scope=pins:read"
    for content_type in (None, "", "text/plain", "application/x-www-form-urlencodedX", "multipart/form-data; boundary=b", "application/json"):
        assert_error(token_post(server, body, content_type, credentials), 415)
    for content_type in ("application/x-www-form-urlencoded; charset=UTF-8", "Application/X-WWW-Form-Urlencoded"):
        assert token_post(server, body, content_type, credentials).status_code == 200


def test_repeated_token_fields_are_refused(server, oauth_app):
    credentials = basic(oauth_app.app_id, oauth_app.app_secret)
    for body in ("grant_type=password&grant_type=client_credentials&scope=pins:read", "grant_type=client_credentials&scope=pins:read&scope=ads:write"):
        body_json = assert_error(token_post(server, body, authorization=credentials), 400, code=1)
        assert "more than once" in body_json["message"]


@pytest.mark.parametrize("field", ["scope", "code", "refresh_token", "redirect_uri", "grant_type"])
def test_overlong_token_fields_are_refused(server, oauth_app, field):
    grant = {"grant_type": "client_credentials", "scope": "pins:read", "code": "pinc_x", "refresh_token": "pinr_x", "redirect_uri": REDIRECT}
    message = assert_error(token_request(server, oauth_app, **{**grant, field: "x" * (FIELD_LIMITS[field] + 1)}), 400, code=1)["message"]
    assert f"'{field}' is too long" in message


def test_too_many_or_too_large_token_fields(server, oauth_app):
    credentials = basic(oauth_app.app_id, oauth_app.app_secret)
    many = "&".join(f"f{n}=1" for n in range(1000))
    assert_error(token_post(server, f"grant_type=client_credentials&scope=pins:read&{many}", authorization=credentials), 400)
    huge = "grant_type=client_credentials&scope=" + "pins:read," * 200_000
    assert_error(token_post(server, huge, authorization=credentials), 400)
    weird = "grant_type=client_credentials&scope=%ff%fe%00&refresh_token=%zz"
    assert_error(token_post(server, weird, authorization=credentials), 400)
