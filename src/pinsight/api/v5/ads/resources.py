from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from pinsight.api.deps import Authorized
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.services.ads import resources

router = APIRouter(tags=["resources"])


@route(router, "metrics_ready_state/get", answers=models.MetricsReadyState)
async def metrics_ready_state(caller: Authorized, date: Annotated[str, Query(max_length=10)]):
    return await caller.call(resources.metrics_ready_state, date)
