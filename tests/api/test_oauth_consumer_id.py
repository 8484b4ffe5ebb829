"""The consent page takes ``consumer_id``, Pinterest's name for the app id, which every
api-quickstart language sends instead of ``client_id``."""

from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from pinsight.services.identity.oauth import create_app
from tests.support.oauth import REDIRECT, SCOPE, basic, hidden_fields


@pytest.fixture
def oauth_app(runtime, user):
    return create_app(runtime, "Quickstart app", user.username, [REDIRECT])


def _page(server, **ids) -> httpx.Response:
    params = {**ids, "redirect_uri": REDIRECT, "response_type": "code", "scope": SCOPE, "state": "qs"}
    return httpx.get(f"{server.url}/oauth/", params=params, trust_env=False)


def test_consumer_id_alone_leads_to_a_working_code(server, oauth_app, user):
    page = _page(server, consumer_id=oauth_app.app_id)
    assert page.status_code == 200, page.text
    assert "Quickstart app" in page.text
    form = hidden_fields(page.text)
    assert form["client_id"] == oauth_app.app_id and "consumer_id" not in form
    decision = httpx.post(f"{server.url}/oauth/", data={**form, "username": user.username, "decision": "allow"})
    assert decision.status_code == 302, decision.text
    code = parse_qs(urlparse(decision.headers["location"]).query)["code"][0]
    token = httpx.post(
        f"{server.url}/v5/oauth/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        headers=basic(oauth_app.app_id, oauth_app.app_secret),
    )
    assert token.status_code == 200, token.text
    assert token.json()["response_type"] == "authorization_code"


def test_client_id_and_consumer_id_may_both_name_the_same_app(server, oauth_app):
    page = _page(server, client_id=oauth_app.app_id, consumer_id=oauth_app.app_id)
    assert page.status_code == 200, page.text


def test_client_id_and_consumer_id_naming_different_apps_is_a_400(runtime, server, oauth_app, user):
    other = create_app(runtime, "Other app", user.username, [REDIRECT])
    page = _page(server, client_id=oauth_app.app_id, consumer_id=other.app_id)
    assert page.status_code == 400
    assert "consumer_id" in page.text and "Authorization request rejected" in page.text
    # The form answer is held to the same rule.
    form = hidden_fields(_page(server, client_id=oauth_app.app_id).text)
    answer = httpx.post(
        f"{server.url}/oauth/", data={**form, "consumer_id": other.app_id, "username": user.username, "decision": "allow"}
    )
    assert answer.status_code == 400 and "location" not in answer.headers


def test_an_unknown_consumer_id_is_a_400(server):
    page = _page(server, consumer_id="42")
    assert page.status_code == 400 and "Unknown client_id" in page.text
