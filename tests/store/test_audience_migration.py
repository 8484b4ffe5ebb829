"""Migration 0021 fills the audience rollup from the ad actions a database already holds:
after a downgrade to 0019 and an upgrade back, the people, the audiences' members, the
counts per facet value and the audiences' days are what the write paths made."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import command

from pinsight.demo.ads import AdsPlan
from pinsight.demo.generator import seed_demo
from pinsight.store.db import alembic_config, make_engine, migrate
from pinsight.store.tables import audience_members, audience_people, audience_scopes, audience_slices
from tests.conftest import _database_url
from tests.support import audience_oracle

SMALL = AdsPlan(campaigns=2, ad_groups_per_campaign=2, ads_per_ad_group=2, days=40, actions=3_000, conversions=100,
                people=400)
TABLES = (audience_people, audience_members, audience_slices, audience_scopes)


def _snapshot(engine) -> dict[str, set]:
    with engine.connect() as conn:
        return {table.name: {tuple(row) for row in conn.execute(sa.select(table))} for table in TABLES}


def test_0021_fills_the_audience_rollup_from_existing_actions(backend, request, tmp_path_factory):
    engine = make_engine(_database_url(backend, request, tmp_path_factory, "pinsight_audience_migration"))
    migrate(engine)
    seed_demo(engine, datetime(2026, 11, 30, 12), seed=5, days=60, pins=12, ads_plan=SMALL)
    written = _snapshot(engine)
    assert all(written.values()), {name: len(rows) for name, rows in written.items()}
    with engine.connect() as conn:
        assert audience_oracle.differences(conn) == []

    config = alembic_config(engine)
    command.downgrade(config, "0019")
    tables = set(sa.inspect(engine).get_table_names())
    assert not {table.name for table in TABLES} & tables
    assert not {"person_key", "dimensions"} & {column["name"] for column in sa.inspect(engine).get_columns("ingested_events")}

    command.upgrade(config, "head")
    assert _snapshot(engine) == written
    engine.dispose()
