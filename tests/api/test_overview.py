"""The overview API (/api/pinterest/overview and /posts) over HTTP, on SQLite and PostgreSQL.

Expected values are computed here, independently, from the events each test sent: which
local day an event falls on in the requested time zone, which metric it feeds, and the
percentage rule, written out again from the API's description.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import update

from pinsight.services.identity.api_keys import create_api_key
from pinsight.store.tables import account_daily_metrics, users
from tests.support.api import create_board, create_pin
from tests.support.factories import backdate_pin, make_ad_account

# overview key -> the event types that feed it
FEEDS = {"impressions": ("IMPRESSION",), "saves": ("SAVE",), "comments": ("COMMENT",), "repins": ("REPIN",),
         "clicks": ("PIN_CLICK", "OUTBOUND_CLICK")}
KEYS = ("posts", "impressions", "saves", "comments", "repins", "clicks")
INVALID_KEY = {"message": "Please provide a valid API key"}


def expected_change(current: int, last: int) -> str:
    if last == 0:
        return "+100.0%" if current > 0 else "0.0%"
    value = round((current - last) / last * 100, 1)
    if value == 0:
        return "0.0%"
    return f"{'+' if value > 0 else '-'}{abs(value):.1f}%"


class Account:
    """A user with an API key, pins and the events sent for them (kept to compute expectations)."""

    def __init__(self, runtime, server, user):
        self.runtime, self.user = runtime, user
        self.key = create_api_key(runtime, user.username)
        self.http = httpx.Client(base_url=f"{server.url}/api/pinterest", timeout=30)
        self.board = create_board(user.client)
        self.events: list[dict] = []
        self.pins: dict[str, datetime] = {}  # pin id -> created at (naive UTC)

    def pin(self, created: datetime, **fields) -> str:
        pin = create_pin(self.user.client, self.board["id"], **fields)
        from sqlalchemy import update as sql_update

        from pinsight.store.tables import pins

        with self.runtime.engine.begin() as conn:
            conn.execute(sql_update(pins).where(pins.c.id == int(pin["id"])).values(created_at=created))
        self.pins[pin["id"]] = created
        return pin["id"]

    def send(self, pin_id: str, kind: str, moment: datetime, **extra) -> None:
        event = {"id": uuid.uuid4().hex, "pin_id": pin_id, "type": kind, "app_type": "WEB",
                 "timestamp": moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z"), **extra}
        response = self.user.client.post("/../api/v1/events", json=[event])
        assert response.status_code == 200, response.text
        self.events.append(event)

    def get(self, path: str, **params) -> httpx.Response:
        return self.http.get(path, params={"apiKey": self.key, "social_network_id": self.user.id, **params})

    def expected(self, first: date, last: date, zone: str = "UTC") -> dict[str, int]:
        """Overview values for local days [first, last] in ``zone``, from the events sent."""
        tz = ZoneInfo(zone)

        def local_day(moment: datetime) -> date:
            return moment.replace(tzinfo=UTC).astimezone(tz).date()

        values = dict.fromkeys(KEYS, 0)
        values["posts"] = sum(first <= local_day(created) <= last for created in self.pins.values())
        for event in self.events:
            moment = datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00")).replace(tzinfo=None)
            if first <= local_day(moment) <= last:
                for key, kinds in FEEDS.items():
                    if event["type"] in kinds:
                        values[key] += 1
        return values


@pytest.fixture
def account(runtime, server, user):
    made = Account(runtime, server, user)
    yield made
    made.http.close()


def metric_map(body: dict, field: str = "metrics") -> dict[str, dict]:
    assert body["success"] is True
    return {row["key"]: row for row in body["data"][field]}


def yesterday(runtime) -> date:
    return runtime.clock.today() - timedelta(days=1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


# --- keys, accounts, parameters ----------------------------------------------------------------


def test_a_missing_or_wrong_key_is_401(account):
    for params in ({}, {"apiKey": "psk_nope"}, {"apiKey": ""}):
        response = account.http.get("/overview", params={"social_network_id": account.user.id, "preset": "last_7_days",
                                                         **params})
        assert response.status_code == 401 and response.json() == INVALID_KEY
    assert account.http.get("/posts", params={"preset": "last_7_days"}).json() == INVALID_KEY


def test_only_readable_accounts_answer(runtime, server, account, other_user, new_user):
    assert account.get("/overview", preset="last_7_days").status_code == 200
    # Someone else's account: never data.
    response = account.http.get("/overview", params={"apiKey": account.key, "social_network_id": other_user.id,
                                                     "preset": "last_7_days"})
    assert response.status_code == 404 and "data" not in response.json()
    for bad in ("", "abc", "1" * 25, "0"):
        response = account.http.get("/overview", params={"apiKey": account.key, "social_network_id": bad,
                                                          "preset": "last_7_days"})
        assert response.status_code == 404
    # An analyst on the other user's ad account may read it.
    analyst = new_user()
    make_ad_account(runtime, other_user, roles={analyst.id: "ANALYST"})
    analyst_key = create_api_key(runtime, analyst.username)
    response = account.http.get("/overview", params={"apiKey": analyst_key, "social_network_id": other_user.id,
                                                     "preset": "last_7_days"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("params, field", [
    ({"preset": "last_8_days"}, "preset"),
    ({"preset": "last_7_days", "start_date": "2025-01-01"}, "preset"),
    ({}, "start_date"),
    ({"start_date": "2025-01-01"}, "end_date"),
    ({"start_date": "2025/01/01", "end_date": "2025-01-05"}, "start_date"),
    ({"start_date": "2025-01-05", "end_date": "2025-01-05"}, "end_date"),
    ({"start_date": "2025-01-05", "end_date": "2025-01-01"}, "end_date"),
    ({"preset": "last_7_days", "timezone": "Mars/Olympus"}, "timezone"),
    ({"preset": "last_7_days", "page": "0"}, "page"),
    ({"preset": "last_7_days", "per_page": "101"}, "per_page"),
])
def test_bad_parameters_are_422_with_a_message_per_field(account, params, field):
    path = "/posts" if field in ("page", "per_page") else "/overview"
    response = account.get(path, **params)
    assert response.status_code == 422, response.text
    body = response.json()
    assert isinstance(body["message"], str) and body["message"]
    assert field in body["errors"] and all(isinstance(m, str) and m for m in body["errors"][field])


def test_the_end_date_is_at_most_yesterday_in_the_requested_zone(runtime, account):
    today = runtime.clock.today()
    response = account.get("/overview", start_date=(today - timedelta(days=3)).isoformat(), end_date=today.isoformat())
    assert response.status_code == 422 and "end_date" in response.json()["errors"]
    ok = account.get("/overview", start_date=(today - timedelta(days=3)).isoformat(),
                     end_date=(today - timedelta(days=1)).isoformat())
    assert ok.status_code == 200, ok.text


# --- values ------------------------------------------------------------------------------------------


def test_overview_compares_the_period_with_the_one_before(runtime, account, other_user):
    last = yesterday(runtime)
    first = last - timedelta(days=6)  # last_7_days
    before = first - timedelta(days=7)
    new = account.pin(at(first + timedelta(days=2), 10))
    newer = account.pin(at(last, 8))
    old = account.pin(at(before + timedelta(days=1), 9))
    for pin_id, day in ((new, first + timedelta(days=3)), (newer, last), (old, before + timedelta(days=2)),
                        (old, first), (old, before + timedelta(days=6))):
        for kind in ("IMPRESSION", "IMPRESSION", "SAVE", "PIN_CLICK", "OUTBOUND_CLICK", "COMMENT", "REPIN"):
            account.send(pin_id, kind, at(day, 12))
    account.send(old, "IMPRESSION", at(first, 0, 0) - timedelta(seconds=1))  # the last second of the period before
    account.send(new, "IMPRESSION", at(last, 23, 59))  # the last minute of the period
    body = account.get("/overview", preset="last_7_days").json()
    got = metric_map(body)
    current, previous = account.expected(first, last), account.expected(before, first - timedelta(days=1))
    assert list(got) == list(KEYS)
    for key in KEYS:
        row = got[key]
        assert (row["value_current_period"], row["value_last_period"]) == (current[key], previous[key]), key
        assert row["percentage_change"] == expected_change(current[key], previous[key])
        assert row["name"] and row["description"]
    assert "outbound" in got["clicks"]["description"].lower()
    assert current["posts"] == 2 and previous["posts"] == 1
    # An explicit range of the same days gives the same answer.
    same = account.get("/overview", start_date=first.isoformat(), end_date=last.isoformat()).json()
    assert metric_map(same) == got


def test_a_saved_pin_is_a_repin_and_a_save_for_its_owner(runtime, account, other_user):
    pin_id = account.pin(at(yesterday(runtime) - timedelta(days=3), 9))
    board = create_board(other_user.client)
    response = other_user.client.post(f"/pins/{pin_id}/save", json={"board_id": board["id"]})
    assert response.status_code == 201, response.text
    today = runtime.clock.today()
    got = metric_map(account.get("/overview", start_date=(today - timedelta(days=3)).isoformat(),
                                 end_date=(today - timedelta(days=1)).isoformat()).json())
    assert got["repins"]["value_current_period"] == 0  # saved today: not in a period that ends yesterday
    # Saving one's own pin is no repin.
    own_board = create_board(account.user.client)
    assert account.user.client.post(f"/pins/{pin_id}/save", json={"board_id": own_board["id"]}).status_code == 201
    from pinsight.store.overview import overview as overview_store

    with runtime.engine.connect() as conn:
        start = datetime.combine(today, time(0))
        totals = overview_store.account_totals(conn, int(account.user.id), start, start + timedelta(days=1))
    assert totals["repin"] == 1 and totals["save"] == 1


def test_time_zones_move_events_across_midnight(runtime, account):
    """An event at 23:30 UTC belongs to the next day in Asia/Tokyo and to the same day in UTC."""
    day = yesterday(runtime) - timedelta(days=5)
    pin_id = account.pin(at(day - timedelta(days=3), 0))
    account.send(pin_id, "IMPRESSION", at(day, 23, 30))
    account.send(pin_id, "SAVE", at(day, 14, 59))  # 23:59 in Tokyo: still `day` there
    account.send(pin_id, "SAVE", at(day, 15, 0))   # 00:00 next day in Tokyo
    account.send(pin_id, "PIN_CLICK", at(day + timedelta(days=1), 4, 0))  # 20:00 the day before in Los Angeles
    for zone in ("UTC", "Asia/Tokyo", "America/Los_Angeles", "Asia/Kolkata"):
        for first in (day, day + timedelta(days=1)):
            last = first + timedelta(days=1)
            got = metric_map(account.get("/overview", start_date=first.isoformat(), end_date=last.isoformat(),
                                         timezone=zone).json())
            want = account.expected(first, last, zone)
            assert {key: got[key]["value_current_period"] for key in KEYS} == want, (zone, first)
    tokyo = metric_map(account.get("/overview", start_date=(day + timedelta(days=1)).isoformat(),
                                   end_date=(day + timedelta(days=2)).isoformat(), timezone="Asia/Tokyo").json())
    utc = metric_map(account.get("/overview", start_date=(day + timedelta(days=1)).isoformat(),
                                 end_date=(day + timedelta(days=2)).isoformat()).json())
    assert tokyo["impressions"]["value_current_period"] == 1 and utc["impressions"]["value_current_period"] == 0


def test_archived_daily_rows_count_at_noon_utc(runtime, account):
    day = yesterday(runtime) - timedelta(days=4)
    pin_id = account.pin(at(day - timedelta(days=2), 0))
    rows = [{"pin_id": pin_id, "date": day.isoformat(), "app_type": "MOBILE", "metrics": {"IMPRESSION": 40}}]
    assert account.user.client.post("/../api/v1/daily_metrics", json=rows).status_code == 200
    for zone in ("UTC", "Asia/Tokyo", "America/Los_Angeles"):
        got = metric_map(account.get("/overview", start_date=day.isoformat(), end_date=(day + timedelta(days=1)).isoformat(),
                                     timezone=zone).json())
        assert got["impressions"]["value_current_period"] == 40, zone


def test_zero_rules(runtime, account):
    body = account.get("/overview", preset="last_30_days").json()
    for row in body["data"]["metrics"]:
        assert (row["value_current_period"], row["value_last_period"], row["percentage_change"]) == (0, 0, "0.0%")
    pin_id = account.pin(at(yesterday(runtime) - timedelta(days=40), 0))
    account.send(pin_id, "IMPRESSION", at(yesterday(runtime), 6))
    got = metric_map(account.get("/overview", preset="last_30_days").json())
    assert got["impressions"]["percentage_change"] == "+100.0%"
    assert body["data"]["total_followers"] == 0
    assert body["data"]["post_performance"] == {key: [] for key in (
        "most_engaging", "least_engaging", "most_views", "least_views", "most_repinned", "least_repinned")}


def test_total_followers_come_from_the_profile(runtime, account):
    with runtime.engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == int(account.user.id)).values(follower_count=321))
    assert account.get("/overview", preset="last_7_days").json()["data"]["total_followers"] == 321


def test_post_performance_ranks_the_period_posts(runtime, account):
    last = yesterday(runtime)
    day = last - timedelta(days=3)
    ids = [account.pin(at(day, hour)) for hour in range(5)]
    plan = {  # pin index -> (impressions, engagements, repins)
        0: (10, 5, 0), 1: (10, 1, 3), 2: (40, 2, 1), 3: (0, 0, 0), 4: (10, 1, 3),
    }
    for index, (views, engaged, repins) in plan.items():
        for _ in range(views):
            account.send(ids[index], "IMPRESSION", at(day, 20))
        for _ in range(engaged):
            account.send(ids[index], "SAVE", at(day, 20))
        for _ in range(repins):
            account.send(ids[index], "REPIN", at(day, 20))
    performance = account.get("/overview", preset="last_7_days").json()["data"]["post_performance"]

    def order(key):
        return [post["id"] for post in performance[key]]

    by_id = sorted(ids, key=int)
    rate = {ids[i]: (plan[i][1] / plan[i][0] if plan[i][0] else 0.0) for i in plan}
    views = {ids[i]: plan[i][0] for i in plan}
    repins = {ids[i]: plan[i][2] for i in plan}

    def ranked(values, highest):
        return [p for p in sorted(by_id, key=lambda p: ((-values[p] if highest else values[p]), int(p)))][:3]

    assert order("most_engaging") == ranked(rate, True)
    assert order("least_engaging") == ranked(rate, False)
    assert order("most_views") == ranked(views, True)
    assert order("least_views") == ranked(views, False)
    assert order("most_repinned") == ranked(repins, True)
    assert order("least_repinned") == ranked(repins, False)
    top = performance["most_views"][0]
    assert top["value"] == 40 and top["permalink"].endswith(f"/pin/{ids[2]}/") and top["media_url"].startswith("https://")
    assert isinstance(top["text"], str) and top["text"]


def test_posts_lists_the_period_posts_newest_first_with_their_stats(runtime, account):
    last = yesterday(runtime)
    ids = [account.pin(at(last - timedelta(days=n), 23, 30)) for n in range(5)]  # ids[0] newest
    account.pin(at(last - timedelta(days=10), 12))  # before the period
    for n, pin_id in enumerate(ids):
        for _ in range(n + 1):
            account.send(pin_id, "IMPRESSION", at(last, 23, 45))
        account.send(pin_id, "OUTBOUND_CLICK", at(last, 23, 50))
    body = account.get("/posts", preset="last_7_days", per_page="2").json()
    data = body["data"]
    assert [row["key"] for row in data["stats"]] == list(KEYS)
    assert data["pagination"] == {"page": 1, "per_page": 2, "total": 5, "has_more": True}
    assert [post["id"] for post in data["posts"]] == ids[:2]
    first = data["posts"][0]
    assert first["stats"] == {"impressions": 1, "saves": 0, "comments": 0, "repins": 0, "clicks": 1}
    assert first["page_id"] == account.user.id and first["format"] == "image" and first["media_type"] == "IMAGE"
    assert first["timestamp"] == f"{last.isoformat()} 23:30:00"
    rest = account.get("/posts", preset="last_7_days", per_page="2", page="3").json()["data"]
    assert [post["id"] for post in rest["posts"]] == ids[4:] and rest["pagination"]["has_more"] is False
    # In Tokyo the 23:30 UTC creation time is the next morning, and yesterday's last post
    # (created at 23:30 UTC yesterday) is today there: outside a period ending yesterday.
    tokyo = account.get("/posts", start_date=(last - timedelta(days=6)).isoformat(), end_date=last.isoformat(),
                        timezone="Asia/Tokyo").json()["data"]
    assert [post["id"] for post in tokyo["posts"]] == ids[1:5]
    assert tokyo["posts"][0]["timestamp"] == f"{(last).isoformat()} 08:30:00"


# --- caching -------------------------------------------------------------------------------------------


def test_answers_are_cached_until_ingested_data_touches_their_period(runtime, account):
    last = yesterday(runtime)
    pin_id = account.pin(at(last - timedelta(days=20), 0))
    account.send(pin_id, "IMPRESSION", at(last - timedelta(days=2), 9))
    first = metric_map(account.get("/overview", preset="last_7_days").json())
    assert first["impressions"]["value_current_period"] == 1
    # A change made behind the store's back is not seen: the answer is cached.
    with runtime.engine.begin() as conn:
        conn.execute(update(account_daily_metrics).where(account_daily_metrics.c.owner_id == int(account.user.id))
                     .values(impression=account_daily_metrics.c.impression + 100))
    assert metric_map(account.get("/overview", preset="last_7_days").json()) == first
    # Data for a day outside both periods leaves it cached too.
    account.send(pin_id, "IMPRESSION", at(last - timedelta(days=19), 9))
    assert metric_map(account.get("/overview", preset="last_7_days").json()) == first
    # A new event in the period is visible on the very next call.
    account.send(pin_id, "IMPRESSION", at(last, 9))
    fresh = metric_map(account.get("/overview", preset="last_7_days").json())
    assert fresh["impressions"]["value_current_period"] == 102


def test_stale_answers_are_served_while_one_refresh_runs(runtime, account):
    """Fresh for an hour; then the stale answer is served while a background refresh runs;
    after three hours it is recomputed before answering. The runtime's clock is driven
    here (fixed moments early today, so the period stays the same)."""
    import time as wall

    from pinsight.domain.clock import Clock
    from pinsight.services.overview.cache import FRESH_SECONDS, STALE_SECONDS

    last = yesterday(runtime)
    pin_id = account.pin(at(last - timedelta(days=20), 0))
    account.send(pin_id, "IMPRESSION", at(last - timedelta(days=2), 9))
    real_clock = runtime.clock
    start = datetime.combine(real_clock.today(), time(0, 10))
    elapsed = [0]

    def advance(seconds: int) -> None:
        elapsed[0] += seconds
        runtime.clock = Clock(fixed=start + timedelta(seconds=elapsed[0]))

    def impressions() -> int:
        return metric_map(account.get("/overview", preset="last_7_days").json())["impressions"]["value_current_period"]

    def add_behind_the_back(amount: int) -> None:
        with runtime.engine.begin() as conn:
            conn.execute(update(account_daily_metrics).where(account_daily_metrics.c.owner_id == int(account.user.id))
                         .values(impression=account_daily_metrics.c.impression + amount))

    try:
        advance(0)
        assert impressions() == 1
        add_behind_the_back(100)
        advance(FRESH_SECONDS - 1)
        assert impressions() == 1  # fresh
        advance(2)
        assert impressions() == 1  # stale, served at once; a refresh starts
        deadline = wall.monotonic() + 10
        while impressions() != 101:  # the refreshed answer replaces it
            assert wall.monotonic() < deadline, "the background refresh never landed"
            wall.sleep(0.05)
        add_behind_the_back(100)
        advance(FRESH_SECONDS + STALE_SECONDS + 1)
        assert impressions() == 201  # too old to serve: recomputed before answering
    finally:
        runtime.clock = real_clock


# --- consistency with the v5 analytics ---------------------------------------------------------------


def test_overview_totals_equal_user_account_analytics(runtime, account):
    last = yesterday(runtime)
    first = last - timedelta(days=29)
    pin_id = account.pin(at(first - timedelta(days=40), 0))
    other = account.pin(at(first + timedelta(days=3), 0))
    for n in range(30):
        day = first + timedelta(days=n)
        account.send(pin_id, "IMPRESSION", at(day, n % 24))
        if n % 3 == 0 and n >= 3:
            account.send(other, "SAVE", at(day, 23, 59))
        if n % 4 == 0 and n >= 4:
            account.send(other, "OUTBOUND_CLICK", at(day, 0, 1))
            account.send(pin_id, "PIN_CLICK", at(day, 13))
    got = metric_map(account.get("/overview", start_date=first.isoformat(), end_date=last.isoformat()).json())
    v5 = account.user.client.get("/user_account/analytics", params={
        "start_date": first.isoformat(), "end_date": last.isoformat(),
        "metric_types": "IMPRESSION,SAVE,PIN_CLICK,OUTBOUND_CLICK"}).json()["all"]["summary_metrics"]
    assert got["impressions"]["value_current_period"] == v5["IMPRESSION"] == 30
    assert got["saves"]["value_current_period"] == v5["SAVE"]
    assert got["clicks"]["value_current_period"] == v5["PIN_CLICK"] + v5["OUTBOUND_CLICK"]


def test_the_change_log_forgets_what_no_cached_answer_can_need(runtime, account):
    from sqlalchemy import func, insert, select

    from pinsight.store.tables import metric_changes

    create_pin(account.user.client, account.board["id"])  # logs a change now
    old = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=5)
    with runtime.engine.begin() as conn:
        conn.execute(insert(metric_changes).values(owner_id=int(account.user.id), first_day=date(2025, 1, 1),
                                                   last_day=date(2025, 1, 2), changed_at=old))
    runtime.overview_cache._last_prune = None  # due now
    assert account.get("/overview", preset="last_7_days", timezone="Europe/Paris").status_code == 200
    with runtime.engine.connect() as conn:
        left = conn.execute(select(func.count()).select_from(metric_changes).where(metric_changes.c.changed_at <= old)).scalar()
        recent = conn.execute(select(func.count()).select_from(metric_changes)
                              .where(metric_changes.c.owner_id == int(account.user.id))).scalar()
    assert left == 0 and recent >= 1  # the pin's creation, logged just now, stays
