"""The overview API (``/api/pinterest/*``): period-over-period answers wrapped as
``{"success": true, "data": ...}``, with its own error shapes (``{"message"}``, and
``{"message", "errors"}`` per field for bad parameters), not Pinterest's ``{code, message}``."""

from __future__ import annotations

from fastapi import APIRouter, Request

from pinsight.api.responses import JSON
from pinsight.domain.overview_period import InvalidPeriod
from pinsight.errors import ServiceBusy
from pinsight.services import overview
from pinsight.services.api_keys import InvalidApiKey

router = APIRouter(prefix="/api/pinterest", tags=["overview"])

INVALID_KEY = "Please provide a valid API key"


async def _answer(request: Request, service) -> JSON:
    runtime = request.app.state.runtime
    params = dict(request.query_params)
    try:
        return JSON(await runtime.call(service, runtime, params, heavy=True))
    except InvalidApiKey:
        return JSON({"message": INVALID_KEY}, status_code=401)
    except overview.AccountNotFound:
        return JSON({"message": "No Pinterest account with this social_network_id is readable with this API key."},
                    status_code=404)
    except ServiceBusy as busy:
        return JSON({"message": busy.message}, status_code=busy.status, headers=busy.headers())
    except InvalidPeriod as invalid:
        return JSON({"message": "The given data was invalid.", "errors": invalid.errors}, status_code=422)


@router.get("/overview", operation_id="pinsight/overview")
async def get_overview(request: Request):
    return await _answer(request, overview.overview)


@router.get("/posts", operation_id="pinsight/posts")
async def get_posts(request: Request):
    return await _answer(request, overview.posts)
