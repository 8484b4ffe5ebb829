"""Audience insights of the ad account the path names (``services.ads.audience_insights``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from pinsight.api.deps import Authorized
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.catalog.audiences import AUDIENCE_INSIGHT_TYPES
from pinsight.services.ads import audience_insights

router = APIRouter(tags=["audience_insights"])

# Taken as text and checked by the service, so that a missing or unknown type is
# Pinterest's 400 naming the parameter and its values.
InsightType = Annotated[str | None, Query(max_length=64, json_schema_extra={"x-enum": list(AUDIENCE_INSIGHT_TYPES)})]


@route(router, "audience_insights/get", answers=models.AudienceInsights)
async def audience_insights_get(caller: Authorized, ad_account_id: str, audience_insight_type: InsightType = None):
    return await caller.call(audience_insights.audience_insights, audience_insight_type)


@route(router, "audience_insights_scope_and_type/get", answers=models.AudienceDefinitions)
async def audience_definitions_get(caller: Authorized, ad_account_id: str):
    return await caller.call(audience_insights.audience_definitions)
