"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 16:15:14.938254
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('server_secrets',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=256), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_server_secrets'))
    )
    op.create_table('users',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('account_type', sa.String(length=16), nullable=False),
    sa.Column('business_name', sa.String(length=256), nullable=True),
    sa.Column('about', sa.Text(), nullable=False),
    sa.Column('website_url', sa.String(length=2048), nullable=False),
    sa.Column('profile_image', sa.String(length=2048), nullable=False),
    sa.Column('follower_count', sa.Integer(), nullable=False),
    sa.Column('following_count', sa.Integer(), nullable=False),
    sa.Column('monthly_views', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('ad_accounts',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('owner_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_ad_accounts_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ad_accounts'))
    )
    with op.batch_alter_table('ad_accounts', schema=None) as batch_op:
        batch_op.create_index('ix_ad_accounts_owner_id', ['owner_id'], unique=False)

    op.create_table('apps',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('secret_hash', sa.String(length=128), nullable=False),
    sa.Column('redirect_uris', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_apps_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_apps'))
    )
    op.create_table('boards',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('owner_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=180), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('privacy', sa.String(length=16), nullable=False),
    sa.Column('is_ads_only', sa.Boolean(), nullable=False),
    sa.Column('follower_count', sa.Integer(), nullable=False),
    sa.Column('collaborator_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('pins_modified_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_boards_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_boards')),
    sa.UniqueConstraint('owner_id', 'name', name='uq_boards_owner_name')
    )
    with op.batch_alter_table('boards', schema=None) as batch_op:
        batch_op.create_index('ix_boards_owner_id_id', ['owner_id', 'id'], unique=False)

    op.create_table('ad_account_roles',
    sa.Column('ad_account_id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['ad_account_id'], ['ad_accounts.id'], name=op.f('fk_ad_account_roles_ad_account_id_ad_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ad_account_roles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ad_account_id', 'user_id', 'role', name=op.f('pk_ad_account_roles'))
    )
    with op.batch_alter_table('ad_account_roles', schema=None) as batch_op:
        batch_op.create_index('ix_ad_account_roles_user_id', ['user_id'], unique=False)

    op.create_table('auth_codes',
    sa.Column('code_hash', sa.String(length=128), nullable=False),
    sa.Column('app_id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('redirect_uri', sa.String(length=2048), nullable=False),
    sa.Column('scopes', sa.Text(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_auth_codes_app_id_apps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_auth_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('code_hash', name=op.f('pk_auth_codes'))
    )
    op.create_table('board_sections',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('board_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=180), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['boards.id'], name=op.f('fk_board_sections_board_id_boards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_sections')),
    sa.UniqueConstraint('board_id', 'name', name='uq_board_sections_board_name')
    )
    with op.batch_alter_table('board_sections', schema=None) as batch_op:
        batch_op.create_index('ix_board_sections_board_id_id', ['board_id', 'id'], unique=False)

    op.create_table('tokens',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('token_hash', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('grant', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('app_id', sa.BigInteger(), nullable=True),
    sa.Column('scopes', sa.Text(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_tokens_app_id_apps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_tokens_token_hash'))
    )
    op.create_table('pins',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('owner_id', sa.BigInteger(), nullable=False),
    sa.Column('board_id', sa.BigInteger(), nullable=False),
    sa.Column('section_id', sa.BigInteger(), nullable=True),
    sa.Column('title', sa.String(length=100), nullable=True),
    sa.Column('description', sa.String(length=800), nullable=True),
    sa.Column('link', sa.String(length=2048), nullable=True),
    sa.Column('alt_text', sa.String(length=500), nullable=True),
    sa.Column('dominant_color', sa.String(length=32), nullable=True),
    sa.Column('creative_type', sa.String(length=40), nullable=False),
    sa.Column('source_type', sa.String(length=40), nullable=False),
    sa.Column('media', sa.Text(), nullable=False),
    sa.Column('is_standard', sa.Boolean(), nullable=False),
    sa.Column('has_been_promoted', sa.Boolean(), nullable=False),
    sa.Column('parent_pin_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['boards.id'], name=op.f('fk_pins_board_id_boards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_pins_owner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['section_id'], ['board_sections.id'], name=op.f('fk_pins_section_id_board_sections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pins'))
    )
    with op.batch_alter_table('pins', schema=None) as batch_op:
        batch_op.create_index('ix_pins_board_id_id', ['board_id', 'id'], unique=False)
        batch_op.create_index('ix_pins_owner_id_id', ['owner_id', 'id'], unique=False)
        batch_op.create_index('ix_pins_section_id_id', ['section_id', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('pins', schema=None) as batch_op:
        batch_op.drop_index('ix_pins_section_id_id')
        batch_op.drop_index('ix_pins_owner_id_id')
        batch_op.drop_index('ix_pins_board_id_id')

    op.drop_table('pins')
    op.drop_table('tokens')
    with op.batch_alter_table('board_sections', schema=None) as batch_op:
        batch_op.drop_index('ix_board_sections_board_id_id')

    op.drop_table('board_sections')
    op.drop_table('auth_codes')
    with op.batch_alter_table('ad_account_roles', schema=None) as batch_op:
        batch_op.drop_index('ix_ad_account_roles_user_id')

    op.drop_table('ad_account_roles')
    with op.batch_alter_table('boards', schema=None) as batch_op:
        batch_op.drop_index('ix_boards_owner_id_id')

    op.drop_table('boards')
    op.drop_table('apps')
    with op.batch_alter_table('ad_accounts', schema=None) as batch_op:
        batch_op.drop_index('ix_ad_accounts_owner_id')

    op.drop_table('ad_accounts')
    op.drop_table('users')
    op.drop_table('server_secrets')
