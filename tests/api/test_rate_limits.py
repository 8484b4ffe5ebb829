"""Rate limits as Pinterest's: per user per app by rate category, a universal cap per
second, failed authentications per client address, and one budget shared by every
process serving the database.

The suite's shared server runs with limits off; these tests run their own server with
tiny limits and a clock they move by hand (windows are whole minutes and seconds of it),
plus two real ``pinsight serve`` processes on the real clock.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys
import time

import httpx
import pytest
from sqlalchemy import func, select

from pinsight.catalog import rate_limits as catalog
from pinsight.catalog.operations import OPERATIONS
from pinsight.services.identity.api_keys import create_api_key
from pinsight.services.identity.oauth import create_app as register_app
from pinsight.services.identity.rate_limits import Limits
from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
from pinsight.store.db import make_engine, migrate
from pinsight.store.identity.rate_limits import Counters
from pinsight.store.tables import rate_limit_counters
from tests.conftest import _database_url
from tests.support.api import assert_error
from tests.support.factories import make_user
from tests.support.server import LiveServer, free_port

PER_MINUTE = 5
PER_SECOND = 3
AUTH_FAILURES = 4
LIMITS = {"org_read": PER_MINUTE, "ads_read": PER_MINUTE, "ingest": PER_MINUTE, "overview": PER_MINUTE}
REDIRECT = "https://client.example/callback"


class HandClock:
    """Seconds since the epoch, moved only by the test."""

    def __init__(self):
        self.now = 1_900_000_020.0  # a whole minute

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def next_minute(self) -> None:
        self.now = (self.now // 60 + 1) * 60


class Limited:
    def __init__(self, runtime: Runtime, server: LiveServer, clock: HandClock):
        self.runtime, self.server, self.clock, self.url = runtime, server, clock, server.url

    def user(self):
        return make_user(self.runtime, self.url)


@pytest.fixture(scope="module")
def limited_server(backend, request, tmp_path_factory):
    url = _database_url(backend, request, tmp_path_factory, "pinsight_rate_limits")
    engine = make_engine(url)
    migrate(engine)
    settings = Settings(database_url=url, log_requests=False, token_cache_seconds=0, rate_limits=LIMITS,
                        rate_limit_per_second=PER_SECOND, auth_failure_limit=AUTH_FAILURES)
    runtime = Runtime.build(engine, settings)
    clock = HandClock()
    server = LiveServer(runtime, rate_limit_clock=clock).start()
    yield Limited(runtime, server, clock)
    server.stop()
    engine.dispose()


@pytest.fixture
def limited(limited_server):
    """The limited server, with each test starting in fresh windows."""
    limited_server.clock.next_minute()
    return limited_server


def limit_headers(response: httpx.Response) -> tuple[int, int, int]:
    return tuple(int(response.headers[f"x-ratelimit-{name}"]) for name in ("limit", "remaining", "reset"))


def basic(app_id: str, secret: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{app_id}:{secret}".encode()).decode()}


def client_credentials_token(url: str, app) -> str:
    response = httpx.post(f"{url}/v5/oauth/token", data={"grant_type": "client_credentials", "scope": "user_accounts:read"},
                          headers=basic(app.app_id, app.app_secret))
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


# --- the figures -----------------------------------------------------------------------------


def test_every_category_has_a_limit(spec):
    used = {op.rate_category for op in OPERATIONS.values()}
    in_spec = {operation["x-ratelimit-category"] for methods in spec["paths"].values() for operation in methods.values()
               if isinstance(operation, dict) and "x-ratelimit-category" in operation}
    assert used | in_spec <= set(catalog.PER_MINUTE), sorted((used | in_spec) - set(catalog.PER_MINUTE))
    assert catalog.PER_MINUTE["ads_analytics"] == 300 and catalog.PER_MINUTE["ads_read"] == 1000
    assert catalog.UNIVERSAL_PER_SECOND == 100


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PINSIGHT_RATE_LIMITS", '{"ads_analytics": 10, "org_read": 7}')
    monkeypatch.setenv("PINSIGHT_RATE_LIMIT_PER_SECOND", "9")
    monkeypatch.setenv("PINSIGHT_RATE_LIMITS_ENABLED", "false")
    settings = Settings()
    limits = Limits.from_settings(settings)
    assert limits.per_minute == {**catalog.PER_MINUTE, "ads_analytics": 10, "org_read": 7}
    assert limits.per_second == 9 and limits.auth_failures == catalog.AUTH_FAILURES_PER_MINUTE
    assert settings.rate_limits_enabled is False


@pytest.mark.parametrize("overrides", [{"rate_limits": {"org_raed": 5}}, {"rate_limits": {"org_read": 0}},
                                       {"rate_limit_per_second": 0}])
def test_a_bad_limit_stops_the_server_at_start(overrides):
    with pytest.raises(ValueError):
        Limits.from_settings(Settings(**overrides))


def test_limits_off_means_no_headers_and_no_refusals(server, user):
    """The suite's shared server runs with PINSIGHT_RATE_LIMITS_ENABLED=false."""
    for _ in range(catalog.AUTH_FAILURES_PER_MINUTE + 5):
        assert_error(httpx.get(f"{server.url}/v5/user_account", headers={"Authorization": "Bearer pina_wrong"}), 401)
    for _ in range(10):
        response = user.client.get("/user_account")
        assert response.status_code == 200 and "x-ratelimit-limit" not in response.headers


# --- per user per app, by category -------------------------------------------------------------


def test_a_category_limit_answers_429_with_headers_and_spares_other_budgets(limited):
    user = limited.user()
    for remaining in range(PER_MINUTE - 1, -1, -1):
        response = user.client.get("/user_account")
        assert response.status_code == 200, response.text
        # The clock moved (PER_MINUTE - 1 - remaining) seconds into the minute.
        assert limit_headers(response) == (PER_MINUTE, remaining, 60 - (PER_MINUTE - 1 - remaining))
        assert "retry-after" not in response.headers
        limited.clock.advance(1)

    refused = user.client.get("/user_account")
    assert_error(refused, 429, 8)
    assert limit_headers(refused) == (PER_MINUTE, 0, 60 - PER_MINUTE)
    assert refused.headers["retry-after"] == str(60 - PER_MINUTE)
    # The v5 boards list is org_read too.
    assert_error(user.client.get("/boards"), 429, 8)

    # Another category of the same user and app has its own budget.
    ads = user.client.get("/ad_accounts")
    assert ads.status_code == 200 and limit_headers(ads)[:2] == (PER_MINUTE, PER_MINUTE - 1)
    # So has another user...
    other = limited.user()
    mine = other.client.get("/user_account")
    assert mine.status_code == 200 and limit_headers(mine)[:2] == (PER_MINUTE, PER_MINUTE - 1)
    # ...and the same user through an OAuth app.
    app = register_app(limited.runtime, "Scheduler", user.username, [REDIRECT])
    token = client_credentials_token(limited.url, app)
    through_app = httpx.get(f"{limited.url}/v5/user_account", headers={"Authorization": f"Bearer {token}"})
    assert through_app.status_code == 200 and through_app.json()["username"] == user.username
    assert limit_headers(through_app)[:2] == (PER_MINUTE, PER_MINUTE - 1)

    # A new minute, a new budget.
    limited.clock.next_minute()
    again = user.client.get("/user_account")
    assert again.status_code == 200 and limit_headers(again) == (PER_MINUTE, PER_MINUTE - 1, 60)


def test_every_answer_of_a_limited_operation_carries_the_headers(limited):
    user = limited.user()
    missing = user.client.get("/pins/123")  # org_read
    assert_error(missing, 404)
    assert limit_headers(missing) == (PER_MINUTE, PER_MINUTE - 1, 60)
    bad = user.client.get("/boards", params={"page_size": 0})
    assert_error(bad, 400)
    assert limit_headers(bad)[:2] == (PER_MINUTE, PER_MINUTE - 2)
    limited.clock.advance(1)
    ingested = user.client.post("/../api/v1/events", json=[])
    assert ingested.status_code == 200, ingested.text
    assert limit_headers(ingested) == (PER_MINUTE, PER_MINUTE - 1, 59)
    assert "x-ratelimit-limit" not in httpx.get(f"{limited.url}/healthz").headers


def test_the_universal_cap_counts_every_category_per_second(limited):
    user = limited.user()
    for path in ("/user_account", "/ad_accounts", "/boards"):
        assert user.client.get(path).status_code == 200
    refused = user.client.get("/ad_accounts")
    assert_error(refused, 429, 8)
    assert limit_headers(refused) == (PER_SECOND, 0, 1)
    assert refused.headers["retry-after"] == "1"
    limited.clock.advance(1)
    allowed = user.client.get("/ad_accounts")
    assert allowed.status_code == 200
    # The refused request counted in its category too: 3 of ads_read's 5 are used.
    assert limit_headers(allowed) == (PER_MINUTE, PER_MINUTE - 3, 59)


def test_when_two_limits_refuse_the_longer_wait_is_given(limited):
    user = limited.user()
    for _ in range(PER_MINUTE):
        assert user.client.get("/user_account").status_code == 200
        limited.clock.advance(1)
    answers = [user.client.get("/user_account") for _ in range(PER_SECOND + 1)]
    assert [answer.status_code for answer in answers] == [429] * (PER_SECOND + 1)
    # The last is over both the minute's org_read limit and the second's cap: the minute decides.
    assert limit_headers(answers[-1]) == (PER_MINUTE, 0, 60 - PER_MINUTE)
    assert answers[-1].headers["retry-after"] == str(60 - PER_MINUTE)


def test_the_overview_api_answers_429_in_its_own_shape(limited):
    user = limited.user()
    key = create_api_key(limited.runtime, user.username)
    params = {"apiKey": key, "social_network_id": user.id, "preset": "last_7_days"}
    for remaining in range(PER_MINUTE - 1, -1, -1):
        response = httpx.get(f"{limited.url}/api/pinterest/overview", params=params)
        assert response.status_code == 200, response.text
        assert limit_headers(response)[:2] == (PER_MINUTE, remaining)
        limited.clock.advance(1)
    refused = httpx.get(f"{limited.url}/api/pinterest/posts", params=params)
    assert refused.status_code == 429
    assert set(refused.json()) == {"message"} and "Try again in" in refused.json()["message"]
    assert limit_headers(refused) == (PER_MINUTE, 0, 60 - PER_MINUTE)
    assert refused.headers["retry-after"] == str(60 - PER_MINUTE)
    # The key's user calling v5 with a CLI token shares the "no app" universal cap only.
    assert user.client.get("/user_account").status_code == 200


# --- failed authentication per address -------------------------------------------------------


def test_failed_authentications_block_the_address_even_for_valid_credentials(limited):
    user = limited.user()
    key = create_api_key(limited.runtime, user.username)
    app = register_app(limited.runtime, "Scheduler", user.username, [REDIRECT])
    overview = f"{limited.url}/api/pinterest/overview"
    good_params = {"apiKey": key, "social_network_id": user.id, "preset": "last_7_days"}
    token_form = {"grant_type": "client_credentials", "scope": "user_accounts:read"}

    # Four failures of three kinds: a bad bearer token (twice), a bad app secret, a bad API key.
    for _ in range(2):
        assert_error(httpx.get(f"{limited.url}/v5/user_account", headers={"Authorization": "Bearer pina_guess"}), 401)
    assert_error(httpx.post(f"{limited.url}/v5/oauth/token", data=token_form, headers=basic(app.app_id, "pins_guess")), 401)
    bad_key = httpx.get(overview, params={**good_params, "apiKey": "psk_guess"})
    assert bad_key.status_code == 401 and bad_key.json() == {"message": "Please provide a valid API key"}

    # Now every request from this address is refused, whatever its credential.
    refused = user.client.get("/user_account")
    assert_error(refused, 429, 8)
    assert limit_headers(refused) == (AUTH_FAILURES, 0, 60)
    assert refused.headers["retry-after"] == "60"
    assert_error(httpx.post(f"{limited.url}/v5/oauth/token", data=token_form, headers=basic(app.app_id, app.app_secret)),
                 429, 8)
    by_key = httpx.get(overview, params=good_params)
    assert by_key.status_code == 429 and set(by_key.json()) == {"message"}
    assert_error(httpx.get(f"{limited.url}/v5/user_account", headers={"Authorization": "Bearer pina_guess"}), 429, 8)

    limited.clock.advance(30)
    assert_error(user.client.get("/user_account"), 429, 8)
    limited.clock.next_minute()
    assert user.client.get("/user_account").status_code == 200
    assert httpx.get(overview, params=good_params).status_code == 200
    assert client_credentials_token(limited.url, app)


def test_failed_revocations_count_and_a_blocked_address_cannot_revoke(limited):
    user = limited.user()
    app = register_app(limited.runtime, "Revoker", user.username, [REDIRECT])
    token = client_credentials_token(limited.url, app)
    revoke = f"{limited.url}/v5/oauth/token/revoke"
    for _ in range(AUTH_FAILURES):
        assert_error(httpx.post(revoke, data={"token": token}, headers=basic(app.app_id, "pins_guess")), 401)
    assert_error(httpx.post(revoke, data={"token": token}, headers=basic(app.app_id, app.app_secret)), 429, 8)
    assert user.client.get("/user_account").status_code == 429
    limited.clock.next_minute()
    assert httpx.post(revoke, data={"token": token}, headers=basic(app.app_id, app.app_secret)).status_code == 200


def test_ended_windows_are_pruned(limited):
    user = limited.user()
    assert user.client.get("/user_account").status_code == 200
    limited.clock.advance(120)
    counters = Counters(limited.runtime.engine)  # another process's view of the same counters
    engine = counters.engine
    ended = select(func.count()).select_from(rate_limit_counters).where(rate_limit_counters.c.expires_at <= limited.clock())
    with engine.connect() as conn:
        assert conn.execute(ended).scalar_one() > 0
    assert user.client.get("/user_account").status_code == 200
    with engine.connect() as conn:
        assert conn.execute(ended).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(rate_limit_counters)).scalar_one() > 0
    counters.dispose()


def test_on_sqlite_counting_never_waits_for_the_main_file_writer(limited, backend):
    if backend != "sqlite":
        pytest.skip("the side file is SQLite's; PostgreSQL keeps the counters in an UNLOGGED table")
    user = limited.user()
    main_file = limited.runtime.engine.url.database
    writer = sqlite3.connect(main_file, isolation_level=None)
    # Hold the main file's write lock, as a large ingestion batch does: reads go on (WAL),
    # and the counters are written elsewhere, so the request is answered at once.
    writer.execute("BEGIN IMMEDIATE")
    try:
        response = user.client.get("/user_account")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert response.status_code == 200 and limit_headers(response)[:2] == (PER_MINUTE, PER_MINUTE - 1)
    with limited.runtime.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(rate_limit_counters)).scalar_one() == 0
    assert os.path.exists(main_file.replace(".sqlite3", ".ratelimits.sqlite3"))


# --- one budget across processes ---------------------------------------------------------------

SHARED_LIMIT = 6


def _serve(url: str, log_path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PINSIGHT_RATE_LIMITS_ENABLED": "true", "PINSIGHT_RATE_LIMITS": json.dumps({"org_read": SHARED_LIMIT}),
           "PINSIGHT_RATE_LIMIT_PER_SECOND": "1000", "PINSIGHT_AUTH_FAILURE_LIMIT": "1000", "PINSIGHT_TOKEN_CACHE_SECONDS": "0"}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "pinsight.cli", "serve", "--port", str(port), "--db", url,
                                    "--no-access-log"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(f"pinsight serve did not start: {open(log_path).read()}")


def test_two_server_processes_share_one_budget(backend, request, tmp_path_factory, tmp_path):
    url = _database_url(backend, request, tmp_path_factory, "pinsight_rate_limit_processes")
    engine = make_engine(url)
    migrate(engine)  # before the servers start, so they do not race to migrate
    runtime = Runtime.build(engine, Settings(database_url=url, rate_limits_enabled=False))
    servers = []
    try:
        for name in ("a", "b"):
            servers.append(_serve(url, tmp_path / f"{name}.log"))
        bases = [base for _, base in servers]
        for _attempt in range(3):
            user = make_user(runtime, bases[0])
            answers = [httpx.get(f"{bases[n % 2]}/v5/user_account", headers={"Authorization": f"Bearer {user.token}"})
                       for n in range(SHARED_LIMIT + 1)]
            user.client.close()
            remaining = [int(answer.headers["x-ratelimit-remaining"]) for answer in answers]
            # The real clock may cross a minute mid-run (the budget refills): then try again.
            if remaining != sorted(remaining, reverse=True) or len(set(remaining[:SHARED_LIMIT])) != SHARED_LIMIT:
                continue
            break
        assert [answer.status_code for answer in answers] == [200] * SHARED_LIMIT + [429], [a.text for a in answers]
        assert remaining == [*range(SHARED_LIMIT - 1, -1, -1), 0]
        assert answers[-1].json()["code"] == 8 and int(answers[-1].headers["retry-after"]) >= 1
    finally:
        for process, _ in servers:
            process.terminate()
            process.wait(timeout=30)
        engine.dispose()
