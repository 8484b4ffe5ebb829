"""Campaigns of the ad account the path names (``catalog.operations``: ad_account_id from PATH)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query

from pinsight.api.deps import DEFAULT_PAGE, Authorized, Bookmark, PageSize
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.catalog.ads import ENTITY_STATUSES, MAX_CAMPAIGNS_PER_REQUEST
from pinsight.services.ads import campaigns

router = APIRouter(tags=["campaigns"])

# A JSON array of 1 to 30 items; each item is checked on its own by the service, so one bad
# campaign is answered in its own entry rather than refusing the request.
CampaignItems = Annotated[list[Any], Body(min_length=1, max_length=MAX_CAMPAIGNS_PER_REQUEST)]
# Repeated or comma-separated, checked by the service.
IdList = Annotated[list[str] | None, Query()]
StatusList = Annotated[list[str] | None, Query(json_schema_extra={"x-enum": list(ENTITY_STATUSES)})]
Order = Literal["ASCENDING", "DESCENDING"]


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
async def create_campaigns(caller: Authorized, ad_account_id: str, items: CampaignItems):
    return await caller.call(campaigns.create_campaigns, items)


@route(router, "campaigns/update", answers=models.CampaignBatch)
async def update_campaigns(caller: Authorized, ad_account_id: str, items: CampaignItems):
    return await caller.call(campaigns.update_campaigns, items)


@route(router, "campaigns/get", answers=models.Campaign)
async def get_campaign(caller: Authorized, ad_account_id: str, campaign_id: str):
    return await caller.call(campaigns.get_campaign, campaign_id)
