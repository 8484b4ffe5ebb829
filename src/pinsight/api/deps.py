"""Dependencies shared by the routers: the runtime, the authorized caller, and common parameters."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Query, Request

from pinsight.api import rate_limits
from pinsight.api.credentials import bearer_token
from pinsight.catalog.operations import OPERATIONS, PATH, QUERY, Operation
from pinsight.errors import Unauthenticated
from pinsight.services.identity.access import Actor, resolve_actor
from pinsight.services.identity.auth import authenticate, authorize, cached_principal
from pinsight.services.identity.conversion_tokens import conversion_actor, is_conversion_token
from pinsight.services.pages import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from pinsight.services.runtime import Runtime


async def get_runtime(request: Request) -> Runtime:
    # async: FastAPI runs a plain-def dependency in the threadpool, a thread hop per request for a dict lookup.
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def operation_of(request: Request) -> Operation:
    """The operation of the route serving the request (``api.routing.route`` names routes by it)."""
    return OPERATIONS[request.scope["route"].operation_id]


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Caller:
    """An authorized request: the runtime and the actor every service call takes first."""

    runtime: Runtime
    actor: Actor

    async def call(self, service: Callable[..., T], *args, **kwargs) -> T:
        return await self.runtime.call(
            service, self.runtime, self.actor, *args, heavy=self.actor.operation.heavy, **kwargs
        )


# ``ad_account_id`` as a query parameter: the routes that take it declare it (so FastAPI
# validates it, 400, and documents it); ``authorize_request`` reads the same parameter.
AD_ACCOUNT_ID_MAX_LENGTH = 18
_AD_ACCOUNT_ID = re.compile(rf"[0-9]{{1,{AD_ACCOUNT_ID_MAX_LENGTH}}}")
AdAccountId = Annotated[str | None, Query(max_length=AD_ACCOUNT_ID_MAX_LENGTH, pattern=r"^[0-9]+$")]


def _ad_account_id(request: Request, operation: Operation) -> str | None:
    """The ad account the request acts through, where its operation takes one."""
    if operation.ad_account_id == QUERY:
        value = request.query_params.get("ad_account_id")
        # A value the declaration refuses names no account: FastAPI answers 400 for it once
        # the dependencies have run, as it does for every other bad parameter.
        return value if value is not None and _AD_ACCOUNT_ID.fullmatch(value) else None
    if operation.ad_account_id == PATH:
        return request.path_params["ad_account_id"]
    return None


async def authorize_request(request: Request) -> Caller:
    """Authenticate the bearer token, count the request against the rate limits, check the
    operation's scopes and resolve its actor: the token's user, or through ``ad_account_id``
    the ad account's owner when one of the operation's roles allows it.

    Everything comes from the operation's entry in ``catalog.operations``, found through
    the matched route. It runs before the parameters are validated, so authorization errors
    (401, 429, 403, and an unknown ad account's 404) come before a bad parameter's 400.

    One dependency does it all: each extra dependency costs FastAPI several microseconds per
    request on every endpoint. Without ``ad_account_id`` the actor costs no database access;
    with one, one query in a worker thread.
    """
    operation = operation_of(request)
    runtime: Runtime = request.app.state.runtime
    authorization = request.headers.get("authorization")
    try:
        token = bearer_token(authorization)
        if is_conversion_token(token):
            return await _conversion_caller(request, runtime, operation, token)
        principal = cached_principal(runtime, token) or await runtime.call(authenticate, runtime, token)
    except Unauthenticated:
        await rate_limits.count_failed_authentication(request)
        raise
    await rate_limits.count_request(request, operation.rate_category, principal.user_id, principal.app_id)
    authorize(principal, operation)
    request.state.user_id = principal.user_id
    ad_account_id = _ad_account_id(request, operation)
    if ad_account_id is None:
        actor = Actor(principal, operation, principal.user_id)
    else:
        actor = await runtime.call(resolve_actor, runtime, principal, operation, ad_account_id)
    return Caller(runtime, actor)


async def _conversion_caller(request: Request, runtime: Runtime, operation: Operation, token: str) -> Caller:
    # An ad account's conversion token: valid only where the operation takes one, for its
    # own ad account (one query, which resolves the actor too).
    actor = await runtime.call(conversion_actor, runtime, token, operation, _ad_account_id(request, operation))
    await rate_limits.count_request(request, operation.rate_category, actor.user_id, None)
    request.state.user_id = actor.user_id
    return Caller(runtime, actor)


# The caller of a bearer-token operation; ``api.routing.route`` checks that those routes take it.
Authorized = Annotated[Caller, Depends(authorize_request)]

Bookmark = Annotated[str | None, Query(max_length=2048)]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
DEFAULT_PAGE = DEFAULT_PAGE_SIZE
