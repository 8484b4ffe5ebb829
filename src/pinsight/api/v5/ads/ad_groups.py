"""Ad groups of the ad account the path names (``catalog.operations``: ad_account_id from PATH)."""

from __future__ import annotations

from fastapi import APIRouter

from pinsight.api.deps import DEFAULT_PAGE, Authorized, Bookmark, PageSize
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.api.v5.filters import AdsItems, IdList, Order, StatusList
from pinsight.services.ads import ad_groups

router = APIRouter(tags=["ad_groups"])


@route(router, "ad_groups/list", answers=models.AdGroupList)
async def list_ad_groups(
    caller: Authorized,
    ad_account_id: str,
    campaign_ids: IdList = None,
    ad_group_ids: IdList = None,
    entity_statuses: StatusList = None,
    order: Order | None = None,
    bookmark: Bookmark = None,
    page_size: PageSize = DEFAULT_PAGE,
    # Taken as the spec has it; interests are kept as sent, so there is nothing to translate.
    translate_interests_to_names: bool = False,
):
    return await caller.call(ad_groups.list_ad_groups, campaign_ids, ad_group_ids, entity_statuses, order, bookmark,
                             page_size)


@route(router, "ad_groups/create", answers=models.AdGroupBatch)
async def create_ad_groups(caller: Authorized, ad_account_id: str, items: AdsItems):
    return await caller.call(ad_groups.create_ad_groups, items)


@route(router, "ad_groups/update", answers=models.AdGroupBatch)
async def update_ad_groups(caller: Authorized, ad_account_id: str, items: AdsItems):
    return await caller.call(ad_groups.update_ad_groups, items)


@route(router, "ad_groups/get", answers=models.AdGroup)
async def get_ad_group(caller: Authorized, ad_account_id: str, ad_group_id: str):
    return await caller.call(ad_groups.get_ad_group, ad_group_id)
