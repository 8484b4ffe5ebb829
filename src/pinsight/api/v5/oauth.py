from __future__ import annotations

from fastapi import APIRouter, Request

from pinsight.api import rate_limits
from pinsight.api.deps import RuntimeDep
from pinsight.api.forms import parse_form, read_fields
from pinsight.api.routing import route
from pinsight.errors import Unauthenticated, UnsupportedMediaType
from pinsight.services import oauth

router = APIRouter(tags=["oauth"])

FORM = "application/x-www-form-urlencoded"


# Authenticated by the app's id and secret (``catalog.operations``: APP), not a bearer token.
@route(router, "oauth/token")
async def token(request: Request, rt: RuntimeDep):
    await rate_limits.refuse_blocked_address(request)
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != FORM:
        raise UnsupportedMediaType(f"The token endpoint takes {FORM} bodies.")
    # Room for a few fields beyond the grant's own (client_id and the like), which are ignored.
    form = await parse_form(request, max_fields=4 * len(oauth.TOKEN_FIELDS))
    fields = read_fields(form, oauth.TOKEN_FIELDS, oauth.FIELD_LIMITS)
    try:
        return await rt.call(oauth.exchange, rt, request.headers.get("authorization"), fields)
    except Unauthenticated:
        # A wrong app id or secret: guessing secrets is slowed down per address.
        await rate_limits.count_failed_authentication(request)
        raise
