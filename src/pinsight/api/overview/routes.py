"""The overview API (``/api/pinterest/*``): period-over-period answers wrapped as
``{"success": true, "data": ...}``, with its own error shapes (``errors.OverviewError``: ``{"message"}``, and
``{"message", "errors"}`` per field for bad parameters), not Pinterest's ``{code, message}``."""

from __future__ import annotations

from fastapi import APIRouter, Request

from pinsight.api import rate_limits
from pinsight.api.deps import operation_of
from pinsight.api.responses import JSON
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.api import openapi
from pinsight.catalog.operations import Operation
from pinsight.domain.overview.overview_query import OverviewParams
from pinsight.errors import ApiError, InvalidApiKey, OverviewError
from pinsight.services.identity.api_keys import key_holder
from pinsight.services.overview import overview

router = APIRouter(tags=["overview"])


async def _count(request: Request, operation: Operation, key: str | None) -> None:
    """Count the request against the key holder's rate limits, or the address's failures."""
    if rate_limits.limiter_of(request) is None:
        return
    runtime = request.app.state.runtime
    try:
        user_id = await runtime.call(key_holder, runtime, key)
    except InvalidApiKey:
        await rate_limits.count_failed_authentication(request)
        raise
    # An API key belongs to its user alone: like a CLI token, it has no app.
    await rate_limits.count_request(request, operation.rate_category, user_id, None)


async def _answer(request: Request, service) -> JSON:
    runtime = request.app.state.runtime
    operation = operation_of(request)
    params = OverviewParams.from_mapping(request.query_params)
    try:
        await _count(request, operation, params.api_key)
        data = await runtime.call(service, runtime, operation, params, heavy=operation.heavy)
    except ApiError as refused:  # shared refusals (rate limits, a busy database), in this API's shape
        raise OverviewError.of(refused) from refused
    return JSON({"success": True, "data": data})


@route(router, "pinsight/overview", answers=models.Overview, openapi_extra=openapi.overview_parameters(paged=False))
async def get_overview(request: Request):
    return await _answer(request, overview.overview)


@route(router, "pinsight/posts", answers=models.Posts, openapi_extra=openapi.overview_parameters(paged=True))
async def get_posts(request: Request):
    return await _answer(request, overview.posts)
