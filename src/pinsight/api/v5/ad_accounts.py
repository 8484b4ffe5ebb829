from __future__ import annotations

from fastapi import APIRouter

from pinsight.api.deps import DEFAULT_PAGE, Bookmark, PageSize, authorized
from pinsight.api.responses import JSON
from pinsight.services import ad_accounts

router = APIRouter(prefix="/v5", tags=["ad_accounts"])


@router.get("/ad_accounts", operation_id="ad_accounts/list")
async def list_ad_accounts(
    include_shared_accounts: bool = True,
    bookmark: Bookmark = None,
    page_size: PageSize = DEFAULT_PAGE,
    caller=authorized("ad_accounts/list"),
):
    return JSON(await caller.call(ad_accounts.list_ad_accounts, include_shared_accounts, bookmark, page_size))


@router.get("/ad_accounts/{ad_account_id}", operation_id="ad_accounts/get")
async def get_ad_account(ad_account_id: str, caller=authorized("ad_accounts/get")):
    return JSON(await caller.call(ad_accounts.get_ad_account, ad_account_id))
