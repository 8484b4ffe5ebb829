"""The Alembic migrations build exactly the schema the code declares, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from pinsight.store.db import make_engine, migrate
from pinsight.store.tables import metadata


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
