"""Async reports, templates and bulk downloads through the official SDK's generated client
(AdAccountsApi, BulkApi): the requests the SDK builds are taken, its typed answers
validate (the SDK types some statuses as enum models, others as plain strings), and the
report's rows equal the sync answer for the same request."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
from openapi_generated.pinterest_client.api.ad_accounts_api import AdAccountsApi
from openapi_generated.pinterest_client.api.bulk_api import BulkApi
from openapi_generated.pinterest_client.model.ads_analytics_create_async_request import AdsAnalyticsCreateAsyncRequest
from openapi_generated.pinterest_client.model.bulk_download_request import BulkDownloadRequest
from openapi_generated.pinterest_client.model.reporting_column_async import ReportingColumnAsync

from pinsight.services.ads.report_templates import create_template

COLUMNS = ["SPEND_IN_MICRO_DOLLAR", "PAID_IMPRESSION", "CTR"]


def _word(value) -> str:
    """A status as text: the SDK types some as enum models (``.value``), some as strings."""
    return getattr(value, "value", value)


def _until(check, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer is not None or time.monotonic() > deadline:
            return answer
        time.sleep(0.1)


def test_an_async_report_through_the_sdk_equals_the_sync_answer(runtime, demo, sdk_client):
    client = sdk_client(demo["access_token"])
    api = AdAccountsApi(client)
    account = demo["ad_account_id"]
    today = runtime.clock.today()
    start, end = (today - timedelta(days=30)).isoformat(), today.isoformat()
    created = api.analytics_create_report(account, AdsAnalyticsCreateAsyncRequest(
        start_date=start, end_date=end, granularity="DAY", level="CAMPAIGN",
        columns=[ReportingColumnAsync(name) for name in COLUMNS]))
    assert _word(created.report_status) == "IN_PROGRESS" and created.token

    def finished():
        state = api.analytics_get_report(account, created.token)
        return state if _word(state.report_status) != "IN_PROGRESS" else None

    state = _until(finished)
    assert _word(state.report_status) == "FINISHED", state
    report = httpx.get(state.url).json()
    assert state.size == len(httpx.get(state.url).content)
    campaigns = sorted(report)
    sync = httpx.get(f"{client.configuration.host}/ad_accounts/{account}/campaigns/analytics",
                     headers={"Authorization": f"Bearer {demo['access_token']}"},
                     params={"campaign_ids": ",".join(campaigns), "columns": ",".join(COLUMNS), "granularity": "DAY",
                             "start_date": start, "end_date": end}).json()
    assert [row for campaign in report for row in report[campaign]] == sync and sync


def test_templates_through_the_sdk(runtime, demo, sdk_client):
    client = sdk_client(demo["access_token"])
    api = AdAccountsApi(client)
    account = demo["ad_account_id"]
    with runtime.engine.connect() as conn:
        from sqlalchemy import select

        from pinsight.store.tables import ad_accounts

        owner = conn.execute(select(ad_accounts.c.owner_id).where(ad_accounts.c.id == int(account))).scalar_one()
    made = create_template(runtime, ad_account_id=int(account), user_id=owner, name="SDK weekly",
                           request={"level": "ADVERTISER", "granularity": "DAY", "columns": COLUMNS},
                           start_days_ago=7, end_days_ago=1)
    listed = api.templates_list(account)
    assert made["id"] in [item["id"] for item in listed["items"]]
    report = api.analytics_create_template_report(account, made["id"])
    assert report.template_id == made["id"] and _word(report.report_status) == "IN_PROGRESS"


def test_a_bulk_download_through_the_sdk(demo, sdk_client):
    client = sdk_client(demo["access_token"])
    bulk = BulkApi(client)
    account = demo["ad_account_id"]
    created = bulk.bulk_download_create(account, BulkDownloadRequest(entity_types=["CAMPAIGN"]))
    assert created.request_id.isdigit()

    def succeeded():
        state = bulk.bulk_request_get(account, created.request_id)
        return state if _word(state.status) != "RUNNING" else None

    state = _until(succeeded)
    assert _word(state.status) == "SUCCEEDED"
    assert httpx.get(state.result_url).status_code == 200
