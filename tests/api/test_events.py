"""Engagement events sent through POST /api/v1/events, read back through pin analytics.

Expected values are computed here, independently, from the events the test sent (the
event-to-metric table below is written out again from the endpoint's description).
"""

import json
import random
import uuid
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta, timezone

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.store.tables import pin_daily_metrics
from tests.support.api import create_board, create_pin
from tests.support.factories import backdate_pin

APP_TYPES = ("MOBILE", "TABLET", "WEB")
# Event type -> the analytics metric it adds to.
EVENT_METRIC = {
    "IMPRESSION": "IMPRESSION",
    "SAVE": "SAVE",
    "PIN_CLICK": "PIN_CLICK",
    "OUTBOUND_CLICK": "OUTBOUND_CLICK",
    "CLOSEUP": "CLOSEUP",
    "PROFILE_VISIT": "PROFILE_VISIT",
    "USER_FOLLOW": "USER_FOLLOW",
    "COMMENT": "TOTAL_COMMENTS",
    "REACTION": "TOTAL_REACTIONS",
    "VIDEO_START": "VIDEO_START",
    "VIDEO_MRC_VIEW": "VIDEO_MRC_VIEW",
    "VIDEO_10S_VIEW": "VIDEO_10S_VIEW",
    "QUARTILE_95_PERCENT_VIEW": "QUARTILE_95_PERCENT_VIEW",
    "VIDEO_WATCH_TIME": "VIDEO_V50_WATCH_TIME",
}
LIFETIME = ("TOTAL_COMMENTS", "TOTAL_REACTIONS")
# Every metric pin analytics can report that events feed (CLOSEUP is checked in the table).
DAILY = ("IMPRESSION", "SAVE", "PIN_CLICK", "OUTBOUND_CLICK", "PROFILE_VISIT", "USER_FOLLOW",
         "VIDEO_START", "VIDEO_MRC_VIEW", "VIDEO_10S_VIEW", "QUARTILE_95_PERCENT_VIEW", "VIDEO_V50_WATCH_TIME")
OFFSETS = (timedelta(0), timedelta(hours=5, minutes=30), timedelta(hours=-8), timedelta(hours=14))


def send(client: httpx.Client, events: list[dict]) -> httpx.Response:
    return client.post("/../api/v1/events", json=events)


def send_raw(client: httpx.Client, body: bytes) -> httpx.Response:
    return client.post("/../api/v1/events", content=body)


def assert_rejected(response: httpx.Response, positions: list[int] | None = None) -> list[dict]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert isinstance(body["code"], int) and isinstance(body["message"], str) and body["message"]
    if positions is not None:
        assert [error["position"] for error in body["errors"]] == positions, body
    return body.get("errors", [])


def make_event(rng: random.Random, pin_id: str, moment: datetime, prefix: str, n: int) -> dict:
    """One random event at ``moment`` (aware, UTC), spelt in a random time zone."""
    event_type = rng.choice(list(EVENT_METRIC))
    offset = rng.choice(OFFSETS)
    event = {
        "id": f"{prefix}-{n}",
        "pin_id": pin_id,
        "type": event_type,
        "timestamp": moment.astimezone(timezone(offset)).isoformat().replace("+00:00", "Z"),
        "app_type": rng.choice(APP_TYPES),
    }
    if rng.random() < 0.5:
        event["traffic"] = rng.choice(("ORGANIC", "PAID"))
    if event_type == "VIDEO_WATCH_TIME":
        event["value"] = rng.randrange(0, 600_000)
    return event


def make_events(rng: random.Random, pin_id: str, today, days: int, count: int, prefix: str | None = None) -> list[dict]:
    prefix = prefix or uuid.uuid4().hex[:10]
    events = []
    for n in range(count):
        day = today - timedelta(days=rng.randrange(days))
        moment = datetime.combine(day, time(), tzinfo=UTC) + timedelta(seconds=rng.randrange(86_400))
        events.append(make_event(rng, pin_id, moment, prefix, n))
    return events


def utc_day(event: dict) -> str:
    return datetime.fromisoformat(event["timestamp"]).astimezone(UTC).date().isoformat()


def expected(events: list[dict], app_types=APP_TYPES) -> tuple[dict, dict]:
    """(per day: metric -> total, lifetime: metric -> total), counting each id once."""
    per_day: dict = defaultdict(lambda: defaultdict(int))
    lifetime: dict = defaultdict(int)
    for event in {e["id"]: e for e in events}.values():
        if event["app_type"] not in app_types:
            continue
        metric = EVENT_METRIC[event["type"]]
        amount = event.get("value", 1)
        if metric in LIFETIME:
            lifetime[metric] += amount
        else:
            per_day[utc_day(event)][metric] += amount
    return per_day, lifetime


def analytics(client, pin_id, start, end, **params) -> dict:
    response = client.get(
        f"/pins/{pin_id}/analytics",
        params={"start_date": start.isoformat(), "end_date": end.isoformat(), "metric_types": ",".join(DAILY + LIFETIME), **params},
    )
    assert response.status_code == 200, response.text
    return response.json()


def assert_analytics_match(client, pin_id, today, days: int, events: list[dict]) -> None:
    start = today - timedelta(days=days - 1)
    body = analytics(client, pin_id, start, today)["all"]
    per_day, lifetime = expected(events)
    assert [d["date"] for d in body["daily_metrics"]] == [(start + timedelta(days=n)).isoformat() for n in range(days)]
    for entry in body["daily_metrics"]:
        assert entry["metrics"] == {name: per_day[entry["date"]].get(name, 0) for name in DAILY}, entry["date"]
    assert body["summary_metrics"] == {name: sum(d.get(name, 0) for d in per_day.values()) for name in DAILY}
    assert body["lifetime_metrics"] == {name: lifetime.get(name, 0) for name in LIFETIME}


def closeups(runtime, pin_id: str) -> int:
    with runtime.engine.connect() as conn:
        query = select(func.coalesce(func.sum(pin_daily_metrics.c.closeup), 0)).where(pin_daily_metrics.c.pin_id == int(pin_id))
        return conn.execute(query).scalar_one()


@pytest.fixture
def old_pin(runtime, user):
    board = create_board(user.client)
    pin = create_pin(user.client, board["id"])
    backdate_pin(runtime, pin["id"], days=20)
    return pin


def test_analytics_equal_the_events_sent(runtime, user, old_pin):
    today = runtime.clock.today()
    events = make_events(random.Random(11), old_pin["id"], today, 14, 3000)
    response = send(user.client, events)
    assert response.status_code == 200, response.text
    assert response.json() == {"received": 3000, "applied": 3000, "already_applied": 0}
    assert_analytics_match(user.client, old_pin["id"], today, 20, events)
    assert closeups(runtime, old_pin["id"]) == sum(1 for e in events if e["type"] == "CLOSEUP")
    # The app type split and filter see the same events.
    start = today - timedelta(days=19)
    split = analytics(user.client, old_pin["id"], start, today, split_field="APP_TYPE")
    for app_type in APP_TYPES:
        per_day, lifetime = expected(events, (app_type,))
        assert split[app_type]["summary_metrics"]["IMPRESSION"] == sum(d.get("IMPRESSION", 0) for d in per_day.values())
        assert split[app_type]["lifetime_metrics"]["TOTAL_COMMENTS"] == lifetime.get("TOTAL_COMMENTS", 0)


def test_resending_changes_nothing_and_overlap_adds_only_new_events(runtime, user, old_pin):
    today = runtime.clock.today()
    rng = random.Random(5)
    events = make_events(rng, old_pin["id"], today, 10, 500, prefix="overlap")
    assert send(user.client, events).json()["applied"] == 500
    before = analytics(user.client, old_pin["id"], today - timedelta(days=19), today)
    again = send(user.client, events)
    assert again.status_code == 200 and again.json() == {"received": 500, "applied": 0, "already_applied": 500}
    assert analytics(user.client, old_pin["id"], today - timedelta(days=19), today) == before
    more = make_events(rng, old_pin["id"], today, 10, 700, prefix="overlap")[500:]  # ids overlap-500 .. overlap-699
    mixed = events[250:] + more
    rng.shuffle(mixed)
    response = send(user.client, mixed)
    assert response.json() == {"received": 450, "applied": 200, "already_applied": 250}
    assert_analytics_match(user.client, old_pin["id"], today, 20, events + more)


def test_a_bad_event_rejects_the_whole_batch(runtime, user, old_pin):
    today = runtime.clock.today()
    good = make_events(random.Random(3), old_pin["id"], today, 5, 20)
    now = f"{today.isoformat()}T00:00:00Z"
    base = {"pin_id": old_pin["id"], "type": "SAVE", "timestamp": now, "app_type": "WEB"}
    bad = [
        dict(base, id="bad-type", type="LIKE"),
        dict(base, id="bad-app", app_type="CAR"),
        dict(base, id="bad-traffic", traffic="ADS"),
        dict(base, id="bad-ts", timestamp="2026-13-01T00:00:00Z"),
        dict(base, id="naive-ts", timestamp=f"{today.isoformat()}T10:00:00"),
        dict(base, id="date-only", timestamp=today.isoformat()),
        dict(base, id=""),
        dict(base, id="x" * 129),
        {k: v for k, v in base.items()},  # no id
        dict(base, id="pin", pin_id="12a"),
        dict(base, id="no-pin", pin_id="1"),
        dict(base, id="extra", colour="red"),
        "not an object",
    ]
    batch = good[:5] + bad + good[5:]
    errors = assert_rejected(send(user.client, batch), list(range(5, 5 + len(bad))))
    assert all(error["reason"] for error in errors)
    assert closeups(runtime, old_pin["id"]) == 0
    assert_analytics_match(user.client, old_pin["id"], today, 20, [])
    # Nothing was recorded either: the good events apply in full afterwards.
    assert send(user.client, good).json()["applied"] == 20
    assert_analytics_match(user.client, old_pin["id"], today, 20, good)


def test_repeated_ids_inside_a_batch(runtime, user, old_pin):
    today = runtime.clock.today()
    moment = datetime.combine(today, time(6), tzinfo=UTC)
    event = {"id": "dup", "pin_id": old_pin["id"], "type": "IMPRESSION", "timestamp": moment.isoformat(), "app_type": "WEB"}
    # Identical repeats, also spelt differently (default traffic, another offset), count once.
    same = [event, dict(event), dict(event, traffic="ORGANIC"), dict(event, timestamp=moment.astimezone(timezone(timedelta(hours=2))).isoformat())]
    assert send(user.client, same).json() == {"received": 4, "applied": 1, "already_applied": 0}
    assert_analytics_match(user.client, old_pin["id"], today, 20, [event])
    for change in ({"type": "SAVE"}, {"app_type": "MOBILE"}, {"traffic": "PAID"}, {"timestamp": (moment + timedelta(seconds=1)).isoformat()}):
        other = dict(event, id="dup2")
        assert_rejected(send(user.client, [other, dict(other, **change)]), [1])
    watch = {"id": "w", "pin_id": old_pin["id"], "type": "VIDEO_WATCH_TIME", "timestamp": moment.isoformat(), "app_type": "WEB", "value": 5}
    assert_rejected(send(user.client, [watch, dict(watch, value=6)]), [1])
    assert_analytics_match(user.client, old_pin["id"], today, 20, [event])


def test_ndjson_and_empty_batches(runtime, user, old_pin):
    today = runtime.clock.today()
    events = make_events(random.Random(8), old_pin["id"], today, 3, 50)
    body = "\n".join(json.dumps(e) for e in events).encode() + b"\n\n"
    response = send_raw(user.client, body)
    assert response.status_code == 200, response.text
    assert response.json()["applied"] == 50
    assert_analytics_match(user.client, old_pin["id"], today, 20, events)
    assert send(user.client, []).json() == {"received": 0, "applied": 0, "already_applied": 0}
    assert_rejected(send_raw(user.client, b""))
    assert_rejected(send_raw(user.client, b"[1, 2"))
    assert_rejected(send_raw(user.client, json.dumps(events[0]).encode() + b"\nnot json\n"), [1])
    assert_rejected(send_raw(user.client, b'{"a": 1}'), [0])  # one NDJSON line, not an event
    assert_analytics_match(user.client, old_pin["id"], today, 20, events)


def test_only_the_owner_may_send_events_for_a_pin(runtime, user, other_user, old_pin):
    today = runtime.clock.today()
    events = make_events(random.Random(9), old_pin["id"], today, 3, 10)
    assert_rejected(send(other_user.client, events), list(range(10)))
    # Event ids are the owner's own: another account may use the same ids for its pins.
    board = create_board(other_user.client)
    theirs = create_pin(other_user.client, board["id"])
    backdate_pin(runtime, theirs["id"], days=5)
    their_events = [dict(e, pin_id=theirs["id"]) for e in events]
    assert send(other_user.client, their_events).json()["applied"] == 10
    assert send(user.client, events).json()["applied"] == 10
    assert_analytics_match(user.client, old_pin["id"], today, 20, events)
    no_write = user.token_with(runtime, set(ALL_SCOPES) - {"pins:write"})
    response = user.client.post("/../api/v1/events", json=events, headers={"Authorization": f"Bearer {no_write}"})
    assert response.status_code == 403, response.text
    assert user.client.post("/../api/v1/events", json=events, headers={"Authorization": "Bearer nope"}).status_code == 401


def test_days_in_the_future_or_before_creation_are_rejected(runtime, user):
    board = create_board(user.client)
    pin = create_pin(user.client, board["id"])
    backdate_pin(runtime, pin["id"], days=2)
    today = runtime.clock.today()
    created = today - timedelta(days=2)

    def at(day, hour=0, offset=timedelta(0)):
        return (datetime.combine(day, time(hour), tzinfo=UTC)).astimezone(timezone(offset)).isoformat()

    event = {"id": "t", "pin_id": pin["id"], "type": "SAVE", "app_type": "MOBILE"}
    assert_rejected(send(user.client, [dict(event, timestamp=at(today + timedelta(days=1)))]), [0])
    assert_rejected(send(user.client, [dict(event, timestamp=at(created - timedelta(days=1), 23))]), [0])
    # The UTC day counts, not the local one: 01:00 UTC on the creation day spelt at -08:00
    # is the day before locally, yet on the creation day.
    ok = [
        dict(event, id="t1", timestamp=at(created, 1, timedelta(hours=-8))),
        dict(event, id="t2", timestamp=at(today, 23)),
        # Today's last hour spelt at +14:00 reads as tomorrow locally: still today in UTC.
        dict(event, id="t3", timestamp=at(today, 23, timedelta(hours=14))),
    ]
    response = send(user.client, ok)
    assert response.status_code == 200, response.text
    assert_analytics_match(user.client, pin["id"], today, 3, ok)


def test_value_rules(runtime, user, old_pin):
    today = runtime.clock.today()
    stamp = f"{today.isoformat()}T12:00:00Z"
    watch = {"id": "v", "pin_id": old_pin["id"], "type": "VIDEO_WATCH_TIME", "timestamp": stamp, "app_type": "WEB"}
    for bad in ({}, {"value": -1}, {"value": 86_400_001}, {"value": 1.5}, {"value": "10"}, {"value": True}, {"value": None}):
        event = {k: v for k, v in watch.items()}
        event.update(bad)
        assert_rejected(send(user.client, [event]), [0])
    assert_rejected(send(user.client, [dict(watch, id="s", type="SAVE", value=1)]), [0])  # no value on counts
    good = [dict(watch, id="v0", value=0), dict(watch, id="vmax", value=86_400_000), dict(watch, id="v1", value=1234)]
    assert send(user.client, good).json()["applied"] == 3
    body = analytics(user.client, old_pin["id"], today, today)["all"]
    assert body["summary_metrics"]["VIDEO_V50_WATCH_TIME"] == 86_400_000 + 1234
    assert body["summary_metrics"]["VIDEO_START"] == 0


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 10**6),
    size=st.integers(1, 60),
    data=st.data(),
)
def test_any_permutation_or_duplication_gives_the_same_analytics(runtime, user, seed, size, data):
    rng = random.Random(seed)
    today = runtime.clock.today()
    board = create_board(user.client)
    pins = [create_pin(user.client, board["id"]) for _ in range(2)]
    for pin in pins:
        backdate_pin(runtime, pin["id"], days=6)
    prefix = uuid.uuid4().hex[:10]
    events = make_events(rng, "PIN", today, 6, size, prefix)
    # The same events on two pins: once as generated, once permuted with duplicates, in
    # several batches that overlap.
    first = [dict(e, pin_id=pins[0]["id"], id=f"a{e['id']}") for e in events]
    second = [dict(e, pin_id=pins[1]["id"], id=f"b{e['id']}") for e in events]
    extra = data.draw(st.lists(st.sampled_from(second), max_size=size), label="duplicates")
    shuffled = data.draw(st.permutations(second + extra), label="order")
    cut = data.draw(st.integers(0, len(shuffled)), label="cut")
    assert send(user.client, first).status_code == 200
    for part in (shuffled[:cut], shuffled[cut:], shuffled):
        response = send(user.client, part)
        assert response.status_code == 200, response.text
    a = analytics(user.client, pins[0]["id"], today - timedelta(days=5), today)
    b = analytics(user.client, pins[1]["id"], today - timedelta(days=5), today)
    assert a == b
    assert_analytics_match(user.client, pins[1]["id"], today, 6, second)
