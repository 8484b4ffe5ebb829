"""refresh token rotation: token families

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 10:00:00

Tokens issued before this revision did not record which authorization they came from.
The finest grouping certain to hold each one's real family is its app and user, so
every OAuth token an app holds for a user becomes one family (named by its oldest
token): a replayed legacy refresh token then revokes all of them, erring on the safe
side. Tokens issued on their own (client_credentials, cli) are families of one.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

USER_GRANTS = ('authorization_code', 'refresh_token')


def upgrade() -> None:
    with op.batch_alter_table('tokens') as batch_op:
        batch_op.add_column(sa.Column('family_id', sa.BigInteger(), nullable=True))
    tokens = sa.table('tokens', *(sa.column(name) for name in ('id', 'family_id', 'app_id', 'user_id', 'grant')))
    earlier = tokens.alias('earlier')
    oldest_of_app_and_user = (
        sa.select(sa.func.min(earlier.c.id))
        .where(earlier.c.app_id == tokens.c.app_id, earlier.c.user_id == tokens.c.user_id, earlier.c.grant.in_(USER_GRANTS))
        .scalar_subquery()
    )
    op.execute(tokens.update().values(family_id=tokens.c.id))
    op.execute(
        tokens.update()
        .where(tokens.c.app_id.is_not(None), tokens.c.grant.in_(USER_GRANTS))
        .values(family_id=oldest_of_app_and_user)
    )
    with op.batch_alter_table('tokens') as batch_op:
        batch_op.alter_column('family_id', existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_index('ix_tokens_family_id', ['family_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tokens') as batch_op:
        batch_op.drop_index('ix_tokens_family_id')
        batch_op.drop_column('family_id')
