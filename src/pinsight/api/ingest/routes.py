"""pinsight's developer endpoints for getting data in (outside /v5, which stays Pinterest's)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from pinsight.api.body import read_body
from pinsight.api.deps import authorized
from pinsight.api.responses import JSON
from pinsight.services import events, ingest

router = APIRouter(prefix="/api/v1", tags=["ingest"])


@router.post("/daily_metrics", operation_id="pinsight/ingest_daily_metrics")
async def ingest_daily_metrics(request: Request, caller=authorized("pinsight/ingest_daily_metrics")):
    raw = await read_body(request)
    return JSON(await caller.call(ingest.ingest_daily_rows, raw))


@router.post("/events", operation_id="pinsight/ingest_events")
async def ingest_events(request: Request, caller=authorized("pinsight/ingest_events")):
    raw = await read_body(request)
    return JSON(await caller.call(events.ingest_events, raw))
