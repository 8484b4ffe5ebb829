"""Audiences counted by several client processes at once against a server with two worker
processes, on SQLite and PostgreSQL: ad actions of three accounts (different owners, so
their writers run in parallel on PostgreSQL) and organic events of one owner's pin, all
naming the same people with facts that differ from action to action, batches sent twice
by different clients, and the owner creating ad accounts meanwhile.

Afterwards no answer was a 5xx and the audience rollup equals the rebuild from the stored
actions and events (``tests.support.audience_oracle``): everyone counted once in the
whole population and once per audience, engaged once, with facts of one of their own
actions or events, the same in every audience.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.domain.ids import new_id, new_short_id
from pinsight.services.identity.auth import create_user_token
from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
from pinsight.store.ads import ads as ads_store
from pinsight.store.content import content
from pinsight.store.db import make_engine, migrate, writing
from tests.race.test_concurrent_writes import NO_RATE_LIMITS, run_clients
from tests.support import audience_oracle, race_clients
from tests.support.ads import action, sha
from tests.support.factories import make_ads
from tests.support.processes import ServedProcesses

CLIENTS = 6
FACTS = ({"gender": "female", "age_bucket": "25-34", "country": "US", "metro": "501"},
         {"gender": "male", "country": "FR"}, {"age_bucket": "35-44"}, None)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('audience_race') / 'race.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database("pinsight_audience_race")
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
    username = f"audience_race_{uuid.uuid4().hex[:10]}"
    with writing(runtime.engine) as conn:
        content.insert_user(conn, id=user_id, username=username, account_type="BUSINESS", business_name=None, about="",
                            website_url="", profile_image="", follower_count=0, following_count=0, monthly_views=0,
                            created_at=now - timedelta(days=30))
        ads_store.insert_ad_account(conn, id=account_id, owner_id=user_id, name="Race audience", country="US",
                                    currency="USD", created_at=now, updated_at=now)
    return create_user_token(runtime, username, frozenset(ALL_SCOPES)), str(account_id)


def _pin(url: str, token: str) -> str:
    with httpx.Client(base_url=f"{url}/v5", headers={"Authorization": f"Bearer {token}"}) as client:
        board = client.post("/boards", json={"name": f"Race {uuid.uuid4().hex[:6]}"}).json()
        pin = client.post("/pins", json={"board_id": board["id"], "media_source": {
            "source_type": "image_url", "url": "https://img.example/race.jpg"}})
        assert pin.status_code == 201, pin.text
        return pin.json()["id"]


def test_audiences_counted_from_many_processes_equal_a_rebuild(served):
    runtime, url = served
    rng = random.Random(21)
    owners = [_owner(runtime) for _ in range(3)]
    pin = _pin(url, owners[0][0])
    # Organic events on the pin's day of creation or after (moments just after it).
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0) + timedelta(seconds=1)
    people = [f"aud{n}@example.com" for n in range(40)]

    def facts() -> dict:
        chosen = rng.choice(FACTS)
        return {"dimensions": chosen, "app_type": rng.choice(["iphone", "web"])} if chosen else {}

    everything = []
    for token, account in owners:
        ads = make_ads(runtime, account, 2)
        actions = [action(rng.choice(ads), now - timedelta(seconds=rng.randrange(60, 10 * 86400)),
                          type=rng.choice(["IMPRESSION", "IMPRESSION", "CLICK", "SAVE"]), em=rng.choice(people),
                          **facts()) for _ in range(300)]
        everything += [("actions", token, actions[n : n + 25]) for n in range(0, len(actions), 25)]
    events = []
    for n in range(240):
        chosen = rng.choice(FACTS)
        event = {"id": f"race-{n}", "pin_id": pin, "type": rng.choice(["IMPRESSION", "IMPRESSION", "SAVE", "PIN_CLICK"]),
                 "app_type": "WEB", "user": {"em": sha(rng.choice(people))},
                 "timestamp": (now - timedelta(seconds=rng.randrange(0, 30))).replace(tzinfo=UTC).isoformat()}
        if chosen:
            event["dimensions"] = chosen
        events.append(event)
    everything += [("events", owners[0][0], events[n : n + 20]) for n in range(0, len(events), 20)]
    everything += [("account", owners[0][0], f"Race later {n}") for n in range(3)]
    work = []
    for client in range(CLIENTS):
        # Each client sends its share and, again, a few of the others' batches: duplicates race too.
        mine = everything[client::CLIENTS] + [item for item in rng.sample(everything, 4) if item[0] != "account"]
        rng.shuffle(mine)
        work.append((url, mine))
    statuses = run_clients(race_clients.send_audience_work, *work)
    assert statuses and set(statuses) <= {200, 201}, sorted(set(statuses))

    with runtime.engine.connect() as conn:
        assert audience_oracle.differences(conn) == []
        rebuilt = audience_oracle.rebuild(conn)
    # The same people in every audience: the whole population is the 40, each account saw most.
    assert len(rebuilt["people"]) == len(people)
    assert sum(1 for scope, _ in rebuilt["members"] if scope == int(owners[1][1])) > 30
