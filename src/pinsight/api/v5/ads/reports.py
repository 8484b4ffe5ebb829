"""Async ads reports and report templates (``services.ads.reports``,
``services.ads.report_templates``). A finished report's link is a path on this server when
files are kept on its disk: it is made absolute here, for the request's own host."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request

from pinsight.api.deps import DEFAULT_PAGE, Authorized, Bookmark, PageSize
from pinsight.api.files import absolute_link
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.api.v5.filters import Order
from pinsight.services.ads import report_templates, reports

router = APIRouter(tags=["ads_reports"])

ReportBody = Annotated[dict[str, Any], Body()]
Text = Annotated[str | None, Query(max_length=64)]


@route(router, "analytics/create_report", answers=models.AsyncReportCreated)
async def create_report(caller: Authorized, ad_account_id: str, body: ReportBody):
    return await caller.call(reports.create_report, body)


@route(router, "analytics/get_report", answers=models.AsyncReportState)
async def get_report(caller: Authorized, request: Request, ad_account_id: str,
                     token: Annotated[str, Query(max_length=128)]):
    answer = await caller.call(reports.get_report, token)
    return {**answer, "url": absolute_link(request, answer["url"])}


@route(router, "templates/list", answers=models.ReportTemplateList)
async def list_templates(caller: Authorized, ad_account_id: str, order: Order | None = None,
                         bookmark: Bookmark = None, page_size: PageSize = DEFAULT_PAGE):
    return await caller.call(report_templates.list_templates, order, bookmark, page_size)


@route(router, "analytics/create_template_report", answers=models.TemplateReportCreated)
async def create_template_report(caller: Authorized, ad_account_id: str, template_id: str, start_date: Text = None,
                                 end_date: Text = None, granularity: Text = None):
    return await caller.call(report_templates.create_template_report, template_id, start_date, end_date,
                             granularity)
