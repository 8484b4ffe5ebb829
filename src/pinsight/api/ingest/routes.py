"""pinsight's developer endpoints for getting data in (outside /v5, which stays Pinterest's)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from pinsight.api.batches import parse_batch
from pinsight.api.body import read_body
from pinsight.api.deps import Authorized
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.api import openapi
from pinsight.domain.ads.ad_events import MAX_ACTIONS, decode_typed
from pinsight.services.ads import ad_events
from pinsight.services.organic import events
from pinsight.services.organic import ingest

router = APIRouter(tags=["ingest"])


@route(router, "pinsight/ingest_daily_metrics", answers=models.DailyMetricsIngested,
       openapi_extra=openapi.batch_body(models.DailyMetricsRow, ingest.MAX_ROWS, "rows"))
async def ingest_daily_metrics(caller: Authorized, request: Request):
    items = await caller.runtime.call(parse_batch, await read_body(request), ingest.MAX_ROWS, "rows", heavy=True)
    return await caller.call(ingest.ingest_daily_rows, items)


@route(router, "pinsight/ingest_events", answers=models.EventsIngested,
       openapi_extra=openapi.batch_body(models.Event, events.MAX_EVENTS, "events"))
async def ingest_events(caller: Authorized, request: Request):
    items = await caller.runtime.call(parse_batch, await read_body(request), events.MAX_EVENTS, "events", heavy=True)
    return await caller.call(events.ingest_events, items)


@route(router, "pinsight/ingest_ad_events", answers=models.EventsIngested,
       openapi_extra=openapi.batch_body(models.AdEvent, MAX_ACTIONS, "ad events"))
async def ingest_ad_events(caller: Authorized, request: Request):
    items = await caller.runtime.call(_ad_event_items, await read_body(request), heavy=True)
    return await caller.call(ad_events.ingest_ad_events, items)


def _ad_event_items(body: bytes) -> list:
    # Most batches type in one pass of C (domain.ads.ad_events.decode_typed); the rest are
    # parsed as plain JSON or NDJSON, so that every problem can be reported by position.
    typed = decode_typed(body)
    if typed is not None and len(typed) <= MAX_ACTIONS:
        return typed
    return parse_batch(body, MAX_ACTIONS, "ad events")
