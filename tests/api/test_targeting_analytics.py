"""Targeting analytics over HTTP on both databases.

Every answer is held to figures computed here from the stored raw rows by the plain
rules (``tests.support.ads_oracle``): delivery counted action by action, each conversion
credited by ``domain.ads.attribution.credit`` to one action whose facts give its slice
(``ads_oracle.slice_value``: the first of the type's facts the action carries, else
"unknown"). Then the invariant the issue names: the slices of each type add up to the
untargeted report's rows, column by additive column."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import update

from pinsight.catalog.ad_actions import HOUSEHOLD, INDIVIDUAL, TIME_OF_AD_ACTION, TIME_OF_CONVERSION
from pinsight.catalog.ad_targeting import types_for_level
from pinsight.domain.ads.attribution import Windows
from pinsight.domain.ads.reporting_days import day_in
from pinsight.store.ads import ad_analytics
from pinsight.store.tables import ads as ads_table
from tests.contract.spec_validation import SpecValidator
from tests.support import ads_oracle
from tests.support.ads import action, conversion, send_actions, send_conversions
from tests.support.api import assert_error
from tests.support.factories import make_ad_account, make_ads, set_role

ADDITIVE = ["SPEND_IN_MICRO_DOLLAR", "PAID_IMPRESSION", "CLICKTHROUGH_1", "TOTAL_CONVERSIONS", "TOTAL_CLICK_CHECKOUT",
            "TOTAL_VIEW_CHECKOUT", "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR"]
COLUMNS = [*ADDITIVE, "CTR"]
LEVELS = {"AD_ACCOUNT": ("targeting_analytics", None, "AD_ACCOUNT_ID"),
          "CAMPAIGN": ("campaigns/targeting_analytics", "campaign_ids", "CAMPAIGN_ID"),
          "AD_GROUP": ("ad_groups/targeting_analytics", "ad_group_ids", "AD_GROUP_ID"),
          "AD": ("ads/targeting_analytics", "ad_ids", "AD_ID")}
UNTARGETED = {"AD_ACCOUNT": "analytics", "CAMPAIGN": "campaigns/analytics", "AD_GROUP": "ad_groups/analytics",
              "AD": "ads/analytics"}
_FACTS = {
    "gender": ["female", "male", "unknown"], "age_bucket": ["18-24", "25-34", "45-49"], "country": ["US", "FR"],
    "region": ["US-CA", "US-NY", "FR-75C"], "metro": ["501", "803"], "interest": ["10", "100"],
    "targeted_interest": ["1"], "keyword": ["christmas decor", "garden"], "placement": ["BROWSE", "SEARCH"],
    "audience": ["2541"], "audience_multiplier": ["2"], "creative_enhancement": ["bg"], "quiz_result": ["a"],
}


@pytest.fixture
def targeted(runtime, user):
    """An ad account with two campaigns of two ads each (one of them a video), and a
    month of actions, each carrying a random subset of the viewer's facts, and
    conversions, sent over HTTP."""
    account = make_ad_account(runtime, user)
    ads = make_ads(runtime, account, 2) + make_ads(runtime, account, 2)
    with runtime.engine.begin() as conn:
        conn.execute(update(ads_table).where(ads_table.c.id == int(ads[1])).values(creative_type="VIDEO"))
    now = runtime.clock.now().replace(microsecond=0)
    rng = random.Random(12)
    people = [f"t{n}@example.com" for n in range(10)]
    household = {person: rng.choice(["h1", "h2", None]) for person in people}
    types = ["IMPRESSION"] * 6 + ["CLICK", "OUTBOUND_CLICK", "SAVE", "CLOSEUP"]
    actions = []
    for _ in range(320):
        person = rng.choice(people)
        extra = {"household_id": household[person]} if household[person] else {}
        facts = {name: rng.choice(values) for name, values in _FACTS.items() if rng.random() < 0.7}
        if rng.random() < 0.8:
            extra["app_type"] = rng.choice(["iphone", "web", "android_mobile"])
        if facts:
            extra["dimensions"] = facts
        actions.append(action(rng.choice(ads), now - timedelta(seconds=rng.randrange(60, 25 * 86400)),
                              type=rng.choice(types), em=person, spend_micro_dollar=rng.randrange(0, 9000), **extra))
    conversions = [conversion(now - timedelta(seconds=rng.randrange(60, 20 * 86400)), em=rng.choice(people),
                              event_name=rng.choice(["checkout", "lead"]), source=rng.choice(["web", "app_ios"]))
                   for _ in range(70)]
    assert send_actions(user.client, actions).status_code == 200
    for offset in range(0, len(conversions), 35):
        assert send_conversions(user.client, account, conversions[offset : offset + 35]).status_code == 200
    return account, ads, runtime.clock.today()


def _get(client, path: str, **params):
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _period(today) -> dict:
    return {"start_date": (today - timedelta(days=30)).isoformat(), "end_date": today.isoformat()}


def _ids(runtime, account: str, ads: list[str], level: str) -> list[str]:
    if level == "AD_ACCOUNT":
        return [account]
    if level == "AD":
        return list(ads)
    with runtime.engine.connect() as conn:
        parents = ad_analytics.ad_parents(conn, int(account), [int(ad) for ad in ads])
    return sorted({str(parents[int(ad)][0 if level == "CAMPAIGN" else 1]) for ad in ads})


def _expected(runtime, account: str, level: str, kind: str, windows: Windows, attribution: str, report_time: str
              ) -> dict[tuple[str, str, str], dict[str, int]]:
    """{(entity id, day, slice): {column: value}} for ADDITIVE, from the stored raw rows."""
    with runtime.engine.connect() as conn:
        actions, spend, stored = ads_oracle.raw(conn, int(account))
        facts = ads_oracle.facts(conn, int(account))
        ad_rows = {row.id: row for row in conn.execute(ads_table.select().where(ads_table.c.ad_account_id == int(account)))}

    def entity(ad_id: int) -> str:
        row = ad_rows[ad_id]
        return str({"AD_ACCOUNT": row.ad_account_id, "CAMPAIGN": row.campaign_id, "AD_GROUP": row.ad_group_id,
                    "AD": row.id}[level])

    def slice_of(found) -> str:
        if kind == "CREATIVE_TYPE":
            return ad_rows[found.ad_id].creative_type
        return ads_oracle.slice_value(kind, facts[found.id])

    rows: dict = defaultdict(lambda: dict.fromkeys(ADDITIVE, 0))
    for item in actions:
        row = rows[(entity(item.ad_id), day_in(item.at, "UTC").isoformat(), slice_of(item))]
        row["SPEND_IN_MICRO_DOLLAR"] += spend[item.id]
        row["PAID_IMPRESSION"] += item.type == "IMPRESSION"
        row["CLICKTHROUGH_1"] += item.type == "CLICK"
    for won, event in ads_oracle.credited_actions(actions, stored, windows, attribution):
        moment = won.at if report_time == TIME_OF_AD_ACTION else event["occurred_at"]
        row = rows[(entity(won.ad_id), day_in(moment, "UTC").isoformat(), slice_of(won))]
        row["TOTAL_CONVERSIONS"] += 1
        checkout = event["event_name"] == "checkout"
        row["TOTAL_CLICK_CHECKOUT"] += checkout and won.kind.value == "CLICK"
        row["TOTAL_VIEW_CHECKOUT"] += checkout and won.kind.value == "VIEW"
        row["TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR"] += (event["value_micro"] or 0) if checkout else 0
    return rows


def _report(client, account: str, level: str, ids: list[str], **params):
    path, id_parameter, _ = LEVELS[level]
    if id_parameter is not None:
        params[id_parameter] = ",".join(ids)
    return _get(client, f"/ad_accounts/{account}/{path}", **params)


def _every_type(client, account: str, level: str, ids: list[str], **params) -> dict:
    """The answers for every type of the level, joined (a campaign's 15 types exceed the 14
    one request may ask for)."""
    kinds = types_for_level(level)
    data = []
    for offset in range(0, len(kinds), 8):
        data += _report(client, account, level, ids, targeting_types=",".join(kinds[offset : offset + 8]),
                        **params)["data"]
    return {"data": data}


@pytest.mark.parametrize("level", list(LEVELS))
def test_every_type_of_every_level_equals_the_figures_of_the_stored_rows(runtime, user, targeted, level, spec):
    account, ads, today = targeted
    ids = _ids(runtime, account, ads, level)
    windows = Windows(30, 30, 1)
    kinds = types_for_level(level)
    answer = _every_type(user.client, account, level, ids, columns=",".join(COLUMNS), granularity="DAY",
                         **_period(today))
    path, _, id_key = LEVELS[level]
    SpecValidator(spec).validate_body(f"/ad_accounts/{{ad_account_id}}/{path}", "get", 200, answer)
    got: dict = defaultdict(dict)
    for item in answer["data"]:
        metrics = item["metrics"]
        got[item["targeting_type"]][(metrics[id_key], metrics["DATE"], item["targeting_value"])] = metrics
    assert set(got) == set(kinds)
    for kind in kinds:
        expected = _expected(runtime, account, level, kind, windows, HOUSEHOLD, TIME_OF_AD_ACTION)
        assert set(got[kind]) == set(expected), kind
        for key, metrics in got[kind].items():
            assert {column: metrics[column] for column in ADDITIVE} == expected[key], (kind, key)
            impressions = expected[key]["PAID_IMPRESSION"]
            assert metrics["CTR"] == (pytest.approx(expected[key]["CLICKTHROUGH_1"] / impressions)
                                      if impressions else None)
    # The data are varied enough for the comparison to mean something.
    assert any(value == "unknown" for _, _, value in got["GENDER"]) and len({k[2] for k in got["GEO"]}) > 3
    assert sum(metrics["TOTAL_CONVERSIONS"] for metrics in got["GENDER"].values()) > 0


@pytest.mark.parametrize("attribution,report_time,windows", [
    ([INDIVIDUAL], TIME_OF_CONVERSION, (7, 1, 0)),
    ([INDIVIDUAL, HOUSEHOLD], TIME_OF_AD_ACTION, (1, 14, 60)),
])
def test_attribution_windows_and_report_time_are_those_asked_for(runtime, user, targeted, attribution, report_time,
                                                                 windows):
    account, ads, today = targeted
    answer = _report(user.client, account, "AD", ads, targeting_types="AGE_BUCKET", columns=",".join(ADDITIVE),
                     granularity="DAY", attribution_types=",".join(attribution), conversion_report_time=report_time,
                     click_window_days=windows[0], engagement_window_days=windows[1], view_window_days=windows[2],
                     **_period(today))
    # Both types: credit the household, which takes in the individual's own actions.
    credited_to = HOUSEHOLD if HOUSEHOLD in attribution else INDIVIDUAL
    expected = _expected(runtime, account, "AD", "AGE_BUCKET", Windows(*windows), credited_to, report_time)
    got = {(item["metrics"]["AD_ID"], item["metrics"]["DATE"], item["targeting_value"]):
           {column: item["metrics"][column] for column in ADDITIVE} for item in answer["data"]}
    assert got == expected


def _summed(rows, key) -> dict:
    found: dict = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for column in ADDITIVE:
            found[key(row)][column] += row[column]
    return {k: dict(v) for k, v in found.items()}


@pytest.mark.parametrize("level", list(LEVELS))
@pytest.mark.parametrize("granularity", ["TOTAL", "WEEK"])
def test_the_slices_of_each_type_add_up_to_the_untargeted_report(runtime, user, targeted, level, granularity):
    account, ads, today = targeted
    ids = _ids(runtime, account, ads, level)
    _, id_parameter, id_key = LEVELS[level]
    common = {"columns": ",".join(ADDITIVE), "granularity": granularity, **_period(today)}
    untargeted = _get(user.client, f"/ad_accounts/{account}/{UNTARGETED[level]}",
                      **({id_parameter: ",".join(ids)} if id_parameter else {}), **common)
    whole = _summed(untargeted, lambda row: (row[id_key], row.get("DATE")))
    assert whole and any(values["TOTAL_CONVERSIONS"] for values in whole.values())
    answer = _every_type(user.client, account, level, ids, **common)
    by_kind: dict = defaultdict(list)
    for item in answer["data"]:
        by_kind[item["targeting_type"]].append(item["metrics"])
    assert set(by_kind) == set(types_for_level(level))
    for kind, rows in by_kind.items():
        assert _summed(rows, lambda row: (row[id_key], row.get("DATE"))) == whole, kind


def test_hour_rows_split_the_hours_delivery_and_carry_no_conversions(runtime, user, targeted):
    account, ads, today = targeted
    period = {"start_date": (today - timedelta(days=2)).isoformat(), "end_date": today.isoformat()}
    columns = "SPEND_IN_MICRO_DOLLAR,PAID_IMPRESSION,TOTAL_CONVERSIONS"
    untargeted = _get(user.client, f"/ad_accounts/{account}/ads/analytics", ad_ids=",".join(ads), columns=columns,
                      granularity="HOUR", **period)
    for level, kinds in (("AD_ACCOUNT", ("GEO", "APPTYPE")), ("AD", ("GEO", "APPTYPE")),
                         ("CAMPAIGN", ("CREATIVE_TYPE", "AGE_BUCKET_AND_GENDER"))):
        answer = _report(user.client, account, level, _ids(runtime, account, ads, level), targeting_types=",".join(kinds),
                         columns=columns, granularity="HOUR", **period)
        assert answer["data"] and all("TOTAL_CONVERSIONS" not in item["metrics"] for item in answer["data"])
        for kind in kinds:
            rows = [item["metrics"] for item in answer["data"] if item["targeting_type"] == kind]
            per_hour = defaultdict(lambda: [0, 0])
            for row in rows:
                per_hour[row["DATE"]][0] += row["SPEND_IN_MICRO_DOLLAR"]
                per_hour[row["DATE"]][1] += row["PAID_IMPRESSION"]
            expected = defaultdict(lambda: [0, 0])
            for row in untargeted:
                expected[row["DATE"]][0] += row["SPEND_IN_MICRO_DOLLAR"]
                expected[row["DATE"]][1] += row["PAID_IMPRESSION"]
            assert dict(per_hour) == dict(expected), (level, kind)


def test_entity_columns_are_those_of_the_rows_entity(user, targeted):
    account, ads, today = targeted
    answer = _report(user.client, account, "AD", ads, targeting_types="GENDER", columns="CAMPAIGN_ID,AD_ID,PAID_IMPRESSION",
                     granularity="TOTAL", **_period(today))
    untargeted = {row["AD_ID"]: row["CAMPAIGN_ID"] for row in _get(
        user.client, f"/ad_accounts/{account}/ads/analytics", ad_ids=",".join(ads), columns="CAMPAIGN_ID",
        granularity="TOTAL", **_period(today))}
    assert answer["data"]
    for item in answer["data"]:
        assert item["metrics"]["CAMPAIGN_ID"] == untargeted[item["metrics"]["AD_ID"]]


def test_bad_requests_are_400_naming_the_problem(runtime, user, targeted, new_user):
    account, ads, today = targeted
    good = {"targeting_types": "GEO", "columns": "SPEND_IN_MICRO_DOLLAR", "granularity": "DAY", **_period(today)}
    path = f"/ad_accounts/{account}/targeting_analytics"
    assert user.client.get(path, params=good).status_code == 200

    def message(where: str, **params) -> str:
        return assert_error(user.client.get(f"/ad_accounts/{account}/{where}", params=params), 400)["message"]

    assert "targeting_types" in message("targeting_analytics", **{**good, "targeting_types": ""})
    assert "CREATIVE_TYPE" in message("targeting_analytics", **{**good, "targeting_types": "CREATIVE_TYPE"})
    assert "QUIZ_RESULT" in message("campaigns/targeting_analytics", campaign_ids=_ids(runtime, account, ads, "CAMPAIGN")[0],
                                    **{**good, "targeting_types": "QUIZ_RESULT"})
    assert "15" in message("targeting_analytics", **{**good, "targeting_types": ",".join(["GEO"] * 16)})
    assert "attribution_types" in message("targeting_analytics", **{**good, "attribution_types": "PERSON"})
    assert "campaign_ids" in message("campaigns/targeting_analytics", **good)
    assert "ad_ids" in message("ads/targeting_analytics", **good)
    assert "granularity" in message("targeting_analytics", **{**good, "granularity": "YEAR"})
    span = {"start_date": (today - timedelta(days=4)).isoformat(), "end_date": today.isoformat()}
    assert "3 days" in message("targeting_analytics", **{**good, **span, "granularity": "HOUR"})
    # Ads of another account are not reported: its ad ids name nothing here.
    other = make_ad_account(runtime, user, name="Other")
    foreign = make_ads(runtime, other, 1)
    assert _report(user.client, account, "AD", foreign, **good)["data"] == []
    # Roles: Admin, Analyst and Campaign Manager read; others do not; no role at all: not found.
    reader = new_user()
    for role, status in (("ANALYST", 200), ("CAMPAIGN_MANAGER", 200), ("FINANCE_MANAGER", 403), (None, 404)):
        set_role(runtime, account, reader, role)
        assert reader.client.get(path, params=good).status_code == status, role
