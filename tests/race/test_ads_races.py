"""Ad actions and conversions sent at once by several client processes to a server with two
worker processes, on SQLite and PostgreSQL: the same people's actions and conversions in
every order, with batches and events sent twice by different clients.

Afterwards no answer was a 5xx, every action and conversion is stored once, and the
delivery rollup and the credited conversions equal what the plain rules give from the
stored rows (``tests.support.ads_oracle``), for several windows, both attribution types,
both report times and both zones.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from pinsight.catalog.ad_actions import ATTRIBUTION_TYPES, REPORT_TIMES
from pinsight.catalog.ad_reporting import ROLLUP_ZONES
from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.domain.ads.attribution import Windows
from pinsight.domain.ids import new_id, new_short_id
from pinsight.services.identity.auth import create_user_token
from pinsight.store.ads import activity
from pinsight.store.ads import ads as ads_store
from pinsight.store.content import content
from pinsight.store.db import make_engine, migrate, writing
from pinsight.store.tables import ad_actions, ad_conversions
from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
from tests.support import ads_oracle, race_clients
from tests.support.ads import action, conversion
from tests.support.factories import make_ads
from tests.support.processes import ServedProcesses
from tests.race.test_concurrent_writes import NO_RATE_LIMITS, run_clients

CLIENTS = 6


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('ads_race') / 'race.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database("pinsight_ads_race")
    engine = make_engine(url)
    migrate(engine)
    runtime = Runtime.build(engine, Settings(database_url=url, log_requests=False))
    processes = ServedProcesses(url, workers=2, env=NO_RATE_LIMITS).start()
    yield runtime, processes.url
    processes.stop()
    engine.dispose()


def _owner(runtime) -> tuple[str, str]:
    user_id, account_id = new_id(), new_short_id()
    now = datetime.now(UTC).replace(tzinfo=None)
    username = f"ads_race_{uuid.uuid4().hex[:10]}"
    with writing(runtime.engine) as conn:
        content.insert_user(conn, id=user_id, username=username, account_type="BUSINESS", business_name=None, about="",
                            website_url="", profile_image="", follower_count=0, following_count=0, monthly_views=0,
                            created_at=now)
        ads_store.insert_ad_account(conn, id=account_id, owner_id=user_id, name="Race ads", country="US",
                                    currency="USD", created_at=now, updated_at=now)
    return create_user_token(runtime, username, frozenset(ALL_SCOPES)), str(account_id)


def test_actions_and_conversions_from_many_processes_equal_the_plain_rules(served):
    runtime, url = served
    token, account = _owner(runtime)
    ads = make_ads(runtime, account, 3)
    rng = random.Random(11)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    people = [f"r{n}@example.com" for n in range(12)]
    household = {person: rng.choice(["h1", "h2", "h3", None]) for person in people}
    actions = []
    for _ in range(720):
        person = rng.choice(people)
        extra = {"household_id": household[person]} if household[person] else {}
        actions.append(action(rng.choice(ads), now - timedelta(seconds=rng.randrange(60, 20 * 86400)),
                              type=rng.choice(["IMPRESSION", "IMPRESSION", "CLICK", "SAVE", "OUTBOUND_CLICK"]),
                              em=person, **extra))
    conversions = [conversion(now - timedelta(seconds=rng.randrange(30, 15 * 86400)), em=rng.choice(people),
                              event_name=rng.choice(["checkout", "lead"])) for _ in range(240)]
    action_batches = [("actions", actions[n : n + 40]) for n in range(0, len(actions), 40)]
    conversion_batches = [("conversions", conversions[n : n + 20]) for n in range(0, len(conversions), 20)]
    everything = action_batches + conversion_batches
    work = []
    for client in range(CLIENTS):
        # Each client sends its share and, again, a few of the others' batches: duplicates race too.
        mine = everything[client::CLIENTS] + rng.sample(everything, 3)
        rng.shuffle(mine)
        work.append((url, token, account, mine))
    statuses = run_clients(race_clients.send_ads_work, *work)
    assert statuses and set(statuses) == {200}, sorted(set(statuses))

    with runtime.engine.connect() as conn:
        stored_actions = conn.execute(select(func.count()).select_from(ad_actions)
                                      .where(ad_actions.c.ad_account_id == int(account))).scalar_one()
        stored_conversions = conn.execute(select(func.count()).select_from(ad_conversions)
                                          .where(ad_conversions.c.ad_account_id == int(account))).scalar_one()
        assert (stored_actions, stored_conversions) == (len(actions), len(conversions))
        raw_actions, spend, raw_conversions = ads_oracle.raw(conn, int(account))
        delivery = activity.stored_delivery(conn, int(account))
        expected = ads_oracle.expected_delivery(raw_actions, spend, ROLLUP_ZONES)
        assert {key: dict(zip(activity.DELIVERY_SUMS, values)) for key, values in delivery.items()} == \
            {key: {name: row.get(name, 0) for name in activity.DELIVERY_SUMS} for key, row in expected.items()}
        targeting = ads_oracle.expected_targeting(raw_actions, spend, ads_oracle.facts(conn, int(account)),
                                                  int(account), ROLLUP_ZONES)
        assert {key: dict(zip(activity.DELIVERY_SUMS, values))
                for key, values in activity.stored_targeting(conn, int(account)).items()} == \
            {key: {name: row.get(name, 0) for name in activity.DELIVERY_SUMS} for key, row in targeting.items()}
        today = runtime.clock.today()
        credited = 0
        for windows in (Windows(30, 30, 1), Windows(7, 1, 0), Windows(1, 7, 14)):
            for attribution_type in ATTRIBUTION_TYPES:
                for report_time in REPORT_TIMES:
                    for zone in ROLLUP_ZONES:
                        wanted = ads_oracle.expected_conversions(raw_actions, raw_conversions, windows,
                                                                 attribution_type, report_time, zone)
                        assert ads_oracle.stored_conversions(conn, int(account), today, windows, attribution_type,
                                                             report_time, zone) == wanted
                        credited += len(wanted)
    assert credited > 0
