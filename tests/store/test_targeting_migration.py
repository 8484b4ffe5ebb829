"""Migration 0019 fills what it adds from the actions and conversions a database already
holds: after a downgrade to 0018 and an upgrade back, the profiles, the account targeting
rollup, the touches' profiles and the conversion rollup are what the write paths made."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import command

from pinsight.demo.ads import AdsPlan
from pinsight.demo.generator import seed_demo
from pinsight.store.db import alembic_config, make_engine, migrate
from pinsight.store.tables import ad_action_profiles, ad_conversion_daily, ad_conversion_touches, ad_targeting_daily
from tests.conftest import _database_url

SMALL = AdsPlan(campaigns=2, ad_groups_per_campaign=2, ads_per_ad_group=2, days=40, actions=3_000, conversions=300,
                people=400)


def _snapshot(engine) -> dict[str, set]:
    with engine.connect() as conn:
        return {table.name: set(map(tuple, conn.execute(sa.select(table)).all()))
                for table in (ad_action_profiles, ad_targeting_daily, ad_conversion_touches, ad_conversion_daily)}


def test_0019_refills_the_targeting_tables_from_existing_rows(backend, request, tmp_path_factory):
    engine = make_engine(_database_url(backend, request, tmp_path_factory, "pinsight_targeting_migration"))
    migrate(engine)
    seed_demo(engine, datetime(2026, 11, 30, 12), seed=7, days=60, pins=12, ads_plan=SMALL)
    written = _snapshot(engine)
    assert all(written.values()), {name: len(rows) for name, rows in written.items()}
    # Conversions were credited with the touched actions' real profiles, not a default.
    assert {row[-1] for row in written["ad_conversion_touches"]} <= {row[0] for row in written["ad_action_profiles"]}

    config = alembic_config(engine)
    command.downgrade(config, "0018")
    tables = set(sa.inspect(engine).get_table_names())
    assert not {"ad_action_profiles", "ad_targeting_daily"} & tables
    with engine.connect() as conn:
        totals = conn.execute(sa.text("SELECT SUM(conversions), SUM(value_micro) FROM ad_conversion_daily")).one()
    assert tuple(totals) == (sum(row[-3] for row in written["ad_conversion_daily"]),
                             sum(row[-2] for row in written["ad_conversion_daily"]))

    command.upgrade(config, "head")
    assert _snapshot(engine) == written
    engine.dispose()
