"""Ads of the ad account the path names (``catalog.operations``: ad_account_id from PATH)."""

from __future__ import annotations

from fastapi import APIRouter

from pinsight.api.deps import DEFAULT_PAGE, Authorized, Bookmark, PageSize
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.api.v5.filters import AdsItems, IdList, Order, StatusList
from pinsight.services.ads import ads

router = APIRouter(tags=["ads"])


@route(router, "ads/list", answers=models.AdList)
async def list_ads(
    caller: Authorized,
    ad_account_id: str,
    campaign_ids: IdList = None,
    ad_group_ids: IdList = None,
    ad_ids: IdList = None,
    entity_statuses: StatusList = None,
    order: Order | None = None,
    bookmark: Bookmark = None,
    page_size: PageSize = DEFAULT_PAGE,
):
    return await caller.call(ads.list_ads, campaign_ids, ad_group_ids, ad_ids, entity_statuses, order, bookmark,
                             page_size)


@route(router, "ads/create", answers=models.AdBatch)
async def create_ads(caller: Authorized, ad_account_id: str, items: AdsItems):
    return await caller.call(ads.create_ads, items)


@route(router, "ads/update", answers=models.AdBatch)
async def update_ads(caller: Authorized, ad_account_id: str, items: AdsItems):
    return await caller.call(ads.update_ads, items)


@route(router, "ads/get", answers=models.Ad)
async def get_ad(caller: Authorized, ad_account_id: str, ad_id: str):
    return await caller.call(ads.get_ad, ad_id)
