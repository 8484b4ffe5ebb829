"""Async ads reports over HTTP on both databases: asked for, run by the server's job
worker, downloaded through their link, and equal cell by cell to the sync operations'
answers for the same request."""

from __future__ import annotations

import csv
import io
import random
import time
from datetime import UTC, datetime, time as clock_time, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest

from tests.support.ads import action, conversion, send_actions, send_conversions
from tests.support.api import assert_error
from tests.support.factories import make_ad_account, make_ads, make_user, set_role

COLUMNS = ["SPEND_IN_MICRO_DOLLAR", "PAID_IMPRESSION", "CLICKTHROUGH_1", "CTR", "TOTAL_CONVERSIONS",
           "TOTAL_CLICK_CHECKOUT", "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR", "CAMPAIGN_NAME"]


@pytest.fixture(scope="module")
def account(runtime, server, request):
    """An ad account with two campaigns of ads, and five weeks of actions and conversions."""
    owner = make_user(runtime, server.url, prefix="reports_owner")
    account_id = make_ad_account(runtime, owner)
    ads = make_ads(runtime, account_id, 3) + make_ads(runtime, account_id, 2)
    now = runtime.clock.now()
    rng = random.Random(11)
    people = [f"r{n}@example.com" for n in range(6)]
    types = ["IMPRESSION"] * 5 + ["CLICK", "SAVE", "OUTBOUND_CLICK"]
    actions = [action(rng.choice(ads), now - timedelta(seconds=rng.randrange(60, 35 * 86400)), type=rng.choice(types),
                      em=rng.choice(people), spend_micro_dollar=rng.randrange(0, 5000)) for _ in range(240)]
    # Hours that an HOUR report's 06:00-12:00 window must leave out, whatever time of day the suite runs.
    first_of_window = datetime.combine(runtime.clock.today() - timedelta(days=2), clock_time(3), tzinfo=UTC)
    actions += [action(ads[0], first_of_window, type="IMPRESSION", spend_micro_dollar=700),
                action(ads[1], first_of_window + timedelta(hours=2), type="IMPRESSION", spend_micro_dollar=900)]
    conversions = [conversion(now - timedelta(seconds=rng.randrange(60, 30 * 86400)), em=rng.choice(people),
                              event_name=rng.choice(["checkout", "lead"])) for _ in range(40)]
    assert send_actions(owner.client, actions).status_code == 200
    assert send_conversions(owner.client, account_id, conversions).status_code == 200
    return owner, account_id, ads, runtime.clock.today()


def _wait(client: httpx.Client, account_id: str, token: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"/ad_accounts/{account_id}/reports", params={"token": token})
        assert response.status_code == 200, response.text
        state = response.json()
        if state["report_status"] != "IN_PROGRESS" or time.monotonic() > deadline:
            return state
        time.sleep(0.1)


def _report(client, account_id: str, **body) -> tuple[dict, bytes]:
    response = client.post(f"/ad_accounts/{account_id}/reports", json=body)
    assert response.status_code == 200, response.text
    created = response.json()
    assert created["report_status"] == "IN_PROGRESS" and created["token"]
    state = _wait(client, account_id, created["token"])
    assert state["report_status"] == "FINISHED", state
    download = httpx.get(state["url"])
    assert download.status_code == 200
    assert state["size"] == len(download.content)
    return state, download.content


def _period(today, days=30) -> dict:
    return {"start_date": (today - timedelta(days=days)).isoformat(), "end_date": today.isoformat()}


def _sync(client, path: str, **params) -> list[dict]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("granularity", ["DAY", "WEEK", "TOTAL"])
def test_campaign_report_equals_the_sync_answer_cell_by_cell(account, granularity):
    owner, account_id, ads, today = account
    _, content = _report(owner.client, account_id, level="CAMPAIGN", granularity=granularity, columns=COLUMNS,
                         **_period(today))
    report = httpx.Response(200, content=content).json()
    campaigns = sorted(report)
    assert len(campaigns) == 2
    sync = _sync(owner.client, f"/ad_accounts/{account_id}/campaigns/analytics", campaign_ids=",".join(campaigns),
                 columns=",".join(COLUMNS), granularity=granularity, **_period(today))
    flattened = [row for campaign in report for row in report[campaign]]
    assert flattened == sync
    assert all(row["CAMPAIGN_ID"] == campaign for campaign in report for row in report[campaign])
    assert sum(row["PAID_IMPRESSION"] or 0 for row in flattened) > 0


def test_ad_report_as_csv_equals_the_sync_answer(account):
    owner, account_id, ads, today = account
    _, content = _report(owner.client, account_id, level="PIN_PROMOTION", granularity="DAY", columns=COLUMNS,
                         report_format="CSV", **_period(today))
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    sync = _sync(owner.client, f"/ad_accounts/{account_id}/ads/analytics", ad_ids=",".join(ads),
                 columns=",".join(COLUMNS), granularity="DAY", **_period(today))
    assert len(rows) == len(sync) > 0
    for got, expected in zip(rows, sync, strict=True):
        assert list(got) == list(expected)
        assert got == {key: "" if value is None else str(value) for key, value in expected.items()}


def test_a_report_reaches_past_the_sync_operations_90_days(account):
    owner, account_id, ads, today = account
    period = _period(today, days=180)
    response = owner.client.get(f"/ad_accounts/{account_id}/analytics", params={
        "columns": "PAID_IMPRESSION", "granularity": "TOTAL", **period})
    assert_error(response, 400)
    _, content = _report(owner.client, account_id, level="ADVERTISER", granularity="TOTAL",
                         columns=["PAID_IMPRESSION", "SPEND_IN_MICRO_DOLLAR"], **period)
    report = httpx.Response(200, content=content).json()
    assert list(report) == [account_id]
    recent = _sync(owner.client, f"/ad_accounts/{account_id}/analytics", columns="PAID_IMPRESSION,SPEND_IN_MICRO_DOLLAR",
                   granularity="TOTAL", **_period(today, days=90))
    # Every action is within the last 35 days: the longer range holds the same figures.
    assert report[account_id] == recent


def test_by_date_keys_the_report_by_day(account):
    owner, account_id, ads, today = account
    _, content = _report(owner.client, account_id, level="AD_GROUP", granularity="DAY", columns=["PAID_IMPRESSION"],
                         primary_sort="BY_DATE", **_period(today))
    report = httpx.Response(200, content=content).json()
    assert list(report) == sorted(report)
    groups = sorted({row["AD_GROUP_ID"] for rows in report.values() for row in rows})
    sync = _sync(owner.client, f"/ad_accounts/{account_id}/ad_groups/analytics", ad_group_ids=",".join(groups),
                 columns="PAID_IMPRESSION", granularity="DAY", **_period(today))
    by_date = sorted(sync, key=lambda row: (row["DATE"], row["AD_GROUP_ID"]))
    assert [row for rows in report.values() for row in rows] == by_date
    assert all(row["DATE"] == day for day, rows in report.items() for row in rows)


def test_filters_and_metrics_filters_choose_the_rows(account):
    owner, account_id, ads, today = account
    _, content = _report(owner.client, account_id, level="PIN_PROMOTION", granularity="TOTAL",
                         columns=["PAID_IMPRESSION"], ad_ids=ads[:2],
                         metrics_filters=[{"field": "SPEND_IN_DOLLAR", "operator": "GREATER_THAN", "values": [0.0]}],
                         **_period(today))
    report = httpx.Response(200, content=content).json()
    sync = _sync(owner.client, f"/ad_accounts/{account_id}/ads/analytics", ad_ids=",".join(ads[:2]),
                 columns="PAID_IMPRESSION,SPEND_IN_DOLLAR", granularity="TOTAL", **_period(today))
    kept = [{"AD_ID": row["AD_ID"], "PAID_IMPRESSION": row["PAID_IMPRESSION"]} for row in sync
            if row["SPEND_IN_DOLLAR"] and row["SPEND_IN_DOLLAR"] > 0]
    assert [row for rows in report.values() for row in rows] == kept
    assert set(report) <= set(ads[:2])


def test_targeting_report_equals_the_targeting_analytics(account):
    owner, account_id, ads, today = account
    _, content = _report(owner.client, account_id, level="CAMPAIGN_TARGETING", granularity="TOTAL",
                         columns=["PAID_IMPRESSION", "SPEND_IN_MICRO_DOLLAR"], targeting_types=["APPTYPE", "GENDER"],
                         **_period(today))
    report = httpx.Response(200, content=content).json()
    campaigns = sorted(report)
    answer = _sync(owner.client, f"/ad_accounts/{account_id}/campaigns/targeting_analytics",
                   campaign_ids=",".join(campaigns), targeting_types="APPTYPE,GENDER",
                   columns="PAID_IMPRESSION,SPEND_IN_MICRO_DOLLAR", granularity="TOTAL", **_period(today))["data"]
    expected = sorted(({"TARGETING_TYPE": item["targeting_type"], "TARGETING_VALUE": item["targeting_value"],
                        **item["metrics"]} for item in answer), key=lambda row: row["CAMPAIGN_ID"])
    got = [row for campaign in campaigns for row in report[campaign]]
    assert sorted(got, key=lambda row: row["CAMPAIGN_ID"]) == expected


def test_levels_pinsight_keeps_no_entities_of_report_nothing(account):
    owner, account_id, ads, today = account
    _, content = _report(owner.client, account_id, level="KEYWORD", granularity="DAY", columns=["PAID_IMPRESSION"],
                         **_period(today))
    assert httpx.Response(200, content=content).json() == {}


@pytest.mark.parametrize("body,says", [
    ({"granularity": "DAY", "columns": ["PAID_IMPRESSION"]}, "level"),
    ({"level": "CAMPAIGN", "granularity": "DAY", "columns": ["PAID_IMPRESSION"], "start_date": "days:200"},
     "start_date"),
    ({"level": "CAMPAIGN", "granularity": "DAY", "columns": []}, "columns"),
    ({"level": "NOPE", "granularity": "DAY", "columns": ["PAID_IMPRESSION"]}, "level"),
    ({"level": "CAMPAIGN", "granularity": "DAY", "columns": ["NOT_A_COLUMN"]}, "NOT_A_COLUMN"),
    ({"level": "CAMPAIGN", "granularity": "DAY", "columns": ["PAID_IMPRESSION"], "report_format": "XML"},
     "report_format"),
    ({"level": "CAMPAIGN", "granularity": "DAY", "columns": ["PAID_IMPRESSION"], "start_hour": 3}, "start_hour"),
    ({"level": "CAMPAIGN", "granularity": "DAY", "columns": ["PAID_IMPRESSION"], "end_hour": 24}, "end_hour"),
    ({"level": "CAMPAIGN", "granularity": "DAY", "columns": ["PAID_IMPRESSION"], "campaign_brand_label": "X"},
     "campaign_brand_label"),
    ({"level": "CAMPAIGN", "granularity": "DAY", "columns": ["PAID_IMPRESSION"], "surprise": 1}, "surprise"),
    ({"level": "PRODUCT_ITEM", "granularity": "DAY", "columns": ["PAID_IMPRESSION"], "ad_ids": ["1"]}, "ad_ids"),
    ({"level": "CAMPAIGN_TARGETING", "granularity": "DAY", "columns": ["PAID_IMPRESSION"]}, "targeting_types"),
    ({"level": "CAMPAIGN", "granularity": "DAY", "columns": ["PAID_IMPRESSION"], "campaign_statuses": ["LOST"]},
     "campaign_statuses"),
])
def test_bad_requests_are_400s_naming_the_field(account, body, says):
    owner, account_id, ads, today = account
    dates = {"start_date": (today - timedelta(days=10)).isoformat(), "end_date": today.isoformat()}
    if body.get("start_date") == "days:200":
        dates["start_date"] = (today - timedelta(days=200)).isoformat()  # more than 186 days long
        body = {key: value for key, value in body.items() if key != "start_date"}
    response = owner.client.post(f"/ad_accounts/{account_id}/reports", json={**dates, **body})
    error = assert_error(response, 400)
    assert says in error["message"]


def test_date_limits_are_the_async_ones(account):
    owner, account_id, ads, today = account
    base = {"level": "ADVERTISER", "columns": ["PAID_IMPRESSION"]}
    far = today - timedelta(days=914)
    ok = owner.client.post(f"/ad_accounts/{account_id}/reports", json={
        **base, "granularity": "DAY", "start_date": far.isoformat(), "end_date": (far + timedelta(days=186)).isoformat()})
    assert ok.status_code == 200, ok.text
    for start, end, granularity in ((far - timedelta(days=1), far, "DAY"),
                                    (far, far + timedelta(days=187), "DAY"),
                                    (today - timedelta(days=9), today - timedelta(days=8), "HOUR"),
                                    (today - timedelta(days=4), today, "HOUR")):
        response = owner.client.post(f"/ad_accounts/{account_id}/reports", json={
            **base, "granularity": granularity, "start_date": start.isoformat(), "end_date": end.isoformat()})
        assert_error(response, 400)


def test_an_unknown_or_foreign_token_does_not_exist(account, runtime, server):
    owner, account_id, ads, today = account
    state = owner.client.get(f"/ad_accounts/{account_id}/reports", params={"token": "no-such-token"}).json()
    assert state == {"report_status": "DOES_NOT_EXIST", "url": None, "size": None}
    created = owner.client.post(f"/ad_accounts/{account_id}/reports", json={
        "level": "ADVERTISER", "granularity": "TOTAL", "columns": ["PAID_IMPRESSION"], **_period(today)}).json()
    stranger = make_user(runtime, server.url, prefix="reports_stranger")
    other_account = make_ad_account(runtime, stranger)
    answer = stranger.client.get(f"/ad_accounts/{other_account}/reports", params={"token": created["token"]}).json()
    assert answer["report_status"] == "DOES_NOT_EXIST"
    assert_error(stranger.client.get(f"/ad_accounts/{account_id}/reports", params={"token": created["token"]}), 404)


def test_roles_that_read_ads_may_ask_for_reports(account, runtime, server):
    owner, account_id, ads, today = account
    analyst = make_user(runtime, server.url, prefix="reports_analyst")
    set_role(runtime, account_id, analyst, "ANALYST")
    state, content = _report(analyst.client, account_id, level="ADVERTISER", granularity="TOTAL",
                             columns=["PAID_IMPRESSION"], **_period(today))
    assert account_id in httpx.Response(200, content=content).json()
    set_role(runtime, account_id, analyst, "AUDIENCE_MANAGER")
    assert_error(analyst.client.post(f"/ad_accounts/{account_id}/reports", json={
        "level": "ADVERTISER", "granularity": "TOTAL", "columns": ["PAID_IMPRESSION"], **_period(today)}), 403)


def test_a_tampered_link_is_refused(account):
    owner, account_id, ads, today = account
    state, _ = _report(owner.client, account_id, level="ADVERTISER", granularity="TOTAL", columns=["PAID_IMPRESSION"],
                       **_period(today))
    parts = urlsplit(state["url"])
    query = dict(parse_qsl(parts.query))
    for changed in ({"signature": "0" * 64}, {"expires": str(int(query["expires"]) + 60)}):
        bad = f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode({**query, **changed})}"
        assert_error(httpx.get(bad), 403)
    other_key = f"{parts.scheme}://{parts.netloc}{parts.path.replace('report.json', 'other.json')}?{parts.query}"
    assert_error(httpx.get(other_key), 403)


def test_a_report_written_in_many_chunks_equals_one_answer(account, monkeypatch):
    """One entity per chunk (the server runs in this process): the chunks' rows, in order,
    are the sync answer's, with no entity split or repeated."""
    from pinsight.services.ads import reports

    owner, account_id, ads, today = account
    monkeypatch.setattr(reports, "CHUNK_ROWS", 1)
    _, content = _report(owner.client, account_id, level="PIN_PROMOTION", granularity="DAY", columns=COLUMNS,
                         **_period(today))
    report = httpx.Response(200, content=content).json()
    sync = _sync(owner.client, f"/ad_accounts/{account_id}/ads/analytics", ad_ids=",".join(ads),
                 columns=",".join(COLUMNS), granularity="DAY", **_period(today))
    assert list(report) == sorted(report, key=int) and len(report) == len(ads)
    assert [row for ad in report for row in report[ad]] == sync


def test_hour_reports_keep_the_hours_asked(account):
    owner, account_id, ads, today = account
    period = {"start_date": (today - timedelta(days=2)).isoformat(), "end_date": today.isoformat()}
    _, content = _report(owner.client, account_id, level="PIN_PROMOTION", granularity="HOUR",
                         columns=["PAID_IMPRESSION", "SPEND_IN_MICRO_DOLLAR"], start_hour=6, end_hour=12, **period)
    report = httpx.Response(200, content=content).json()
    sync = _sync(owner.client, f"/ad_accounts/{account_id}/ads/analytics", ad_ids=",".join(ads),
                 columns="PAID_IMPRESSION,SPEND_IN_MICRO_DOLLAR", granularity="HOUR", **period)
    first, last = period["start_date"], period["end_date"]
    kept = [row for row in sync if (row["DATE"][:10], int(row["DATE"][11:13])) >= (first, 6)
            and (row["DATE"][:10], int(row["DATE"][11:13])) <= (last, 12)]
    assert [row for rows in report.values() for row in rows] == kept
    assert len(kept) < len(sync)  # the window left some hours out
