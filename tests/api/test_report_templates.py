"""Report templates over HTTP on both databases: made with `pinsight template create` (or
its service), listed page by page, and run as async reports over their relative range or
the dates given; the report equals one asked for directly."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import httpx

from pinsight.services.ads.report_templates import create_template
from tests.support.api import all_pages, assert_error
from tests.support.factories import make_ad_account, make_ads, make_user

REQUEST = {"level": "CAMPAIGN", "granularity": "DAY", "columns": ["SPEND_IN_MICRO_DOLLAR", "PAID_IMPRESSION"]}


def _finished(client, account_id: str, token: str) -> bytes:
    deadline = time.monotonic() + 60
    while True:
        state = client.get(f"/ad_accounts/{account_id}/reports", params={"token": token}).json()
        if state["report_status"] != "IN_PROGRESS" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert state["report_status"] == "FINISHED", state
    return httpx.get(state["url"]).content


def test_templates_are_listed_and_run(runtime, server, user):
    account_id = make_ad_account(runtime, user)
    make_ads(runtime, account_id, 1)
    made = [create_template(runtime, ad_account_id=int(account_id), user_id=int(user.id), name=f"Weekly {n}",
                            request=REQUEST, start_days_ago=7, end_days_ago=1) for n in range(3)]
    listed = all_pages(user.client, f"/ad_accounts/{account_id}/templates", page_size=2)
    assert [item["id"] for item in listed] == [item["id"] for item in reversed(made)]
    ascending = all_pages(user.client, f"/ad_accounts/{account_id}/templates", page_size=2, order="ASCENDING")
    assert [item["id"] for item in ascending] == [item["id"] for item in made]
    first = listed[-1]
    assert (first["report_level"], first["columns"], first["granularity"]) == ("CAMPAIGN", REQUEST["columns"], "DAY")
    assert (first["report_start_relative_days_in_past"], first["report_end_relative_days_in_past"]) == (7, 1)
    assert first["is_owned_by_user"] is True and first["ad_account_id"] == account_id

    answer = user.client.post(f"/ad_accounts/{account_id}/templates/{first['id']}/reports")
    assert answer.status_code == 200, answer.text
    created = answer.json()
    assert created["template_id"] == first["id"] and created["report_status"] == "IN_PROGRESS"
    from_template = _finished(user.client, account_id, created["token"])
    today = runtime.clock.today()
    direct = user.client.post(f"/ad_accounts/{account_id}/reports", json={
        **REQUEST, "start_date": (today - timedelta(days=7)).isoformat(),
        "end_date": (today - timedelta(days=1)).isoformat()}).json()
    assert from_template == _finished(user.client, account_id, direct["token"])

    custom = user.client.post(f"/ad_accounts/{account_id}/templates/{first['id']}/reports", params={
        "start_date": (today - timedelta(days=200)).isoformat(), "end_date": today.isoformat()})
    assert_error(custom, 400)  # 200 days: longer than an async report may be
    weekly = user.client.post(f"/ad_accounts/{account_id}/templates/{first['id']}/reports",
                              params={"granularity": "WEEK"})
    assert weekly.status_code == 200, weekly.text


def test_another_accounts_template_is_not_found(runtime, server, user):
    account_id = make_ad_account(runtime, user)
    other = make_user(runtime, server.url, prefix="templates_other")
    other_account = make_ad_account(runtime, other)
    template = create_template(runtime, ad_account_id=int(other_account), user_id=int(other.id), name="Theirs",
                               request=REQUEST, start_days_ago=3, end_days_ago=0)
    assert_error(user.client.post(f"/ad_accounts/{account_id}/templates/{template['id']}/reports"), 404)
    assert_error(user.client.post(f"/ad_accounts/{account_id}/templates/not-an-id/reports"), 404)
    assert user.client.get(f"/ad_accounts/{account_id}/templates").json() == {"items": [], "bookmark": None}


def test_a_bad_template_is_refused_when_made(runtime, user):
    import pytest

    from pinsight.errors import InvalidParameters

    account_id = make_ad_account(runtime, user)
    for request, start, end in (({**REQUEST, "columns": ["NOPE"]}, 7, 1), (REQUEST, 1, 7), (REQUEST, 300, 1)):
        with pytest.raises(InvalidParameters):
            create_template(runtime, ad_account_id=int(account_id), user_id=int(user.id), name="Bad",
                            request=request, start_days_ago=start, end_days_ago=end)
