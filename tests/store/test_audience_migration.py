"""Migration 0021 fills the audience rollup from the ad actions a database already holds:
after a downgrade to 0019 and an upgrade back, the people (with their earliest sighting),
the audiences' members, the counts per facet value and the audiences' days are what the
write paths made, backfills included: actions older than everything stored, two at each
instant, whose ids' order by character code ("B" before "b") is not a locale's."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic import command

from pinsight.demo.ads import AdsPlan
from pinsight.demo.generator import seed_demo
from pinsight.domain.ads.ad_events import AdAction
from pinsight.services.ads.ad_events import apply_actions
from pinsight.store.ads import activity
from pinsight.store.db import alembic_config, make_engine, migrate, writing
from pinsight.store.locks import lock_owners
from pinsight.store.tables import ad_actions, audience_members, audience_people, audience_scopes, audience_slices
from tests.conftest import _database_url
from tests.support import audience_oracle

SMALL = AdsPlan(campaigns=2, ad_groups_per_campaign=2, ads_per_ad_group=2, days=40, actions=3_000, conversions=100,
                people=400)
TABLES = (audience_people, audience_members, audience_slices, audience_scopes)


def _snapshot(engine) -> dict[str, set]:
    """Every row of the four tables, but slice rows with nobody (the write paths may leave
    them behind when a person's facts move; the migration makes none)."""
    with engine.connect() as conn:
        found = {table.name: {tuple(row) for row in conn.execute(sa.select(table))} for table in TABLES}
    found[audience_slices.name] = {row for row in found[audience_slices.name] if row[3] or row[4]}
    return found


def _backfill(engine, now: datetime) -> list[str]:
    """For 30 people of the demo's account, two actions an hour before their earliest, at
    one instant, with other facts each: the people's facts move to those of "B-..."."""
    first = sa.func.min(ad_actions.c.occurred_at)
    with writing(engine) as conn:
        account, ad_id = conn.execute(sa.select(ad_actions.c.ad_account_id, ad_actions.c.ad_id).limit(1)).one()
        people = conn.execute(sa.select(ad_actions.c.person_key, first).where(ad_actions.c.ad_account_id == account)
                              .group_by(ad_actions.c.person_key).order_by(ad_actions.c.person_key).limit(30)).all()
        lock_owners(conn, [account])
        actions = {}
        for n, (key, earliest) in enumerate(people):
            at = (datetime.fromisoformat(earliest) if isinstance(earliest, str) else earliest) - timedelta(hours=1)
            for prefix, app_type, facts in (("b", "web", {"country": "FR", "gender": "male"}),
                                            ("B", "ipad", {"age_bucket": "65+", "country": "US", "metro": "501"})):
                action_id = f"{prefix}-backfill-{n}"
                actions[action_id] = AdAction(action_id, ad_id, "CLICK" if n % 2 else "IMPRESSION", at, key, None, None,
                                              app_type, json.dumps(facts, sort_keys=True))
        apply_actions(conn, now, actions, activity.ads_brief(conn, [ad_id]))
    return [key for key, _ in people]


def test_0021_fills_the_audience_rollup_from_existing_actions(backend, request, tmp_path_factory):
    _round_trip(make_engine(_database_url(backend, request, tmp_path_factory, "pinsight_audience_migration")))


def test_0021_orders_ids_by_character_code_under_a_locale_collation(request):
    """On a PostgreSQL database whose collation is a locale's (ICU en-US, where "b" sorts
    before "B"), the earliest action is still the write paths' and the rebuild's."""
    import psycopg

    server = request.getfixturevalue("postgres_server")
    name = "pinsight_audience_icu"
    with psycopg.connect(f"host=127.0.0.1 port={server.port} user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        try:
            conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' "
                         "LOCALE 'C.UTF-8'")
        except psycopg.Error as refused:
            pytest.skip(f"no ICU collation here: {refused}")
    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{server.port}/{name}")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT 'b' < 'B'")).scalar_one()
    _round_trip(engine)


def _round_trip(engine) -> None:
    migrate(engine)
    now = datetime(2026, 11, 30, 12)
    seed_demo(engine, now, seed=5, days=60, pins=12, ads_plan=SMALL)
    moved = _backfill(engine, now)
    with engine.connect() as conn:
        devices = dict(conn.execute(sa.select(audience_people.c.person_key, audience_people.c.device)
                                    .where(audience_people.c.person_key.in_(moved))).all())
    assert set(devices.values()) == {"ipad"}
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
