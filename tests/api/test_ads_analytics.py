"""Sync ads analytics over HTTP on both databases, against figures computed here from what
the test sent: delivery counted by hand, conversions credited by the plain rules
(``domain.ads.attribution.credit``)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest

from pinsight.catalog.ad_actions import TIME_OF_AD_ACTION, TIME_OF_CONVERSION
from pinsight.domain.ads.attribution import Action, Conversion, Windows, credit
from tests.support.ads import action, conversion, send_actions, send_conversions
from tests.support.api import assert_error
from tests.support.factories import make_ad_account, make_ads, set_role

COLUMNS = ["SPEND_IN_MICRO_DOLLAR", "PAID_IMPRESSION", "CLICKTHROUGH_1", "OUTBOUND_CLICK_1", "CTR", "TOTAL_CONVERSIONS",
           "TOTAL_CLICK_CHECKOUT", "TOTAL_ENGAGEMENT_CHECKOUT", "TOTAL_VIEW_CHECKOUT", "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR",
           "TOTAL_WEB_CHECKOUT", "TOTAL_CLICK_LEAD"]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)


def _expected(actions, conversions, windows: Windows, report_time: str) -> dict[tuple[str, str], dict]:
    """{(ad id, day): {column: value}} for COLUMNS but CTR, from what was sent."""
    rows: dict = defaultdict(lambda: defaultdict(int))
    for item in actions:
        row = rows[(item["ad_id"], _at(item["timestamp"]).date().isoformat())]
        row["SPEND_IN_MICRO_DOLLAR"] += item.get("spend_micro_dollar", 0)
        row["PAID_IMPRESSION"] += item["type"] == "IMPRESSION"
        row["CLICKTHROUGH_1"] += item["type"] == "CLICK"
        row["OUTBOUND_CLICK_1"] += item["type"] == "OUTBOUND_CLICK"
    plain = [Action(a["id"], int(a["ad_id"]), a["type"], _at(a["timestamp"]), frozenset({"em:" + a["user"]["em"]}),
                    a.get("household_id")) for a in actions]
    for event in conversions:
        keys = frozenset("em:" + value for value in event["user_data"]["em"])
        households = frozenset(a.household for a in plain if a.household and a.person_keys & keys)
        moment = datetime.fromtimestamp(event["event_time"], UTC).replace(tzinfo=None)
        won = credit(Conversion(moment, keys, None, households), plain, windows, "HOUSEHOLD")
        if won is None:
            continue
        day = (won.at if report_time == TIME_OF_AD_ACTION else moment).date().isoformat()
        row = rows[(str(won.ad_id), day)]
        row["TOTAL_CONVERSIONS"] += 1
        name, kind = event["event_name"], won.kind.value
        row["TOTAL_CLICK_CHECKOUT"] += kind == "CLICK" and name == "checkout"
        row["TOTAL_ENGAGEMENT_CHECKOUT"] += kind == "ENGAGEMENT" and name == "checkout"
        row["TOTAL_VIEW_CHECKOUT"] += kind == "VIEW" and name == "checkout"
        row["TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR"] += 12_500_000 if name == "checkout" else 0
        row["TOTAL_WEB_CHECKOUT"] += name == "checkout" and event["action_source"] == "web"
        row["TOTAL_CLICK_LEAD"] += kind == "CLICK" and name == "lead"
    return rows


@pytest.fixture
def history(runtime, user):
    """An ad account with 3 ads, and a month of actions and conversions sent over HTTP."""
    account = make_ad_account(runtime, user)
    ads = make_ads(runtime, account, 3)
    now = runtime.clock.now().replace(microsecond=0)
    rng = random.Random(7)
    people = [f"p{n}@example.com" for n in range(8)]
    household = {person: rng.choice(["h1", "h2", None]) for person in people}
    types = ["IMPRESSION"] * 6 + ["CLICK", "OUTBOUND_CLICK", "SAVE", "CLOSEUP", "VIDEO_START"]
    actions = []
    for _ in range(300):
        person = rng.choice(people)
        extra = {"household_id": household[person]} if household[person] else {}
        actions.append(action(rng.choice(ads), now - timedelta(seconds=rng.randrange(60, 40 * 86400)),
                              type=rng.choice(types), em=person, spend_micro_dollar=rng.randrange(0, 9000), **extra))
    conversions = [conversion(now - timedelta(seconds=rng.randrange(60, 30 * 86400)), em=rng.choice(people),
                              event_name=rng.choice(["checkout", "lead", "add_to_cart"]),
                              source=rng.choice(["web", "app_ios"])) for _ in range(80)]
    assert send_actions(user.client, actions).status_code == 200
    for offset in range(0, len(conversions), 40):
        assert send_conversions(user.client, account, conversions[offset : offset + 40]).status_code == 200
    return account, ads, actions, conversions, runtime.clock.today()


def _get(client, path: str, **params):
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _period(today: date) -> dict:
    return {"start_date": (today - timedelta(days=45)).isoformat(), "end_date": today.isoformat()}


@pytest.mark.parametrize("windows,report_time", [((30, 30, 1), TIME_OF_AD_ACTION), ((7, 1, 0), TIME_OF_CONVERSION),
                                                 ((1, 14, 60), TIME_OF_AD_ACTION)])
def test_ads_daily_rows_equal_the_figures_from_what_was_sent(user, history, windows, report_time):
    account, ads, actions, conversions, today = history
    rows = _get(user.client, f"/ad_accounts/{account}/ads/analytics", ad_ids=",".join(ads), columns=",".join(COLUMNS),
                granularity="DAY", click_window_days=windows[0], engagement_window_days=windows[1],
                view_window_days=windows[2], conversion_report_time=report_time, **_period(today))
    expected = _expected(actions, conversions, Windows(*windows), report_time)
    got = {(row["AD_ID"], row["DATE"]): row for row in rows}
    assert set(got) == set(expected)
    for key, row in got.items():
        for column in COLUMNS:
            if column == "CTR":
                impressions = expected[key]["PAID_IMPRESSION"]
                assert row["CTR"] == (pytest.approx(expected[key]["CLICKTHROUGH_1"] / impressions) if impressions else None)
            else:
                assert row[column] == expected[key][column], (key, column)
    assert sum(row["TOTAL_CONVERSIONS"] for row in rows) > 0


def test_totals_weeks_and_months_are_sums_of_days_at_every_level(user, history):
    account, ads, actions, conversions, today = history
    base = {"columns": ",".join(COLUMNS), **_period(today)}
    days = _get(user.client, f"/ad_accounts/{account}/ads/analytics", ad_ids=",".join(ads), granularity="DAY", **base)
    additive = [column for column in COLUMNS if column != "CTR"]

    def summed(rows, key):
        found: dict = defaultdict(lambda: defaultdict(int))
        for row in rows:
            for column in additive:
                found[key(row)][column] += row[column]
        return {k: dict(v) for k, v in found.items()}

    for granularity, bucket in (("WEEK", lambda d: max(d - timedelta(days=d.weekday()), date.fromisoformat(base["start_date"]))),
                                ("MONTH", lambda d: max(d.replace(day=1), date.fromisoformat(base["start_date"])))):
        rows = _get(user.client, f"/ad_accounts/{account}/ads/analytics", ad_ids=",".join(ads), granularity=granularity, **base)
        assert summed(rows, lambda r: (r["AD_ID"], r["DATE"])) == \
            summed(days, lambda r: (r["AD_ID"], bucket(date.fromisoformat(r["DATE"])).isoformat()))
    per_ad = summed(days, lambda r: r["AD_ID"])
    totals = _get(user.client, f"/ad_accounts/{account}/ads/analytics", ad_ids=",".join(ads), granularity="TOTAL", **base)
    assert summed(totals, lambda r: r["AD_ID"]) == per_ad and all("DATE" not in row for row in totals)
    whole = {column: sum(values[column] for values in per_ad.values()) for column in additive}
    account_rows = _get(user.client, f"/ad_accounts/{account}/analytics", granularity="TOTAL", **base)
    assert [{c: account_rows[0][c] for c in additive}] == [whole] and account_rows[0]["AD_ACCOUNT_ID"] == account
    campaign = _get(user.client, f"/ad_accounts/{account}/ads/analytics", ad_ids=ads[0], granularity="TOTAL",
                    columns="CAMPAIGN_ID", **_period(today))[0]["CAMPAIGN_ID"]
    campaigns = _get(user.client, f"/ad_accounts/{account}/campaigns/analytics", campaign_ids=campaign,
                     granularity="TOTAL", **base)
    assert {c: campaigns[0][c] for c in additive} == whole
    groups = _get(user.client, f"/ad_accounts/{account}/ads/analytics", ad_ids=ads[0], granularity="TOTAL",
                  columns="AD_GROUP_ID", **_period(today))[0]["AD_GROUP_ID"]
    assert {c: _get(user.client, f"/ad_accounts/{account}/ad_groups/analytics", ad_group_ids=groups,
                    granularity="TOTAL", **base)[0][c] for c in additive} == whole
    # The Pin all three ads promote (make_ads: pin 0): one row for it, the sum of its ads.
    pins = _get(user.client, f"/ad_accounts/{account}/pins/analytics", campaign_id=campaign, pin_ids="0",
                granularity="TOTAL", **base)
    assert [{c: pins[0][c] for c in additive}] == [whole]


def test_bad_queries_are_400_naming_the_problem(user, history, new_user, runtime):
    account, ads, _, _, today = history
    path = f"/ad_accounts/{account}/ads/analytics"
    good = {"ad_ids": ads[0], "columns": "SPEND_IN_MICRO_DOLLAR", "granularity": "DAY", **_period(today)}
    assert "TOTAL_IMPRESSION" in assert_error(user.client.get(path, params={**good, "columns": "TOTAL_IMPRESSION"}), 400)["message"]
    assert_error(user.client.get(path, params={**good, "columns": "NOT_A_COLUMN"}), 400)
    assert_error(user.client.get(path, params={k: v for k, v in good.items() if k != "columns"}), 400)
    assert_error(user.client.get(path, params={**good, "start_date": (today - timedelta(days=91)).isoformat()}), 400)
    assert_error(user.client.get(path, params={**good, "click_window_days": 3}), 400)
    assert_error(user.client.get(path, params={**good, "granularity": "YEAR"}), 400)
    assert_error(user.client.get(path, params={k: v for k, v in good.items() if k != "ad_ids"}), 400)
    # Roles: Admin, Analyst and Campaign Manager read; others do not; no role at all: not found.
    reader = new_user()
    for role, status in (("ANALYST", 200), ("CAMPAIGN_MANAGER", 200), ("FINANCE_MANAGER", 403), (None, 404)):
        set_role(runtime, account, reader, role)
        assert reader.client.get(path, params=good).status_code == status, role


@pytest.mark.parametrize("path,ids", [("ads/analytics", "ad_ids"), ("campaigns/analytics", "campaign_ids")])
def test_hour_rows_count_the_hours_actions_of_the_ads_asked_for(user, history, path, ids):
    """HOUR reads the raw actions, filtered by the ids asked for (an ad's own id once went
    to a column the ads table does not have: a 500)."""
    account, ads, actions, _, today = history
    period = {"start_date": (today - timedelta(days=2)).isoformat(), "end_date": today.isoformat()}
    wanted = ads[:2]
    if ids == "campaign_ids":
        campaign = _get(user.client, f"/ad_accounts/{account}/ads/analytics", ad_ids=ads[0], granularity="TOTAL",
                        columns="CAMPAIGN_ID", **_period(today))[0]["CAMPAIGN_ID"]
        wanted, asked = ads, campaign
    else:
        asked = ",".join(wanted)
    rows = _get(user.client, f"/ad_accounts/{account}/{path}", granularity="HOUR",
                columns="PAID_IMPRESSION,SPEND_IN_MICRO_DOLLAR", **{ids: asked}, **period)
    expected: dict = defaultdict(lambda: [0, 0])
    since = datetime.combine(today - timedelta(days=2), datetime.min.time())
    for item in actions:
        at = _at(item["timestamp"])
        if item["ad_id"] in wanted and at >= since:
            hour = at.replace(minute=0, second=0).replace(tzinfo=UTC).isoformat()
            expected[hour][0] += item["type"] == "IMPRESSION"
            expected[hour][1] += item.get("spend_micro_dollar", 0)
    got: dict = defaultdict(lambda: [0, 0])
    for row in rows:
        got[row["DATE"]][0] += row["PAID_IMPRESSION"]
        got[row["DATE"]][1] += row["SPEND_IN_MICRO_DOLLAR"]
    assert expected and dict(got) == dict(expected)
