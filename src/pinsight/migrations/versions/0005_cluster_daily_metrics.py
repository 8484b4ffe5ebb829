"""cluster the daily metric rows by pin and day on SQLite

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 19:30:00

On SQLite, pin_daily_metrics becomes a WITHOUT ROWID table: its rows are stored in
primary-key order (pin, day, app type, traffic), so a pin's days are read as one run of
pages instead of an index walk plus one table lookup per row. PostgreSQL has no
clustered tables; nothing changes there.
"""
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def _recreate(with_rowid: bool) -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    with op.batch_alter_table(
        'pin_daily_metrics', recreate='always', table_kwargs={'sqlite_with_rowid': with_rowid}
    ) as batch_op:
        pass


def upgrade() -> None:
    _recreate(False)


def downgrade() -> None:
    _recreate(True)
