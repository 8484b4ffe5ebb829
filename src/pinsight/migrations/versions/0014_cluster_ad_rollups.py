"""cluster the ads rollups by ad and day on SQLite

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 06:45:00

On SQLite, ad_delivery_daily and ad_conversion_daily become WITHOUT ROWID tables: their
rows are stored in primary-key order (ad, zone, day, ...), so the days of the ads an
analytics query names are read as runs of pages instead of an index walk plus one table
lookup per row (as pin_daily_metrics since 0005). PostgreSQL has no clustered tables;
nothing changes there.
"""
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

TABLES = ('ad_delivery_daily', 'ad_conversion_daily')


def _recreate(with_rowid: bool) -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate='always', table_kwargs={'sqlite_with_rowid': with_rowid}):
            pass


def upgrade() -> None:
    _recreate(False)


def downgrade() -> None:
    _recreate(True)
