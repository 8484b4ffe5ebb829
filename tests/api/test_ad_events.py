"""Ad actions (POST /api/v1/ad_events) and conversions (the Conversions API) over HTTP,
on both databases, and the attribution they feed.

The attribution oracle is the plain definition (``domain.ads.attribution.credit``, held to
hand-written cases in tests/domain/test_attribution.py), applied here to everything the
test sent; what pinsight stored must give the same credited conversions for every window
combination, attribution type, report time and zone, whatever order actions and
conversions arrived in.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from pinsight.catalog.ad_actions import ACTION_TYPES, ATTRIBUTION_TYPES, REPORT_TIMES, TIME_OF_AD_ACTION, WINDOW_DAYS
from pinsight.catalog.ad_reporting import ROLLUP_ZONES
from pinsight.domain.ads.attribution import Action, Conversion, Windows, credit
from pinsight.domain.ads.reporting_days import day_in
from pinsight.store.ads import activity
from pinsight.store.tables import ad_actions, ad_conversions
from tests.support.ads import action, conversion, send_actions, send_conversions, sha
from tests.support.ads_oracle import stored_conversions
from tests.support.api import assert_error
from tests.support.factories import make_ad_account, make_ads, set_role

@pytest.fixture
def account(runtime, user):
    account_id = make_ad_account(runtime, user)
    return account_id, make_ads(runtime, account_id, 4)


def _stored_actions(runtime, account_id: str) -> int:
    with runtime.engine.connect() as conn:
        return len(conn.execute(select(ad_actions.c.id).where(ad_actions.c.ad_account_id == int(account_id))).all())


def test_ad_events_are_applied_once_and_counted_per_day(runtime, user, account):
    account_id, (ad, other, *_) = account
    now = runtime.clock.now().replace(microsecond=0)
    items = [action(ad, now - timedelta(days=1), type="IMPRESSION", spend_micro_dollar=1500, app_type="iphone",
                    dimensions={"gender": "female", "country": "FR", "keyword": "tea"}),
             action(ad, now - timedelta(days=1), type="CLICK", spend_micro_dollar=20000, household_id="h-1"),
             action(other, now - timedelta(days=2), type="SAVE", external_id="x")]
    first = send_actions(user.client, items)
    assert first.status_code == 200, first.text
    assert first.json() == {"received": 3, "applied": 3, "already_applied": 0}
    again = send_actions(user.client, items + items[:1])
    assert again.json() == {"received": 4, "applied": 0, "already_applied": 3}
    with runtime.engine.connect() as conn:
        delivery = activity.stored_delivery(conn, int(account_id))
    day = (now - timedelta(days=1)).date()
    counts = dict(zip(activity.DELIVERY_SUMS, delivery[(int(ad), "UTC", day)]))
    assert (counts["impression"], counts["click"], counts["save"], counts["spend_micro_dollar"]) == (1, 1, 0, 21500)
    assert dict(zip(activity.DELIVERY_SUMS, delivery[(int(other), "UTC", day - timedelta(days=1))]))["save"] == 1
    # Pacific days too: the same actions, on the day they fell on there.
    pacific = {key: value for key, value in delivery.items() if key[1] == "America/Los_Angeles"}
    assert sum(dict(zip(activity.DELIVERY_SUMS, v))["impression"] for v in pacific.values()) == 1


def test_a_bad_batch_is_refused_whole_with_every_problem(runtime, user, new_user, account):
    account_id, (ad, *_) = account
    stranger = new_user()
    foreign_account = make_ad_account(runtime, stranger)
    (foreign_ad,) = make_ads(runtime, foreign_account, 1)
    now = runtime.clock.now()
    good = action(ad, now - timedelta(hours=1))
    bad = [
        {**action(ad, now), "type": "LIKE"},
        {**action(ad, now), "user": {"em": "someone@example.com"}},
        {**action(ad, now), "user": {"em": sha("a"), "external_id": sha("b")}},
        action(ad, now + timedelta(days=2)),
        action(foreign_ad, now),
        {**action(ad, now), "app_type": "MOBILE"},
        {**action(ad, now), "dimensions": {"shoe_size": "44"}},
        {**action(ad, now), "dimensions": {"gender": "robot"}},
        {**action(ad, now), "spend_micro_dollar": -1},
        {**action(ad, now), "timestamp": "2026-11-20 10:00"},
        {**action(ad, now), "colour": "red"},
        "not an object",
        action(ad, now - timedelta(days=500)),  # before the ad was created
    ]
    response = send_actions(user.client, [good, *bad])
    assert response.status_code == 400
    body = response.json()
    assert [problem["position"] for problem in body["errors"]] == list(range(1, len(bad) + 1))
    assert _stored_actions(runtime, account_id) == 0
    # One id with two contents is a problem; with one content, one action.
    twice = action(ad, now - timedelta(hours=2))
    assert send_actions(user.client, [twice, {**twice, "type": "SAVE"}]).status_code == 400
    assert send_actions(user.client, [twice, dict(twice)]).json()["applied"] == 1
    # NDJSON is read as well.
    lines = "\n".join(__import__("json").dumps(action(ad, now - timedelta(hours=3))) for _ in range(3))
    response = user.client.post("/../api/v1/ad_events", content=lines, headers={"Content-Type": "application/x-ndjson"})
    assert response.json()["applied"] == 3


def test_ad_events_need_a_writing_role_on_the_ads_account(runtime, user, new_user, account):
    account_id, (ad, *_) = account
    helper = new_user()
    now = runtime.clock.now()
    for role, allowed in (("ANALYST", False), ("CAMPAIGN_MANAGER", True), (None, False)):
        set_role(runtime, account_id, helper, role)
        response = send_actions(helper.client, [action(ad, now - timedelta(minutes=5))])
        assert (response.status_code == 200) is allowed, (role, response.text)


def test_conversions_api_answers_each_event(runtime, user, new_user, account):
    account_id, _ = account
    now = runtime.clock.now()
    good = conversion(now - timedelta(hours=1), em="ann@example.com")
    response = send_conversions(user.client, account_id, [good])
    assert response.status_code == 200, response.text
    assert response.json() == {"num_events_received": 1, "num_events_processed": 1,
                               "events": [{"status": "processed", "error_message": None, "warning_message": None}]}
    # A resent event is processed once; a bad one fails on its own (422, the answers in details).
    bad = {**conversion(now, em="bob@example.com"), "event_name": "purchase"}
    fresh = conversion(now - timedelta(minutes=1), em="cy@example.com")
    response = send_conversions(user.client, account_id, [good, bad, fresh])
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == 4196 and set(body) == {"code", "message", "details"}
    events = body["details"]["events"]
    assert [event["status"] for event in events] == ["processed", "failed", "processed"]
    assert "duplicate" in events[0]["warning_message"] and "event_name" in events[1]["error_message"]
    assert body["details"]["num_events_processed"] == 2
    with runtime.engine.connect() as conn:
        stored = conn.execute(select(ad_conversions.c.event_id).where(ad_conversions.c.ad_account_id == int(account_id))).scalars().all()
    assert sorted(stored) == sorted([good["event_id"], fresh["event_id"]])
    # test=true checks and answers, and stores nothing.
    trial = conversion(now, em="dee@example.com")
    assert send_conversions(user.client, account_id, [trial], test="true").json()["num_events_processed"] == 1
    with runtime.engine.connect() as conn:
        assert conn.execute(select(ad_conversions.c.id).where(ad_conversions.c.event_id == trial["event_id"])).first() is None
    # The request's own shape: 400.
    assert_error(user.client.post(f"/ad_accounts/{account_id}/events", json={"data": []}), 400)
    assert_error(user.client.post(f"/ad_accounts/{account_id}/events", json={"data": [good] * 1001}), 400)
    assert_error(user.client.post(f"/ad_accounts/{account_id}/events", json=[good]), 400)
    # Roles: the description names Admin, Analyst, Audience and Campaign managers.
    helper = new_user()
    for role, status in (("ANALYST", 200), ("AUDIENCE_MANAGER", 200), ("FINANCE_MANAGER", 403), (None, 404)):
        set_role(runtime, account_id, helper, role)
        response = send_conversions(helper.client, account_id, [conversion(now, em="e@example.com")])
        assert response.status_code == status, (role, response.text)


# ---- attribution against the plain rules -----------------------------------------------------------


def _scenario(seed: int, now: datetime, ads: list[str]):
    """People, households, actions and conversions, with edges: exactly 7 days and 7 days + 1 s."""
    rng = random.Random(seed)
    people = [f"p{n}@example.com" for n in range(10)]
    household = {person: rng.choice(["h1", "h2", "h3", None]) for person in people}
    actions, conversions = [], []
    for _ in range(160):
        person = rng.choice(people)
        at = now - timedelta(days=rng.uniform(0.1, 75))
        extra = {"household_id": household[person]} if household[person] else {}
        actions.append(action(rng.choice(ads), at.replace(microsecond=0), type=rng.choice(list(ACTION_TYPES)),
                              em=person, spend_micro_dollar=rng.randrange(0, 5000), **extra))
    clicks = [item for item in actions if item["type"] in ("CLICK", "OUTBOUND_CLICK")]
    for _ in range(60):
        person = rng.choice(people)
        at = (now - timedelta(days=rng.uniform(0.05, 60))).replace(microsecond=0)
        extra = {"click_id": rng.choice(clicks)["id"]} if clicks and rng.random() < 0.2 else {}
        conversions.append(conversion(at, em=person, event_name=rng.choice(["checkout", "add_to_cart", "lead"]),
                                      source=rng.choice(["web", "app_ios", "offline"]), **extra))
    edge = (now - timedelta(days=3)).replace(microsecond=0)
    conversions.append(conversion(edge, em="edge@example.com"))
    actions.append(action(ads[0], edge - timedelta(days=7), em="edge@example.com"))
    actions.append(action(ads[1], edge - timedelta(days=7, seconds=1), em="edge@example.com"))
    return actions, conversions


def _expected(actions: list[dict], conversions: list[dict], windows: Windows, attribution_type: str,
              report_time: str, zone: str) -> dict:
    def at(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)

    plain = [Action(a["id"], int(a["ad_id"]), a["type"], at(a["timestamp"]),
                    frozenset({"em:" + a["user"]["em"]}), a.get("household_id")) for a in actions]
    expected: dict = defaultdict(lambda: [0, 0, 0])
    for event in conversions:
        keys = frozenset("em:" + value for value in event["user_data"].get("em", []))
        click_id = event["user_data"].get("click_id")
        households = frozenset(a.household for a in plain if a.household and (a.person_keys & keys or a.id == click_id))
        moment = datetime.fromtimestamp(event["event_time"], UTC).replace(tzinfo=None)
        credited = credit(Conversion(moment, keys, click_id, households), plain, windows, attribution_type)
        if credited is None:
            continue
        day = day_in(credited.at if report_time == TIME_OF_AD_ACTION else moment, zone)
        row = expected[(credited.ad_id, day, credited.kind.value, event["event_name"], event["action_source"])]
        row[0] += 1
        row[1] += 12_500_000
        row[2] += 2
    return {key: tuple(value) for key, value in expected.items()}


def _stored(runtime, account_id: str, windows: Windows, attribution_type: str, report_time: str, zone: str) -> dict:
    with runtime.engine.connect() as conn:
        return stored_conversions(conn, int(account_id), runtime.clock.today(), windows, attribution_type, report_time,
                                  zone)


SAMPLED_WINDOWS = [Windows(30, 30, 1), Windows(7, 1, 0), Windows(0, 0, 0), Windows(60, 60, 60), Windows(1, 0, 7),
                   Windows(0, 7, 14), Windows(14, 60, 1), Windows(7, 7, 7)]


@pytest.mark.parametrize("seed", [1, 2])
def test_stored_attribution_equals_the_plain_rules_in_any_arrival_order(runtime, user, account, seed):
    account_id, ads = account
    now = runtime.clock.now().replace(microsecond=0)
    actions, conversions = _scenario(seed, now, ads)
    rng = random.Random(seed)
    batches = [("actions", actions[n : n + 25]) for n in range(0, len(actions), 25)]
    batches += [("conversions", conversions[n : n + 9]) for n in range(0, len(conversions), 9)]
    rng.shuffle(batches)  # conversions before, between and after the actions they follow
    for kind, batch in batches:
        response = (send_actions(user.client, batch) if kind == "actions"
                    else send_conversions(user.client, account_id, batch))
        assert response.status_code == 200, response.text
    kinds = {key[2] for windows in SAMPLED_WINDOWS
             for key in _expected(actions, conversions, windows, "HOUSEHOLD", TIME_OF_AD_ACTION, "UTC")}
    assert kinds == {"CLICK", "ENGAGEMENT", "VIEW"}  # the scenario credits every kind somewhere
    for windows in SAMPLED_WINDOWS:
        for attribution_type in ATTRIBUTION_TYPES:
            for report_time in REPORT_TIMES:
                for zone in ROLLUP_ZONES:
                    assert _stored(runtime, account_id, windows, attribution_type, report_time, zone) == \
                        _expected(actions, conversions, windows, attribution_type, report_time, zone), \
                        (windows, attribution_type, report_time, zone)
    # Every window combination, for one attribution type and report time.
    for click, engagement, view in itertools.product(WINDOW_DAYS, repeat=3):
        windows = Windows(click, engagement, view)
        assert _stored(runtime, account_id, windows, "HOUSEHOLD", TIME_OF_AD_ACTION, "UTC") == \
            _expected(actions, conversions, windows, "HOUSEHOLD", TIME_OF_AD_ACTION, "UTC"), windows
