"""Migration 0011 adds the campaigns table to a database holding ad accounts, on both
databases, leaves those accounts as they were, and is undone by its downgrade."""

from datetime import datetime

import sqlalchemy as sa
from alembic import command

from pinsight.store.db import alembic_config, make_engine
from pinsight.store.tables import ad_accounts, campaigns
from tests.conftest import _database_url

MOMENT = datetime(2026, 1, 1)


def _table(name: str, *columns: str):
    return sa.table(name, *(sa.column(column) for column in columns))


def test_0011_adds_campaigns_beside_existing_ad_accounts(backend, request, tmp_path_factory):
    engine = make_engine(_database_url(backend, request, tmp_path_factory, "pinsight_campaigns_migration"))
    config = alembic_config(engine)
    command.upgrade(config, "0010")
    assert "campaigns" not in sa.inspect(engine).get_table_names()
    users = _table("users", "id", "username", "account_type", "about", "website_url", "profile_image",
                   "follower_count", "following_count", "monthly_views", "created_at")
    era_accounts = _table("ad_accounts", "id", "owner_id", "name", "country", "currency", "created_at", "updated_at")
    with engine.begin() as conn:
        conn.execute(users.insert().values(id=1, username="u", account_type="BUSINESS", about="", website_url="",
                                           profile_image="", follower_count=0, following_count=0, monthly_views=0,
                                           created_at=MOMENT))
        conn.execute(era_accounts.insert().values(id=7, owner_id=1, name="Ads", country="US", currency="USD",
                                                  created_at=MOMENT, updated_at=MOMENT))
    command.upgrade(config, "head")
    with engine.begin() as conn:
        assert conn.execute(sa.select(ad_accounts.c.id, ad_accounts.c.name)).all() == [(7, "Ads")]
        conn.execute(campaigns.insert().values(id=70, ad_account_id=7, name="C", status="ACTIVE",
                                               objective_type="AWARENESS", start_time=1, tracking_urls='{"click": []}',
                                               created_at=MOMENT, updated_at=MOMENT))
        stored = conn.execute(sa.select(campaigns)).mappings().one()
        assert (stored["name"], stored["daily_spend_cap"], stored["is_automated_campaign"]) == ("C", None, None)
    indexes = {index["name"] for index in sa.inspect(engine).get_indexes("campaigns")}
    assert "ix_campaigns_ad_account_id_id" in indexes

    command.downgrade(config, "0010")
    assert "campaigns" not in sa.inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(ad_accounts)).scalar_one() == 1
    engine.dispose()
