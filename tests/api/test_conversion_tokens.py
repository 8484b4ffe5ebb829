"""Conversion tokens (the spec's conversion_token scheme): the Conversions API of their own
ad account takes them, nothing else does; they are stored as hashes and can be revoked.
On both databases, over HTTP."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from pinsight.services.identity.conversion_tokens import create_conversion_token, revoke_conversion_token
from pinsight.store.tables import ad_conversions, conversion_tokens
from tests.cli.test_cli import run
from tests.support.ads import conversion, send_conversions
from tests.support.api import assert_error
from tests.support.factories import make_ad_account


@pytest.fixture
def token_client(user):
    clients = []

    def client_for(token: str) -> httpx.Client:
        client = httpx.Client(base_url=str(user.client.base_url), headers={"Authorization": f"Bearer {token}"})
        clients.append(client)
        return client

    yield client_for
    for client in clients:
        client.close()


def _stored_event_ids(runtime, account_id: str) -> list[str]:
    with runtime.engine.connect() as conn:
        query = select(ad_conversions.c.event_id).where(ad_conversions.c.ad_account_id == int(account_id))
        return sorted(conn.execute(query).scalars())


def test_a_conversion_token_sends_its_own_accounts_conversions_only(runtime, user, new_user, token_client):
    account_id = make_ad_account(runtime, user)
    token = create_conversion_token(runtime, int(account_id))
    client = token_client(token)
    now = runtime.clock.now()
    event = conversion(now - timedelta(hours=1), em="ann@example.com")
    response = send_conversions(client, account_id, [event])
    assert response.status_code == 200, response.text
    assert response.json()["num_events_processed"] == 1
    assert _stored_event_ids(runtime, account_id) == [event["event_id"]]

    # Another ad account, even one of the same owner: not this token's.
    second = make_ad_account(runtime, user)
    assert_error(send_conversions(client, second, [conversion(now, em="bo@example.com")]), 401)
    stranger_account = make_ad_account(runtime, new_user())
    assert_error(send_conversions(client, stranger_account, [conversion(now, em="cy@example.com")]), 401)
    assert _stored_event_ids(runtime, second) == [] and _stored_event_ids(runtime, stranger_account) == []
    # Any other operation, even on its own account.
    assert_error(client.get(f"/ad_accounts/{account_id}"), 401)
    assert_error(client.get("/user_account"), 401)
    assert_error(client.get(f"/ad_accounts/{account_id}/campaigns"), 401)

    # Stored as its SHA-256 hash only.
    with runtime.engine.connect() as conn:
        rows = conn.execute(select(conversion_tokens).where(conversion_tokens.c.ad_account_id == int(account_id))).mappings().all()
    assert [row["token_hash"] for row in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in str([dict(row) for row in rows])

    # Revoked, it is refused; a token never minted, too.
    assert revoke_conversion_token(runtime, token) is True
    assert revoke_conversion_token(runtime, token) is False
    assert_error(send_conversions(client, account_id, [conversion(now, em="dee@example.com")]), 401)
    assert_error(send_conversions(token_client("pinv_" + "x" * 43), account_id, [conversion(now, em="e@example.com")]), 401)
    assert _stored_event_ids(runtime, account_id) == [event["event_id"]]


def test_the_cli_mints_and_revokes_conversion_tokens(runtime, user, token_client):
    account_id = make_ad_account(runtime, user)
    url = str(runtime.engine.url.render_as_string(hide_password=False))
    token = run("token", "create-conversion", "--ad-account", account_id, "--db", url).stdout.strip()
    assert token.startswith("pinv_")
    response = send_conversions(token_client(token), account_id, [conversion(runtime.clock.now(), em="f@example.com")])
    assert response.status_code == 200, response.text
    run("token", "revoke-conversion", token, "--db", url)
    assert_error(send_conversions(token_client(token), account_id, [conversion(runtime.clock.now(), em="g@example.com")]), 401)
    assert run("token", "revoke-conversion", token, "--db", url, check=False).returncode == 1
    assert run("token", "create-conversion", "--ad-account", "42", "--db", url, check=False).returncode != 0
