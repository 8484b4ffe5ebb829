"""A server killed (SIGKILL) in the middle of ingesting loses nothing it acknowledged and
leaves nothing half-applied, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import threading
import time

import httpx
import pytest
from sqlalchemy import func, select

from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
from pinsight.store.db import make_engine, migrate
from pinsight.store.tables import pin_daily_metrics
from tests.race.test_concurrent_writes import NO_RATE_LIMITS, event_batches, make_account
from tests.support.processes import ServedProcesses
from tests.support.rollups import stored_and_rebuilt

KILLS = 3
BATCH = 20_000


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database(f"pinsight_crash_{random.randrange(10**9)}")
    engine = make_engine(url)
    migrate(engine)
    yield url, Runtime.build(engine, Settings(database_url=url, log_requests=False))
    engine.dispose()


def saves_of(runtime: Runtime, pin_id: int) -> int:
    with runtime.engine.connect() as conn:
        total = conn.execute(select(func.sum(pin_daily_metrics.c.save)).where(pin_daily_metrics.c.pin_id == pin_id)).scalar()
    return int(total or 0)


def test_killed_mid_ingest_each_batch_is_whole_or_absent(database):
    url, runtime = database
    account = make_account(runtime, pins=KILLS)
    acknowledged = {}
    for round_, pin_id in enumerate(account.pin_ids):
        server = ServedProcesses(url, workers=1, env=NO_RATE_LIMITS).start()
        batch = event_batches(pin_id, f"crash{round_}", batches=1, size=BATCH)[0]
        answers: list = []

        def send(batch=batch, answers=answers, base=server.url):
            try:
                answers.append(httpx.post(f"{base}/api/v1/events", json=batch, timeout=120,
                                          headers={"Authorization": f"Bearer {account.token}"}).status_code)
            except httpx.HTTPError:
                answers.append(None)  # the connection died with the server

        sender = threading.Thread(target=send)
        sender.start()
        time.sleep(random.uniform(0.2, 1.5))
        server.kill()
        sender.join(timeout=120)
        acknowledged[pin_id] = answers == [200]
    for pin_id, was_acknowledged in acknowledged.items():
        saved = saves_of(runtime, pin_id)
        assert saved in (0, BATCH), f"pin {pin_id}: a half-applied batch ({saved} of {BATCH})"
        if was_acknowledged:
            assert saved == BATCH, f"pin {pin_id}: an acknowledged batch was lost"
    stored, rebuilt = stored_and_rebuilt(runtime.engine, account.user_id)
    assert stored == rebuilt
    # The database is healthy afterwards: a new server takes the same batches whole.
    server = ServedProcesses(url, workers=1, env=NO_RATE_LIMITS).start()
    try:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {account.token}"}, timeout=120) as client:
            for round_, pin_id in enumerate(account.pin_ids):
                batch = event_batches(pin_id, f"crash{round_}", batches=1, size=BATCH)[0]
                assert client.post("/api/v1/events", json=batch).status_code == 200
    finally:
        server.stop()
    assert all(saves_of(runtime, pin_id) == BATCH for pin_id in account.pin_ids)
    stored, rebuilt = stored_and_rebuilt(runtime.engine, account.user_id)
    assert stored == rebuilt
