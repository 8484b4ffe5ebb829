from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from pinsight.api.deps import AdAccountId, Authorized
from pinsight.api.routing import route
from pinsight.services import analytics

router = APIRouter(tags=["pins"])

AppTypes = Literal["ALL", "MOBILE", "TABLET", "WEB"]
Day = Annotated[str, Query(max_length=10)]
Metrics = Annotated[list[str], Query()]


@route(router, "multi_pins/analytics")
async def multi_pin_analytics(
    caller: Authorized,
    pin_ids: Annotated[list[str], Query()],
    start_date: Day,
    end_date: Day,
    metric_types: Metrics,
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


@route(router, "pins/analytics")
async def pin_analytics(
    caller: Authorized,
    pin_id: str,
    start_date: Day,
    end_date: Day,
    metric_types: Metrics,
    app_types: AppTypes = "ALL",
    split_field: Literal["NO_SPLIT", "APP_TYPE"] = "NO_SPLIT",
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
