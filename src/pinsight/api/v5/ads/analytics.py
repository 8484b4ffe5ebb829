"""Sync ads analytics of the ad account the path names (``services.ads.analytics``).

Parameters are taken loosely here (strings, repeated or comma-separated lists) and checked
by ``domain.ads.analytics_query``, so a client reads one clear 400 naming what is wrong.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from pinsight.api.deps import Authorized
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.services.ads import analytics

router = APIRouter(tags=["ads_analytics"])

Text = Annotated[str | None, Query(max_length=64)]
Listed = Annotated[list[str] | None, Query()]


def _common(start_date, end_date, columns, granularity, click_window_days, engagement_window_days, view_window_days,
            conversion_report_time) -> dict:
    return {"start_date": start_date, "end_date": end_date, "columns": columns, "granularity": granularity,
            "click_window_days": click_window_days, "engagement_window_days": engagement_window_days,
            "view_window_days": view_window_days, "conversion_report_time": conversion_report_time}


@route(router, "ad_account/analytics", answers=models.AdsAnalyticsRows)
async def ad_account_analytics(caller: Authorized, ad_account_id: str, start_date: Text = None, end_date: Text = None,
                               columns: Listed = None, granularity: Text = None, click_window_days: Text = None,
                               engagement_window_days: Text = None, view_window_days: Text = None,
                               conversion_report_time: Text = None, reporting_timezone: Text = None):
    params = _common(start_date, end_date, columns, granularity, click_window_days, engagement_window_days,
                     view_window_days, conversion_report_time)
    return await caller.call(analytics.ads_analytics, {**params, "reporting_timezone": reporting_timezone})


@route(router, "campaigns/analytics", answers=models.AdsAnalyticsRows)
async def campaigns_analytics(caller: Authorized, ad_account_id: str, campaign_ids: Listed = None,
                              start_date: Text = None, end_date: Text = None, columns: Listed = None,
                              granularity: Text = None, click_window_days: Text = None,
                              engagement_window_days: Text = None, view_window_days: Text = None,
                              conversion_report_time: Text = None, reporting_timezone: Text = None):
    params = _common(start_date, end_date, columns, granularity, click_window_days, engagement_window_days,
                     view_window_days, conversion_report_time)
    return await caller.call(analytics.ads_analytics, {**params, "campaign_ids": campaign_ids, "reporting_timezone": reporting_timezone})


@route(router, "ad_groups/analytics", answers=models.AdsAnalyticsRows)
async def ad_groups_analytics(caller: Authorized, ad_account_id: str, ad_group_ids: Listed = None,
                              start_date: Text = None, end_date: Text = None, columns: Listed = None,
                              granularity: Text = None, click_window_days: Text = None,
                              engagement_window_days: Text = None, view_window_days: Text = None,
                              conversion_report_time: Text = None, reporting_timezone: Text = None):
    params = _common(start_date, end_date, columns, granularity, click_window_days, engagement_window_days,
                     view_window_days, conversion_report_time)
    return await caller.call(analytics.ads_analytics, {**params, "ad_group_ids": ad_group_ids, "reporting_timezone": reporting_timezone})


@route(router, "ads/analytics", answers=models.AdsAnalyticsRows)
async def ads_analytics(caller: Authorized, ad_account_id: str, ad_ids: Listed = None, campaign_ids: Listed = None,
                        pin_ids: Listed = None, start_date: Text = None, end_date: Text = None, columns: Listed = None,
                        granularity: Text = None, click_window_days: Text = None, engagement_window_days: Text = None,
                        view_window_days: Text = None, conversion_report_time: Text = None,
                        reporting_timezone: Text = None):
    params = _common(start_date, end_date, columns, granularity, click_window_days, engagement_window_days,
                     view_window_days, conversion_report_time)
    return await caller.call(analytics.ads_analytics, {**params, "ad_ids": ad_ids, "campaign_ids": campaign_ids, "pin_ids": pin_ids,
                              "reporting_timezone": reporting_timezone})


@route(router, "ad_pins/analytics", answers=models.AdsAnalyticsRows)
async def ad_pins_analytics(caller: Authorized, ad_account_id: str, campaign_id: Text = None, pin_ids: Listed = None,
                            start_date: Text = None, end_date: Text = None, columns: Listed = None,
                            granularity: Text = None, click_window_days: Text = None,
                            engagement_window_days: Text = None, view_window_days: Text = None,
                            conversion_report_time: Text = None):
    params = _common(start_date, end_date, columns, granularity, click_window_days, engagement_window_days,
                     view_window_days, conversion_report_time)
    return await caller.call(analytics.ads_analytics, {**params, "campaign_id": campaign_id, "pin_ids": pin_ids})
