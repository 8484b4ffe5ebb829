"""Campaigns through the SDK's Campaign model, and a new ad account through its AdAccount model."""

from __future__ import annotations

from openapi_generated.pinterest_client.exceptions import ForbiddenException, NotFoundException
from pinterest.ads.ad_accounts import AdAccount
from pinterest.ads.campaigns import Campaign

import pytest

from tests.sdk.helpers import unique, walk_pages
from tests.support.factories import make_ad_account


def test_create_an_ad_account(user, user_client):
    name = unique("SDK ads")
    account = AdAccount.create(name=name, owner_user_id=user.id, country="GB", currency="GBP", client=user_client)
    assert account.name == name and account.owner.username == user.username
    assert (account.country.value, account.currency.value) == ("GB", "GBP")
    assert account.permissions == ["OWNER"]
    with pytest.raises(ForbiddenException):
        AdAccount.create(name=name, owner_user_id="1", country="US", client=user_client)


def test_create_get_list_and_update_campaigns(runtime, user, user_client):
    account = AdAccount.create(name=unique("SDK ads"), owner_user_id=user.id, country="US", client=user_client)
    campaign = Campaign.create(ad_account_id=account.id, name="SDK campaign", objective_type="AWARENESS",
                               daily_spend_cap=5_000_000, tracking_urls={"click": ["https://t.example/c"]},
                               client=user_client)
    assert campaign.ad_account_id == account.id and campaign.name == "SDK campaign"
    # Enumerations come back as the SDK's enum models.
    assert campaign.status == "ACTIVE" and campaign.summary_status.value == "RUNNING"
    assert str(campaign.objective_type) == "AWARENESS" and campaign.daily_spend_cap == 5_000_000
    assert campaign.tracking_urls["click"] == ["https://t.example/c"]
    assert isinstance(campaign.created_time, int) and campaign.type == "campaign"

    again = Campaign(ad_account_id=account.id, campaign_id=campaign.id, client=user_client)
    assert again.id == campaign.id and again.name == campaign.name

    others = [Campaign.create(ad_account_id=account.id, name=f"More {index}", objective_type="CONSIDERATION",
                              client=user_client) for index in range(3)]
    pages = walk_pages(Campaign.get_all(ad_account_id=account.id, page_size=2, client=user_client))
    assert [len(page) for page in pages] == [2, 2]
    assert [c.id for page in pages for c in page] == [campaign.id, *(c.id for c in others)]  # the SDK asks ASCENDING
    chosen, _ = Campaign.get_all(ad_account_id=account.id, campaign_ids=[others[0].id, others[2].id],
                                 order="DESCENDING", client=user_client)
    assert [c.id for c in chosen] == [others[2].id, others[0].id]

    assert campaign.set_daily_budget(7_000_000)
    assert Campaign(ad_account_id=account.id, campaign_id=campaign.id, client=user_client).daily_spend_cap == 7_000_000
    assert campaign.pause() and campaign.status == "PAUSED"
    assert campaign.update_fields(name="Renamed by the SDK", lifetime_spend_cap=None, client=user_client)
    assert campaign.name == "Renamed by the SDK" and campaign.daily_spend_cap == 7_000_000
    assert others[0].archive()
    listed, _ = Campaign.get_all(ad_account_id=account.id, entity_statuses=["PAUSED", "ACTIVE"], client=user_client)
    assert {c.id for c in listed} == {campaign.id, others[1].id, others[2].id}


def test_another_users_campaigns_are_not_found(runtime, user, other_user, sdk_client):
    account = make_ad_account(runtime, other_user)
    with pytest.raises(NotFoundException):
        Campaign.get_all(ad_account_id=account, client=sdk_client(user.token))
