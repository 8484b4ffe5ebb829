from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from pinsight.api.deps import AdAccountId, Authorized
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.api.v5.filters import one_of
from pinsight.catalog.ad_reporting import REPORT_TYPES
from pinsight.services.ads import resources, targeting_options

router = APIRouter(tags=["resources"])

ReportType = one_of(REPORT_TYPES)


@route(router, "metrics_ready_state/get", answers=models.MetricsReadyState)
async def metrics_ready_state(caller: Authorized, date: Annotated[str, Query(max_length=10)]):
    return await caller.call(resources.metrics_ready_state, date)


@route(router, "delivery_metrics/get", answers=models.DeliveryMetrics)
async def delivery_metrics(caller: Authorized, report_type: ReportType | None = None):
    return await caller.call(resources.delivery_metrics, report_type)


@route(router, "targeting_options/get", answers=models.TargetingOptions)
async def targeting_options_get(caller: Authorized, targeting_type: Annotated[str, Path(max_length=32)],
                                ad_account_id: AdAccountId = None):
    return await caller.call(targeting_options.targeting_options, targeting_type)


@route(router, "interest_targeting_options/get", answers=models.InterestTargetingOption)
async def interest_targeting_option_get(caller: Authorized,
                                        interest_id: Annotated[str, Path(max_length=18, pattern=r"^\d+$")]):
    return await caller.call(targeting_options.interest_option, interest_id)
