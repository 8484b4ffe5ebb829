"""pinsight's developer endpoints for getting data in (outside /v5, which stays Pinterest's)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from pinsight.api.body import read_body
from pinsight.api.deps import Authorized
from pinsight.api.routing import route
from pinsight.services import events, ingest

router = APIRouter(tags=["ingest"])


@route(router, "pinsight/ingest_daily_metrics")
async def ingest_daily_metrics(caller: Authorized, request: Request):
    raw = await read_body(request)
    return await caller.call(ingest.ingest_daily_rows, raw)


@route(router, "pinsight/ingest_events")
async def ingest_events(caller: Authorized, request: Request):
    raw = await read_body(request)
    return await caller.call(events.ingest_events, raw)
