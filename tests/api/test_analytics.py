"""Pin and multi-pin analytics, answered from daily rows sent through /api/v1/daily_metrics.

Expected values are computed here, independently, from the rows the test sent.
"""

import json
import random
from collections import defaultdict
from datetime import timedelta

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinsight.catalog.scopes import ALL_SCOPES
from tests.support.api import assert_error, create_board, create_pin
from tests.support.factories import backdate_pin

APP_TYPES = ("MOBILE", "TABLET", "WEB")
COUNTS = ("IMPRESSION", "SAVE", "PIN_CLICK", "OUTBOUND_CLICK", "PROFILE_VISIT", "USER_FOLLOW")


def ingest(client: httpx.Client, rows: list[dict]) -> httpx.Response:
    return client.post("/../api/v1/daily_metrics", json=rows)


def assert_rejected(response: httpx.Response, positions: list[int] | None = None) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert isinstance(body["code"], int) and isinstance(body["message"], str) and body["message"]
    if positions is not None:
        assert [error["position"] for error in body["errors"]] == positions


def make_rows(rng: random.Random, pin_id: str, today, days: int) -> list[dict]:
    rows = []
    for back in range(days):
        day = today - timedelta(days=back)
        for app_type in APP_TYPES:
            if rng.random() < 0.3:
                continue  # quiet days have no row at all
            metrics = {name: rng.randrange(0, 500) for name in COUNTS}
            metrics["TOTAL_COMMENTS"] = rng.randrange(0, 5)
            rows.append({"pin_id": pin_id, "date": day.isoformat(), "app_type": app_type, "metrics": metrics})
    return rows


def expected_totals(rows, start, end, app_types):
    per_day = defaultdict(lambda: defaultdict(int))
    for row in rows:
        if row["app_type"] in app_types and start.isoformat() <= row["date"] <= end.isoformat():
            for name, value in row["metrics"].items():
                per_day[row["date"]][name] += value
    return per_day


@pytest.fixture
def analysed_pin(runtime, user):
    board = create_board(user.client)
    pin = create_pin(user.client, board["id"])
    backdate_pin(runtime, pin["id"], days=40)
    rows = make_rows(random.Random(7), pin["id"], runtime.clock.today(), 30)
    response = ingest(user.client, rows)
    assert response.status_code == 200, response.text
    assert response.json() == {"received": len(rows), "applied": len(rows)}
    return pin, rows


def query(client, pin_id, start, end, metrics, **params):
    return client.get(
        f"/pins/{pin_id}/analytics",
        params={"start_date": start.isoformat(), "end_date": end.isoformat(), "metric_types": ",".join(metrics), **params},
    )


def test_daily_summary_and_lifetime_match_the_rows_sent(runtime, user, analysed_pin):
    pin, rows = analysed_pin
    today = runtime.clock.today()
    start, end = today - timedelta(days=20), today
    response = query(user.client, pin["id"], start, end, ["IMPRESSION", "SAVE", "SAVE_RATE", "TOTAL_COMMENTS"])
    assert response.status_code == 200, response.text
    body = response.json()["all"]
    per_day = expected_totals(rows, start, end, APP_TYPES)
    assert [d["date"] for d in body["daily_metrics"]] == [(start + timedelta(days=n)).isoformat() for n in range(21)]
    for entry in body["daily_metrics"]:
        day = per_day.get(entry["date"], {})
        impressions, saves = day.get("IMPRESSION", 0), day.get("SAVE", 0)
        assert entry["metrics"] == {
            "IMPRESSION": impressions,
            "SAVE": saves,
            "SAVE_RATE": pytest.approx(saves / impressions if impressions else 0.0),
        }
    total_impressions = sum(d.get("IMPRESSION", 0) for d in per_day.values())
    total_saves = sum(d.get("SAVE", 0) for d in per_day.values())
    assert body["summary_metrics"]["IMPRESSION"] == total_impressions
    # A ratio of sums over the period, not the mean of the daily rates.
    assert body["summary_metrics"]["SAVE_RATE"] == pytest.approx(total_saves / total_impressions)
    assert body["lifetime_metrics"] == {"TOTAL_COMMENTS": sum(r["metrics"]["TOTAL_COMMENTS"] for r in rows)}
    statuses = [d["data_status"] for d in body["daily_metrics"]]
    assert statuses[-2:] == ["PROCESSING", "PROCESSING"] and set(statuses[:-2]) == {"READY"}


def test_app_type_split_parts_add_up_to_the_total(runtime, user, analysed_pin):
    pin, rows = analysed_pin
    today = runtime.clock.today()
    start = today - timedelta(days=29)
    whole = query(user.client, pin["id"], start, today, ["IMPRESSION", "PIN_CLICK"]).json()["all"]
    split = query(user.client, pin["id"], start, today, ["IMPRESSION", "PIN_CLICK"], split_field="APP_TYPE").json()
    assert set(split) == set(APP_TYPES)
    for name in ("IMPRESSION", "PIN_CLICK"):
        assert sum(split[a]["summary_metrics"][name] for a in APP_TYPES) == whole["summary_metrics"][name]
    web_only = query(user.client, pin["id"], start, today, ["IMPRESSION"], app_types="WEB").json()["all"]
    expected_web = sum(r["metrics"]["IMPRESSION"] for r in rows if r["app_type"] == "WEB" and r["date"] >= start.isoformat())
    assert web_only["summary_metrics"]["IMPRESSION"] == expected_web == split["WEB"]["summary_metrics"]["IMPRESSION"]


def test_resending_a_batch_changes_nothing_and_a_bad_batch_writes_nothing(runtime, user, analysed_pin):
    pin, rows = analysed_pin
    today = runtime.clock.today()
    before = query(user.client, pin["id"], today - timedelta(days=29), today, ["IMPRESSION", "SAVE"]).json()
    assert ingest(user.client, rows).status_code == 200
    assert query(user.client, pin["id"], today - timedelta(days=29), today, ["IMPRESSION", "SAVE"]).json() == before
    changed = [dict(rows[0], metrics={"IMPRESSION": 999_999})]
    bad = changed + [{"pin_id": pin["id"], "date": "2020-13-01", "app_type": "WEB", "metrics": {"IMPRESSION": 1}}]
    bad += [{"pin_id": pin["id"], "date": today.isoformat(), "app_type": "CAR", "metrics": {"IMPRESSION": 1}}]
    bad += [{"pin_id": pin["id"], "date": today.isoformat(), "app_type": "WEB", "metrics": {"SAVE_RATE": 1}}]
    assert_rejected(ingest(user.client, bad), [1, 2, 3])
    assert query(user.client, pin["id"], today - timedelta(days=29), today, ["IMPRESSION", "SAVE"]).json() == before


def test_ingest_rules(runtime, user, other_user):
    board = create_board(user.client)
    pin = create_pin(user.client, board["id"])
    today = runtime.clock.today()
    row = {"pin_id": pin["id"], "date": today.isoformat(), "app_type": "WEB", "metrics": {"IMPRESSION": 3}}
    assert_rejected(ingest(other_user.client, [row]), [0])  # not their pin
    assert_rejected(ingest(user.client, [dict(row, date=(today + timedelta(days=1)).isoformat())]), [0])
    assert_rejected(ingest(user.client, [dict(row, date=(today - timedelta(days=3)).isoformat())]), [0])  # before creation
    assert_rejected(ingest(user.client, [row, row]), [1])  # the same key twice
    assert ingest(user.client, []).json() == {"received": 0, "applied": 0}
    assert_rejected(user.client.post("/../api/v1/daily_metrics", content=b""))
    assert_rejected(user.client.post("/../api/v1/daily_metrics", content=b'{"pin_id": "1"}\nnot json\n'), [1])
    ok = user.client.post("/../api/v1/daily_metrics", content=(json.dumps(row) + "\n").encode())
    assert ok.status_code == 200 and ok.json()["applied"] == 1


def test_period_and_access_rules(runtime, user, other_user, analysed_pin):
    pin, _ = analysed_pin
    today = runtime.clock.today()
    assert_error(query(user.client, pin["id"], today - timedelta(days=91), today, ["SAVE"]), 400)
    assert_error(query(user.client, pin["id"], today, today - timedelta(days=1), ["SAVE"]), 400)
    assert_error(query(user.client, pin["id"], today, today + timedelta(days=1), ["SAVE"]), 400)
    assert_error(query(user.client, pin["id"], today, today, ["NOPE"]), 400)
    assert_error(query(user.client, pin["id"], today, today, ["ENGAGEMENT"]), 400)  # not a pin metric
    assert query(user.client, pin["id"], today - timedelta(days=90), today, ["SAVE"]).status_code == 200
    assert_error(query(other_user.client, pin["id"], today, today, ["SAVE"]), 403)
    secret_board = create_board(user.client, privacy="SECRET")
    secret_pin = create_pin(user.client, secret_board["id"])
    assert_error(query(other_user.client, secret_pin["id"], today, today, ["SAVE"]), 404)
    no_pins = user.token_with(runtime, set(ALL_SCOPES) - {"pins:read"})
    response = user.client.get(
        f"/pins/{pin['id']}/analytics",
        params={"start_date": today.isoformat(), "end_date": today.isoformat(), "metric_types": "SAVE"},
        headers={"Authorization": f"Bearer {no_pins}"},
    )
    assert_error(response, 403)


def test_days_before_creation_are_marked(runtime, user):
    board = create_board(user.client)
    pin = create_pin(user.client, board["id"])
    backdate_pin(runtime, pin["id"], days=3)
    today = runtime.clock.today()
    body = query(user.client, pin["id"], today - timedelta(days=6), today, ["IMPRESSION"]).json()["all"]
    statuses = [d["data_status"] for d in body["daily_metrics"]]
    assert statuses == ["BEFORE_PIN_CREATED"] * 3 + ["READY", "READY", "PROCESSING", "PROCESSING"]
    assert all(d["metrics"] == {} for d in body["daily_metrics"][:3])


def test_multi_pin_analytics_is_keyed_by_pin(runtime, user, analysed_pin):
    pin, rows = analysed_pin
    board = create_board(user.client)
    quiet = create_pin(user.client, board["id"])
    today = runtime.clock.today()
    response = user.client.get(
        "/pins/analytics",
        params={"pin_ids": [pin["id"], quiet["id"]], "start_date": today.isoformat(), "end_date": today.isoformat(), "metric_types": "IMPRESSION"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {pin["id"], quiet["id"]}
    expected = sum(r["metrics"]["IMPRESSION"] for r in rows if r["date"] == today.isoformat())
    assert body[pin["id"]]["all"]["summary_metrics"]["IMPRESSION"] == expected
    assert body[quiet["id"]]["all"]["summary_metrics"]["IMPRESSION"] == 0
    too_many = [str(10**18 + n) for n in range(101)]
    params = {"pin_ids": too_many, "start_date": today.isoformat(), "end_date": today.isoformat(), "metric_types": "IMPRESSION"}
    assert_error(user.client.get("/pins/analytics", params=params), 400)
    assert_error(user.client.get("/pins/analytics", params=dict(params, pin_ids=["123"])), 404)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), span=st.integers(0, 29), app_types=st.sampled_from(["ALL", "MOBILE", "TABLET", "WEB"]))
def test_summary_equals_the_aggregate_of_the_daily_rows(runtime, user, analysed_pin, seed, span, app_types):
    pin, rows = analysed_pin
    today = runtime.clock.today()
    start = today - timedelta(days=span)
    metrics = ["IMPRESSION", "SAVE", "OUTBOUND_CLICK", "SAVE_RATE"]
    body = query(user.client, pin["id"], start, today, metrics, app_types=app_types).json()["all"]
    for name in ("IMPRESSION", "SAVE", "OUTBOUND_CLICK"):
        assert body["summary_metrics"][name] == sum(d["metrics"][name] for d in body["daily_metrics"])
    impressions = body["summary_metrics"]["IMPRESSION"]
    assert body["summary_metrics"]["SAVE_RATE"] == pytest.approx(body["summary_metrics"]["SAVE"] / impressions if impressions else 0.0)
    selected = APP_TYPES if app_types == "ALL" else (app_types,)
    per_day = expected_totals(rows, start, today, selected)
    assert impressions == sum(d.get("IMPRESSION", 0) for d in per_day.values())


def test_demo_pins_have_realistic_metrics(runtime, server, demo):
    client = httpx.Client(base_url=f"{server.url}/v5", headers={"Authorization": f"Bearer {demo['access_token']}"})
    today = runtime.clock.today()
    response = query(client, demo["pin_id"], today - timedelta(days=30), today, ["IMPRESSION", "SAVE", "SAVE_RATE", "TOTAL_REACTIONS"])
    assert response.status_code == 200, response.text
    body = response.json()["all"]
    summary = body["summary_metrics"]
    assert summary["IMPRESSION"] > 0 and 0 <= summary["SAVE"] <= summary["IMPRESSION"]
    assert summary["IMPRESSION"] == sum(d["metrics"].get("IMPRESSION", 0) for d in body["daily_metrics"])
    assert summary["SAVE_RATE"] == pytest.approx(summary["SAVE"] / summary["IMPRESSION"]) and summary["SAVE_RATE"] < 0.2
    client.close()


def test_the_largest_accepted_values_sum_without_overflow(runtime, user):
    board = create_board(user.client)
    pin = create_pin(user.client, board["id"])
    today = runtime.clock.today()
    biggest = 2**40
    rows = [
        {"pin_id": pin["id"], "date": today.isoformat(), "app_type": app, "traffic": traffic, "metrics": {"IMPRESSION": biggest, "TOTAL_COMMENTS": biggest}}
        for app in APP_TYPES
        for traffic in ("ORGANIC", "PAID")
    ]
    assert ingest(user.client, rows).status_code == 200
    assert_rejected(ingest(user.client, [dict(rows[0], metrics={"IMPRESSION": biggest + 1})]), [0])
    body = query(user.client, pin["id"], today, today, ["IMPRESSION", "TOTAL_COMMENTS"]).json()["all"]
    assert body["summary_metrics"]["IMPRESSION"] == 6 * biggest and body["lifetime_metrics"]["TOTAL_COMMENTS"] == 6 * biggest


def test_pin_metrics_blocks_on_pin_reads(runtime, user, other_user, analysed_pin):
    pin, rows = analysed_pin
    today = runtime.clock.today()
    recent = [r for r in rows if r["date"] >= (today - timedelta(days=89)).isoformat()]

    def total(selected, name):
        return sum(r["metrics"].get(name, 0) for r in selected)

    expected = {
        "90d": {"pin_click": total(recent, "PIN_CLICK"), "impression": total(recent, "IMPRESSION"), "clickthrough": total(recent, "OUTBOUND_CLICK")},
        "all_time": {
            "pin_click": total(rows, "PIN_CLICK"),
            "impression": total(rows, "IMPRESSION"),
            "clickthrough": total(rows, "OUTBOUND_CLICK"),
            "reaction": 0,
            "comment": total(rows, "TOTAL_COMMENTS"),
        },
    }
    assert user.client.get(f"/pins/{pin['id']}", params={"pin_metrics": "true"}).json()["pin_metrics"] == expected
    assert user.client.get(f"/pins/{pin['id']}").json()["pin_metrics"] is None
    listed = {p["id"]: p for p in user.client.get("/pins", params={"pin_metrics": "true", "page_size": 250}).json()["items"]}
    assert listed[pin["id"]]["pin_metrics"] == expected
    board_pins = user.client.get(f"/boards/{pin['board_id']}/pins", params={"pin_metrics": "true"}).json()["items"]
    assert [p["pin_metrics"] for p in board_pins if p["id"] == pin["id"]] == [expected]
    # Another user's view of the same public pin carries no metrics.
    assert other_user.client.get(f"/pins/{pin['id']}", params={"pin_metrics": "true"}).json()["pin_metrics"] is None


def test_business_access_roles_for_analytics(runtime, user, new_user, analysed_pin):
    from tests.support.factories import make_ad_account

    pin, _ = analysed_pin
    analyst, manager = new_user(prefix="analyst"), new_user(prefix="manager")
    account = make_ad_account(runtime, user, {analyst.id: "ANALYST", manager.id: "CAMPAIGN_MANAGER"})
    today = runtime.clock.today()
    params = {"ad_account_id": account}
    assert query(analyst.client, pin["id"], today, today, ["SAVE"], **params).status_code == 200
    # A Campaign Manager may manage the owner's pins but not read their analytics.
    assert manager.client.get(f"/pins/{pin['id']}", params=params).status_code == 200
    assert_error(query(manager.client, pin["id"], today, today, ["SAVE"], **params), 403)
