"""SQLite keeps no statistics, so its plans follow the indexes alone: the lookups that
attribution makes for every batch must search by the values they are given, never read
everything of an ad account. Checked with EXPLAIN QUERY PLAN on the statements the store
really sends."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event

from pinsight.store.ads import activity, audiences
from pinsight.store.db import migrate


@pytest.fixture
def sqlite_conn(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'plans.sqlite3'}")
    migrate(engine)
    with engine.connect() as conn:
        yield conn
    engine.dispose()


def _plans(conn, call) -> dict[str, list[str]]:
    """Each statement ``call`` sends, with its query plan's lines."""
    sent: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, parameters))

    event.listen(conn, "before_cursor_execute", keep)
    try:
        call()
    finally:
        event.remove(conn, "before_cursor_execute", keep)
    cursor = conn.connection.driver_connection.cursor()
    return {statement: [row[3] for row in cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)]
            for statement, parameters in sent}


def test_households_are_looked_up_by_person_not_read_whole(sqlite_conn):
    plans = _plans(sqlite_conn, lambda: activity.households_of(sqlite_conn, 1, ["em:a", "em:b"], ["click-1"]))
    assert len(plans) == 2
    for statement, lines in plans.items():
        members = [line for line in lines if "ad_household_members" in line or " m USING" in line]
        assert members, (statement, lines)
        assert all("ix_ad_household_members_person (ad_account_id=? AND person_key=?)" in line for line in members), lines


def test_household_members_are_looked_up_by_household(sqlite_conn):
    plans = _plans(sqlite_conn, lambda: activity.persons_in_households(sqlite_conn, 1, ["h-1", "h-2"]))
    (lines,) = plans.values()
    assert any("(ad_account_id=? AND household_id=?)" in line for line in lines), lines


def test_a_persons_audiences_are_looked_up_by_person(sqlite_conn):
    """Where a person's counts move when an earlier sighting changes their facts: found by
    person, never by reading every audience's members."""
    plans = _plans(sqlite_conn, lambda: audiences.memberships(sqlite_conn, ["em:a", "em:b"]))
    (lines,) = plans.values()
    members = [line for line in lines if "audience_members" in line]
    assert members and all("ix_audience_members_person (person_key=?)" in line for line in members), lines


# ---- PostgreSQL: an ad account younger than the table's statistics ----------------------


def _postgres_plans(conn, call) -> dict[str, dict]:
    """Each statement ``call`` sends, with its JSON query plan (the planner's choice for
    these parameters, as when the statement ran)."""
    sent: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, parameters))

    event.listen(conn, "before_cursor_execute", keep)
    try:
        call()
    finally:
        event.remove(conn, "before_cursor_execute", keep)
    cursor = conn.connection.driver_connection.cursor()
    plans = {}
    for statement, parameters in sent:
        cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
        plans[statement] = cursor.fetchone()[0][0]["Plan"]
    return plans


def _looped_scans(plan: dict, looped: bool = False):
    """The scans a plan repeats: those on the inner side of a nested loop, run once per
    outer row."""
    if looped and "Relation Name" in plan:
        yield plan
    for child in plan.get("Plans", ()):
        yield from _looped_scans(child, looped or (plan["Node Type"] == "Nested Loop"
                                                  and child.get("Parent Relationship") == "Inner"))


PER_ACCOUNT_TABLES = {"ad_actions", "ad_conversions", "ad_conversion_keys", "ad_household_members"}


def _account_reads_per_value(plans: dict[str, dict]) -> list[str]:
    """The repeated scans of a per-account table that search by nothing but the ad account:
    each reads every row of the account again for every value looked up."""
    bad = []
    for statement, plan in plans.items():
        for node in _looped_scans(plan):
            if node.get("Relation Name") not in PER_ACCOUNT_TABLES:
                continue
            condition = node.get("Index Cond") or node.get("Recheck Cond") or ""
            if condition == "" or "ad_account_id" in condition and " AND " not in condition:
                bad.append(f"{node['Node Type']} on {node['Relation Name']} ({condition}): {statement[:120]}")
    return bad


@pytest.fixture
def young_account(request):
    """A PostgreSQL database holding two ad accounts, whose statistics were taken when only
    the first had any rows (autovacuum kept off): the state of every new account until the
    next ANALYZE. Yields (engine, the young account, its action ids, its person keys)."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from pinsight.demo.ads import AdsPlan, seed_ads
    from pinsight.domain.ids import IdGenerator
    from pinsight.store.ads import ads as ads_store
    from pinsight.store.content import content
    from pinsight.store.db import make_engine, writing
    from pinsight.store.tables import ad_actions

    engine = make_engine(request.getfixturevalue("postgres_server").create_database("young_account_plans"))
    migrate(engine)
    with engine.connect() as conn:
        for table in sorted(PER_ACCOUNT_TABLES):
            conn.exec_driver_sql(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
        conn.commit()
    now = datetime(2026, 6, 1, tzinfo=UTC).replace(tzinfo=None)
    ids = IdGenerator(tag=3)
    user_id, accounts = ids.next_id(), [ids.next_short_id(), ids.next_short_id()]
    with writing(engine) as conn:
        content.insert_user(conn, id=user_id, username="plans", account_type="BUSINESS", business_name=None, about="",
                            website_url="", profile_image="", follower_count=0, following_count=0, monthly_views=0,
                            created_at=now)
        for account in accounts:
            ads_store.insert_ad_account(conn, id=account, owner_id=user_id, name="Plans", country="US", currency="USD",
                                       created_at=now, updated_at=now)
    plan = AdsPlan(campaigns=1, ad_groups_per_campaign=1, ads_per_ad_group=4, days=30, actions=30_000,
                   conversions=1_000, people=3_000)
    pins = [(10**18 + n, "REGULAR") for n in range(4)]
    for seed, account in enumerate(accounts):
        with writing(engine) as conn:
            seed_ads(conn, account, pins, now, seed, plan, ids.next_short_id)
        if seed == 0:
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    with engine.connect() as conn:
        rows = conn.execute(select(ad_actions.c.id, ad_actions.c.person_key)
                            .where(ad_actions.c.ad_account_id == accounts[1]).limit(2_000)).all()
    yield engine, accounts[1], [row[0] for row in rows], sorted({row[1] for row in rows})
    engine.dispose()


def test_young_account_lookups_search_by_their_values(young_account):
    from datetime import datetime

    from pinsight.store.ads import conversions

    engine, account, action_ids, person_keys = young_account
    since, until = datetime(2026, 5, 1), datetime(2026, 6, 1)
    with engine.connect() as conn:
        plans = {}
        for call in (
            lambda: activity.existing_action_ids(conn, account, action_ids),
            lambda: activity.households_of(conn, account, person_keys, action_ids[:50]),
            lambda: activity.candidate_actions(conn, account, person_keys, action_ids[:50], ["household-1"], since, until),
            lambda: conversions.conversions_of(conn, account, person_keys, action_ids[:50]),
            lambda: conversions.existing_event_ids(conn, account, [f"demo-conversion-{n}" for n in range(500)]),
        ):
            plans.update(_postgres_plans(conn, call))
    assert len(plans) >= 6
    assert any(list(_looped_scans(plan)) for plan in plans.values())  # the duplicate-id probe, at least
    assert _account_reads_per_value(plans) == []
