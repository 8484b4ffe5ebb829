"""Account-wide organic analytics: /v5/user_account/analytics and its top Pins lists."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from pinsight.api.deps import AdAccountId, Authorized
from pinsight.api.routing import route
from pinsight.services import account_analytics

router = APIRouter(tags=["user_account"])

Day = Annotated[str, Query(max_length=10)]
Metrics = Annotated[list[str] | None, Query()]
ClaimedContent = Literal["OTHER", "CLAIMED", "BOTH"]
PinFormat = Literal["ALL", "ORGANIC_IMAGE", "ORGANIC_PRODUCT", "ORGANIC_VIDEO", "ADS_STANDARD", "ADS_PRODUCT", "ADS_VIDEO", "ADS_IDEA"]
AppTypes = Literal["ALL", "MOBILE", "TABLET", "WEB"]
ContentType = Literal["ALL", "PAID", "ORGANIC"]
Source = Literal["ALL", "YOUR_PINS", "OTHER_PINS"]
SplitField = Literal["NO_SPLIT", "APP_TYPE", "OWNED_CONTENT", "SOURCE", "PIN_FORMAT"]
TopPinsSort = Literal["ENGAGEMENT", "IMPRESSION", "OUTBOUND_CLICK", "PIN_CLICK", "SAVE"]
TopVideoPinsSort = Literal[
    "IMPRESSION", "SAVE", "OUTBOUND_CLICK", "VIDEO_MRC_VIEW", "VIDEO_AVG_WATCH_TIME", "VIDEO_V50_WATCH_TIME",
    "QUARTILE_95_PERCENT_VIEW", "VIDEO_10S_VIEW", "VIDEO_START",
]
NumOfPins = Annotated[int, Query(ge=1, le=50)]
# The spec's only value is 30.
CreatedInLastNDays = Annotated[int | None, Query(ge=30, le=30)]


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
    metric_types: Metrics = None


Shared = Annotated[AccountQuery, Depends()]


@route(router, "user_account/analytics")
async def user_account_analytics(
    caller: Authorized, shared: Shared, split_field: SplitField = "NO_SPLIT", ad_account_id: AdAccountId = None
):
    return await caller.call(account_analytics.user_account_analytics, split_field=split_field, **asdict(shared))


@route(router, "user_account/analytics/top_pins")
async def top_pins(
    caller: Authorized,
    shared: Shared,
    sort_by: TopPinsSort,
    num_of_pins: NumOfPins = 10,
    created_in_last_n_days: CreatedInLastNDays = None,
    ad_account_id: AdAccountId = None,
):
    return await caller.call(
        account_analytics.top_pins,
        sort_by=sort_by,
        num_of_pins=num_of_pins,
        created_in_last_n_days=created_in_last_n_days,
        **asdict(shared),
    )


@route(router, "user_account/analytics/top_video_pins")
async def top_video_pins(
    caller: Authorized,
    shared: Shared,
    sort_by: TopVideoPinsSort,
    num_of_pins: NumOfPins = 10,
    created_in_last_n_days: CreatedInLastNDays = None,
    ad_account_id: AdAccountId = None,
):
    return await caller.call(
        account_analytics.top_video_pins,
        sort_by=sort_by,
        num_of_pins=num_of_pins,
        created_in_last_n_days=created_in_last_n_days,
        **asdict(shared),
    )
