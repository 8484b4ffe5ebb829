"""Concurrent writers through real server processes, on SQLite and PostgreSQL.

Each test serves one database with ``pinsight serve --workers 2`` (a supervisor and two
worker processes) and drives it from several client processes at once: many clients
adding to one pin-day, many replacing the same daily rows, pins deleted while events for
them are ingested, pins saved by another user while their owner ingests. Afterwards:

* no answer was a 5xx (a batch for a pin deleted meanwhile may be refused with a 400);
* the derived tables equal a rebuild from the daily rows (``tests.support.rollups``);
* every analytics endpoint agrees with every other: account totals, the sum of the
  pins' own analytics, top pins, and (for events) the number of events acknowledged.
"""

from __future__ import annotations

import itertools
import multiprocessing
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.domain.ids import new_id
from pinsight.services.identity.auth import create_user_token
from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
from pinsight.store.content import content
from pinsight.store.db import make_engine, migrate, writing
from tests.support import race_clients
from tests.support.processes import ServedProcesses
from tests.support.rollups import stored_and_rebuilt

CLIENTS = 6
NO_RATE_LIMITS = {"PINSIGHT_RATE_LIMITS_ENABLED": "false"}
APP_TYPES = ("MOBILE", "TABLET", "WEB")
CREATIVE_TYPES = ("REGULAR", "VIDEO", "IDEA")


@dataclass
class Account:
    user_id: int
    token: str
    board_id: int
    pin_ids: list[int]


@dataclass
class Served:
    runtime: Runtime
    url: str

    def account(self, pins: int) -> Account:
        return make_account(self.runtime, pins)


WEBSITE = "https://race.example"


def claimed_link(n: int) -> str:
    return f"https://race.example/p/{n}"


def other_link(n: int) -> str:
    return f"https://elsewhere.example/p/{n}"


def make_account(runtime: Runtime, pins: int) -> Account:
    """A user with a website, a public board and ``pins`` pins created 30 days ago, every
    other one linking to the website (claimed content)."""
    user_id, board_id = new_id(), new_id()
    created = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=30)
    username = f"race_{uuid.uuid4().hex[:10]}"
    with writing(runtime.engine) as conn:
        content.insert_user(conn, id=user_id, username=username, account_type="BUSINESS", business_name=None, about="",
                            website_url=WEBSITE, profile_image="", follower_count=0, following_count=0, monthly_views=0,
                            created_at=created)
        content.insert_board(conn, id=board_id, owner_id=user_id, name="Races", description="", privacy="PUBLIC",
                             is_ads_only=False, follower_count=0, collaborator_count=0, created_at=created,
                             pins_modified_at=created)
        pin_ids = []
        for n in range(pins):
            pin_id = new_id()
            content.insert_pin(conn, id=pin_id, owner_id=user_id, board_id=board_id, creative_type=CREATIVE_TYPES[n % 3],
                               source_type="image_url", media="{}", link=claimed_link(n) if n % 2 else other_link(n),
                               created_at=created, now=runtime.clock.now())
            pin_ids.append(pin_id)
    token = create_user_token(runtime, username, frozenset(ALL_SCOPES))
    return Account(user_id, token, board_id, pin_ids)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('race') / 'race.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database("pinsight_race")
    engine = make_engine(url)
    migrate(engine)
    runtime = Runtime.build(engine, Settings(database_url=url, log_requests=False))
    # Rate limits off: these clients send thousands of requests a minute on purpose.
    processes = ServedProcesses(url, workers=2, env=NO_RATE_LIMITS).start()
    yield Served(runtime, processes.url)
    processes.stop()
    engine.dispose()


def run_clients(function, *argument_lists) -> list[int]:
    """Run ``function(*arguments)`` in one process per argument list, all at once; the
    status codes they saw, together."""
    with multiprocessing.get_context("spawn").Pool(len(argument_lists)) as pool:
        results = pool.starmap(function, argument_lists)
    return list(itertools.chain.from_iterable(results))


def today() -> datetime:
    return datetime.now(UTC)


def analytics_totals(served: Served, account: Account, pin_ids: list[int], metric: str) -> dict[str, int]:
    """One metric's total over the last 30 days, as each endpoint reports it."""
    end = today().date()
    period = {"start_date": (end - timedelta(days=29)).isoformat(), "end_date": end.isoformat()}
    with httpx.Client(base_url=f"{served.url}/v5", headers={"Authorization": f"Bearer {account.token}"}, timeout=60) as client:
        whole = client.get("/user_account/analytics", params={**period, "metric_types": metric})
        assert whole.status_code == 200, whole.text
        by_app = client.get("/user_account/analytics", params={**period, "metric_types": metric, "split_field": "APP_TYPE"})
        assert by_app.status_code == 200, by_app.text
        by_owned = client.get("/user_account/analytics",
                              params={**period, "metric_types": metric, "split_field": "OWNED_CONTENT"})
        assert by_owned.status_code == 200, by_owned.text
        top_params = {**period, "sort_by": "IMPRESSION" if metric == "IMPRESSION" else "SAVE", "metric_types": metric,
                      "num_of_pins": 50}
        top = client.get("/user_account/analytics/top_pins", params=top_params)
        assert top.status_code == 200, top.text
        top_by_app = 0
        for app_type in APP_TYPES:
            answer = client.get("/user_account/analytics/top_pins", params={**top_params, "app_types": app_type})
            assert answer.status_code == 200, answer.text
            top_by_app += sum(pin["metrics"][metric] for pin in answer.json()["pins"])
        per_pin = 0
        for offset in range(0, len(pin_ids), 100):
            chunk = pin_ids[offset : offset + 100]
            answer = client.get("/pins/analytics", params={**period, "metric_types": metric,
                                                          "pin_ids": ",".join(map(str, chunk))})
            assert answer.status_code == 200, answer.text
            per_pin += sum(_summary(pin, metric) for pin in answer.json().values())
    return {
        "account": whole.json()["all"]["summary_metrics"][metric],
        "account by app type": sum(split["summary_metrics"][metric] for split in by_app.json().values()),
        "account by claimed content": sum(split["summary_metrics"][metric] for split in by_owned.json().values()),
        "top pins": sum(pin["metrics"][metric] for pin in top.json()["pins"]),
        "top pins by app type": top_by_app,
        "pins": per_pin,
    }


def _summary(pin_answer: dict, metric: str) -> int:
    return pin_answer["all"]["summary_metrics"][metric]


def assert_derived_tables_equal_a_rebuild(served: Served, account: Account) -> None:
    stored, rebuilt = stored_and_rebuilt(served.runtime.engine, account.user_id)
    assert stored.account == rebuilt.account, "account rollup differs from a rebuild"
    assert stored.running == rebuilt.running, "running totals differ from a rebuild"
    assert stored.running_by_app_traffic == rebuilt.running_by_app_traffic, \
        "running totals per app type and traffic differ from a rebuild"


def event_batches(pin_id: int, prefix: str, batches: int, size: int, event_type: str = "SAVE") -> list[list[dict]]:
    moment = today().replace(hour=12, minute=0, second=0, microsecond=0).isoformat().replace("+00:00", "Z")
    return [
        [{"id": f"{prefix}-{b}-{n}", "pin_id": str(pin_id), "type": event_type, "timestamp": moment,
          "app_type": APP_TYPES[(b + n) % 3]} for n in range(size)]
        for b in range(batches)
    ]


def test_many_clients_adding_to_one_pin_day(served):
    account = served.account(pins=2)
    target = account.pin_ids[0]
    work = [(served.url, account.token, event_batches(target, f"c{c}", batches=8, size=150)) for c in range(CLIENTS)]
    statuses = run_clients(race_clients.send_event_batches, *work)
    assert statuses == [200] * (CLIENTS * 8)
    expected = CLIENTS * 8 * 150
    assert set(analytics_totals(served, account, account.pin_ids, "SAVE").values()) == {expected}
    assert_derived_tables_equal_a_rebuild(served, account)
    # Sent again (by the same clients, concurrently), nothing is counted twice.
    assert run_clients(race_clients.send_event_batches, *work) == [200] * (CLIENTS * 8)
    assert set(analytics_totals(served, account, account.pin_ids, "SAVE").values()) == {expected}
    assert_derived_tables_equal_a_rebuild(served, account)


def test_many_clients_replacing_the_same_daily_rows(served):
    account = served.account(pins=3)
    end = today().date()
    days = [end - timedelta(days=offset) for offset in range(1, 8)]

    def batches(client: int) -> list[list[dict]]:
        return [
            [{"pin_id": str(pin_id), "date": day.isoformat(), "app_type": app_type, "traffic": "ORGANIC",
              "metrics": {"IMPRESSION": 100 * client + round_ + 1, "SAVE": client + round_}}
             for pin_id in account.pin_ids for day in days for app_type in APP_TYPES]
            for round_ in range(6)
        ]

    statuses = run_clients(race_clients.send_daily_row_batches,
                           *[(served.url, account.token, batches(client)) for client in range(CLIENTS)])
    assert statuses == [200] * (CLIENTS * 6)
    totals = analytics_totals(served, account, account.pin_ids, "IMPRESSION")
    assert len(set(totals.values())) == 1, totals
    # Each key holds one client's last row whole: a replacement never mixes two writers.
    assert totals["account"] >= len(account.pin_ids) * len(days) * len(APP_TYPES) * 6
    assert_derived_tables_equal_a_rebuild(served, account)


def test_pins_deleted_while_their_events_are_ingested(served):
    account = served.account(pins=12)
    doomed, kept = account.pin_ids[:8], account.pin_ids[8:]
    ingest = [
        (served.url, account.token, [batch for pin_id in account.pin_ids
                                     for batch in event_batches(pin_id, f"d{c}-{pin_id}", batches=2, size=40)])
        for c in range(CLIENTS - 1)
    ]
    deleting = (served.url, account.token, [str(pin_id) for pin_id in doomed])
    with multiprocessing.get_context("spawn").Pool(CLIENTS) as pool:
        ingested = pool.starmap_async(race_clients.send_event_batches, ingest)
        deleted = pool.apply_async(race_clients.delete_pins, deleting)
        ingest_statuses = list(itertools.chain.from_iterable(ingested.get(timeout=600)))
        delete_statuses = deleted.get(timeout=600)
    assert delete_statuses == [204] * len(doomed)
    assert set(ingest_statuses) <= {200, 400}, sorted(set(ingest_statuses))  # 400: a pin already deleted
    totals = analytics_totals(served, account, kept, "SAVE")
    # Batches are per pin, so each kept pin got every batch: 2 batches of 40 per client.
    assert set(totals.values()) == {len(kept) * (CLIENTS - 1) * 2 * 40}, totals
    assert_derived_tables_equal_a_rebuild(served, account)


def test_saves_by_others_while_the_owner_ingests(served):
    owner = served.account(pins=4)
    savers = [served.account(pins=0) for _ in range(3)]
    work = [(served.url, saver.token, str(saver.board_id), [str(pin_id) for pin_id in owner.pin_ids] * 5) for saver in savers]
    ingest = [(served.url, owner.token, [batch for pin_id in owner.pin_ids
                                         for batch in event_batches(pin_id, f"s{c}-{pin_id}", batches=3, size=30)])
              for c in range(CLIENTS - len(savers))]
    with multiprocessing.get_context("spawn").Pool(CLIENTS) as pool:
        saved = pool.starmap_async(race_clients.save_pins, work)
        ingested = pool.starmap_async(race_clients.send_event_batches, ingest)
        save_statuses = list(itertools.chain.from_iterable(saved.get(timeout=600)))
        ingest_statuses = list(itertools.chain.from_iterable(ingested.get(timeout=600)))
    assert save_statuses == [201] * len(save_statuses)
    assert ingest_statuses == [200] * len(ingest_statuses)
    events = len(owner.pin_ids) * (CLIENTS - len(savers)) * 3 * 30
    totals = analytics_totals(served, owner, owner.pin_ids, "SAVE")
    assert set(totals.values()) == {events + len(save_statuses)}, totals
    assert_derived_tables_equal_a_rebuild(served, owner)


def test_link_edits_while_the_owner_ingests(served):
    """PATCHes moving pins between claimed and other content, concurrent with events for
    those pins: every event lands in the class of the link its pin ends with."""
    account = served.account(pins=6)
    rounds = 6
    # Each pin flips class every round, ending where it started (an even number of flips).
    edits = [(str(pin_id), claimed_link(n) if (n % 2 == 1) != (r % 2 == 0) else other_link(n))
             for r in range(rounds) for n, pin_id in enumerate(account.pin_ids)]
    ingest = [(served.url, account.token, [batch for pin_id in account.pin_ids
                                           for batch in event_batches(pin_id, f"l{c}-{pin_id}", batches=2, size=30)])
              for c in range(CLIENTS - 1)]
    with multiprocessing.get_context("spawn").Pool(CLIENTS) as pool:
        edited = pool.apply_async(race_clients.set_links, (served.url, account.token, edits))
        ingested = pool.starmap_async(race_clients.send_event_batches, ingest)
        edit_statuses = edited.get(timeout=600)
        ingest_statuses = list(itertools.chain.from_iterable(ingested.get(timeout=600)))
    assert edit_statuses == [200] * len(edits)
    assert ingest_statuses == [200] * len(ingest_statuses)
    per_pin = (CLIENTS - 1) * 2 * 30
    totals = analytics_totals(served, account, account.pin_ids, "SAVE")
    assert set(totals.values()) == {per_pin * len(account.pin_ids)}, totals
    end = today().date()
    with httpx.Client(base_url=f"{served.url}/v5", headers={"Authorization": f"Bearer {account.token}"}, timeout=60) as client:
        split = client.get("/user_account/analytics", params={"start_date": (end - timedelta(days=29)).isoformat(),
                                                              "end_date": end.isoformat(), "metric_types": "SAVE",
                                                              "split_field": "OWNED_CONTENT"}).json()
    claimed = sum(1 for n in range(len(account.pin_ids)) if n % 2)
    assert split["CLAIMED"]["summary_metrics"]["SAVE"] == per_pin * claimed
    assert split["OTHER"]["summary_metrics"]["SAVE"] == per_pin * (len(account.pin_ids) - claimed)
    assert_derived_tables_equal_a_rebuild(served, account)
