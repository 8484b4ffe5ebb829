"""Migration 0007 gives tokens issued before it a family, on both databases."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import command

from pinsight.store.db import alembic_config, make_engine
from pinsight.store.tables import tokens
from tests.conftest import _database_url

MOMENT = datetime(2026, 1, 1)


def _era_0006(name: str, *columns: str):
    return sa.table(name, *(sa.column(column) for column in columns))


def test_tokens_before_0007_get_a_family_per_app_and_user(backend, request, tmp_path_factory):
    engine = make_engine(_database_url(backend, request, tmp_path_factory, "pinsight_token_families"))
    command.upgrade(alembic_config(engine), "0006")
    users = _era_0006("users", "id", "username", "account_type", "about", "website_url", "profile_image",
                      "follower_count", "following_count", "monthly_views", "created_at")
    apps = _era_0006("apps", "id", "name", "secret_hash", "redirect_uris", "owner_id", "created_at")
    era_tokens = _era_0006("tokens", "id", "token_hash", "kind", "grant", "user_id", "app_id", "scopes",
                           "expires_at", "revoked", "created_at")
    with engine.begin() as conn:
        for user_id in (1, 2):
            conn.execute(users.insert().values(id=user_id, username=f"u{user_id}", account_type="BUSINESS", about="",
                                               website_url="", profile_image="", follower_count=0, following_count=0,
                                               monthly_views=0, created_at=MOMENT))
        for app_id in (10, 20):
            conn.execute(apps.insert().values(id=app_id, name=f"app {app_id}", secret_hash="x", redirect_uris="",
                                              owner_id=1, created_at=MOMENT))
        rows = [
            # id, kind, grant, user, app
            (101, "access", "authorization_code", 1, 10),
            (102, "refresh", "authorization_code", 1, 10),
            (103, "access", "refresh_token", 1, 10),
            (104, "refresh", "refresh_token", 1, 10),
            (105, "access", "authorization_code", 2, 10),
            (106, "refresh", "authorization_code", 2, 10),
            (107, "access", "authorization_code", 1, 20),
            (108, "access", "client_credentials", 1, 10),
            (109, "access", "cli", 1, None),
        ]
        for token_id, kind, grant, user_id, app_id in rows:
            conn.execute(era_tokens.insert().values(id=token_id, token_hash=f"h{token_id}", kind=kind, grant=grant,
                                                    user_id=user_id, app_id=app_id, scopes="pins:read",
                                                    expires_at=MOMENT + timedelta(days=30), revoked=False, created_at=MOMENT))
    command.upgrade(alembic_config(engine), "head")
    with engine.connect() as conn:
        families = dict(conn.execute(sa.select(tokens.c.id, tokens.c.family_id)).all())
    engine.dispose()
    assert families == {
        101: 101, 102: 101, 103: 101, 104: 101,  # one app's tokens for one user: one family
        105: 105, 106: 105,  # the same app for another user
        107: 107,  # another app for the first user
        108: 108, 109: 109,  # tokens issued on their own
    }
