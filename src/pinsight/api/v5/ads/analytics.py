"""Sync ads analytics of the ad account the path names (``services.ads.analytics``), and
its targeting analytics (``services.ads.targeting_analytics``).

Parameters are taken loosely here (strings, repeated or comma-separated lists) and checked
by ``domain.ads.analytics_query``, so a client reads one clear 400 naming what is wrong.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from pinsight.api.deps import Authorized
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.services.ads import analytics, targeting_analytics

router = APIRouter(tags=["ads_analytics"])

Text = Annotated[str | None, Query(max_length=64)]
Listed = Annotated[list[str] | None, Query()]


@dataclass
class ReportQuery:
    """The period, columns and attribution every sync ads analytics operation takes."""

    start_date: Text = None
    end_date: Text = None
    columns: Listed = None
    granularity: Text = None
    click_window_days: Text = None
    engagement_window_days: Text = None
    view_window_days: Text = None
    conversion_report_time: Text = None


Report = Annotated[ReportQuery, Depends()]


@route(router, "ad_account/analytics", answers=models.AdsAnalyticsRows)
async def ad_account_analytics(caller: Authorized, ad_account_id: str, report: Report, reporting_timezone: Text = None):
    return await caller.call(analytics.ads_analytics, {**asdict(report), "reporting_timezone": reporting_timezone})


@route(router, "campaigns/analytics", answers=models.AdsAnalyticsRows)
async def campaigns_analytics(caller: Authorized, ad_account_id: str, report: Report, campaign_ids: Listed = None,
                              reporting_timezone: Text = None):
    return await caller.call(analytics.ads_analytics, {**asdict(report), "campaign_ids": campaign_ids,
                                                       "reporting_timezone": reporting_timezone})


@route(router, "ad_groups/analytics", answers=models.AdsAnalyticsRows)
async def ad_groups_analytics(caller: Authorized, ad_account_id: str, report: Report, ad_group_ids: Listed = None,
                              reporting_timezone: Text = None):
    return await caller.call(analytics.ads_analytics, {**asdict(report), "ad_group_ids": ad_group_ids,
                                                       "reporting_timezone": reporting_timezone})


@route(router, "ads/analytics", answers=models.AdsAnalyticsRows)
async def ads_analytics(caller: Authorized, ad_account_id: str, report: Report, ad_ids: Listed = None,
                        campaign_ids: Listed = None, pin_ids: Listed = None, reporting_timezone: Text = None):
    return await caller.call(analytics.ads_analytics, {**asdict(report), "ad_ids": ad_ids, "campaign_ids": campaign_ids,
                                                       "pin_ids": pin_ids, "reporting_timezone": reporting_timezone})


# The spec's ad_pins/analytics takes no reporting_timezone.
@route(router, "ad_pins/analytics", answers=models.AdsAnalyticsRows)
async def ad_pins_analytics(caller: Authorized, ad_account_id: str, report: Report, campaign_id: Text = None,
                            pin_ids: Listed = None):
    return await caller.call(analytics.ads_analytics, {**asdict(report), "campaign_id": campaign_id, "pin_ids": pin_ids})


@dataclass
class TargetingQuery:
    """What the four targeting analytics operations take besides a report's parameters."""

    targeting_types: Listed = None
    attribution_types: Listed = None
    reporting_timezone: Text = None


Targeting = Annotated[TargetingQuery, Depends()]


@route(router, "ad_account_targeting_analytics/get", answers=models.TargetingAnalyticsAnswer)
async def ad_account_targeting_analytics(caller: Authorized, ad_account_id: str, report: Report, targeting: Targeting):
    return await caller.call(targeting_analytics.targeting_analytics, {**asdict(report), **asdict(targeting)})


@route(router, "campaign_targeting_analytics/get", answers=models.TargetingAnalyticsAnswer)
async def campaign_targeting_analytics(caller: Authorized, ad_account_id: str, report: Report, targeting: Targeting,
                                       campaign_ids: Listed = None):
    return await caller.call(targeting_analytics.targeting_analytics,
                             {**asdict(report), **asdict(targeting), "campaign_ids": campaign_ids})


@route(router, "ad_groups_targeting_analytics/get", answers=models.TargetingAnalyticsAnswer)
async def ad_groups_targeting_analytics(caller: Authorized, ad_account_id: str, report: Report, targeting: Targeting,
                                        ad_group_ids: Listed = None):
    return await caller.call(targeting_analytics.targeting_analytics,
                             {**asdict(report), **asdict(targeting), "ad_group_ids": ad_group_ids})


@route(router, "ad_targeting_analytics/get", answers=models.TargetingAnalyticsAnswer)
async def ad_targeting_analytics(caller: Authorized, ad_account_id: str, report: Report, targeting: Targeting,
                                 ad_ids: Listed = None):
    return await caller.call(targeting_analytics.targeting_analytics,
                             {**asdict(report), **asdict(targeting), "ad_ids": ad_ids})
