from __future__ import annotations

from fastapi import APIRouter

from pinsight.api.deps import DEFAULT_PAGE, Authorized, Bookmark, PageSize
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.services.ads import ad_accounts
from pinsight.services.ads.requests import AdAccountCreate

router = APIRouter(tags=["ad_accounts"])


@route(router, "ad_accounts/list", answers=models.AdAccountList)
async def list_ad_accounts(
    caller: Authorized,
    include_shared_accounts: bool = True,
    bookmark: Bookmark = None,
    page_size: PageSize = DEFAULT_PAGE,
):
    return await caller.call(ad_accounts.list_ad_accounts, include_shared_accounts, bookmark, page_size)


@route(router, "ad_accounts/create", answers=models.AdAccount)
async def create_ad_account(caller: Authorized, body: AdAccountCreate):
    return await caller.call(ad_accounts.create_ad_account, body)


@route(router, "ad_accounts/get", answers=models.AdAccount)
async def get_ad_account(caller: Authorized, ad_account_id: str):
    # The caller acts on the ad account the path names (``catalog.operations``: PATH).
    return await caller.call(ad_accounts.get_ad_account)
