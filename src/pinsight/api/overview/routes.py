"""The overview API (``/api/pinterest/*``): period-over-period answers wrapped as
``{"success": true, "data": ...}``, with its own error shapes (``{"message"}``, and
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
from pinsight.domain.overview_period import InvalidPeriod
from pinsight.errors import ServiceBusy, TooManyRequests
from pinsight.services import overview
from pinsight.services.api_keys import InvalidApiKey, key_holder

router = APIRouter(tags=["overview"])

INVALID_KEY = "Please provide a valid API key"


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
    params = dict(request.query_params)
    try:
        await _count(request, operation, params.get("apiKey"))
        return JSON(await runtime.call(service, runtime, operation, params, heavy=operation.heavy))
    except TooManyRequests as refused:
        return JSON({"message": refused.message}, status_code=refused.status, headers=refused.headers())
    except InvalidApiKey:
        return JSON({"message": INVALID_KEY}, status_code=401)
    except overview.AccountNotFound:
        return JSON({"message": "No Pinterest account with this social_network_id is readable with this API key."},
                    status_code=404)
    except ServiceBusy as busy:
        return JSON({"message": busy.message}, status_code=busy.status, headers=busy.headers())
    except InvalidPeriod as invalid:
        return JSON({"message": "The given data was invalid.", "errors": invalid.errors}, status_code=422)


@route(router, "pinsight/overview", answers=models.Overview, openapi_extra=openapi.overview_parameters(paged=False))
async def get_overview(request: Request):
    return await _answer(request, overview.overview)


@route(router, "pinsight/posts", answers=models.Posts, openapi_extra=openapi.overview_parameters(paged=True))
async def get_posts(request: Request):
    return await _answer(request, overview.posts)
