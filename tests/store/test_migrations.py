"""The Alembic migrations build exactly the schema the code declares, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from pinsight.store.db import make_engine, migrate
from pinsight.store.tables import metadata
from pinsight.store.locks import lock_owners
from tests.support.transactions import rolled_back_write


def test_migrated_schema_matches_the_tables(runtime):
    with runtime.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_migrating_twice_is_a_no_op(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'twice.sqlite3'}")
    migrate(engine)
    migrate(engine)
    assert {"users", "boards", "board_sections", "pins", "tokens", "apps", "ad_accounts"} <= set(inspect(engine).get_table_names())
    engine.dispose()


ERA_0003_METRICS = (
    "impression", "save", "pin_click", "outbound_click", "closeup", "profile_visit", "user_follow",
    "total_comments", "total_reactions", "video_start", "video_mrc_view", "video_10s_view",
    "quartile_95_percent_view", "video_v50_watch_time",
)


def test_upgrading_to_the_rollups_fills_them_from_existing_daily_rows(backend, request, tmp_path_factory):
    """A database that already holds daily rows answers the same after migrations 0004 (the
    account rollup, per-pin running totals) and 0009 (claimed content in the rollup, running
    totals per app type and traffic): the derived tables equal a rebuild."""
    from alembic import command
    from sqlalchemy import select

    import sqlalchemy as sa

    from pinsight.store.organic import rollups
    from pinsight.store.db import alembic_config
    from pinsight.store.tables import account_daily_metrics, pin_cumulative_metrics, pin_cumulative_metrics_by_app_traffic
    from pinsight.store.tables import users
    from tests.conftest import _database_url
    from pinsight.catalog.metrics import STORED_COLUMNS
    from datetime import datetime

    from pinsight.domain.ids import new_id
    from pinsight.store.tables import pins
    from tests.store.test_rollups import FIRST_DAY, _make_owner, _row

    engine = make_engine(_database_url(backend, request, tmp_path_factory, "pinsight_upgrade"))
    command.upgrade(alembic_config(engine), "0003")
    rows = []
    with engine.begin() as conn:
        owner_id, board_id = _make_owner(conn)
        conn.execute(sa.update(users).where(users.c.id == owner_id).values(website_url="Shop.Example/about"))
        links = ("https://shop.example/a", "http://BLOG.shop.example:80/", None, "https://notshop.example/")
        # Pins straight into the table: today's insert_pin also writes the (later) change log.
        pin_ids = []
        for slot in range(4):
            pin_ids.append(new_id())
            conn.execute(sa.insert(pins).values(id=pin_ids[-1], owner_id=owner_id, board_id=board_id,
                                                creative_type=("REGULAR", "VIDEO")[slot % 2], source_type="image_url",
                                                media="{}", parent_pin_id=(7 if slot == 3 else None), link=links[slot],
                                                created_at=datetime(2025, 12, 1)))
        for n, pin_id in enumerate(pin_ids):
            for day in range(0, 30, n + 1):
                amounts = dict(zip(ERA_0003_METRICS, (day + n + k for k in range(14))))
                rows.append(_row(pin_id, owner_id, day, day % 3, day % 2, [amounts.get(c, 0) for c in STORED_COLUMNS]))
        # The 0003 schema has no derived tables and 14 metric columns: write the daily rows
        # alone, through a table of that era's columns, as 0003's code did.
        era_columns = ["pin_id", "day", "app_type", "traffic", "owner_id", *ERA_0003_METRICS]
        era_table = sa.table("pin_daily_metrics", *(sa.column(name) for name in era_columns))
        conn.execute(era_table.insert(), [{name: row[name] for name in era_columns} for row in rows])
    command.upgrade(alembic_config(engine), "head")

    def derived(conn):
        return tuple(
            sorted(tuple(row) for row in conn.execute(select(table)))
            for table in (account_daily_metrics, pin_cumulative_metrics, pin_cumulative_metrics_by_app_traffic)
        )

    with rolled_back_write(engine) as conn:
        migrated = derived(conn)
        lock_owners(conn, [owner_id])
        rollups.rebuild(conn, owner_id)
        rebuilt = derived(conn)
    engine.dispose()
    assert all(migrated)
    assert {row[6] for row in migrated[0]} == {"CLAIMED", "OTHER"}  # owned_content
    assert migrated == rebuilt
    assert FIRST_DAY in {row[1] for row in migrated[1]}
