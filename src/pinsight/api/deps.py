"""Dependencies shared by the routers: the runtime, the caller, and common parameters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Query, Request

from pinsight.api import rate_limits
from pinsight.catalog.scopes import operation
from pinsight.errors import Unauthenticated
from pinsight.services.auth import Principal, authenticate, authorize, cached_principal
from pinsight.services.pages import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from pinsight.services.runtime import Runtime


async def get_runtime(request: Request) -> Runtime:
    # async: FastAPI runs a plain-def dependency in the threadpool, a thread hop per request for a dict lookup.
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Caller:
    """An authorized request: the runtime and the principal every service call takes first."""

    runtime: Runtime
    principal: Principal
    heavy: bool = False

    async def call(self, service: Callable[..., T], *args, **kwargs) -> T:
        return await self.runtime.call(service, self.runtime, self.principal, *args, heavy=self.heavy, **kwargs)


def authorized(operation_id: str):
    """A dependency that authenticates the bearer token, counts the request against the
    rate limits and checks the operation's scopes.

    One dependency yields both the runtime and the principal: each extra dependency costs
    FastAPI several microseconds per request on every endpoint.
    """
    category = operation(operation_id).rate_category

    heavy = operation(operation_id).heavy

    async def dependency(request: Request) -> Caller:
        runtime: Runtime = request.app.state.runtime
        authorization = request.headers.get("authorization")
        try:
            principal = cached_principal(runtime, authorization) or await runtime.call(authenticate, runtime, authorization)
        except Unauthenticated:
            await rate_limits.count_failed_authentication(request)
            raise
        await rate_limits.count_request(request, category, principal.user_id, principal.app_id)
        authorize(principal, operation_id)
        request.state.user_id = principal.user_id
        return Caller(runtime, principal, heavy)

    dependency.__name__ = f"authorize_{operation_id.replace('/', '_')}"
    return Depends(dependency)


AdAccountId = Annotated[str | None, Query(max_length=18, pattern=r"^[0-9]+$")]
Bookmark = Annotated[str | None, Query(max_length=2048)]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
DEFAULT_PAGE = DEFAULT_PAGE_SIZE
