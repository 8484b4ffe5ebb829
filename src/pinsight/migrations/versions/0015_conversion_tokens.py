"""conversion tokens: the Conversions API's bearer tokens of an ad account

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conversion_tokens',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('ad_account_id', sa.BigInteger(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['ad_account_id'], ['ad_accounts.id'], name=op.f('fk_conversion_tokens_ad_account_id_ad_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversion_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_conversion_tokens_token_hash'))
    )
    op.create_index('ix_conversion_tokens_ad_account_id', 'conversion_tokens', ['ad_account_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_conversion_tokens_ad_account_id', table_name='conversion_tokens')
    op.drop_table('conversion_tokens')
