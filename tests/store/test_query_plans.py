"""SQLite keeps no statistics, so its plans follow the indexes alone: the lookups that
attribution makes for every batch must search by the values they are given, never read
everything of an ad account. Checked with EXPLAIN QUERY PLAN on the statements the store
really sends."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event

from pinsight.store.ads import activity
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
