"""Alembic environment: runs migrations on the engine pinsight hands over."""

from alembic import context

from pinsight.store.tables import metadata

config = context.config


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from pinsight.settings import get_settings
        from pinsight.store.db import make_engine

        engine = make_engine(get_settings().resolved_database_url())
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        context.run_migrations()


run_migrations_online()
