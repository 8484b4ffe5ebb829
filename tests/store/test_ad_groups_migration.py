"""Migration 0012 adds the ad_groups and ads tables to a database holding campaigns and pins,
on both databases, leaves those as they were, and is undone by its downgrade."""

from datetime import datetime

import sqlalchemy as sa
from alembic import command

from pinsight.store.db import alembic_config, make_engine
from pinsight.store.tables import ad_groups, ads, campaigns, pins
from tests.conftest import _database_url

MOMENT = datetime(2026, 1, 1)


def _table(name: str, *columns: str):
    return sa.table(name, *(sa.column(column) for column in columns))


def test_0012_adds_ad_groups_and_ads_beside_existing_campaigns(backend, request, tmp_path_factory):
    engine = make_engine(_database_url(backend, request, tmp_path_factory, "pinsight_ad_groups_migration"))
    config = alembic_config(engine)
    command.upgrade(config, "0011")
    assert not {"ad_groups", "ads"} & set(sa.inspect(engine).get_table_names())
    users = _table("users", "id", "username", "account_type", "about", "website_url", "profile_image",
                   "follower_count", "following_count", "monthly_views", "created_at")
    era_boards = _table("boards", "id", "owner_id", "name", "privacy", "is_ads_only", "follower_count",
                        "collaborator_count", "created_at", "pins_modified_at")
    era_pins = _table("pins", "id", "owner_id", "board_id", "creative_type", "source_type", "media", "is_standard",
                      "has_been_promoted", "created_at")
    era_accounts = _table("ad_accounts", "id", "owner_id", "name", "country", "currency", "created_at", "updated_at")
    era_campaigns = _table("campaigns", "id", "ad_account_id", "name", "status", "objective_type", "created_at",
                           "updated_at")
    with engine.begin() as conn:
        conn.execute(users.insert().values(id=1, username="u", account_type="BUSINESS", about="", website_url="",
                                           profile_image="", follower_count=0, following_count=0, monthly_views=0,
                                           created_at=MOMENT))
        conn.execute(era_boards.insert().values(id=2, owner_id=1, name="B", privacy="PUBLIC", is_ads_only=False,
                                                follower_count=0, collaborator_count=0, created_at=MOMENT,
                                                pins_modified_at=MOMENT))
        conn.execute(era_pins.insert().values(id=3, owner_id=1, board_id=2, creative_type="REGULAR",
                                              source_type="image_url", media="{}", is_standard=True,
                                              has_been_promoted=False, created_at=MOMENT))
        conn.execute(era_accounts.insert().values(id=7, owner_id=1, name="Ads", country="US", currency="USD",
                                                  created_at=MOMENT, updated_at=MOMENT))
        conn.execute(era_campaigns.insert().values(id=70, ad_account_id=7, name="C", status="ACTIVE",
                                                   objective_type="AWARENESS", created_at=MOMENT, updated_at=MOMENT))
    command.upgrade(config, "head")
    with engine.begin() as conn:
        assert conn.execute(sa.select(campaigns.c.id, campaigns.c.name)).all() == [(70, "C")]
        conn.execute(ad_groups.insert().values(id=700, ad_account_id=7, campaign_id=70, name="G", status="ACTIVE",
                                               attributes='{"billable_event": "CLICKTHROUGH"}', created_at=MOMENT,
                                               updated_at=MOMENT))
        conn.execute(ads.insert().values(id=7000, ad_account_id=7, campaign_id=70, ad_group_id=700, pin_id=3,
                                         status="ACTIVE", creative_type="REGULAR", attributes="{}", created_at=MOMENT,
                                         updated_at=MOMENT))
        stored = conn.execute(sa.select(ads)).mappings().one()
        assert (stored["pin_id"], stored["name"], stored["ad_group_id"]) == (3, None, 700)
        assert conn.execute(sa.select(pins.c.has_been_promoted)).scalar_one() is False
    indexes = {index["name"] for table in ("ad_groups", "ads") for index in sa.inspect(engine).get_indexes(table)}
    assert {"ix_ad_groups_ad_account_id_id", "ix_ad_groups_campaign_id", "ix_ads_ad_account_id_id",
            "ix_ads_ad_group_id", "ix_ads_campaign_id", "ix_ads_pin_id"} <= indexes

    command.downgrade(config, "0011")
    assert not {"ad_groups", "ads"} & set(sa.inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(campaigns)).scalar_one() == 1
    engine.dispose()
