"""Bounded waits: a writer that cannot get its lock in time, and a statement that runs past
its limit, answer 503 with Retry-After and write nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select, text

from pinsight.errors import Conflict, QueryTimeout
from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
from pinsight.store.db import make_engine, writing
from pinsight.store.locks import lock_owners
from pinsight.store.tables import pin_daily_metrics
from tests.support.api import create_board, create_pin
from tests.support.server import LiveServer

RECURSION = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000000) SELECT count(*) FROM n"


@pytest.fixture
def impatient_server(runtime):
    """A second server on the same database whose writers wait at most 0.2 s for a lock."""
    url = runtime.settings.database_url
    engine = make_engine(url, lock_wait=0.2)
    impatient = Runtime.build(engine, Settings(database_url=url, log_requests=False, token_cache_seconds=0,
                                               lock_wait_seconds=0.2))
    live = LiveServer(impatient).start()
    yield live
    live.stop()
    engine.dispose()


def daily_rows_of(runtime, pin_id: str) -> int:
    with runtime.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(pin_daily_metrics)
                            .where(pin_daily_metrics.c.pin_id == int(pin_id))).scalar_one()


def test_a_writer_that_cannot_get_the_lock_in_time_answers_503(runtime, user, impatient_server):
    pin = create_pin(user.client, create_board(user.client)["id"])
    event = {"id": f"busy-{uuid.uuid4().hex}", "pin_id": pin["id"], "type": "SAVE", "app_type": "WEB",
             "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z")}
    headers = {"Authorization": f"Bearer {user.token}"}
    # Another writer holds the owner's metrics lock (on SQLite: the database's write lock).
    with writing(runtime.engine) as conn:
        lock_owners(conn, [int(user.id)])
        response = httpx.post(f"{impatient_server.url}/api/v1/events", json=[event], headers=headers, timeout=30)
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"].isdigit()
    assert set(response.json()) == {"code", "message"}
    assert daily_rows_of(runtime, pin["id"]) == 0
    # Once the lock is free, the same batch goes in.
    again = httpx.post(f"{impatient_server.url}/api/v1/events", json=[event], headers=headers, timeout=30)
    assert again.status_code == 200 and again.json()["applied"] == 1
    assert daily_rows_of(runtime, pin["id"]) == 1


def test_a_statement_past_its_time_limit_is_stopped_and_answers_503(runtime):
    url = runtime.settings.database_url
    engine = make_engine(url, statement_timeout=0.05)
    limited = Runtime.build(engine, Settings(database_url=url, log_requests=False, statement_timeout_seconds=0.05))

    def runaway():
        with engine.connect() as conn:
            return conn.execute(text(RECURSION)).scalar()

    try:
        with pytest.raises(QueryTimeout) as stopped:
            limited.run(runaway)
        assert stopped.value.status == 503 and "Retry-After" in stopped.value.headers()
        # The connection is usable afterwards: the limit applies per statement.
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


def test_a_uniqueness_race_is_run_again_once_then_answers_409(runtime):
    """A real duplicate-key failure: the first is retried (running again sees the winner's
    row), one that recurs answers 409 Conflict, with nothing half-written."""
    attempts = []

    def duplicate_insert():
        attempts.append(1)
        with writing(runtime.engine) as conn:
            conn.execute(text("CREATE TEMPORARY TABLE IF NOT EXISTS race_probe (id INTEGER PRIMARY KEY)"))
            conn.execute(text("DELETE FROM race_probe"))
            conn.execute(text("INSERT INTO race_probe (id) VALUES (1)"))
            conn.execute(text("INSERT INTO race_probe (id) VALUES (1)"))

    with pytest.raises(Conflict) as refused:
        runtime.run(duplicate_insert)
    assert len(attempts) == 2
    assert refused.value.status == 409 and refused.value.body()["code"] == 409

    settled = []

    def settles_on_the_second_attempt():
        settled.append(1)
        if len(settled) == 1:
            duplicate_insert()
        return "applied"

    assert runtime.run(settles_on_the_second_attempt) == "applied"
    assert len(settled) == 2
