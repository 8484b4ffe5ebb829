"""`pinsight demo --days N --pins M [--full-history]`: the demo spans the days it promises and
has the size asked for. Seeded with the command, read back over HTTP from a real server."""

import json
import re
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import httpx

from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
from pinsight.store.db import make_engine
from tests.cli.test_cli import run
from tests.support.server import LiveServer


@contextmanager
def demo_server(tmp_path, *args):
    """`pinsight demo ARGS` into a fresh database, served with no analytics lookback limit."""
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    seeded = run("demo", "--db", url, "--json", *args)
    # The long work shows progress (on stderr, so --json's stdout stays one object).
    for stage in ("Creating pins", "Generating daily metrics (pin-days)", "Building derived tables"):
        assert re.search(rf"{re.escape(stage)} .*100%", seeded.stderr), seeded.stderr
    demo = json.loads(seeded.stdout)
    engine = make_engine(url)
    settings = Settings(database_url=url, log_requests=False, rate_limits_enabled=False, analytics_lookback_days="unlimited")
    server = LiveServer(Runtime.build(engine, settings)).start()
    client = httpx.Client(base_url=f"{server.url}/v5", headers={"Authorization": f"Bearer {demo['access_token']}"})
    try:
        yield demo, client, server.runtime.clock.today()
    finally:
        client.close()
        server.stop()
        engine.dispose()


def public_pins(client) -> list[dict]:
    pins, bookmark = [], None
    while True:
        page = client.get("/pins", params={"page_size": 250, **({"bookmark": bookmark} if bookmark else {})}).json()
        pins += page["items"]
        bookmark = page["bookmark"]
        if not bookmark:
            return pins


def created_days(pins) -> list[date]:
    return sorted(datetime.fromisoformat(pin["created_at"]).date() for pin in pins)


def daily_impressions(client, start: date, end: date) -> dict[str, int]:
    response = client.get("/user_account/analytics", params={"start_date": start.isoformat(), "end_date": end.isoformat()})
    assert response.status_code == 200, response.text
    return {day["date"]: day["metrics"].get("IMPRESSION", 0) for day in response.json()["all"]["daily_metrics"]}


def test_pins_and_metrics_spread_over_the_days_asked_for(tmp_path):
    with demo_server(tmp_path, "--days", "30") as (demo, client, today):
        days = created_days(public_pins(client))
        first_day = today - timedelta(days=30)
        assert first_day <= days[0] <= first_day + timedelta(days=6)  # the first pins early in the span...
        assert today - timedelta(days=6) <= days[-1] <= today  # ...the last ones lately
        # Metrics run from the first pins' days to today: before the fix, pins and metrics started
        # 180 days back whatever --days said.
        impressions = daily_impressions(client, today - timedelta(days=29), today)
        early = [impressions[(days[0] + timedelta(days=n)).isoformat()] for n in range(1, 6)]
        assert all(count > 0 for count in early) and impressions[today.isoformat()] > 0


def test_a_large_demo_spans_a_year_with_the_pins_asked_for(tmp_path):
    with demo_server(tmp_path, "--days", "365", "--pins", "300") as (demo, client, today):
        me = client.get("/user_account").json()
        assert me["pin_count"] == 300
        days = created_days(public_pins(client))
        assert days[0] <= today - timedelta(days=330) and days[-1] >= today - timedelta(days=20)
        year_ago = daily_impressions(client, today - timedelta(days=340), today - timedelta(days=300))
        assert sum(count > 0 for count in year_ago.values()) >= 35
        # The README's pin: the oldest public pin, with metrics for (nearly) the whole span.
        assert demo["pin_id"] == min((pin["id"] for pin in public_pins(client) if not pin.get("parent_pin_id")), key=int)


def test_full_history_gives_every_pin_every_day(tmp_path):
    with demo_server(tmp_path, "--days", "100", "--pins", "40", "--full-history") as (demo, client, today):
        first_day = today - timedelta(days=99)
        pins = public_pins(client)
        assert max(created_days(pins)) < first_day  # created before the metrics' first day
        response = client.get("/pins/analytics", params={
            "pin_ids": ",".join(pin["id"] for pin in pins[:10]), "start_date": (today - timedelta(days=90)).isoformat(),
            "end_date": (today - timedelta(days=85)).isoformat(), "metric_types": "IMPRESSION"})
        assert response.status_code == 200, response.text
        statuses = {day["data_status"] for pin in response.json().values() for day in pin["all"]["daily_metrics"]}
        assert statuses == {"READY"}


def test_the_default_demo_keeps_its_shape(tmp_path):
    url = f"sqlite:///{tmp_path / 'default.sqlite3'}"
    demo = json.loads(run("demo", "--db", url, "--json").stdout)
    engine = make_engine(url)
    settings = Settings(database_url=url, log_requests=False, rate_limits_enabled=False)
    server = LiveServer(Runtime.build(engine, settings)).start()
    try:
        with httpx.Client(base_url=f"{server.url}/v5", headers={"Authorization": f"Bearer {demo['access_token']}"}) as client:
            me = client.get("/user_account").json()
            assert (me["board_count"], me["pin_count"]) == (5, 77)
            days = created_days(public_pins(client))
            today = server.runtime.clock.today()
            assert today - timedelta(days=180) <= days[0] and days[-1] <= today
    finally:
        server.stop()
        engine.dispose()
