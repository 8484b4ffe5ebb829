"""A finished report's file is deleted when its retention is up and the report then reads
EXPIRED; a link outlives neither its own expiry nor the file. Run on a server of its own
with retention and link lifetimes of a second or two."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
import pytest

from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
from pinsight.store.db import make_engine, migrate
from tests.support.api import assert_error
from tests.support.factories import make_ad_account, make_ads, make_user
from tests.support.server import LiveServer


@pytest.fixture
def short_lived(tmp_path):
    # A database of its own: the suite's shared one has other servers' workers, which keep
    # their files elsewhere.
    url = f"sqlite:///{tmp_path / 'expiry.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    settings = Settings(database_url=url, log_requests=False, token_cache_seconds=0, rate_limits_enabled=False,
                        files_url=str(tmp_path / "files"), worker_poll_seconds=0.05, file_retention_seconds=2,
                        link_ttl_seconds=1)
    own = Runtime.build(engine, settings)
    server = LiveServer(own).start()
    yield own, server, tmp_path / "files"
    server.stop()
    engine.dispose()


def _poll(client, account: str, token: str, until, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        state = client.get(f"/ad_accounts/{account}/reports", params={"token": token}).json()
        if until(state) or time.monotonic() > deadline:
            return state
        time.sleep(0.05)


def test_reports_expire_and_their_files_and_links_go_with_them(short_lived):
    runtime, server, files = short_lived
    owner = make_user(runtime, server.url)
    account = make_ad_account(runtime, owner)
    make_ads(runtime, account, 1)
    today = runtime.clock.today()
    created = owner.client.post(f"/ad_accounts/{account}/reports", json={
        "level": "ADVERTISER", "granularity": "TOTAL", "columns": ["PAID_IMPRESSION"],
        "start_date": (today - timedelta(days=3)).isoformat(), "end_date": today.isoformat()}).json()
    finished = _poll(owner.client, account, created["token"], lambda s: s["report_status"] != "IN_PROGRESS")
    assert finished["report_status"] == "FINISHED"
    assert httpx.get(finished["url"]).status_code == 200
    stored = [path for path in files.rglob("*") if path.is_file()]
    assert len(stored) == 1

    time.sleep(1.5)  # past the link's one second
    assert_error(httpx.get(finished["url"]), 403)

    expired = _poll(owner.client, account, created["token"], lambda s: s["report_status"] == "EXPIRED")
    assert expired == {"report_status": "EXPIRED", "url": None, "size": None}
    assert not stored[0].exists()
    owner.client.close()
