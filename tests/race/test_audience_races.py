"""Audiences counted by several client processes at once against a server with two worker
processes, on SQLite and PostgreSQL: ad actions of three accounts (different owners, so
their writers run in parallel on PostgreSQL) and organic events of one owner's pin, all
naming the same people with facts that differ from action to action, batches sent twice
by different clients, and the owner creating ad accounts meanwhile.

The people's sightings come in every time order at once: each account's and the pin's
"waves" (each person once per wave, with facts drawn for each, waves days apart) are sent
newest first by one client and oldest first by another, while other clients send actions
and events at random moments, and the same instants in several accounts (told apart by
id, or by account when the ids are the same too). So people's earliest sightings keep
arriving after later ones, in other accounts, through other processes.

Afterwards no answer was a 5xx, PostgreSQL detected no deadlock, and the audience rollup
equals the strict rebuild from the stored actions and events
(``tests.support.audience_oracle``): everyone counted once in the whole population and
once per audience, engaged once, under the facts of their earliest sighting, in every
audience.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from sqlalchemy import text

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
from tests.support.factories import backdate_pin, make_ads
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
    yield runtime, processes
    processes.stop()
    engine.dispose()


def _deadlocks(runtime) -> int | None:
    """The deadlocks PostgreSQL detected in the database so far (None on SQLite), once no
    other session is left on it (a session reports its counts when it ends, at the latest)."""
    engine = runtime.engine
    if engine.dialect.name != "postgresql":
        return None
    engine.dispose()
    others = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                  "AND pid <> pg_backend_pid()")
    deadline = time.monotonic() + 30
    while True:
        with engine.connect() as conn:
            if conn.execute(others).scalar_one() == 0 or time.monotonic() > deadline:
                return conn.execute(text(
                    "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")).scalar_one()
        time.sleep(0.2)


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


def _facts(rng) -> dict:
    chosen = rng.choice(FACTS)
    return {"dimensions": chosen, "app_type": rng.choice(["iphone", "web"])} if chosen else {}


def _event(pin: str, event_id: str, email: str, at: datetime, event_type: str, dimensions: dict | None) -> dict:
    event = {"id": event_id, "pin_id": pin, "type": event_type, "app_type": "WEB", "user": {"em": sha(email)},
             "timestamp": at.replace(tzinfo=UTC).isoformat()}
    if dimensions:
        event["dimensions"] = dimensions
    return event


def test_audiences_counted_from_many_processes_equal_a_rebuild(served):
    runtime, processes = served
    url = processes.url
    rng = random.Random(21)
    owners = [_owner(runtime) for _ in range(3)]
    pin = _pin(url, owners[0][0])
    backdate_pin(runtime, pin, 12)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(seconds=1)
    people = [f"aud{n}@example.com" for n in range(40)]
    deadlocks_before = _deadlocks(runtime)

    def moment() -> datetime:
        return now - timedelta(seconds=rng.randrange(60, 10 * 86400))

    shuffled, sequences = [], []
    ads = {account: make_ads(runtime, account, 2) for _, account in owners}
    for token, account in owners:
        actions = [action(rng.choice(ads[account]), moment(), em=rng.choice(people),
                          type=rng.choice(["IMPRESSION", "IMPRESSION", "CLICK", "SAVE"]), **_facts(rng))
                   for _ in range(300)]
        shuffled += [("actions", token, actions[n : n + 25]) for n in range(0, len(actions), 25)]
        # Waves: everyone once per wave, 2 days apart, each with facts drawn anew.
        waves = [("actions", token, [
            action(rng.choice(ads[account]), now - timedelta(days=2 * wave, seconds=rng.randrange(86400)), em=email,
                   type=rng.choice(["IMPRESSION", "CLICK"]), **_facts(rng)) for email in people]) for wave in range(5)]
        sequences.append(waves)
    events = [_event(pin, f"race-{n}", rng.choice(people), moment(),
                     rng.choice(["IMPRESSION", "IMPRESSION", "SAVE", "PIN_CLICK"]), rng.choice(FACTS))
              for n in range(240)]
    shuffled += [("events", owners[0][0], events[n : n + 20]) for n in range(0, len(events), 20)]
    sequences.append([("events", owners[0][0], [
        _event(pin, f"wave-{wave}-{n}", email, now - timedelta(days=2 * wave, seconds=rng.randrange(86400)),
               rng.choice(["IMPRESSION", "SAVE"]), rng.choice(FACTS)) for n, email in enumerate(people)])
        for wave in range(5)])
    # One instant in all three accounts: for people 0-9 with the same ids (the smallest
    # account wins), for people 10-19 with ids whose order by character code ("B" < "C" <
    # "a") is not a locale's.
    tie = now - timedelta(days=11)
    for position, (token, account) in enumerate(owners):
        same = [action(ads[account][0], tie, type="IMPRESSION", em=email, id=f"tie-{email}", **_facts(rng))
                for email in people[:10]]
        told = [action(ads[account][0], tie, type="IMPRESSION", em=email, id=f"t-{'BaC'[position]}{email}",
                       **_facts(rng)) for email in people[10:20]]
        shuffled += [("actions", token, same), ("actions", token, told)]
    shuffled += [("account", owners[0][0], f"Race later {n}") for n in range(3)]

    # Each sequence newest first by one client and oldest first by another (its batches
    # sent twice: whichever comes first stores them); the rest spread over all clients.
    ordered = [list(sequences[0]), list(reversed(sequences[1])), list(sequences[2]), list(sequences[3]),
               list(reversed(sequences[0])), list(sequences[1])]
    extra = [list(reversed(sequences[2])), list(reversed(sequences[3]))]
    work = []
    for client in range(CLIENTS):
        mine = shuffled[client::CLIENTS] + [item for item in rng.sample(shuffled, 4) if item[0] != "account"]
        rng.shuffle(mine)
        for sequence in [ordered[client]] + ([extra[client - 4]] if client >= 4 else []):
            # Keep the sequence's order, at random places among the rest.
            places = sorted(rng.sample(range(len(mine) + len(sequence)), len(sequence)))
            for place, item in zip(places, sequence):
                mine.insert(place, item)
        work.append((url, mine))
    statuses = run_clients(race_clients.send_audience_work, *work)
    assert statuses and set(statuses) <= {200, 201}, sorted(set(statuses))

    processes.stop()
    assert _deadlocks(runtime) == deadlocks_before
    with runtime.engine.connect() as conn:
        assert audience_oracle.differences(conn) == []
        rebuilt = audience_oracle.rebuild(conn)
    # The same people in every audience: the whole population is the 40, each account saw them all.
    assert len(rebuilt["people"]) == len(people)
    assert sum(1 for scope, _ in rebuilt["members"] if scope == int(owners[1][1])) == len(people)
    # The ties decided: by account for people 0-9, by id for people 10-19 (the first account's "t-B...").
    first_account = min(int(account) for _, account in owners)
    assert {rebuilt["people"][f"em:{sha(email)}"][0][2] for email in people[:10]} == {first_account}
    assert {rebuilt["people"][f"em:{sha(email)}"][0][1][:3] for email in people[10:20]} == {"t-B"}
