"""Account-wide analytics (user_account/analytics, top_pins, top_video_pins), answered from
daily rows sent through /api/v1/daily_metrics.

Expected values are computed here, independently, from the rows the test sent and a
plain-Python model of each pin's attributes (creative type, link, saved or created).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.store.tables import pins as pins_table
from pinsight.store.tables import users as users_table
from tests.contract.spec_validation import SpecValidator
from tests.support.api import assert_error, create_board, create_pin
from tests.support.factories import backdate_pin

APP_TYPES = ("MOBILE", "TABLET", "WEB")
TRAFFIC = ("ORGANIC", "PAID")
COUNTS = ("IMPRESSION", "SAVE", "PIN_CLICK", "OUTBOUND_CLICK")
VIDEO_COUNTS = ("VIDEO_START", "VIDEO_V50_WATCH_TIME", "VIDEO_MRC_VIEW", "VIDEO_10S_VIEW", "QUARTILE_95_PERCENT_VIEW")
ACCOUNT_METRICS = ("ENGAGEMENT", "ENGAGEMENT_RATE", "IMPRESSION", "OUTBOUND_CLICK", "OUTBOUND_CLICK_RATE",
                   "PIN_CLICK", "PIN_CLICK_RATE", "SAVE", "SAVE_RATE")
PIN_FORMATS = ("ORGANIC_IMAGE", "ORGANIC_PRODUCT", "ORGANIC_VIDEO", "ADS_STANDARD", "ADS_PRODUCT", "ADS_VIDEO", "ADS_IDEA")
WEBSITE = "https://Shop.Example/about"

# name: (creative_type, link, saved from someone else?)
PIN_MODEL = {
    "image": ("REGULAR", "https://shop.example/a", False),                # CLAIMED (same host)
    "video": ("VIDEO", "https://blog.shop.example:443/v?x=1", False),      # CLAIMED (subdomain)
    "product": ("SHOPPING", "https://other.example/x", False),            # OTHER
    "idea": ("IDEA", None, True),                                         # OTHER (no link)
    "max_video": ("MAX_VIDEO", "https://notshop.example/m", True),        # OTHER (not a subdomain)
    "lookalike": ("REGULAR", "https://shop.example.evil.test/", False),   # OTHER (shop.example is only a prefix)
}


def owned_of(name: str) -> str:
    return "CLAIMED" if name in ("image", "video") else "OTHER"


def source_of(name: str) -> str:
    return "OTHER_PINS" if PIN_MODEL[name][2] else "YOUR_PINS"


def format_of(name: str, traffic: str) -> str:
    kind = PIN_MODEL[name][0]
    video, product = kind in ("VIDEO", "MAX_VIDEO"), kind in ("SHOPPING", "SHOP_THE_PIN", "COLLECTION")
    if traffic == "ORGANIC":
        return "ORGANIC_VIDEO" if video else "ORGANIC_PRODUCT" if product else "ORGANIC_IMAGE"
    return "ADS_VIDEO" if video else "ADS_PRODUCT" if product else "ADS_IDEA" if kind == "IDEA" else "ADS_STANDARD"


def ingest(client: httpx.Client, rows: list[dict]) -> None:
    response = client.post("/../api/v1/daily_metrics", json=rows)
    assert response.status_code == 200, response.text


def make_rows(rng: random.Random, pin_id: str, name: str, today, days: int) -> list[dict]:
    rows = []
    video = PIN_MODEL.get(name, ("REGULAR",))[0] in ("VIDEO", "MAX_VIDEO")
    for back in range(days):
        day = today - timedelta(days=back)
        for app_type in APP_TYPES:
            for traffic in TRAFFIC:
                if rng.random() < 0.35:
                    continue
                metrics = {metric: rng.randrange(0, 300) for metric in COUNTS}
                if video:
                    metrics |= {metric: rng.randrange(0, 200) for metric in VIDEO_COUNTS}
                rows.append({"pin_id": pin_id, "date": day.isoformat(), "app_type": app_type, "traffic": traffic,
                             "metrics": metrics})
    return rows


def set_pin(runtime, pin_id: str, **values) -> None:
    with runtime.engine.begin() as conn:
        conn.execute(update(pins_table).where(pins_table.c.id == int(pin_id)).values(**values))


@pytest.fixture
def account(runtime, user, other_user):
    """The user's six modelled pins with 30 days of rows; the other user's pin has rows too."""
    with runtime.engine.begin() as conn:
        conn.execute(update(users_table).where(users_table.c.id == int(user.id)).values(website_url=WEBSITE))
    board = create_board(user.client)
    today = runtime.clock.today()
    rng = random.Random(11)
    ids, rows = {}, []
    for name, (kind, link, saved) in PIN_MODEL.items():
        pin = create_pin(user.client, board["id"])
        backdate_pin(runtime, pin["id"], days=40)
        set_pin(runtime, pin["id"], creative_type=kind, link=link, parent_pin_id=int(pin["id"]) - 1 if saved else None)
        ids[name] = pin["id"]
        rows += make_rows(rng, pin["id"], name, today, 30)
    ingest(user.client, rows)
    # Someone else's activity never counts.
    foreign = create_pin(other_user.client, create_board(other_user.client)["id"])
    backdate_pin(runtime, foreign["id"], days=40)
    ingest(other_user.client, make_rows(rng, foreign["id"], "image", today, 30))
    names = {pin_id: name for name, pin_id in ids.items()}
    for row in rows:
        row["name"] = names[row["pin_id"]]
    return ids, rows


def totals(rows, keep=lambda row: True) -> dict[str, int]:
    summed: dict[str, int] = defaultdict(int)
    for row in rows:
        if keep(row):
            for metric, value in row["metrics"].items():
                summed[metric] += value
    return summed


def expected_metrics(summed: dict[str, int], names=ACCOUNT_METRICS) -> dict:
    impressions = summed.get("IMPRESSION", 0)
    engagement = summed.get("SAVE", 0) + summed.get("PIN_CLICK", 0) + summed.get("OUTBOUND_CLICK", 0)

    def rate(value):
        return value / impressions if impressions else 0.0

    starts = summed.get("VIDEO_START", 0)
    every = {
        "ENGAGEMENT": engagement,
        "ENGAGEMENT_RATE": rate(engagement),
        "SAVE_RATE": rate(summed.get("SAVE", 0)),
        "PIN_CLICK_RATE": rate(summed.get("PIN_CLICK", 0)),
        "OUTBOUND_CLICK_RATE": rate(summed.get("OUTBOUND_CLICK", 0)),
        "VIDEO_AVG_WATCH_TIME": summed.get("VIDEO_V50_WATCH_TIME", 0) / starts if starts else 0.0,
    }
    return {name: pytest.approx(every[name]) if name in every else summed.get(name, 0) for name in names}


def in_period(start, end):
    return lambda row: start.isoformat() <= row["date"] <= end.isoformat()


def get(client, path, start, end, **params):
    return client.get(path, params={"start_date": start.isoformat(), "end_date": end.isoformat(), **params})


def account_analytics(client, start, end, **params):
    response = get(client, "/user_account/analytics", start, end, **params)
    assert response.status_code == 200, response.text
    return response.json()


# --- user_account/analytics --------------------------------------------------------------------------


def test_unsplit_summary_and_daily_series(runtime, user, account):
    _, rows = account
    today = runtime.clock.today()
    start, end = today - timedelta(days=20), today
    body = account_analytics(user.client, start, end)
    assert set(body) == {"all"}
    series = body["all"]
    chosen = [row for row in rows if in_period(start, end)(row)]
    assert series["summary_metrics"] == expected_metrics(totals(chosen))
    assert [d["date"] for d in series["daily_metrics"]] == [(start + timedelta(days=n)).isoformat() for n in range(21)]
    for entry in series["daily_metrics"]:
        assert entry["metrics"] == expected_metrics(totals(chosen, lambda row, d=entry["date"]: row["date"] == d))
    statuses = [d["data_status"] for d in series["daily_metrics"]]
    assert statuses[-2:] == ["PROCESSING", "PROCESSING"] and set(statuses[:-2]) == {"READY"}
    # metric_types narrows the answer, in either spelling.
    narrowed = account_analytics(user.client, start, end, metric_types="SAVE,ENGAGEMENT_RATE")["all"]
    assert narrowed["summary_metrics"] == expected_metrics(totals(chosen), ("SAVE", "ENGAGEMENT_RATE"))
    repeated = account_analytics(user.client, start, end, metric_types=["SAVE", "ENGAGEMENT_RATE"])["all"]
    assert repeated == narrowed


SPLITS = {
    "APP_TYPE": (APP_TYPES, lambda row: row["app_type"]),
    "OWNED_CONTENT": (("CLAIMED", "OTHER"), lambda row: owned_of(row["name"])),
    "SOURCE": (("YOUR_PINS", "OTHER_PINS"), lambda row: source_of(row["name"])),
    "PIN_FORMAT": (PIN_FORMATS, lambda row: format_of(row["name"], row["traffic"])),
}


@pytest.mark.parametrize("split_field", sorted(SPLITS))
def test_split_parts_match_the_rows_and_add_up_to_the_total(runtime, user, account, split_field):
    _, rows = account
    today = runtime.clock.today()
    start = today - timedelta(days=29)
    keys, key_of = SPLITS[split_field]
    whole = account_analytics(user.client, start, today)["all"]["summary_metrics"]
    split = account_analytics(user.client, start, today, split_field=split_field)
    assert set(split) == set(keys)
    for key in keys:
        part = split[key]["summary_metrics"]
        assert part == expected_metrics(totals(rows, lambda row, k=key: key_of(row) == k))
        assert len(split[key]["daily_metrics"]) == 30
    for name in ("ENGAGEMENT", "IMPRESSION", "OUTBOUND_CLICK", "PIN_CLICK", "SAVE"):
        assert sum(split[key]["summary_metrics"][name] for key in keys) == whole[name]
    assert all(split[key]["summary_metrics"]["IMPRESSION"] > 0 for key in keys)  # every group has data


FILTERS = [
    ({"app_types": "WEB"}, lambda row: row["app_type"] == "WEB"),
    ({"content_type": "PAID"}, lambda row: row["traffic"] == "PAID"),
    ({"content_type": "ORGANIC"}, lambda row: row["traffic"] == "ORGANIC"),
    ({"source": "YOUR_PINS"}, lambda row: source_of(row["name"]) == "YOUR_PINS"),
    ({"source": "OTHER_PINS"}, lambda row: source_of(row["name"]) == "OTHER_PINS"),
    ({"from_claimed_content": "CLAIMED"}, lambda row: owned_of(row["name"]) == "CLAIMED"),
    ({"from_claimed_content": "OTHER"}, lambda row: owned_of(row["name"]) == "OTHER"),
    *[({"pin_format": f}, lambda row, f=f: format_of(row["name"], row["traffic"]) == f) for f in PIN_FORMATS],
    ({"app_types": "MOBILE", "content_type": "ORGANIC", "source": "YOUR_PINS", "from_claimed_content": "OTHER"},
     lambda row: row["app_type"] == "MOBILE" and row["traffic"] == "ORGANIC" and row["name"] in ("product", "lookalike")),
]


@pytest.mark.parametrize("params, keep", FILTERS, ids=[",".join(f"{k}={v}" for k, v in p.items()) for p, _ in FILTERS])
def test_filters_select_the_right_rows(runtime, user, account, params, keep):
    _, rows = account
    today = runtime.clock.today()
    start = today - timedelta(days=29)
    body = account_analytics(user.client, start, today, **params)
    expected = totals(rows, keep)
    assert expected["IMPRESSION"] > 0
    assert body["all"]["summary_metrics"] == expected_metrics(expected)


def test_splits_only_show_the_groups_the_filters_allow(runtime, user, account):
    _, rows = account
    today = runtime.clock.today()
    start = today - timedelta(days=29)
    paid = account_analytics(user.client, start, today, split_field="PIN_FORMAT", content_type="PAID")
    assert set(paid) == {"ADS_STANDARD", "ADS_PRODUCT", "ADS_VIDEO", "ADS_IDEA"}
    video = account_analytics(user.client, start, today, split_field="PIN_FORMAT", pin_format="ORGANIC_VIDEO")
    assert set(video) == {"ORGANIC_VIDEO"}
    assert video["ORGANIC_VIDEO"]["summary_metrics"] == expected_metrics(
        totals(rows, lambda row: format_of(row["name"], row["traffic"]) == "ORGANIC_VIDEO"))
    assert set(account_analytics(user.client, start, today, split_field="APP_TYPE", app_types="TABLET")) == {"TABLET"}
    assert set(account_analytics(user.client, start, today, split_field="SOURCE", source="OTHER_PINS")) == {"OTHER_PINS"}
    claimed = account_analytics(user.client, start, today, split_field="OWNED_CONTENT", from_claimed_content="CLAIMED")
    assert set(claimed) == {"CLAIMED"}
    # Nothing matches: zeros, not missing keys.
    none = account_analytics(user.client, start, today, pin_format="ADS_VIDEO", content_type="ORGANIC")["all"]
    assert none["summary_metrics"]["IMPRESSION"] == 0 and none["summary_metrics"]["SAVE_RATE"] == 0


def test_a_user_without_a_website_claims_nothing(runtime, other_user):
    board = create_board(other_user.client)
    pin = create_pin(other_user.client, board["id"])
    backdate_pin(runtime, pin["id"], days=5)
    set_pin(runtime, pin["id"], link="https://shop.example/a")
    today = runtime.clock.today()
    ingest(other_user.client, [{"pin_id": pin["id"], "date": today.isoformat(), "app_type": "WEB", "metrics": {"IMPRESSION": 4}}])
    body = account_analytics(other_user.client, today, today, split_field="OWNED_CONTENT", metric_types="IMPRESSION")
    assert body["CLAIMED"]["summary_metrics"] == {"IMPRESSION": 0}
    assert body["OTHER"]["summary_metrics"] == {"IMPRESSION": 4}


# --- top pins ---------------------------------------------------------------------------------------


def ranked(rows, metric: str, keep=lambda row: True, value=None) -> list[tuple[str, object]]:
    per_pin: dict[str, list] = defaultdict(list)
    for row in rows:
        if keep(row):
            per_pin[row["pin_id"]].append(row)
    scores = {pin_id: (value or (lambda s: expected_metrics(s, (metric,))[metric]))(totals(pin_rows))
              for pin_id, pin_rows in per_pin.items()}
    scores = {pin_id: getattr(score, "expected", score) for pin_id, score in scores.items()}
    return sorted(scores.items(), key=lambda item: (-item[1], int(item[0])))


def test_top_pins_order_metrics_and_count(runtime, user, account):
    _, rows = account
    today = runtime.clock.today()
    start = today - timedelta(days=29)
    response = get(user.client, "/user_account/analytics/top_pins", start, today, sort_by="ENGAGEMENT")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["sort_by"] == "ENGAGEMENT"
    assert body["date_availability"]["is_realtime"] is False
    latest_ready = today - timedelta(days=2)
    assert body["date_availability"]["latest_available_timestamp"] == (
        (latest_ready.toordinal() - 719163) * 86400 + 86399) * 1000
    order = ranked(rows, "ENGAGEMENT")
    assert [pin["pin_id"] for pin in body["pins"]] == [pin_id for pin_id, _ in order]  # 6 pins < default 10
    for pin in body["pins"]:
        mine = totals(rows, lambda row, p=pin["pin_id"]: row["pin_id"] == p)
        assert pin["metrics"] == expected_metrics(mine)
        assert pin["data_status"] == dict.fromkeys(ACCOUNT_METRICS, "PROCESSING")
    # num_of_pins cuts the list; metric_types narrows it (the sort metric is always reported).
    two = get(user.client, "/user_account/analytics/top_pins", start, today, sort_by="SAVE", num_of_pins=2,
              metric_types="IMPRESSION").json()
    assert [pin["pin_id"] for pin in two["pins"]] == [pin_id for pin_id, _ in ranked(rows, "SAVE")[:2]]
    assert set(two["pins"][0]["metrics"]) == {"IMPRESSION", "SAVE"}
    # A period that ended before the processing window is READY.
    old = get(user.client, "/user_account/analytics/top_pins", start, today - timedelta(days=5), sort_by="IMPRESSION",
              metric_types="IMPRESSION").json()
    assert old["pins"][0]["data_status"] == {"IMPRESSION": "READY"}


def test_top_pins_filters(runtime, user, account):
    _, rows = account
    today = runtime.clock.today()
    start = today - timedelta(days=29)
    keep = lambda row: source_of(row["name"]) == "OTHER_PINS" and row["app_type"] == "WEB"  # noqa: E731
    body = get(user.client, "/user_account/analytics/top_pins", start, today, sort_by="IMPRESSION",
               source="OTHER_PINS", app_types="WEB").json()
    assert [(p["pin_id"], p["metrics"]["IMPRESSION"]) for p in body["pins"]] == ranked(rows, "IMPRESSION", keep)
    claimed = get(user.client, "/user_account/analytics/top_pins", start, today, sort_by="PIN_CLICK",
                  from_claimed_content="CLAIMED", content_type="PAID").json()
    keep = lambda row: owned_of(row["name"]) == "CLAIMED" and row["traffic"] == "PAID"  # noqa: E731
    assert [(p["pin_id"], p["metrics"]["PIN_CLICK"]) for p in claimed["pins"]] == ranked(rows, "PIN_CLICK", keep)


TOP_FILTERS = [
    ({"app_types": "WEB"}, lambda row: row["app_type"] == "WEB"),
    ({"content_type": "PAID"}, lambda row: row["traffic"] == "PAID"),
    ({"pin_format": "ORGANIC_VIDEO"}, lambda row: format_of(row["name"], row["traffic"]) == "ORGANIC_VIDEO"),
    ({"pin_format": "ADS_STANDARD", "app_types": "TABLET"},
     lambda row: format_of(row["name"], row["traffic"]) == "ADS_STANDARD" and row["app_type"] == "TABLET"),
    ({"app_types": "MOBILE", "content_type": "ORGANIC", "source": "YOUR_PINS", "from_claimed_content": "OTHER"},
     lambda row: row["app_type"] == "MOBILE" and row["traffic"] == "ORGANIC" and row["name"] in ("product", "lookalike")),
]


@pytest.mark.parametrize("params, keep", TOP_FILTERS, ids=[",".join(f"{k}={v}" for k, v in p.items()) for p, _ in TOP_FILTERS])
def test_filtered_top_pins_rank_and_sum_the_matching_rows(runtime, user, account, params, keep):
    """Top pins filtered by app type, traffic or format (read from the running totals per
    app type and traffic) rank and report exactly what the matching rows add up to."""
    _, rows = account
    today = runtime.clock.today()
    start = today - timedelta(days=20)
    chosen = [row for row in rows if in_period(start, today)(row) and keep(row)]
    assert chosen
    for sort_by in ("IMPRESSION", "ENGAGEMENT"):
        response = get(user.client, "/user_account/analytics/top_pins", start, today, sort_by=sort_by, **params)
        assert response.status_code == 200, response.text
        pins = response.json()["pins"]
        assert [pin["pin_id"] for pin in pins] == [pin_id for pin_id, _ in ranked(chosen, sort_by)]
        for pin in pins:
            assert pin["metrics"] == expected_metrics(totals(chosen, lambda row, p=pin["pin_id"]: row["pin_id"] == p))


def test_filtered_top_video_pins(runtime, user, account):
    _, rows = account
    today = runtime.clock.today()
    start = today - timedelta(days=29)
    keep = lambda row: row["name"] in ("video", "max_video") and row["app_type"] == "WEB" and row["traffic"] == "PAID"  # noqa: E731
    body = get(user.client, "/user_account/analytics/top_video_pins", start, today, sort_by="VIDEO_AVG_WATCH_TIME",
               app_types="WEB", content_type="PAID").json()
    assert [p["pin_id"] for p in body["pins"]] == [pin_id for pin_id, _ in ranked(rows, "VIDEO_AVG_WATCH_TIME", keep)]
    assert len(body["pins"]) == 2
    for pin in body["pins"]:
        mine = totals(rows, lambda row, p=pin["pin_id"]: keep(row) and row["pin_id"] == p)
        assert pin["metrics"]["VIDEO_AVG_WATCH_TIME"] == expected_metrics(mine, ("VIDEO_AVG_WATCH_TIME",))["VIDEO_AVG_WATCH_TIME"]


def test_top_pins_with_a_format_its_traffic_excludes_is_empty(runtime, user, account):
    today = runtime.clock.today()
    body = get(user.client, "/user_account/analytics/top_pins", today - timedelta(days=29), today, sort_by="SAVE",
               pin_format="ADS_VIDEO", content_type="ORGANIC")
    assert body.status_code == 200, body.text
    assert body.json()["pins"] == []


def test_top_pins_created_in_last_30_days(runtime, user, account):
    ids, rows = account
    board = create_board(user.client)
    recent = create_pin(user.client, board["id"])
    backdate_pin(runtime, recent["id"], days=10)
    today = runtime.clock.today()
    ingest(user.client, [{"pin_id": recent["id"], "date": today.isoformat(), "app_type": "WEB", "metrics": {"SAVE": 1}}])
    start = today - timedelta(days=29)
    everything = get(user.client, "/user_account/analytics/top_pins", start, today, sort_by="SAVE").json()
    assert len(everything["pins"]) == 7
    body = get(user.client, "/user_account/analytics/top_pins", start, today, sort_by="SAVE", created_in_last_n_days=30)
    assert body.status_code == 200, body.text
    assert [pin["pin_id"] for pin in body.json()["pins"]] == [recent["id"]]


def test_top_video_pins_are_only_video_pins(runtime, user, account):
    ids, rows = account
    today = runtime.clock.today()
    start = today - timedelta(days=29)
    video = lambda row: row["name"] in ("video", "max_video")  # noqa: E731
    for sort_by in ("VIDEO_AVG_WATCH_TIME", "VIDEO_START", "IMPRESSION"):
        response = get(user.client, "/user_account/analytics/top_video_pins", start, today, sort_by=sort_by)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["sort_by"] == sort_by
        assert [p["pin_id"] for p in body["pins"]] == [pin_id for pin_id, _ in ranked(rows, sort_by, video)]
    names = ("IMPRESSION", "SAVE", "VIDEO_MRC_VIEW", "VIDEO_AVG_WATCH_TIME", "VIDEO_V50_WATCH_TIME",
             "QUARTILE_95_PERCENT_VIEW", "VIDEO_10S_VIEW", "VIDEO_START", "OUTBOUND_CLICK")
    for pin in body["pins"]:
        assert pin["metrics"] == expected_metrics(totals(rows, lambda row, p=pin["pin_id"]: row["pin_id"] == p), names)
    only = get(user.client, "/user_account/analytics/top_video_pins", start, today, sort_by="SAVE", num_of_pins=1,
               source="OTHER_PINS").json()
    assert [p["pin_id"] for p in only["pins"]] == [ids["max_video"]]
    assert_error(get(user.client, "/user_account/analytics/top_video_pins", start, today, sort_by="ENGAGEMENT"), 400)
    assert_error(get(user.client, "/user_account/analytics/top_pins", start, today, sort_by="VIDEO_START"), 400)


# --- rules, scopes and the spec ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, extra",
    [("/user_account/analytics", {}), ("/user_account/analytics/top_pins", {"sort_by": "SAVE"}),
     ("/user_account/analytics/top_video_pins", {"sort_by": "SAVE"})],
)
def test_parameter_rules(runtime, user, path, extra):
    today = runtime.clock.today()
    assert_error(get(user.client, path, today - timedelta(days=91), today, **extra), 400)
    assert_error(get(user.client, path, today, today - timedelta(days=1), **extra), 400)
    assert_error(get(user.client, path, today, today + timedelta(days=1), **extra), 400)
    assert_error(get(user.client, path, today - timedelta(days=90), today, metric_types="NOPE", **extra), 400)
    assert_error(get(user.client, path, today, today, app_types="CAR", **extra), 400)
    assert_error(get(user.client, path, today, today, pin_format="GIF", **extra), 400)
    assert_error(user.client.get(path, params={"end_date": today.isoformat(), **extra}), 400)
    assert get(user.client, path, today - timedelta(days=90), today, **extra).status_code == 200
    if extra:
        assert_error(get(user.client, path, today, today, num_of_pins=0, **extra), 400)
        assert_error(get(user.client, path, today, today, num_of_pins=51, **extra), 400)
        assert_error(get(user.client, path, today, today, created_in_last_n_days=7, **extra), 400)
        assert_error(user.client.get(path, params={"start_date": today.isoformat(), "end_date": today.isoformat()}), 400)
        assert get(user.client, path, today, today, num_of_pins=50, **extra).status_code == 200
    else:
        assert_error(get(user.client, path, today, today, split_field="BOARD"), 400)
        assert_error(get(user.client, path, today, today, metric_types="VIDEO_START"), 400)  # not an account metric


@pytest.mark.parametrize(
    "path, extra, scopes",
    [("/user_account/analytics", {}, ("user_accounts:read",)),
     ("/user_account/analytics/top_pins", {"sort_by": "SAVE"}, ("pins:read", "user_accounts:read")),
     ("/user_account/analytics/top_video_pins", {"sort_by": "SAVE"}, ("pins:read", "user_accounts:read"))],
)
def test_missing_scope_is_403(runtime, user, path, extra, scopes):
    today = runtime.clock.today()
    for scope in scopes:
        token = user.token_with(runtime, set(ALL_SCOPES) - {scope})
        response = user.client.get(path, params={"start_date": today.isoformat(), "end_date": today.isoformat(), **extra},
                                   headers={"Authorization": f"Bearer {token}"})
        assert scope in assert_error(response, 403)["message"]
    only = user.token_with(runtime, scopes)
    response = user.client.get(path, params={"start_date": today.isoformat(), "end_date": today.isoformat(), **extra},
                               headers={"Authorization": f"Bearer {only}"})
    assert response.status_code == 200, response.text


def test_responses_match_the_spec(runtime, user, account, spec):
    validator = SpecValidator(spec)
    today = runtime.clock.today()
    start = today - timedelta(days=10)
    for path, params in [
        ("/user_account/analytics", {}),
        ("/user_account/analytics", {"split_field": "PIN_FORMAT"}),
        ("/user_account/analytics/top_pins", {"sort_by": "IMPRESSION"}),
        ("/user_account/analytics/top_video_pins", {"sort_by": "VIDEO_AVG_WATCH_TIME"}),
    ]:
        response = get(user.client, path, start, today, **params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body
        assert validator.errors(validator.response_schema(path, "get", 200), body) == [], path


def test_a_link_edit_moves_the_pin_between_claimed_and_other(runtime, user, account):
    """PATCH /v5/pins/{id} with a new link moves the pin's metrics, every day of them,
    between CLAIMED and OTHER in splits, filters and top pins; a link edited back moves
    them back."""
    ids, rows = account
    today = runtime.clock.today()
    start = today - timedelta(days=29)

    def check(owned):
        split = account_analytics(user.client, start, today, split_field="OWNED_CONTENT")
        for key in ("CLAIMED", "OTHER"):
            mine = [row for row in rows if owned(row["name"]) == key]
            assert split[key]["summary_metrics"] == expected_metrics(totals(mine))
            for entry in split[key]["daily_metrics"]:
                assert entry["metrics"] == expected_metrics(totals(mine, lambda row, d=entry["date"]: row["date"] == d))
            only = account_analytics(user.client, start, today, from_claimed_content=key)["all"]
            assert only["summary_metrics"] == expected_metrics(totals(mine))
            top = get(user.client, "/user_account/analytics/top_pins", start, today, sort_by="SAVE",
                      from_claimed_content=key, app_types="WEB").json()
            web = [row for row in mine if row["app_type"] == "WEB"]
            assert [pin["pin_id"] for pin in top["pins"]] == [pin_id for pin_id, _ in ranked(web, "SAVE")]

    def patch(name: str, link: str | None):
        response = user.client.patch(f"/pins/{ids[name]}", json={"link": link})
        assert response.status_code == 200, response.text
        assert response.json()["link"] == link

    check(owned_of)
    patch("image", "https://elsewhere.example/a")        # CLAIMED -> OTHER
    patch("product", "http://SHOP.example:8080/ours")    # OTHER -> CLAIMED
    patch("idea", "https://www.shop.example/idea")       # OTHER (no link) -> CLAIMED (subdomain)
    patch("video", "https://blog.shop.example/other")    # CLAIMED -> CLAIMED: nothing moves
    moved = {"image": "OTHER", "product": "CLAIMED", "idea": "CLAIMED"}
    check(lambda name: moved.get(name) or owned_of(name))
    patch("image", "https://shop.example/back")
    patch("product", None)
    patch("idea", "shop.example/no-scheme")              # no scheme: OTHER again
    check(owned_of)
    # Edits that leave the link alone move nothing.
    assert user.client.patch(f"/pins/{ids['image']}", json={"title": "Renamed"}).status_code == 200
    check(owned_of)


def test_deleted_pins_leave_the_account_totals(runtime, user, account):
    """Deleting a pin, or a board with its pins, takes their rows out of every account answer
    (no split, SOURCE, OWNED_CONTENT, top pins)."""
    ids, rows = account
    today = runtime.clock.today()
    start = today - timedelta(days=29)
    gone = ids["image"]
    assert user.client.delete(f"/pins/{gone}").status_code == 204
    left = [row for row in rows if row["pin_id"] != gone]
    assert account_analytics(user.client, start, today)["all"]["summary_metrics"] == expected_metrics(totals(left))
    by_source = account_analytics(user.client, start, today, split_field="SOURCE")
    assert by_source["YOUR_PINS"]["summary_metrics"] == expected_metrics(
        totals(left, lambda row: source_of(row["name"]) == "YOUR_PINS"))
    by_owned = account_analytics(user.client, start, today, split_field="OWNED_CONTENT")
    assert by_owned["CLAIMED"]["summary_metrics"] == expected_metrics(
        totals(left, lambda row: owned_of(row["name"]) == "CLAIMED"))
    top = get(user.client, "/user_account/analytics/top_pins", start, today, sort_by="SAVE").json()
    assert [pin["pin_id"] for pin in top["pins"]] == [pin_id for pin_id, _ in ranked(left, "SAVE")]

    # A whole board: every remaining pin of this user is on it.
    board_id = user.client.get(f"/pins/{ids['video']}").json()["board_id"]
    assert user.client.delete(f"/boards/{board_id}").status_code == 204
    emptied = account_analytics(user.client, start, today)["all"]["summary_metrics"]
    assert emptied == expected_metrics({})
    top = get(user.client, "/user_account/analytics/top_pins", start, today, sort_by="SAVE").json()
    assert top["pins"] == []
