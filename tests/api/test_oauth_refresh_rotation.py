"""Refresh tokens rotate: each works once, and a replayed one revokes its whole family."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import httpx
import pytest
from sqlalchemy import select, update

from pinsight.domain import secrets
from pinsight.services.identity.oauth import create_app
from pinsight.store.tables import tokens
from tests.support.api import assert_error
from tests.support.oauth import REDIRECT, bearer, code_grant, token_request


@pytest.fixture
def oauth_app(runtime, user):
    return create_app(runtime, "Rotating app", user.username, [REDIRECT])


def refresh(server, oauth_app, refresh_token: str, **form) -> httpx.Response:
    return token_request(server, oauth_app, grant_type="refresh_token", refresh_token=refresh_token, **form)


def me(server, access_token: str) -> httpx.Response:
    return httpx.get(f"{server.url}/v5/user_account", headers=bearer(access_token))


def test_a_refresh_token_works_once_and_its_successor_works(server, oauth_app, user):
    first = code_grant(server, oauth_app, user.username)
    second = refresh(server, oauth_app, first["refresh_token"])
    assert second.status_code == 200, second.text
    second = second.json()
    assert second["refresh_token"] != first["refresh_token"]

    third = refresh(server, oauth_app, second["refresh_token"])
    assert third.status_code == 200, third.text
    assert me(server, third.json()["access_token"]).json()["username"] == user.username


def test_replaying_a_spent_refresh_token_revokes_the_whole_family(server, oauth_app, user):
    first = code_grant(server, oauth_app, user.username)
    second = refresh(server, oauth_app, first["refresh_token"]).json()
    assert me(server, first["access_token"]).status_code == 200
    assert me(server, second["access_token"]).status_code == 200

    replayed = assert_error(refresh(server, oauth_app, first["refresh_token"]), 400, code=283)
    unknown = assert_error(refresh(server, oauth_app, "pinr_never-issued"), 400, code=283)
    assert replayed == unknown  # a replay is told nothing an attacker could use

    # Every token of the family, from the code grant on, is now dead.
    assert_error(me(server, first["access_token"]), 401)
    assert_error(me(server, second["access_token"]), 401)
    assert_error(refresh(server, oauth_app, second["refresh_token"]), 400, code=283)


def test_a_replay_leaves_other_families_alone(server, oauth_app, user):
    victim = code_grant(server, oauth_app, user.username)
    bystander = code_grant(server, oauth_app, user.username)
    refresh(server, oauth_app, victim["refresh_token"])
    assert_error(refresh(server, oauth_app, victim["refresh_token"]), 400)

    assert me(server, bystander["access_token"]).status_code == 200
    assert refresh(server, oauth_app, bystander["refresh_token"]).status_code == 200


def test_concurrent_exchanges_of_one_refresh_token_let_exactly_one_through(runtime, server, oauth_app, user):
    first = code_grant(server, oauth_app, user.username)
    racers = 4
    start = Barrier(racers)

    def exchange(_):
        start.wait()
        return refresh(server, oauth_app, first["refresh_token"])

    with ThreadPoolExecutor(racers) as pool:
        answers = list(pool.map(exchange, range(racers)))

    winners = [answer for answer in answers if answer.status_code == 200]
    assert len(winners) == 1, [answer.text for answer in answers]
    for answer in answers:
        if answer.status_code != 200:
            assert_error(answer, 400, code=283)
    # The losers replayed a spent token: the family is revoked, the winner's new tokens too.
    assert_error(me(server, winners[0].json()["access_token"]), 401)
    with runtime.engine.connect() as conn:
        family = conn.execute(
            select(tokens.c.family_id).where(tokens.c.token_hash == secrets.digest(first["refresh_token"]))
        ).scalar_one()
        members = conn.execute(select(tokens.c.kind, tokens.c.revoked).where(tokens.c.family_id == family)).all()
    # The code grant's pair and the one winner's pair: nobody else was issued anything.
    assert sorted(members) == [("access", True), ("access", True), ("refresh", True), ("refresh", True)]


def test_the_refreshed_token_gets_a_full_lifetime_of_its_own(runtime, server, oauth_app, user):
    first = code_grant(server, oauth_app, user.username)
    second = refresh(server, oauth_app, first["refresh_token"]).json()
    assert second["refresh_token_expires_in"] == 365 * 24 * 3600
    with runtime.engine.connect() as conn:
        row = conn.execute(select(tokens).where(tokens.c.token_hash == secrets.digest(second["refresh_token"]))).mappings().one()
    assert row["expires_at"] - row["created_at"] == timedelta(days=365)
    assert second["refresh_token_expires_at"] >= first["refresh_token_expires_at"]


def test_an_expired_refresh_token_is_refused_without_spending_the_family(runtime, server, oauth_app, user):
    first = code_grant(server, oauth_app, user.username)
    with runtime.engine.begin() as conn:
        conn.execute(
            update(tokens)
            .where(tokens.c.token_hash == secrets.digest(first["refresh_token"]))
            .values(expires_at=runtime.clock.now() - timedelta(seconds=1))
        )
    assert_error(refresh(server, oauth_app, first["refresh_token"]), 400, code=283)
    assert me(server, first["access_token"]).status_code == 200


def test_another_apps_refresh_token_is_refused_and_stays_valid(runtime, server, oauth_app, user):
    first = code_grant(server, oauth_app, user.username)
    stranger = create_app(runtime, "Stranger", user.username, [REDIRECT])
    assert_error(refresh(server, stranger, first["refresh_token"]), 400, code=283)
    assert refresh(server, oauth_app, first["refresh_token"]).status_code == 200
