from __future__ import annotations

from fastapi import APIRouter, Request

from pinsight.api import rate_limits
from pinsight.api.deps import RuntimeDep
from pinsight.api.responses import JSON
from pinsight.errors import Unauthenticated, UnsupportedMediaType
from pinsight.services import oauth

router = APIRouter(prefix="/v5", tags=["oauth"])


@router.post("/oauth/token", operation_id="oauth/token")
async def token(request: Request, rt: RuntimeDep):
    await rate_limits.refuse_blocked_address(request)
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        raise UnsupportedMediaType("The token endpoint takes application/x-www-form-urlencoded bodies.")
    form = await request.form()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    try:
        return JSON(await rt.call(oauth.exchange, rt, request.headers.get("authorization"), fields))
    except Unauthenticated:
        # A wrong app id or secret: guessing secrets is slowed down per address.
        await rate_limits.count_failed_authentication(request)
        raise
