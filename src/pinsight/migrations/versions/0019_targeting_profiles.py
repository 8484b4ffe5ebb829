"""targeting analytics: action profiles, the account targeting rollup, profiles in the conversion rollup

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 18:20:00

* ad_action_profiles: the distinct sets of targeting facts ad actions carry, with the
  slice of each action targeting type.
* ad_targeting_daily: ad delivery per ad account, zone, targeting type, day and slice.
* ad_conversion_touches gains the touched action's profile, and ad_conversion_daily the
  profile as a key column (the table is derived: it is recreated and refilled).

Existing actions and conversions are carried over: every derived table is filled from
them by the rules as of this revision (frozen below, as a migration must be), so an
existing database answers as a fresh one would.
"""
import hashlib
import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

ZONES = ('America/Los_Angeles', 'UTC')
COUNTS = ('impression', 'click', 'outbound_click', 'save', 'closeup', 'video_start', 'video_p25', 'video_p50',
          'video_p75', 'video_p95', 'video_p100', 'video_mrc_view', 'video_3s_view')
SUMS = COUNTS + ('spend_micro_dollar',)
UNKNOWN = 'unknown'
# (targeting type, the facts it reads, first present wins; joined: all of them, by "_").
SLICES = (
    ('KEYWORD', ('keyword',), False), ('APPTYPE', ('app_type',), False), ('GENDER', ('gender',), False),
    ('LOCATION', ('metro', 'country'), False), ('PLACEMENT', ('placement',), False),
    ('COUNTRY', ('country',), False), ('TARGETED_INTEREST', ('targeted_interest',), False),
    ('PINNER_INTEREST', ('interest',), False), ('AUDIENCE_INCLUDE', ('audience',), False),
    ('GEO', ('region', 'metro', 'country'), False), ('AGE_BUCKET', ('age_bucket',), False),
    ('REGION', ('region',), False), ('AGE_BUCKET_AND_GENDER', ('age_bucket', 'gender'), True),
    ('AUDIENCE_MULTIPLIER', ('audience_multiplier',), False),
    ('CREATIVE_ENHANCEMENTS', ('creative_enhancement',), False), ('QUIZ_RESULT', ('quiz_result',), False),
)
OLD_ROLLUP_KEYS = ('ad_id', 'zone', 'day', 'report_time', 'attribution_type', 'kind', 'reach_days',
                   'click_reach_days', 'engagement_reach_days', 'event_name', 'action_source')
ROLLUP_KEYS = OLD_ROLLUP_KEYS + ('profile_id',)
ROLLUP_SUMS = ('conversions', 'value_micro', 'quantity')
NO_TOUCH = 255
BLOCKERS = {'CLICK': (False, False), 'ENGAGEMENT': (True, False), 'VIEW': (True, True)}
FLUSH = 100_000
# Read in slices (set per statement: on the connection it would stream this revision's
# UPDATE of alembic_version through a server cursor too).
STREAMED = {'yield_per': 50_000}


def _profile(app_type, dimensions, cache={}):
    key = (app_type, dimensions)
    found = cache.get(key)
    if found is None:
        digest = hashlib.sha256(json.dumps([app_type, dimensions], separators=(',', ':')).encode()).hexdigest()
        facts = dict(json.loads(dimensions)) if dimensions else {}
        if app_type is not None:
            facts['app_type'] = app_type
        slices = []
        for _name, reads, joined in SLICES:
            if joined:
                slices.append('_'.join(facts.get(fact) or UNKNOWN for fact in reads))
            else:
                slices.append(next((facts[fact] for fact in reads if facts.get(fact)), UNKNOWN))
        found = cache[key] = (int(digest[:15], 16), digest, app_type, dimensions, tuple(slices))
    return found


def _days(at, cache={}):
    hour = at.replace(minute=0, second=0, microsecond=0)
    found = cache.get(hour)
    if found is None:
        utc = hour.replace(tzinfo=timezone.utc)
        found = cache[hour] = tuple((zone, utc.astimezone(ZoneInfo(zone)).date()) for zone in ZONES)
    return found


def _create_conversion_rollup(with_profile: bool) -> sa.Table:
    keys = ROLLUP_KEYS if with_profile else OLD_ROLLUP_KEYS
    table = op.create_table(
        'ad_conversion_daily',
        sa.Column('ad_id', sa.BigInteger(), nullable=False),
        sa.Column('zone', sa.String(length=32), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('report_time', sa.String(length=20), nullable=False),
        sa.Column('attribution_type', sa.String(length=10), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('reach_days', sa.SmallInteger(), nullable=False),
        sa.Column('click_reach_days', sa.SmallInteger(), nullable=False),
        sa.Column('engagement_reach_days', sa.SmallInteger(), nullable=False),
        sa.Column('event_name', sa.String(length=32), nullable=False),
        sa.Column('action_source', sa.String(length=16), nullable=False),
        *([sa.Column('profile_id', sa.BigInteger(), nullable=False)] if with_profile else []),
        sa.Column('ad_account_id', sa.BigInteger(), nullable=False),
        sa.Column('campaign_id', sa.BigInteger(), nullable=False),
        sa.Column('ad_group_id', sa.BigInteger(), nullable=False),
        sa.Column('conversions', sa.BigInteger(), nullable=False),
        sa.Column('value_micro', sa.BigInteger(), nullable=False),
        sa.Column('quantity', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['ad_id'], ['ads.id'], name=op.f('fk_ad_conversion_daily_ad_id_ads'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint(*keys, name=op.f('pk_ad_conversion_daily')),
        sqlite_with_rowid=False,
    )
    op.create_index('ix_ad_conversion_daily_account', 'ad_conversion_daily',
                    ['ad_account_id', 'zone', 'report_time', 'attribution_type', 'day'], unique=False)
    return table


def _upsert_adding(bind, table, keys, sums, rows, conflict_keys=None):
    """Add ``rows`` ({key tuple (``keys``): amounts}) to ``table``, inserting missing rows;
    the primary key is ``conflict_keys`` (a prefix of ``keys``) where given."""
    if not rows:
        return
    if bind.dialect.name == 'postgresql':
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=list(conflict_keys or keys), set_={name: table.c[name] + statement.excluded[name] for name in sums})
    names = [*keys, *sums]
    bind.execute(statement, [dict(zip(names, (*key, *amounts))) for key, amounts in rows.items()])


def upgrade() -> None:
    bind = op.get_bind()
    profiles = op.create_table(
        'ad_action_profiles',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('app_type', sa.String(length=20), nullable=True),
        sa.Column('dimensions', sa.Text(), nullable=True),
        *(sa.Column(name.lower(), sa.String(length=300), nullable=False) for name, _reads, _joined in SLICES),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ad_action_profiles')),
    )
    targeting = op.create_table(
        'ad_targeting_daily',
        sa.Column('ad_account_id', sa.BigInteger(), nullable=False),
        sa.Column('zone', sa.String(length=32), nullable=False),
        sa.Column('targeting_type', sa.String(length=32), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('targeting_value', sa.String(length=300), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in SUMS),
        sa.PrimaryKeyConstraint('ad_account_id', 'zone', 'targeting_type', 'day', 'targeting_value',
                                name=op.f('pk_ad_targeting_daily')),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table('ad_conversion_touches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('profile_id', sa.BigInteger(), server_default='0', nullable=False))

    def moment(value):
        # SQLite hands a text query's timestamps back as text, in SQLAlchemy's format.
        return datetime.fromisoformat(value) if isinstance(value, str) else value

    seen_profiles = {}
    targeting_keys = ('ad_account_id', 'zone', 'targeting_type', 'day', 'targeting_value')
    accounts = bind.execute(sa.text('SELECT DISTINCT ad_account_id FROM ad_actions')).scalars().all()
    for account in accounts:
        sums = {}
        rows = bind.execute(sa.text(
            'SELECT occurred_at, type, spend_micro_dollar, app_type, dimensions FROM ad_actions '
            'WHERE ad_account_id = :account'), {'account': account}, execution_options=STREAMED)
        counts = {}
        for occurred_at, action_type, spend, app_type, dimensions in rows:
            key = (moment(occurred_at).replace(minute=0, second=0, microsecond=0), app_type, dimensions)
            row = counts.get(key)
            if row is None:
                row = counts[key] = [0] * len(SUMS)
            row[COUNTS.index(action_type.lower())] += 1
            row[-1] += spend or 0
        for (hour, app_type, dimensions), amounts in counts.items():
            profile = _profile(app_type, dimensions)
            seen_profiles[profile[0]] = profile
            for zone, day in _days(hour):
                for (name, _reads, _joined), value in zip(SLICES, profile[4]):
                    row = sums.setdefault((account, zone, name, day, value), [0] * len(SUMS))
                    for n, amount in enumerate(amounts):
                        row[n] += amount
        _upsert_adding(bind, targeting, targeting_keys, SUMS, sums)
    if seen_profiles:
        names = ['id', 'digest', 'app_type', 'dimensions', *(name.lower() for name, _r, _j in SLICES)]
        bind.execute(profiles.insert(), [dict(zip(names, (*p[:4], *p[4]))) for p in seen_profiles.values()])

    # Each touch's profile, from its action; then the conversion rollup, recomputed from the touches.
    touches = bind.execute(sa.text(
        'SELECT t.conversion_id, t.attribution_type, t.kind, a.app_type, a.dimensions FROM ad_conversion_touches t '
        'JOIN ad_conversions c ON c.id = t.conversion_id '
        'JOIN ad_actions a ON a.ad_account_id = c.ad_account_id AND a.id = t.action_id')).all()
    update = sa.text('UPDATE ad_conversion_touches SET profile_id = :profile WHERE conversion_id = :conversion '
                     'AND attribution_type = :attribution AND kind = :kind')
    for offset in range(0, len(touches), FLUSH):
        bind.execute(update, [{'profile': _profile(app_type, dimensions)[0], 'conversion': conversion,
                               'attribution': attribution, 'kind': kind}
                              for conversion, attribution, kind, app_type, dimensions in touches[offset : offset + FLUSH]])
    del touches

    op.drop_table('ad_conversion_daily')
    rollup = _create_conversion_rollup(with_profile=True)
    parents = {ad_id: (account, campaign, group) for ad_id, account, campaign, group in bind.execute(sa.text(
        'SELECT id, ad_account_id, campaign_id, ad_group_id FROM ads'))}
    rows = bind.execute(sa.text(
        'SELECT t.conversion_id, t.attribution_type, t.kind, t.ad_id, t.occurred_at, t.reach_days, t.profile_id, '
        'c.occurred_at, c.event_name, c.action_source, c.value_micro, c.num_items '
        'FROM ad_conversion_touches t JOIN ad_conversions c ON c.id = t.conversion_id '
        'ORDER BY t.conversion_id'), execution_options=STREAMED)
    pending = {}
    current, touches_of_one = None, []

    def contribute(one):
        by_type = {}
        for row in one:
            by_type.setdefault(row[1], {})[row[2]] = row
        for attribution_type, by_kind in by_type.items():
            click = by_kind['CLICK'][5] if 'CLICK' in by_kind else NO_TOUCH
            engagement = by_kind['ENGAGEMENT'][5] if 'ENGAGEMENT' in by_kind else NO_TOUCH
            for kind, row in by_kind.items():
                _cid, _at, _kind, ad_id, touched_at, reach, profile_id, converted_at, event, source, value, items = row
                records_click, records_engagement = BLOCKERS[kind]
                blockers = (click if records_click else 0, engagement if records_engagement else 0)
                for report_time, at in (('TIME_OF_AD_ACTION', touched_at), ('TIME_OF_CONVERSION', converted_at)):
                    for zone, day in _days(at):
                        key = (ad_id, zone, day, report_time, attribution_type, kind, reach, *blockers, event, source,
                               profile_id, *parents[ad_id])
                        sums = pending.setdefault(key, [0, 0, 0])
                        sums[0] += 1
                        sums[1] += value or 0
                        sums[2] += items or 0

    for row in rows:
        row = tuple(row)
        row = (*row[:4], moment(row[4]), *row[5:7], moment(row[7]), *row[8:])
        if row[0] != current and touches_of_one:
            contribute(touches_of_one)
            touches_of_one = []
            if len(pending) >= FLUSH:
                _upsert_adding(bind, rollup, ROLLUP_KEYS + ('ad_account_id', 'campaign_id', 'ad_group_id'),
                               ROLLUP_SUMS, pending, ROLLUP_KEYS)
                pending.clear()
        current = row[0]
        touches_of_one.append(row)
    if touches_of_one:
        contribute(touches_of_one)
    _upsert_adding(bind, rollup, ROLLUP_KEYS + ('ad_account_id', 'campaign_id', 'ad_group_id'), ROLLUP_SUMS, pending,
                   ROLLUP_KEYS)


def downgrade() -> None:
    bind = op.get_bind()
    keys = ', '.join(OLD_ROLLUP_KEYS)
    op.rename_table('ad_conversion_daily', 'ad_conversion_daily_with_profiles')
    op.drop_index('ix_ad_conversion_daily_account', table_name='ad_conversion_daily_with_profiles')
    if bind.dialect.name == 'postgresql':
        op.execute('ALTER TABLE ad_conversion_daily_with_profiles RENAME CONSTRAINT pk_ad_conversion_daily '
                   'TO pk_ad_conversion_daily_with_profiles')
        op.execute('ALTER TABLE ad_conversion_daily_with_profiles DROP CONSTRAINT fk_ad_conversion_daily_ad_id_ads')
    _create_conversion_rollup(with_profile=False)
    op.execute(f'INSERT INTO ad_conversion_daily ({keys}, ad_account_id, campaign_id, ad_group_id, conversions, '
               f'value_micro, quantity) SELECT {keys}, MIN(ad_account_id), MIN(campaign_id), MIN(ad_group_id), '
               f'SUM(conversions), SUM(value_micro), SUM(quantity) FROM ad_conversion_daily_with_profiles '
               f'GROUP BY {keys}')
    op.drop_table('ad_conversion_daily_with_profiles')
    with op.batch_alter_table('ad_conversion_touches', schema=None) as batch_op:
        batch_op.drop_column('profile_id')
    op.drop_table('ad_targeting_daily')
    op.drop_table('ad_action_profiles')
