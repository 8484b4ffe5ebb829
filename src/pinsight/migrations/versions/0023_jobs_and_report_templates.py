"""background jobs (async reports, bulk downloads, exports) and report templates

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 23:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('jobs',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('ad_account_id', sa.BigInteger(), nullable=True),
    sa.Column('scope_id', sa.BigInteger(), nullable=False),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_owner', sa.String(length=64), nullable=True),
    sa.Column('lease_expires_at', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('progress_rows', sa.BigInteger(), nullable=False),
    sa.Column('file_key', sa.String(length=255), nullable=True),
    sa.Column('file_name', sa.String(length=128), nullable=True),
    sa.Column('file_size', sa.BigInteger(), nullable=True),
    sa.Column('row_count', sa.BigInteger(), nullable=True),
    sa.Column('expires_at', sa.Float(), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_jobs_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ad_account_id'], ['ad_accounts.id'], name=op.f('fk_jobs_ad_account_id_ad_accounts'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    sa.UniqueConstraint('token', name=op.f('uq_jobs_token'))
    )
    op.create_index('ix_jobs_state_id', 'jobs', ['state', 'id'], unique=False)
    op.create_index('ix_jobs_scope_id_state', 'jobs', ['scope_id', 'state'], unique=False)
    op.create_index('ix_jobs_ad_account_id', 'jobs', ['ad_account_id'], unique=False)
    op.create_index('ix_jobs_user_id', 'jobs', ['user_id'], unique=False)
    op.create_table('report_templates',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('ad_account_id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ad_account_id'], ['ad_accounts.id'],
                            name=op.f('fk_report_templates_ad_account_id_ad_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_templates_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_templates'))
    )
    op.create_index('ix_report_templates_ad_account_id_id', 'report_templates', ['ad_account_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_report_templates_ad_account_id_id', table_name='report_templates')
    op.drop_table('report_templates')
    for name in ('ix_jobs_user_id', 'ix_jobs_ad_account_id', 'ix_jobs_scope_id_state', 'ix_jobs_state_id'):
        op.drop_index(name, table_name='jobs')
    op.drop_table('jobs')
