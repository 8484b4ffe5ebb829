from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from pinsight.api.deps import AdAccountId, Authorized
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.api.v5.filters import AppTypes, metric_types, one_of
from pinsight.catalog.dimensions import PIN_SPLITS
from pinsight.catalog.metrics import MULTI_PIN_ANALYTICS_METRICS, PIN_ANALYTICS_METRICS
from pinsight.services.organic import analytics

router = APIRouter(tags=["pins"])

Day = Annotated[str, Query(max_length=10)]
PinSplit = one_of(PIN_SPLITS)
PinMetrics = metric_types(PIN_ANALYTICS_METRICS, required=True)
MultiPinMetrics = metric_types(MULTI_PIN_ANALYTICS_METRICS, required=True)


@route(router, "multi_pins/analytics", answers=models.MultiPinAnalytics)
async def multi_pin_analytics(
    caller: Authorized,
    pin_ids: Annotated[list[str], Query()],
    start_date: Day,
    end_date: Day,
    metric_types: MultiPinMetrics,
    app_types: AppTypes = "ALL",
    ad_account_id: AdAccountId = None,
):
    return await caller.call(
        analytics.multi_pin_analytics,
        pin_ids,
        start_date=start_date,
        end_date=end_date,
        app_types=app_types,
        metric_types=metric_types,
    )


@route(router, "pins/analytics", answers=models.PinAnalytics)
async def pin_analytics(
    caller: Authorized,
    pin_id: str,
    start_date: Day,
    end_date: Day,
    metric_types: PinMetrics,
    app_types: AppTypes = "ALL",
    split_field: PinSplit = "NO_SPLIT",
    ad_account_id: AdAccountId = None,
):
    return await caller.call(
        analytics.pin_analytics,
        pin_id,
        start_date=start_date,
        end_date=end_date,
        app_types=app_types,
        metric_types=metric_types,
        split_field=split_field,
    )
