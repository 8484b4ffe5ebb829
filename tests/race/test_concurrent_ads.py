"""Concurrent writers of one ad account's campaigns, ad groups and ads, through real server
processes, on SQLite and PostgreSQL (served and set up as in ``test_concurrent_writes``).

Clients in their own processes at once: two update the same campaigns (one their names, one
their daily spend caps), two the same ad groups (names; budgets and bids), two create ads in
those ad groups, most of them for one pin. Afterwards:

* every answer was a 200, and every item of it was written (no exception, no 5xx);
* each campaign's and ad group's answers show it growing in both updaters' values at once
  (no update lost to another), and it is stored as the last of them said, with both
  updaters' last values;
* every ad an answer created is stored exactly as answered, and no other;
* the pins are marked promoted (``GET /v5/pins/{id}``), and nothing else of them changed.
"""

from __future__ import annotations

import multiprocessing

import httpx
import pytest

from pinsight.domain.ids import new_short_id
from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
from pinsight.store.ads import ads as ad_accounts
from pinsight.store.db import make_engine, migrate, writing
from tests.race.test_concurrent_writes import NO_RATE_LIMITS, Served
from tests.support import race_clients
from tests.support.processes import ServedProcesses

ROUNDS = 15
ALL_STATUSES = "ACTIVE,PAUSED,ARCHIVED,DRAFT,DELETED_DRAFT"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request, tmp_path_factory):
    """``pinsight serve --workers 2`` over a database of this module's own (as in ``test_concurrent_writes``)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('race_ads') / 'race.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database("pinsight_race_ads")
    engine = make_engine(url)
    migrate(engine)
    runtime = Runtime.build(engine, Settings(database_url=url, log_requests=False))
    processes = ServedProcesses(url, workers=2, env=NO_RATE_LIMITS).start()
    yield Served(runtime, processes.url)
    processes.stop()
    engine.dispose()


def _items(answers: list[tuple]) -> list[dict]:
    """The entries of a client's answers, each checked: a 200 with every item written."""
    entries = []
    for status, body in answers:
        assert status == 200, (status, body)
        for entry in body["items"]:
            assert "data" in entry and entry.get("exceptions") in (None, []), entry
            entries.append(entry["data"])
    return entries


def _all(client: httpx.Client, path: str) -> list[dict]:
    items, bookmark = [], None
    while True:
        page = client.get(path, params={"entity_statuses": ALL_STATUSES, "page_size": 250,
                                        **({"bookmark": bookmark} if bookmark else {})})
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        bookmark = page.json()["bookmark"]
        if bookmark is None:
            return items


def _round(name: str) -> int:
    """The round a name was set in ("name 7": 7), -1 for the name it was created with."""
    return int(name.rsplit(" ", 1)[1]) if name.startswith(("name ", "group name ")) else -1


def _campaign_progress(data: dict) -> tuple[int, int]:
    """The rounds of the two campaign updaters a campaign's state shows (-1: not yet)."""
    cap = data["daily_spend_cap"]
    return _round(data["name"]), -1 if cap is None else cap - 1_000_000


def _group_progress(data: dict) -> tuple[int, int]:
    """The rounds of the two ad group updaters an ad group's state shows (-1: not yet)."""
    budget = data["budget_in_micro_currency"]
    return _round(data["name"]), budget - 2_000_000 if budget >= 2_000_000 else -1


def test_campaign_and_ad_group_updates_while_ads_are_created(served: Served):
    owner = served.account(pins=2)
    hot_pin, other_pin = (str(pin_id) for pin_id in owner.pin_ids)
    account = new_short_id()
    with writing(served.runtime.engine) as conn:
        now = served.runtime.clock.now()
        ad_accounts.insert_ad_account(conn, id=account, owner_id=owner.user_id, name="Race ads", country="US",
                                      currency="USD", created_at=now, updated_at=now)
    base = f"/v5/ad_accounts/{account}"
    with httpx.Client(base_url=served.url, headers={"Authorization": f"Bearer {owner.token}"}, timeout=60) as client:
        made = client.post(f"{base}/campaigns", json=[
            {"ad_account_id": str(account), "name": f"Campaign {n}", "objective_type": "CONSIDERATION"} for n in range(2)])
        campaigns = [entry["data"]["id"] for entry in made.json()["items"]]
        made = client.post(f"{base}/ad_groups", json=[
            {"campaign_id": campaigns[n % 2], "name": f"Ad group {n}", "billable_event": "CLICKTHROUGH",
             "budget_in_micro_currency": 1_000_000, "bid_in_micro_currency": 10_000} for n in range(4)])
        groups = [entry["data"]["id"] for entry in made.json()["items"]]
        pins_before = {pin: client.get(f"/v5/pins/{pin}").json() for pin in (hot_pin, other_pin)}
    assert not any(pin["has_been_promoted"] for pin in pins_before.values())

    def rounds(entities: list[str], item) -> list[list[dict]]:
        """ROUNDS batches, the i-th changing every entity to ``item(i, entity)``."""
        return [[item(i, entity) for entity in entities] for i in range(ROUNDS)]

    campaign_names = rounds(campaigns, lambda i, c: {"id": c, "ad_account_id": str(account), "name": f"name {i}"})
    campaign_caps = rounds(campaigns, lambda i, c: {"id": c, "ad_account_id": str(account),
                                                    "daily_spend_cap": 1_000_000 + i})
    group_names = rounds(groups, lambda i, g: {"id": g, "name": f"group name {i}"})
    group_money = rounds(groups, lambda i, g: {"id": g, "budget_in_micro_currency": 2_000_000 + i,
                                               "bid_in_micro_currency": 20_000 + i})
    # Each ad batch: one ad in each ad group, three of the four for the same pin.
    ad_batches = [[[{"ad_group_id": g, "pin_id": other_pin if n == 3 else hot_pin, "name": f"ad {c}-{i}-{n}"}
                    for n, g in enumerate(groups)] for i in range(ROUNDS)] for c in range(2)]
    work = [
        ("PATCH", f"{base}/campaigns", campaign_names), ("PATCH", f"{base}/campaigns", campaign_caps),
        ("PATCH", f"{base}/ad_groups", group_names), ("PATCH", f"{base}/ad_groups", group_money),
        ("POST", f"{base}/ads", ad_batches[0]), ("POST", f"{base}/ads", ad_batches[1]),
    ]
    with multiprocessing.get_context("spawn").Pool(len(work)) as pool:
        results = pool.starmap(race_clients.send_ads_batches,
                               [(served.url, owner.token, method, path, batches) for method, path, batches in work])
    answered = [_items(answers) for answers in results]

    with httpx.Client(base_url=served.url, headers={"Authorization": f"Bearer {owner.token}"}, timeout=60) as client:
        stored_campaigns = {c["id"]: c for c in _all(client, f"{base}/campaigns")}
        stored_groups = {g["id"]: g for g in _all(client, f"{base}/ad_groups")}
        stored_ads = {a["id"]: a for a in _all(client, f"{base}/ads")}
        pins_after = {pin: client.get(f"/v5/pins/{pin}").json() for pin in (hot_pin, other_pin)}

    # Campaigns and ad groups. Each updater's values only grow (round i sets i), and every answer
    # shows the row as its update committed it: without a lost update, the rows an entity went
    # through grow in both updaters' values at once, so its answers form one chain, whose top is
    # what is stored, holding both updaters' last values.
    for stored, answers, progress in ((stored_campaigns, answered[0] + answered[1], _campaign_progress),
                                      (stored_groups, answered[2] + answered[3], _group_progress)):
        for entity_id, row in stored.items():
            said = sorted(progress(data) for data in answers if data["id"] == entity_id)
            assert len(said) == 2 * ROUNDS
            for before, after in zip(said, said[1:]):
                assert before[0] <= after[0] and before[1] <= after[1], f"{entity_id}: an update was lost: {said}"
            assert progress(row) == said[-1] == (ROUNDS - 1, ROUNDS - 1), (entity_id, said)
            assert row in [data for data in answers if data["id"] == entity_id], f"{entity_id} is stored as no answer said"
    assert all(g["bid_in_micro_currency"] == 20_000 + ROUNDS - 1 for g in stored_groups.values())

    # Ads: every one created is stored as answered, and there are no others.
    created = {data["id"]: data for data in answered[4] + answered[5]}
    assert len(created) == 2 * ROUNDS * len(groups)
    assert stored_ads == created

    # The pins are promoted, and nothing else about them changed.
    for pin, before in pins_before.items():
        after = pins_after[pin]
        assert after["has_been_promoted"] is True
        assert {k: v for k, v in after.items() if k != "has_been_promoted"} == {
            k: v for k, v in before.items() if k != "has_been_promoted"}
