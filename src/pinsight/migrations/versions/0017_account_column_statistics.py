"""PostgreSQL: no statistics on the ad account column of the per-account ads tables

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 14:20:00

Statistics taken before an ad account grew (a new account's first batches, until the next
ANALYZE) say the account has no rows, and the planner then reads "all" of them through any
index that starts with the account, filtering for the ids or people it was asked for: the
duplicate-id probe of an ad-action batch read an account's 50,000 actions for each of
5,000 ids and ran into the statement time limit. With no statistics on the column the
planner takes the default selectivity of an equality (a fixed share of the table, whatever
the account) and always prefers the index that also searches by the other values. An
account's size is never what a plan should rest on: every per-account lookup is also
bounded by ids, people or days.

Statistics already gathered stay until they are removed, which only a superuser may do:
they are removed where this runs as one, and kept (with a warning) otherwise.
"""
import warnings

from alembic import op
from sqlalchemy import text

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

TABLES = ('ad_actions', 'ad_conversions', 'ad_conversion_keys', 'ad_household_members')


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    for table in TABLES:
        op.execute(f'ALTER TABLE {table} ALTER COLUMN ad_account_id SET STATISTICS 0')
    if bind.execute(text("SELECT current_setting('is_superuser') = 'on'")).scalar():
        op.execute(
            "DELETE FROM pg_statistic s USING pg_attribute a WHERE a.attrelid = s.starelid AND a.attnum = s.staattnum "
            "AND a.attname = 'ad_account_id' AND s.starelid IN ("
            + ", ".join(f"'{table}'::regclass" for table in TABLES) + ")")
    else:
        warnings.warn('statistics on ad_account_id gathered before migration 0017 are kept: a superuser can delete '
                      'them from pg_statistic', stacklevel=1)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in TABLES:
        op.execute(f'ALTER TABLE {table} ALTER COLUMN ad_account_id SET STATISTICS -1')
