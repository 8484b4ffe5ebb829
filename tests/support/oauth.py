"""Drive OAuth over HTTP: the consent page as a browser would, and the token endpoint."""

from __future__ import annotations

import base64
import re
from html import unescape
from urllib.parse import parse_qs, urlparse

import httpx

REDIRECT = "https://client.example/callback"
SCOPE = "boards:read,pins:read,user_accounts:read"


def basic(app_id: str, secret: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{app_id}:{secret}".encode()).decode()}


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden inputs of the consent form, as a browser would send them back."""
    return {unescape(name): unescape(value) for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page)}


def consent_form(server, app_id: str, scope: str = SCOPE, state: str | None = "xyz", redirect_uri: str = REDIRECT) -> dict[str, str]:
    """GET the consent page for an authorization request; return its form's hidden fields."""
    params = {"client_id": app_id, "redirect_uri": redirect_uri, "response_type": "code", "scope": scope}
    if state is not None:
        params["state"] = state
    page = httpx.get(f"{server.url}/oauth/", params=params, trust_env=False)
    assert page.status_code == 200, page.text
    return hidden_fields(page.text)


def authorize(server, oauth_app, username: str, scope: str = SCOPE, state: str = "xyz") -> str:
    """Approve the app as ``username`` on the consent page; return the authorization code."""
    form = consent_form(server, oauth_app.app_id, scope=scope, state=state)
    decision = httpx.post(f"{server.url}/oauth/", data={**form, "username": username, "decision": "allow"})
    assert decision.status_code == 302, decision.text
    location = urlparse(decision.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == [state]
    return query["code"][0]


def token_request(server, oauth_app, **form) -> httpx.Response:
    return httpx.post(f"{server.url}/v5/oauth/token", data=form, headers=basic(oauth_app.app_id, oauth_app.app_secret))


def code_grant(server, oauth_app, username: str, scope: str = SCOPE) -> dict:
    """Consent and exchange the code: the token endpoint's answer."""
    code = authorize(server, oauth_app, username, scope=scope)
    response = token_request(server, oauth_app, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert response.status_code == 200, response.text
    return response.json()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
