"""The demo (what ``make run`` serves) has audience insights to show under the default
minimum audience size: its ad account's people are many enough, and skewed as the demo's
ads history is."""

from __future__ import annotations

import httpx

from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.demo.generator import seed_demo
from pinsight.services.identity.auth import create_user_token
from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
from pinsight.store.db import make_engine, migrate
from tests.support.server import LiveServer


def test_the_demo_account_has_insights_above_the_default_minimum(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    settings = Settings(database_url=url, log_requests=False, rate_limits_enabled=False)
    assert settings.audience_min_size == 100
    runtime = Runtime.build(engine, settings)
    summary = seed_demo(engine, runtime.clock.now(), seed=42)
    token = create_user_token(runtime, summary.username, frozenset(ALL_SCOPES))
    server = LiveServer(runtime).start()
    try:
        with httpx.Client(base_url=f"{server.url}/v5", headers={"Authorization": f"Bearer {token}"}) as client:
            answers = {kind: client.get(f"/ad_accounts/{summary.ad_account_id}/audience_insights",
                                        params={"audience_insight_type": kind}).json()
                       for kind in ("YOUR_TOTAL_AUDIENCE", "YOUR_ENGAGED_AUDIENCE", "PINTEREST_TOTAL_AUDIENCE")}
    finally:
        server.stop()
        engine.dispose()
    total = answers["YOUR_TOTAL_AUDIENCE"]
    assert not total["size_is_upper_bound"] and total["size"] >= 1000
    genders = {value["key"]: value["ratio"] for value in total["demographics"]["genders"]}
    assert genders["female"] > genders["male"]
    assert {"ages", "devices", "metros", "countries"} <= {name for name, values in total["demographics"].items() if values}
    assert total["categories"] and all(category["ratio"] * total["size"] >= 100 for category in total["categories"])
    engaged = answers["YOUR_ENGAGED_AUDIENCE"]
    assert not engaged["size_is_upper_bound"] and engaged["demographics"]["genders"]
    assert answers["PINTEREST_TOTAL_AUDIENCE"]["size"] >= total["size"]
