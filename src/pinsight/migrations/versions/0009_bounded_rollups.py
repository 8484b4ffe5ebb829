"""bounded reads: claimed content in the account rollup, running totals per app type and traffic

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 10:00:00

* account_daily_metrics gains the claimed-content class (owned_content: CLAIMED or OTHER)
  as a key column. The table is derived, so it is recreated with the new key and refilled
  from the daily rows, each owner's pins classified by their link and the owner's website.
* pin_cumulative_metrics_by_app_traffic: running totals per pin, app type and traffic,
  filled from the daily rows.

An existing database answers the same after the upgrade. The metric columns are read
from the database itself, so columns added by earlier revisions are carried over.
"""
import sqlite3
from urllib.parse import urlsplit

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

DAILY_KEYS = ('pin_id', 'day', 'app_type', 'traffic', 'owner_id')
OLD_ACCOUNT_KEYS = ('owner_id', 'day', 'app_type', 'traffic', 'pin_format', 'source')
ACCOUNT_KEYS = OLD_ACCOUNT_KEYS + ('owned_content',)
RUNNING_KEYS = ('pin_id', 'app_type', 'traffic', 'day')

# The classification rules as of this revision (pinsight.catalog.pin_formats,
# pinsight.domain.organic.claimed_content), frozen here as a migration must be.
PIN_FORMAT_SQL = """CASE
    WHEN d.traffic = 'ORGANIC' AND p.creative_type IN ('VIDEO', 'MAX_VIDEO') THEN 'ORGANIC_VIDEO'
    WHEN d.traffic = 'ORGANIC' AND p.creative_type IN ('SHOPPING', 'SHOP_THE_PIN', 'COLLECTION') THEN 'ORGANIC_PRODUCT'
    WHEN d.traffic = 'ORGANIC' THEN 'ORGANIC_IMAGE'
    WHEN p.creative_type IN ('VIDEO', 'MAX_VIDEO') THEN 'ADS_VIDEO'
    WHEN p.creative_type IN ('SHOPPING', 'SHOP_THE_PIN', 'COLLECTION') THEN 'ADS_PRODUCT'
    WHEN p.creative_type IN ('IDEA') THEN 'ADS_IDEA'
    ELSE 'ADS_STANDARD' END"""
SOURCE_SQL = "CASE WHEN p.parent_pin_id IS NULL THEN 'YOUR_PINS' ELSE 'OTHER_PINS' END"
ASCII_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'


def _website_host(url):
    text = (url or '').strip()
    if not text:
        return None
    if '://' not in text:
        text = '//' + text
    try:
        netloc = urlsplit(text).netloc
    except ValueError:
        return None
    host_and_port = netloc.rpartition('@')[2]
    if host_and_port.startswith('['):
        host = host_and_port[1:].partition(']')[0]
    else:
        host = host_and_port.partition(':')[0]
    host = host.translate(str.maketrans(ASCII_UPPER, ASCII_UPPER.lower())).rstrip('.')
    return host or None


def _owned_sql(dialect: str, host: str) -> str:
    """CLAIMED when the host of p.link is :host or a subdomain of it (binds :host and
    :suffix = '.' || host)."""
    if dialect == 'postgresql':
        lowered = f"translate(p.link, '{ASCII_UPPER}', '{ASCII_UPPER.lower()}')"
        find = 'strpos'
    else:
        lowered = 'lower(p.link)'
        find = 'instr'
    separator = f"{find}({lowered}, '://')"
    rest = f"replace(replace(replace(substr({lowered}, {separator} + 3), '?', '/'), '#', '/'), ':', '/') || '/'"
    link_host = f"substr({rest}, 1, {find}({rest}, '/') - 1)"
    return (
        f"CASE WHEN {separator} > 0 AND ({link_host} = :host OR (length({link_host}) > {len(host) + 1} "
        f"AND substr({link_host}, length({link_host}) - {len(host)}) = :suffix)) THEN 'CLAIMED' ELSE 'OTHER' END"
    )


def _metric_columns(table: str, keys) -> list[str]:
    return [column['name'] for column in sa.inspect(op.get_bind()).get_columns(table) if column['name'] not in keys]


def _create_account_table(keys, metrics) -> None:
    op.create_table('account_daily_metrics',
    sa.Column('owner_id', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('app_type', sa.String(length=8), nullable=False),
    sa.Column('traffic', sa.String(length=8), nullable=False),
    sa.Column('pin_format', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    *([sa.Column('owned_content', sa.String(length=8), nullable=False)] if 'owned_content' in keys else []),
    *(sa.Column(name, sa.BigInteger(), nullable=False) for name in metrics),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_account_daily_metrics_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint(*keys, name=op.f('pk_account_daily_metrics')),
    sqlite_with_rowid=False
    )


def _recreate_account_table(keys) -> list[str]:
    """Drop the (derived) account rollup and create it again with ``keys``, keeping its
    metric columns and indexes; returns the metric columns."""
    inspector = sa.inspect(op.get_bind())
    metrics = _metric_columns('account_daily_metrics', ACCOUNT_KEYS)
    indexes = inspector.get_indexes('account_daily_metrics')
    op.drop_table('account_daily_metrics')
    _create_account_table(keys, metrics)
    for index in indexes:
        op.create_index(index['name'], 'account_daily_metrics', index['column_names'], unique=index['unique'])
    return metrics


def _materialized() -> str:
    """The CTE hint that keeps a per-pin classification from being recomputed per daily row."""
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql' or sqlite3.sqlite_version_info >= (3, 35):
        return 'MATERIALIZED '
    return ''


def upgrade() -> None:
    bind = op.get_bind()
    metrics = _recreate_account_table(ACCOUNT_KEYS)
    columns = ', '.join(metrics)
    keys = ', '.join(f'c.{name}' for name in ACCOUNT_KEYS)
    sums = ', '.join(f'SUM(c.{name})' for name in metrics)
    owners = bind.execute(sa.text(
        "SELECT u.id, u.website_url FROM users u WHERE EXISTS (SELECT 1 FROM pin_daily_metrics d WHERE d.owner_id = u.id)"
    )).all()
    for owner_id, website_url in owners:
        host = _website_host(website_url)
        # Each pin is classified once (the CTE), each row then in a subquery, grouped
        # outside it: PostgreSQL would not match a GROUP BY expression holding bound
        # parameters with the same expression in the SELECT.
        owned = _owned_sql(bind.dialect.name, host) if host else "'OTHER'"
        params = {'owner_id': owner_id}
        if host:
            params.update(host=host, suffix='.' + host)
        bind.execute(sa.text(
            f"INSERT INTO account_daily_metrics ({', '.join(ACCOUNT_KEYS)}, {columns}) "
            f"WITH pin_classes AS {_materialized()}("
            f"SELECT p.id AS id, p.creative_type AS creative_type, p.parent_pin_id AS parent_pin_id, {owned} AS owned_content "
            "FROM pins p WHERE p.owner_id = :owner_id) "
            f"SELECT {keys}, {sums} FROM ("
            f"SELECT d.owner_id AS owner_id, d.day AS day, d.app_type AS app_type, d.traffic AS traffic, "
            f"{PIN_FORMAT_SQL} AS pin_format, {SOURCE_SQL} AS source, p.owned_content AS owned_content, "
            + ', '.join(f'd.{name} AS {name}' for name in metrics)
            + " FROM pin_classes p JOIN pin_daily_metrics d ON d.pin_id = p.id"
            f") c GROUP BY {keys}"
        ), params)

    running_metrics = _metric_columns('pin_daily_metrics', DAILY_KEYS)
    op.create_table('pin_cumulative_metrics_by_app_traffic',
    sa.Column('pin_id', sa.BigInteger(), nullable=False),
    sa.Column('app_type', sa.String(length=8), nullable=False),
    sa.Column('traffic', sa.String(length=8), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    *(sa.Column(name, sa.BigInteger(), nullable=False) for name in running_metrics),
    sa.ForeignKeyConstraint(['pin_id'], ['pins.id'], name=op.f('fk_pin_cumulative_metrics_by_app_traffic_pin_id_pins'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint(*RUNNING_KEYS, name=op.f('pk_pin_cumulative_metrics_by_app_traffic')),
    sqlite_with_rowid=False
    )
    running = ', '.join(
        f'SUM(d.{name}) OVER (PARTITION BY d.pin_id, d.app_type, d.traffic ORDER BY d.day)' for name in running_metrics
    )
    op.execute(
        f"INSERT INTO pin_cumulative_metrics_by_app_traffic ({', '.join(RUNNING_KEYS)}, {', '.join(running_metrics)}) "
        f"SELECT d.pin_id, d.app_type, d.traffic, d.day, {running} FROM pin_daily_metrics d"
    )


def downgrade() -> None:
    op.drop_table('pin_cumulative_metrics_by_app_traffic')
    metrics = _recreate_account_table(OLD_ACCOUNT_KEYS)
    columns = ', '.join(metrics)
    sums = ', '.join(f'SUM(d.{name})' for name in metrics)
    op.execute(
        f"INSERT INTO account_daily_metrics ({', '.join(OLD_ACCOUNT_KEYS)}, {columns}) "
        f"SELECT d.owner_id, d.day, d.app_type, d.traffic, {PIN_FORMAT_SQL}, {SOURCE_SQL}, {sums} "
        "FROM pin_daily_metrics d JOIN pins p ON p.id = d.pin_id "
        f"GROUP BY d.owner_id, d.day, d.app_type, d.traffic, {PIN_FORMAT_SQL}, {SOURCE_SQL}"
    )
