"""Shared fixtures: each HTTP test runs against a real server on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.demo.generator import seed_demo
from pinsight.services.identity.auth import create_user_token
from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
from pinsight.store.db import make_engine, migrate
from tests.support.factories import make_user
from tests.support.postgres import PostgresServer, find_bindir
from tests.support.server import LiveServer

SPEC_PATH = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "pinterest-openapi-v5.json"
# Set (to 1) where the contract suite must run, as in CI (.ci/run): a missing spec then fails it.
REQUIRE_CONTRACT = "PINSIGHT_REQUIRE_CONTRACT"
SPEC_MISSING = f"the official spec is not at {SPEC_PATH} (it lives in ../shared/reference/ beside the checkout)"


# Every runtime and server process of the run keeps job files in one directory of the
# run's own, as production's servers and workers share one store: whichever worker wrote
# a file, any server linking to it can serve it.
os.environ.setdefault("PINSIGHT_FILES_URL", tempfile.mkdtemp(prefix="pinsight-test-files-"))


@pytest.fixture(scope="session")
def spec() -> dict:
    if not SPEC_PATH.exists():
        if os.environ.get(REQUIRE_CONTRACT) == "1":
            pytest.fail(f"{REQUIRE_CONTRACT}=1 and {SPEC_MISSING}: the contract suite cannot run", pytrace=False)
        pytest.skip(SPEC_MISSING)
    return json.loads(SPEC_PATH.read_text())


def pytest_terminal_summary(terminalreporter):
    """Say loudly, at the end, when the contract suite was skipped: a green run without it
    proves much less."""
    skipped = [report for report in terminalreporter.stats.get("skipped", []) if SPEC_MISSING in str(report.longrepr)]
    if skipped:
        terminalreporter.section("CONTRACT SUITE SKIPPED", sep="!", red=True, bold=True)
        terminalreporter.line(f"{len(skipped)} tests against the official Pinterest OpenAPI spec did not run: "
                              f"{SPEC_MISSING}.", red=True, bold=True)
        terminalreporter.line(f"Put the spec there and run again; CI sets {REQUIRE_CONTRACT}=1, which makes a missing "
                              "spec a failure.", red=True)


@pytest.fixture(scope="session")
def postgres_server():
    if os.environ.get("PINSIGHT_TEST_POSTGRES") == "0":
        pytest.skip("PostgreSQL tests disabled by PINSIGHT_TEST_POSTGRES=0")
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed: apt-get install postgresql")
    server = PostgresServer(bindir)
    server.start()
    yield server
    server.stop()


def _database_url(kind: str, request, tmp_path_factory, name: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp(name) / 'pinsight.sqlite3'}"
    return request.getfixturevalue("postgres_server").create_database(name)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def runtime(backend, request, tmp_path_factory) -> Runtime:
    url = _database_url(backend, request, tmp_path_factory, "pinsight_main")
    engine = make_engine(url)
    migrate(engine)
    # Rate limits off: the whole suite shares a few users and one client address
    # (tests/api/test_rate_limits.py runs its own servers with limits on).
    # Idle job workers look for work often (job files: PINSIGHT_FILES_URL, above).
    settings = Settings(database_url=url, log_requests=False, token_cache_seconds=0, rate_limits_enabled=False,
                        worker_poll_seconds=0.1)
    rt = Runtime.build(engine, settings)
    yield rt
    engine.dispose()


@pytest.fixture(scope="session")
def server(runtime) -> LiveServer:
    live = LiveServer(runtime).start()
    yield live
    live.stop()


@pytest.fixture(scope="session")
def demo(runtime, server) -> dict:
    """The demo data set, seeded once per database, with an all-scopes token."""
    summary = seed_demo(runtime.engine, runtime.clock.now(), seed=42)
    token = create_user_token(runtime, summary.username, frozenset(ALL_SCOPES))
    return {"access_token": token, **summary.__dict__}


@pytest.fixture
def user(runtime, server):
    made = make_user(runtime, server.url)
    yield made
    made.client.close()


@pytest.fixture
def other_user(runtime, server):
    made = make_user(runtime, server.url, prefix="other")
    yield made
    made.client.close()


@pytest.fixture
def new_user(runtime, server):
    """A factory: new_user(scopes=...) makes another user with its own client."""
    made = []

    def factory(**kwargs):
        created = make_user(runtime, server.url, **kwargs)
        made.append(created)
        return created

    yield factory
    for created in made:
        created.client.close()
