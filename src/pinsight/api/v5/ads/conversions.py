"""The Conversions API for the ad account the path names (``services.ads.conversions``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from pinsight.api.deps import Authorized
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.services.ads import conversions

router = APIRouter(tags=["conversion_events"])

# {"data": [...]}: each event is checked on its own by the service, so one bad event is
# answered in its own entry rather than refusing the request.
Events = Annotated[dict[str, Any], Body()]


@route(router, "events/create", answers=models.ConversionEventsAnswer)
async def send_conversion_events(caller: Authorized, ad_account_id: str, body: Events, test: bool = False):
    return await caller.call(conversions.send_events, body, test)
