"""Account-wide organic analytics: /v5/user_account/analytics and its top Pins lists."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from pinsight.api.deps import AdAccountId, Authorized
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.api.v5.filters import AppTypes, ClaimedContent, ContentType, PinFormat, Source, metric_types, one_of
from pinsight.catalog import metrics
from pinsight.catalog.dimensions import ACCOUNT_SPLITS
from pinsight.services.organic import account_analytics

router = APIRouter(tags=["user_account"])

Day = Annotated[str, Query(max_length=10)]
SplitField = one_of(ACCOUNT_SPLITS)
TopPinsSort = one_of(metrics.TOP_PINS_SORT_BY)
TopVideoPinsSort = one_of(metrics.TOP_VIDEO_PINS_SORT_BY)
NumOfPins = Annotated[int, Query(ge=1, le=50)]
# The spec's only value is 30.
CreatedInLastNDays = Annotated[int | None, Query(ge=30, le=30)]
AccountMetrics = metric_types(metrics.USER_ACCOUNT_METRICS, required=False)
TopPinsMetrics = metric_types(metrics.TOP_PINS_METRICS, required=False)
TopVideoPinsMetrics = metric_types(metrics.TOP_VIDEO_PINS_METRICS, required=False)


@dataclass
class AccountQuery:
    """The period and filters every account analytics operation shares (query parameters)."""

    start_date: Day
    end_date: Day
    from_claimed_content: ClaimedContent = "BOTH"
    pin_format: PinFormat = "ALL"
    app_types: AppTypes = "ALL"
    content_type: ContentType = "ALL"
    source: Source = "ALL"


Shared = Annotated[AccountQuery, Depends()]


@route(router, "user_account/analytics", answers=models.AccountAnalytics)
async def user_account_analytics(
    caller: Authorized,
    shared: Shared,
    metric_types: AccountMetrics = None,
    split_field: SplitField = "NO_SPLIT",
    ad_account_id: AdAccountId = None,
):
    return await caller.call(
        account_analytics.user_account_analytics, metric_types=metric_types, split_field=split_field, **asdict(shared)
    )


@route(router, "user_account/analytics/top_pins", answers=models.TopPins)
async def top_pins(
    caller: Authorized,
    shared: Shared,
    sort_by: TopPinsSort,
    metric_types: TopPinsMetrics = None,
    num_of_pins: NumOfPins = 10,
    created_in_last_n_days: CreatedInLastNDays = None,
    ad_account_id: AdAccountId = None,
):
    return await caller.call(
        account_analytics.top_pins,
        sort_by=sort_by,
        metric_types=metric_types,
        num_of_pins=num_of_pins,
        created_in_last_n_days=created_in_last_n_days,
        **asdict(shared),
    )


@route(router, "user_account/analytics/top_video_pins", answers=models.TopPins)
async def top_video_pins(
    caller: Authorized,
    shared: Shared,
    sort_by: TopVideoPinsSort,
    metric_types: TopVideoPinsMetrics = None,
    num_of_pins: NumOfPins = 10,
    created_in_last_n_days: CreatedInLastNDays = None,
    ad_account_id: AdAccountId = None,
):
    return await caller.call(
        account_analytics.top_video_pins,
        sort_by=sort_by,
        metric_types=metric_types,
        num_of_pins=num_of_pins,
        created_in_last_n_days=created_in_last_n_days,
        **asdict(shared),
    )
