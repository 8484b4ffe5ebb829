"""audience insights: the people seen, who is in which audience, people per facet value

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-07 09:00:00

* audience_people: everyone ad actions (and, from now on, organic events) named, with the
  facts of their earliest sighting and its key (first_at, first_id, first_source: the
  instant, id and ad account of their earliest action).
* audience_members: who is in each ad account's (or pin owner's) audience, and whether
  they engaged; indexed by person too (where a person's counts move).
* audience_slices: people and engaged people per audience, facet and value; scope 0 is
  the whole population.
* audience_scopes: the newest day counted in each audience.
* ingested_events gains the viewer (person_key) and their facts (dimensions).

Existing ad actions are carried over by the rules as of this revision (frozen below): a
person's facts are those of their earliest action (by instant, then id in byte order,
then ad account), as the write paths keep them whatever order actions come in.
"""
import json
from datetime import date, datetime

from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0019'
branch_labels = None
depends_on = None

FACETS = ('device', 'gender', 'age', 'geo', 'interest')
# The ad action types that make a person engaged (catalog.audiences: clicks and engagements).
ENGAGED = ('CLICK', 'OUTBOUND_CLICK', 'SAVE', 'CLOSEUP', 'VIDEO_START', 'VIDEO_P25', 'VIDEO_P50', 'VIDEO_P75',
           'VIDEO_P95', 'VIDEO_P100', 'VIDEO_MRC_VIEW', 'VIDEO_3S_VIEW')
FLUSH = 10_000
STREAMED = {'yield_per': 50_000}


def _facts(app_type, dimensions):
    """domain.ads.audience_facts.person_facts as of this revision."""
    facts = json.loads(dimensions) if dimensions else {}
    country = facts.get('country') or ''
    metro = facts.get('metro')
    geo = f'US:{metro}' if metro and country in ('US', '') else country
    return (app_type or '', facts.get('gender') or '', facts.get('age_bucket') or '', geo, facts.get('interest') or '')


def moment(value):
    # SQLite hands a text query's timestamps back as text, in SQLAlchemy's format.
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def day(value):
    return moment(value).date()


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('ingested_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_key', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('dimensions', sa.Text(), nullable=True))
    people = op.create_table(
        'audience_people',
        sa.Column('person_key', sa.String(length=80), nullable=False),
        *(sa.Column(facet, sa.String(length=64), nullable=False) for facet in FACETS),
        sa.Column('first_at', sa.DateTime(), nullable=False),
        sa.Column('first_id', sa.String(length=128), nullable=False),
        sa.Column('first_source', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('person_key', name=op.f('pk_audience_people')),
        sqlite_with_rowid=False,
    )
    op.create_table(
        'audience_members',
        sa.Column('scope_id', sa.BigInteger(), nullable=False),
        sa.Column('person_key', sa.String(length=80), nullable=False),
        sa.Column('engaged', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('scope_id', 'person_key', name=op.f('pk_audience_members')),
        sqlite_with_rowid=False,
    )
    op.create_table(
        'audience_slices',
        sa.Column('scope_id', sa.BigInteger(), nullable=False),
        sa.Column('facet', sa.String(length=16), nullable=False),
        sa.Column('value', sa.String(length=64), nullable=False),
        sa.Column('people', sa.BigInteger(), nullable=False),
        sa.Column('engaged', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('scope_id', 'facet', 'value', name=op.f('pk_audience_slices')),
        sqlite_with_rowid=False,
    )
    op.create_table(
        'audience_scopes',
        sa.Column('scope_id', sa.BigInteger(), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('scope_id', name=op.f('pk_audience_scopes')),
    )

    # Each person's earliest action gives their facts: ids compared by their bytes (as
    # Python compares strings), not by the database's collation.
    by_bytes = ' COLLATE "C"' if bind.dialect.name == 'postgresql' else ''
    earliest = bind.execute(sa.text(
        'SELECT person_key, app_type, dimensions, occurred_at, id, ad_account_id FROM (SELECT person_key, app_type, '
        'dimensions, occurred_at, id, ad_account_id, ROW_NUMBER() OVER (PARTITION BY person_key ORDER BY '
        f'occurred_at, id{by_bytes}, ad_account_id) AS n FROM ad_actions) AS ranked WHERE n = 1'),
        execution_options=STREAMED)
    rows = []
    for person_key, app_type, dimensions, at, action_id, account in earliest:
        rows.append(dict(zip(('person_key', *FACETS, 'first_at', 'first_id', 'first_source'),
                             (person_key, *_facts(app_type, dimensions), moment(at), action_id, account))))
        if len(rows) >= FLUSH:
            bind.execute(people.insert(), rows)
            rows = []
    if rows:
        bind.execute(people.insert(), rows)

    engaged_types = ', '.join(f"'{name}'" for name in ENGAGED)
    any_engaged = (f'bool_or(type IN ({engaged_types}))' if bind.dialect.name == 'postgresql'
                   else f'MAX(type IN ({engaged_types}))')
    bind.execute(sa.text(
        f'INSERT INTO audience_members (scope_id, person_key, engaged) SELECT ad_account_id, person_key, '
        f'{any_engaged} FROM ad_actions GROUP BY ad_account_id, person_key'))
    op.create_index('ix_audience_members_person', 'audience_members', ['person_key'], unique=False)
    engaged_one = 'CASE WHEN m.engaged THEN 1 ELSE 0 END'
    for facet in FACETS:
        bind.execute(sa.text(
            f'INSERT INTO audience_slices (scope_id, facet, value, people, engaged) '
            f"SELECT m.scope_id, '{facet}', p.{facet}, COUNT(*), SUM({engaged_one}) FROM audience_members AS m "
            f'JOIN audience_people AS p ON p.person_key = m.person_key GROUP BY m.scope_id, p.{facet}'))
        bind.execute(sa.text(
            f"INSERT INTO audience_slices (scope_id, facet, value, people, engaged) SELECT 0, '{facet}', {facet}, "
            f'COUNT(*), 0 FROM audience_people GROUP BY {facet}'))

    scopes = sa.table('audience_scopes', sa.column('scope_id', sa.BigInteger()), sa.column('last_day', sa.Date()))
    newest = [{'scope_id': account, 'last_day': day(latest)} for account, latest in bind.execute(sa.text(
        'SELECT ad_account_id, MAX(occurred_at) FROM ad_actions GROUP BY ad_account_id'))]
    if newest:
        overall: date = max(row['last_day'] for row in newest)
        bind.execute(scopes.insert(), [*newest, {'scope_id': 0, 'last_day': overall}])


def downgrade() -> None:
    op.drop_index('ix_audience_members_person', table_name='audience_members')
    op.drop_table('audience_scopes')
    op.drop_table('audience_slices')
    op.drop_table('audience_members')
    op.drop_table('audience_people')
    with op.batch_alter_table('ingested_events', schema=None) as batch_op:
        batch_op.drop_column('dimensions')
        batch_op.drop_column('person_key')
