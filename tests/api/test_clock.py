"""Time comes from the runtime's clock, nowhere else: a server whose clock is fixed on a day
long past answers as on that day. Its analytics and overview periods end relative to it,
the change log records writes at its instants and is pruned by it, and consent form tokens
are issued and checked against it. (Before, the change log and its pruning read the wall
clock, and so did the consent form.)"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, insert, select

from pinsight.domain.clock import Clock
from pinsight.services.identity.api_keys import create_api_key
from pinsight.services.identity.oauth import create_app
from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
from pinsight.store.db import make_engine, migrate
from pinsight.store.tables import metric_changes
from tests.conftest import _database_url
from tests.support.api import assert_error, create_board, create_pin
from tests.support.factories import make_user
from tests.support.oauth import REDIRECT, consent_form
from tests.support.server import LiveServer

# Months before the wall clock of any run of this suite.
FIXED = datetime(2026, 3, 15, 10, 0, 0)


class Fixed:
    def __init__(self, runtime: Runtime, server: LiveServer):
        self.runtime, self.server = runtime, server
        self.user = make_user(runtime, server.url)
        self.key = create_api_key(runtime, self.user.username)

    def overview(self, **params) -> httpx.Response:
        return httpx.get(f"{self.server.url}/api/pinterest/overview",
                         params={"apiKey": self.key, "social_network_id": self.user.id, **params})

    def changes_of_user(self) -> list[datetime]:
        with self.runtime.engine.connect() as conn:
            query = select(metric_changes.c.changed_at).where(metric_changes.c.owner_id == int(self.user.id))
            return sorted(conn.execute(query).scalars())


@pytest.fixture(scope="module")
def fixed(backend, request, tmp_path_factory):
    url = _database_url(backend, request, tmp_path_factory, "pinsight_fixed_clock")
    engine = make_engine(url)
    migrate(engine)
    settings = Settings(database_url=url, log_requests=False, token_cache_seconds=0, rate_limits_enabled=False)
    runtime = Runtime.build(engine, settings, clock=Clock(fixed=FIXED))
    server = LiveServer(runtime).start()
    made = Fixed(runtime, server)
    yield made
    made.user.client.close()
    server.stop()
    engine.dispose()


def test_analytics_periods_end_on_the_clocks_day(fixed):
    params = {"start_date": "2026-03-01", "metric_types": "IMPRESSION"}
    refused = assert_error(fixed.user.client.get("/user_account/analytics", params={**params, "end_date": "2026-03-16"}),
                           400, 1)
    assert refused["message"] == ("end_date (2026-03-16) cannot be in the future: "
                                  "the latest allowed end_date is today, 2026-03-15 (UTC).")
    answer = fixed.user.client.get("/user_account/analytics", params={**params, "end_date": "2026-03-15"})
    assert answer.status_code == 200, answer.text
    days = answer.json()["all"]["daily_metrics"]
    assert days[-1]["date"] == "2026-03-15"
    assert [day["data_status"] for day in days[-3:]] == ["READY", "PROCESSING", "PROCESSING"]
    top = fixed.user.client.get("/user_account/analytics/top_pins", params={**params, "end_date": "2026-03-15",
                                                                            "sort_by": "IMPRESSION"})
    # The last second of the latest READY day, 2026-03-13 (UTC).
    assert top.json()["date_availability"]["latest_available_timestamp"] == 1773446399000


def test_overview_periods_end_the_day_before_the_clocks_day(fixed):
    refused = fixed.overview(start_date="2026-03-01", end_date="2026-03-15")
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"end_date": ["The end date must be no later than yesterday (2026-03-14)."]}
    assert fixed.overview(start_date="2026-03-01", end_date="2026-03-14").status_code == 200


def test_the_change_log_records_and_prunes_by_the_clock(fixed):
    board = create_board(fixed.user.client)
    create_pin(fixed.user.client, board["id"])  # logs a change, at the clock's instant
    assert FIXED in fixed.changes_of_user()
    # Both rows are far older than the wall clock's pruning horizon; by the runtime's clock
    # only the first is past it (three hours of caching and an hour's margin).
    old, recent = FIXED - timedelta(hours=4, minutes=1), FIXED - timedelta(hours=3, minutes=59)
    with fixed.runtime.engine.begin() as conn:
        for moment in (old, recent):
            conn.execute(insert(metric_changes).values(owner_id=int(fixed.user.id), first_day=date(2025, 1, 1),
                                                       last_day=date(2025, 1, 2), changed_at=moment))
    fixed.runtime.overview_cache._last_prune = None  # due now
    assert fixed.overview(preset="last_7_days", timezone="Asia/Tokyo").status_code == 200
    assert fixed.changes_of_user() == [recent, FIXED]
    with fixed.runtime.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(metric_changes)
                            .where(metric_changes.c.changed_at < FIXED - timedelta(hours=4))).scalar() == 0


def test_consent_form_tokens_are_issued_at_the_clocks_instant(fixed):
    oauth_app = create_app(fixed.runtime, "Clock app", fixed.user.username, [REDIRECT])
    form = consent_form(fixed.server, oauth_app.app_id)
    issued_at = int(form["csrf_token"].partition(".")[0])
    assert issued_at == int(FIXED.replace(tzinfo=UTC).timestamp())
    # Months before the wall clock: checked against the fixed clock, so still good.
    answer = httpx.post(f"{fixed.server.url}/oauth/", data={**form, "username": fixed.user.username, "decision": "allow"})
    assert answer.status_code == 302, answer.text
