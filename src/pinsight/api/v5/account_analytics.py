"""Account-wide organic analytics: /v5/user_account/analytics and its top Pins lists."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from pinsight.api.deps import AdAccountId, authorized
from pinsight.api.responses import JSON
from pinsight.services import account_analytics

router = APIRouter(prefix="/v5", tags=["user_account"])

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


@router.get("/user_account/analytics", operation_id="user_account/analytics")
async def user_account_analytics(
    start_date: Day,
    end_date: Day,
    from_claimed_content: ClaimedContent = "BOTH",
    pin_format: PinFormat = "ALL",
    app_types: AppTypes = "ALL",
    content_type: ContentType = "ALL",
    source: Source = "ALL",
    metric_types: Metrics = None,
    split_field: SplitField = "NO_SPLIT",
    ad_account_id: AdAccountId = None,
    caller=authorized("user_account/analytics"),
):
    return JSON(
        await caller.call(
            account_analytics.user_account_analytics,
            start_date=start_date,
            end_date=end_date,
            from_claimed_content=from_claimed_content,
            pin_format=pin_format,
            app_types=app_types,
            content_type=content_type,
            source=source,
            metric_types=metric_types,
            split_field=split_field,
            ad_account_id=ad_account_id,
        )
    )


@router.get("/user_account/analytics/top_pins", operation_id="user_account/analytics/top_pins")
async def top_pins(
    start_date: Day,
    end_date: Day,
    sort_by: TopPinsSort,
    from_claimed_content: ClaimedContent = "BOTH",
    pin_format: PinFormat = "ALL",
    app_types: AppTypes = "ALL",
    content_type: ContentType = "ALL",
    source: Source = "ALL",
    metric_types: Metrics = None,
    num_of_pins: NumOfPins = 10,
    created_in_last_n_days: CreatedInLastNDays = None,
    ad_account_id: AdAccountId = None,
    caller=authorized("user_account/analytics/top_pins"),
):
    return JSON(
        await caller.call(
            account_analytics.top_pins,
            start_date=start_date,
            end_date=end_date,
            sort_by=sort_by,
            from_claimed_content=from_claimed_content,
            pin_format=pin_format,
            app_types=app_types,
            content_type=content_type,
            source=source,
            metric_types=metric_types,
            num_of_pins=num_of_pins,
            created_in_last_n_days=created_in_last_n_days,
            ad_account_id=ad_account_id,
        )
    )


@router.get("/user_account/analytics/top_video_pins", operation_id="user_account/analytics/top_video_pins")
async def top_video_pins(
    start_date: Day,
    end_date: Day,
    sort_by: TopVideoPinsSort,
    from_claimed_content: ClaimedContent = "BOTH",
    pin_format: PinFormat = "ALL",
    app_types: AppTypes = "ALL",
    content_type: ContentType = "ALL",
    source: Source = "ALL",
    metric_types: Metrics = None,
    num_of_pins: NumOfPins = 10,
    created_in_last_n_days: CreatedInLastNDays = None,
    ad_account_id: AdAccountId = None,
    caller=authorized("user_account/analytics/top_video_pins"),
):
    return JSON(
        await caller.call(
            account_analytics.top_video_pins,
            start_date=start_date,
            end_date=end_date,
            sort_by=sort_by,
            from_claimed_content=from_claimed_content,
            pin_format=pin_format,
            app_types=app_types,
            content_type=content_type,
            source=source,
            metric_types=metric_types,
            num_of_pins=num_of_pins,
            created_in_last_n_days=created_in_last_n_days,
            ad_account_id=ad_account_id,
        )
    )
