"""Ad groups and ads through the SDK's AdGroup and Ad models, used as the SDK ships them:
create, read again, list with its filters and pages, update."""

from __future__ import annotations

import pytest
from openapi_generated.pinterest_client.api.ad_groups_api import AdGroupsApi
from openapi_generated.pinterest_client.api.ads_api import AdsApi
from openapi_generated.pinterest_client.exceptions import NotFoundException
from openapi_generated.pinterest_client.model.ad_group_response import AdGroupResponse
from openapi_generated.pinterest_client.model.ad_response import AdResponse
from pinterest.ads.ad_accounts import AdAccount
from pinterest.ads.ad_groups import AdGroup
from pinterest.ads.ads import Ad
from pinterest.ads.campaigns import Campaign
from pinterest.organic.boards import Board
from pinterest.organic.pins import Pin
from pinterest.utils.sdk_exceptions import SdkException

from tests.sdk.helpers import as_model, image_source, unique, walk_pages
from tests.support.factories import make_ad_account


def _account_and_campaign(user, client) -> tuple[str, Campaign]:
    account = AdAccount.create(name=unique("SDK ads"), owner_user_id=user.id, country="US", client=client)
    campaign = Campaign.create(ad_account_id=account.id, name="SDK campaign", objective_type="CONSIDERATION",
                               client=client)
    return account.id, campaign


def test_create_get_list_and_update_ad_groups(user, user_client):
    account, campaign = _account_and_campaign(user, user_client)
    group = AdGroup.create(ad_account_id=account, name="SDK ad group", campaign_id=campaign.id,
                           billable_event="CLICKTHROUGH", budget_in_micro_currency=3_000_000,
                           bid_in_micro_currency=200_000, auto_targeting_enabled=False,
                           targeting_spec={"LOCATION": ["US"], "GENDER": ["female"], "AGE_BUCKET": ["25-34"],
                                           "APPTYPE": ["iphone", "web"]},
                           placement_group="ALL", client=user_client)
    assert (group.ad_account_id, group.campaign_id, group.name) == (account, campaign.id, "SDK ad group")
    assert group.budget_in_micro_currency == 3_000_000 and group.auto_targeting_enabled is False
    assert str(group.billable_event) == "CLICKTHROUGH" and group.status == "ACTIVE" and group.type == "adgroup"
    assert group.summary_status == "RUNNING" and isinstance(group.created_time, int)
    assert group.targeting_spec.location == ["US"] and group.targeting_spec.gender == ["female"]

    again = AdGroup(ad_account_id=account, ad_group_id=group.id, client=user_client)
    assert again.id == group.id and again.name == group.name and again.bid_in_micro_currency == 200_000

    others = [AdGroup.create(ad_account_id=account, name=f"More {n}", campaign_id=campaign.id,
                             billable_event="CLICKTHROUGH", budget_in_micro_currency=1_000_000,
                             bid_in_micro_currency=100_000, auto_targeting_enabled=True, client=user_client)
              for n in range(3)]  # the SDK's create sends auto_targeting_enabled, and refuses None there itself
    pages = walk_pages(AdGroup.get_all(ad_account_id=account, page_size=2, client=user_client))
    assert [len(page) for page in pages] == [2, 2]
    assert [g.id for page in pages for g in page] == [group.id, *(g.id for g in others)]  # the SDK asks ASCENDING
    chosen, _ = AdGroup.get_all(ad_account_id=account, ad_group_ids=[others[0].id, others[2].id], order="DESCENDING",
                                client=user_client)
    assert [g.id for g in chosen] == [others[2].id, others[0].id]
    in_campaign, _ = AdGroup.get_all(ad_account_id=account, campaign_ids=[campaign.id], client=user_client)
    assert len(in_campaign) == 4
    # The list's items (untyped dicts in the SDK) are what the SDK's own response model takes.
    raw = AdGroupsApi(user_client).ad_groups_list(account, entity_statuses=["ACTIVE"])["items"]
    assert [as_model(user_client, item, AdGroupResponse).id for item in raw] == [
        group.id, *(g.id for g in others)][::-1]

    assert group.update_fields(name="Renamed by the SDK", budget_in_micro_currency=4_000_000, client=user_client)
    assert group.name == "Renamed by the SDK" and group.budget_in_micro_currency == 4_000_000
    # (enable_auto_targeting() would do this, but it updates through the SDK's default client.)
    assert group.update_fields(auto_targeting_enabled=True, client=user_client) and group.auto_targeting_enabled
    assert AdGroup(ad_account_id=account, ad_group_id=group.id, client=user_client).auto_targeting_enabled is True
    assert others[0].update_fields(status="PAUSED", client=user_client)
    listed, _ = AdGroup.get_all(ad_account_id=account, entity_statuses=["PAUSED"], client=user_client)
    assert [g.id for g in listed] == [others[0].id]
    # A refused item raises the SDK's own error, with pinsight's message.
    with pytest.raises(SdkException):
        AdGroup.create(ad_account_id=account, name="No budget", campaign_id=campaign.id, billable_event="CLICKTHROUGH",
                       bid_in_micro_currency=1, auto_targeting_enabled=True, client=user_client)


def test_create_get_list_and_update_ads(user, user_client):
    account, campaign = _account_and_campaign(user, user_client)
    group = AdGroup.create(ad_account_id=account, name="For ads", campaign_id=campaign.id, billable_event="CLICKTHROUGH",
                           budget_in_micro_currency=1_000_000, bid_in_micro_currency=100_000,
                           auto_targeting_enabled=True, client=user_client)
    board = Board.create(name=unique("Promoted"), client=user_client)
    pins = [Pin.create(board_id=board.id, title=f"To promote {n}", media_source=image_source(), client=user_client)
            for n in range(3)]
    assert not pins[0].has_been_promoted

    made = Ad.create(ad_account_id=account, ad_group_id=group.id, creative_type="REGULAR", pin_id=pins[0].id,
                     name="SDK ad", destination_url="https://shop.example/sdk",
                     tracking_urls={"click": ["https://t.example/c"]}, client=user_client)
    assert (made.ad_account_id, made.ad_group_id, made.campaign_id, made.pin_id) == (
        account, group.id, campaign.id, pins[0].id)
    assert made.name == "SDK ad" and str(made.creative_type) == "REGULAR" and str(made.status) == "ACTIVE"
    assert made.review_status == "APPROVED" and made.summary_status == "APPROVED" and made.type == "pinpromotion"
    assert made.is_pin_deleted is False and made.is_removable is True  # the SDK sends is_removable=True
    assert str(made.grid_click_type) == "DIRECT_TO_DESTINATION" and made.rejected_reasons == []
    assert Pin(pin_id=pins[0].id, client=user_client).has_been_promoted

    again = Ad(ad_account_id=account, ad_id=made.id, client=user_client)
    assert again.id == made.id and again.destination_url == "https://shop.example/sdk"

    others = [Ad.create(ad_account_id=account, ad_group_id=group.id, creative_type="REGULAR", pin_id=pin.id,
                        client=user_client) for pin in pins[1:]]
    pages = walk_pages(Ad.get_all(ad_account_id=account, page_size=2, client=user_client))
    assert [[a.id for a in page] for page in pages] == [[made.id, others[0].id], [others[1].id]]
    chosen, _ = Ad.get_all(ad_account_id=account, ad_ids=[others[1].id, made.id], order="DESCENDING",
                           client=user_client)
    assert [a.id for a in chosen] == [others[1].id, made.id]
    in_group, _ = group.list_ads()
    assert {a.id for a in in_group} == {made.id, *(a.id for a in others)}
    by_campaign, _ = Ad.get_all(ad_account_id=account, campaign_ids=[campaign.id], client=user_client)
    assert len(by_campaign) == 3
    raw = AdsApi(user_client).ads_list(account, ad_group_ids=[group.id])["items"]
    assert {as_model(user_client, item, AdResponse).id for item in raw} == {made.id, *(a.id for a in others)}

    assert made.update_fields(name="Renamed by the SDK", status="PAUSED", client=user_client)
    assert made.name == "Renamed by the SDK" and str(made.status) == "PAUSED" and made.summary_status == "PAUSED"
    listed, _ = Ad.get_all(ad_account_id=account, entity_statuses=["PAUSED"], client=user_client)
    assert [a.id for a in listed] == [made.id]
    # A pin that is not the account owner's is refused with the SDK's own error.
    with pytest.raises(SdkException):
        Ad.create(ad_account_id=account, ad_group_id=group.id, creative_type="REGULAR", pin_id="1000000000000000001",
                  client=user_client)


def test_another_users_ad_groups_and_ads_are_not_found(runtime, user, other_user, sdk_client):
    account = make_ad_account(runtime, other_user)
    with pytest.raises(NotFoundException):
        AdGroup.get_all(ad_account_id=account, client=sdk_client(user.token))
    with pytest.raises(NotFoundException):
        Ad.get_all(ad_account_id=account, client=sdk_client(user.token))
