"""Campaigns of the ad account the path names (``catalog.operations``: ad_account_id from PATH)."""

from __future__ import annotations

from fastapi import APIRouter

from pinsight.api.deps import DEFAULT_PAGE, Authorized, Bookmark, PageSize
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.api.v5.filters import AdsItems, IdList, Order, StatusList
from pinsight.services.ads import campaigns

router = APIRouter(tags=["campaigns"])


@route(router, "campaigns/list", answers=models.CampaignList)
async def list_campaigns(
    caller: Authorized,
    ad_account_id: str,
    campaign_ids: IdList = None,
    entity_statuses: StatusList = None,
    order: Order | None = None,
    bookmark: Bookmark = None,
    page_size: PageSize = DEFAULT_PAGE,
):
    return await caller.call(campaigns.list_campaigns, campaign_ids, entity_statuses, order, bookmark, page_size)


@route(router, "campaigns/create", answers=models.CampaignBatch)
async def create_campaigns(caller: Authorized, ad_account_id: str, items: AdsItems):
    return await caller.call(campaigns.create_campaigns, items)


@route(router, "campaigns/update", answers=models.CampaignBatch)
async def update_campaigns(caller: Authorized, ad_account_id: str, items: AdsItems):
    return await caller.call(campaigns.update_campaigns, items)


@route(router, "campaigns/get", answers=models.Campaign)
async def get_campaign(caller: Authorized, ad_account_id: str, campaign_id: str):
    return await caller.call(campaigns.get_campaign, campaign_id)
