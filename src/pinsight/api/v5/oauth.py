from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from pinsight.api import rate_limits
from pinsight.api.credentials import app_credentials
from pinsight.api.deps import RuntimeDep
from pinsight.api.forms import parse_form, read_fields
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.api import openapi
from pinsight.errors import Unauthenticated, UnsupportedMediaType
from pinsight.services.identity import oauth

router = APIRouter(tags=["oauth"])

FORM = "application/x-www-form-urlencoded"
INVALID_GRANT = "An invalid request or grant (a wrong, used or expired code or refresh token, unknown scopes)."
REVOKE_ANSWERS = {
    200: "The token is revoked (or was unknown): no body, as the spec has it.",
    400: "No token given, or an unknown token_type_hint.",
    403: "The token was issued to another app (or minted by the CLI).",
}


def _require_form(request: Request) -> None:
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != FORM:
        raise UnsupportedMediaType(f"The token endpoints take {FORM} bodies.")


# Both token endpoints authenticate by the app's id and secret (``catalog.operations``: APP),
# not a bearer token.
@route(router, "oauth/token", answers=models.OAuthToken,
       openapi_extra={**openapi.form_body(models.TokenRequest), **openapi.described({400: INVALID_GRANT})})
async def token(request: Request, rt: RuntimeDep):
    await rate_limits.refuse_blocked_address(request)
    _require_form(request)
    # Room for a few fields beyond the grant's own (client_id and the like), which are ignored.
    form = await parse_form(request, max_fields=4 * len(oauth.TOKEN_FIELDS))
    fields = read_fields(form, oauth.TOKEN_FIELDS, oauth.FIELD_LIMITS)
    try:
        return await rt.call(oauth.exchange, rt, app_credentials(request.headers.get("authorization")), fields)
    except Unauthenticated:
        # A wrong app id or secret: guessing secrets is slowed down per address.
        await rate_limits.count_failed_authentication(request)
        raise


@route(router, "token/revoke",
       openapi_extra={**openapi.form_body(models.RevokeRequest), **openapi.described(REVOKE_ANSWERS)})
async def revoke(request: Request, rt: RuntimeDep):
    await rate_limits.refuse_blocked_address(request)
    _require_form(request)
    form = await parse_form(request, max_fields=4 * len(oauth.REVOKE_FIELDS))
    fields = read_fields(form, oauth.REVOKE_FIELDS, oauth.FIELD_LIMITS)
    try:
        await rt.call(oauth.revoke, rt, app_credentials(request.headers.get("authorization")), fields)
    except Unauthenticated:
        await rate_limits.count_failed_authentication(request)
        raise
    # The spec: 200 and no content.
    return Response(status_code=200)
