"""The demo's ads history (``pinsight.demo.ads``): entities over promoted pins, delivery and
conversions, with every derived table equal to what the plain rules give from the raw rows."""

from __future__ import annotations

from sqlalchemy import func, select

from pinsight.catalog import targeting_dictionaries
from pinsight.catalog.ad_actions import ATTRIBUTION_TYPES, REPORT_TIMES
from pinsight.catalog.ad_reporting import ROLLUP_ZONES
from pinsight.demo.ads import DEMO
from pinsight.domain.ads.attribution import Windows
from pinsight.store.ads import activity
from pinsight.store.tables import ad_conversions, ads, pins
from tests.support import ads_oracle


def test_the_demo_has_an_ads_history_equal_to_its_rebuild(runtime, demo):
    account = int(demo["ad_account_id"])
    with runtime.engine.connect() as conn:
        ad_rows = conn.execute(select(ads.c.id, ads.c.pin_id).where(ads.c.ad_account_id == account)).all()
        promoted = conn.execute(select(pins.c.has_been_promoted).where(pins.c.id.in_([pin for _, pin in ad_rows]))).scalars().all()
        conversion_count = conn.execute(select(func.count()).select_from(ad_conversions)
                                        .where(ad_conversions.c.ad_account_id == account)).scalar_one()
        actions, spend, stored = ads_oracle.raw(conn, account)
        delivery = activity.stored_delivery(conn, account)
        today = runtime.clock.today()
        assert len(ad_rows) == DEMO.ads and all(promoted)
        assert len(actions) == DEMO.actions and conversion_count == DEMO.conversions
        expected = ads_oracle.expected_delivery(actions, spend, ROLLUP_ZONES)
        assert {key: dict(zip(activity.DELIVERY_SUMS, values)) for key, values in delivery.items()} == \
            {key: {name: row.get(name, 0) for name in activity.DELIVERY_SUMS} for key, row in expected.items()}
        targeting = ads_oracle.expected_targeting(actions, spend, ads_oracle.facts(conn, account), account, ROLLUP_ZONES)
        assert {key: dict(zip(activity.DELIVERY_SUMS, values))
                for key, values in activity.stored_targeting(conn, account).items()} == \
            {key: {name: row.get(name, 0) for name in activity.DELIVERY_SUMS} for key, row in targeting.items()}
        # Skewed like a real audience, and every slice a targeting dictionary's key.
        impressions: dict[tuple, int] = {}
        for (_, zone, kind, _, value), values in activity.stored_targeting(conn, account).items():
            if zone == "UTC":
                impressions[(kind, value)] = impressions.get((kind, value), 0) + values[0]
        assert impressions[("GENDER", "female")] > impressions[("GENDER", "male")] > impressions[("GENDER", "unknown")]
        locations = {value for kind, value in impressions if kind == "LOCATION"}
        assert "501" in locations and locations <= set(targeting_dictionaries.location_options())
        assert all(targeting_dictionaries.is_interest(value) for kind, value in impressions if kind == "PINNER_INTEREST")
        credited_kinds = set()
        for windows in (Windows(30, 30, 1), Windows(7, 1, 0), Windows(60, 60, 60)):
            for attribution_type in ATTRIBUTION_TYPES:
                for report_time in REPORT_TIMES:
                    for zone in ROLLUP_ZONES:
                        wanted = ads_oracle.expected_conversions(actions, stored, windows, attribution_type,
                                                                 report_time, zone)
                        assert ads_oracle.stored_conversions(conn, account, today, windows, attribution_type,
                                                             report_time, zone) == wanted
                        credited_kinds |= {key[2] for key in wanted}
    # Realistic enough to exercise every kind of credit.
    assert credited_kinds == {"CLICK", "ENGAGEMENT", "VIEW"}


def test_the_demo_ads_entities_read_back_over_the_api(demo, server):
    """The demo's campaigns, ad groups and ads, written by the generator, render as the API's own."""
    import httpx

    headers = {"Authorization": f"Bearer {demo['access_token']}"}
    base = f"{server.url}/v5/ad_accounts/{demo['ad_account_id']}"
    with httpx.Client(headers=headers, timeout=30) as client:
        statuses = "ACTIVE,PAUSED"
        campaigns = client.get(f"{base}/campaigns", params={"page_size": 250, "entity_statuses": statuses})
        groups = client.get(f"{base}/ad_groups", params={"page_size": 250, "entity_statuses": statuses})
        ads_page = client.get(f"{base}/ads", params={"page_size": 250, "entity_statuses": statuses})
        for answer in (campaigns, groups, ads_page):
            assert answer.status_code == 200, answer.text
        assert (len(campaigns.json()["items"]), len(groups.json()["items"]), len(ads_page.json()["items"])) == \
            (DEMO.campaigns, DEMO.campaigns * DEMO.ad_groups_per_campaign, DEMO.ads)
        ad = ads_page.json()["items"][0]
        assert client.get(f"{base}/ads/{ad['id']}").json() == ad
        group = client.get(f"{base}/ad_groups/{ad['ad_group_id']}")
        assert group.status_code == 200 and group.json()["campaign_id"] == ad["campaign_id"]
