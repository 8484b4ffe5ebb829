"""Async reports run by `pinsight worker` processes beside servers that run none
(production's layout), on PostgreSQL and SQLite: a worker killed with SIGKILL in the
middle of a report leaves it to another, which finishes it exactly once; several
workers share a queue of reports, each run once; and every file equals the sync answer.

The workers are slowed (PINSIGHT_JOB_PAUSE_SECONDS after each chunk of a report) so that a
report is still being written when its worker is killed, whatever the machine's speed.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from pinsight.services.runtime import Runtime
from pinsight.store.tables import jobs
from tests.race.test_concurrent_writes import NO_RATE_LIMITS
from tests.support.ads import action, send_actions
from tests.support.factories import make_ad_account, make_ads, make_user
from tests.support.jobs import database_url, job_runtime
from tests.support.processes import ServedProcesses

LEASE_SECONDS = "2"
COLUMNS = ["SPEND_IN_MICRO_DOLLAR", "PAID_IMPRESSION", "CLICKTHROUGH_1", "CTR"]


@pytest.fixture(params=["postgresql", "sqlite"])
def setup(request, tmp_path, tmp_path_factory):
    url = database_url(request.param, request, tmp_path_factory, "pinsight_reports")
    files = tmp_path / "files"
    runtime = job_runtime(url, str(files))
    env = {**NO_RATE_LIMITS, "PINSIGHT_FILES_URL": str(files), "PINSIGHT_EMBEDDED_WORKERS": "0",
           "PINSIGHT_JOB_LEASE_SECONDS": LEASE_SECONDS, "PINSIGHT_WORKER_POLL_SECONDS": "0.1",
           "PINSIGHT_LOG_REQUESTS": "false"}
    server = ServedProcesses(url, workers=1, env=env).start()
    owner = make_user(runtime, server.url)
    account = make_ad_account(runtime, owner)
    ads = make_ads(runtime, account, 4)
    now, rng = runtime.clock.now(), random.Random(3)
    actions = [action(rng.choice(ads), now - timedelta(seconds=rng.randrange(60, 80 * 86400)),
                      type=rng.choice(["IMPRESSION", "IMPRESSION", "CLICK"]), em=f"w{rng.randrange(9)}@example.com",
                      spend_micro_dollar=rng.randrange(0, 3000)) for _ in range(400)]
    assert send_actions(owner.client, actions).status_code == 200
    workers: list[subprocess.Popen] = []

    def start_worker(pause: float) -> subprocess.Popen:
        worker = subprocess.Popen([sys.executable, "-m", "pinsight.cli", "worker", "--db", url],
                                  env={**os.environ, **env, "PINSIGHT_JOB_PAUSE_SECONDS": str(pause)},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        workers.append(worker)
        return worker

    yield runtime, server, owner, account, ads, files, start_worker
    for worker in workers:
        worker.kill()
        worker.wait()
    server.stop()
    owner.client.close()
    runtime.engine.dispose()


def _ask(owner, account: str, today, primary_sort: str = "BY_DATE") -> str:
    answer = owner.client.post(f"/ad_accounts/{account}/reports", json={
        "level": "PIN_PROMOTION", "granularity": "DAY", "columns": COLUMNS, "primary_sort": primary_sort,
        "start_date": (today - timedelta(days=84)).isoformat(), "end_date": today.isoformat()})
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


def _job(runtime: Runtime, token: str):
    with runtime.engine.connect() as conn:
        return conn.execute(select(jobs).where(jobs.c.token == token)).mappings().one()


def _state(owner, account: str, token: str) -> dict:
    return owner.client.get(f"/ad_accounts/{account}/reports", params={"token": token}).json()


def _wait(predicate, timeout: float = 90, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _expected(owner, account: str, ads, today) -> list[dict]:
    sync = owner.client.get(f"/ad_accounts/{account}/ads/analytics", params={
        "ad_ids": ",".join(ads), "columns": ",".join(COLUMNS), "granularity": "DAY",
        "start_date": (today - timedelta(days=84)).isoformat(), "end_date": today.isoformat()})
    assert sync.status_code == 200, sync.text
    return sorted(sync.json(), key=lambda row: (row["DATE"], row["AD_ID"]))


def _rows(state: dict) -> list[dict]:
    report = httpx.get(state["url"]).json()
    return [row for rows in report.values() for row in rows]


def test_a_killed_worker_s_report_is_finished_once_by_another(setup):
    runtime, server, owner, account, ads, files, start_worker = setup
    today = runtime.clock.today()
    token = _ask(owner, account, today)
    first = start_worker(pause=0.4)
    _wait(lambda: _job(runtime, token)["progress_rows"] > 0 or any(files.rglob("*.part-*")), what="the first chunk")
    _wait(lambda: any(files.rglob("*.part-*")), what="the partial file")
    holder = _job(runtime, token)
    assert holder["state"] == "running" and holder["attempts"] == 1
    first.kill()
    first.wait()
    assert _state(owner, account, token)["report_status"] == "IN_PROGRESS"
    assert not [path for path in files.rglob("*") if path.is_file() and ".part-" not in path.name]

    start_worker(pause=0.0)
    _wait(lambda: _state(owner, account, token)["report_status"] != "IN_PROGRESS", what="the report")
    state = _state(owner, account, token)
    assert state["report_status"] == "FINISHED"
    finished = _job(runtime, token)
    assert finished["attempts"] == 2 and finished["lease_owner"] is None
    assert finished["lease_owner"] != holder["lease_owner"]
    on_disk = [path for path in files.rglob("*") if path.is_file()]
    assert [path.relative_to(files).as_posix() for path in on_disk] == [finished["file_key"]]
    assert finished["file_key"].endswith("/2/report.json")
    assert _rows(state) == _expected(owner, account, ads, today)


def test_workers_share_the_queue_and_run_each_report_once(setup):
    runtime, server, owner, account, ads, files, start_worker = setup
    today = runtime.clock.today()
    tokens = [_ask(owner, account, today, sort) for sort in ("BY_DATE", "BY_ID") * 3]
    for _ in range(3):
        start_worker(pause=0.05)
    _wait(lambda: all(_state(owner, account, token)["report_status"] == "FINISHED" for token in tokens),
          what="every report")
    expected = _expected(owner, account, ads, today)
    by_ad = sorted(expected, key=lambda row: int(row["AD_ID"]))
    owners = set()
    for token in tokens:
        job = _job(runtime, token)
        assert job["attempts"] == 1, job
        owners.add(Path(job["file_key"]).parts[1])
        rows = _rows(_state(owner, account, token))
        assert rows == (expected if job["params"].find('"BY_DATE"') >= 0 else by_ad)
    assert len(owners) == len(tokens)  # one directory per job
    files_written = [path for path in files.rglob("*") if path.is_file()]
    assert len(files_written) == len(tokens)
