"""Ad accounts through the SDK's AdAccount model; listing through AdAccountsApi (the model
has no list operation)."""

from __future__ import annotations

import pytest
from openapi_generated.pinterest_client.api.ad_accounts_api import AdAccountsApi
from openapi_generated.pinterest_client.exceptions import NotFoundException
from openapi_generated.pinterest_client.model.ad_account import AdAccount as AdAccountModel
from pinterest.ads.ad_accounts import AdAccount
from pinterest.organic.boards import Board

from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.services.identity.auth import create_user_token
from tests.sdk.helpers import as_model
from tests.support.factories import make_ad_account


def _all_ad_accounts(client, **params) -> list[AdAccountModel]:
    api = AdAccountsApi(client)
    items, bookmark = [], None
    for _ in range(100):
        page = api.ad_accounts_list(**params, **({"bookmark": bookmark} if bookmark else {}))
        items += [as_model(client, item, AdAccountModel) for item in page["items"]]
        bookmark = page["bookmark"]
        if bookmark is None:
            return items
    raise AssertionError("pagination did not end")


def _roles(account: AdAccountModel) -> list[str]:
    return [permission.value for permission in account.permissions]  # enum models, not strings


def test_demo_user_lists_and_reads_its_ad_account(demo, sdk_client):
    client = sdk_client(demo["access_token"])

    listed = {account.id: account for account in _all_ad_accounts(client)}
    assert demo["ad_account_id"] in listed
    entry = listed[demo["ad_account_id"]]
    assert entry.owner.username == demo["username"]
    assert _roles(entry) == ["OWNER"]

    account = AdAccount(demo["ad_account_id"], client=client)
    assert account.id == demo["ad_account_id"]
    assert account.name == entry.name and account.name
    assert account.owner.username == demo["username"]
    assert (account.country.value, account.currency.value) == ("US", "USD")
    assert account.permissions == ["OWNER"]
    assert isinstance(account.created_time, int) and account.updated_time >= account.created_time


def test_shared_ad_account_is_listed_with_its_role(runtime, demo, sdk_client):
    friend = sdk_client(create_user_token(runtime, demo["friend_username"], frozenset(ALL_SCOPES)))

    shared = {account.id: account for account in _all_ad_accounts(friend)}
    assert _roles(shared[demo["ad_account_id"]]) == ["ANALYST"]
    assert shared[demo["ad_account_id"]].owner.username == demo["username"]
    own_only = {account.id for account in _all_ad_accounts(friend, include_shared_accounts=False)}
    assert demo["ad_account_id"] not in own_only

    account = AdAccount(demo["ad_account_id"], client=friend)
    assert account.permissions == ["ANALYST"]

    # Business Access: the friend lists the demo user's boards through the ad account;
    # an Analyst sees public and protected boards, never secret ones.
    boards, _ = Board.get_all(ad_account_id=demo["ad_account_id"], page_size=250, client=friend)
    assert boards
    assert all(board.owner == {"username": demo["username"]} for board in boards)
    assert {board.privacy for board in boards} <= {"PUBLIC", "PROTECTED"}


def test_ad_accounts_list_across_pages(runtime, user, sdk_client):
    created = {make_ad_account(runtime, user, name=f"Ads {index}") for index in range(5)}
    client = sdk_client(user.token)
    api = AdAccountsApi(client)

    sizes, seen, bookmark = [], [], None
    while True:
        page = api.ad_accounts_list(page_size=2, **({"bookmark": bookmark} if bookmark else {}))
        sizes.append(len(page["items"]))
        seen += [as_model(client, item, AdAccountModel).id for item in page["items"]]
        bookmark = page["bookmark"]
        if bookmark is None:
            break
    assert sizes == [2, 2, 1]
    assert sorted(seen) == sorted(created)


def test_another_users_ad_account_is_not_found(demo, user, sdk_client):
    with pytest.raises(NotFoundException) as caught:
        AdAccount(demo["ad_account_id"], client=sdk_client(user.token))
    assert caught.value.status == 404
