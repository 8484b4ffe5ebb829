"""pinsight's developer endpoints for getting data in (outside /v5, which stays Pinterest's)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from pinsight.api.body import read_body
from pinsight.api.deps import Authorized
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.api import openapi
from pinsight.services import events, ingest

router = APIRouter(tags=["ingest"])


@route(router, "pinsight/ingest_daily_metrics", answers=models.DailyMetricsIngested,
       openapi_extra=openapi.batch_body(models.DailyMetricsRow, ingest.MAX_ROWS, "rows"))
async def ingest_daily_metrics(caller: Authorized, request: Request):
    raw = await read_body(request)
    return await caller.call(ingest.ingest_daily_rows, raw)


@route(router, "pinsight/ingest_events", answers=models.EventsIngested,
       openapi_extra=openapi.batch_body(models.Event, events.MAX_EVENTS, "events"))
async def ingest_events(caller: Authorized, request: Request):
    raw = await read_body(request)
    return await caller.call(events.ingest_events, raw)
