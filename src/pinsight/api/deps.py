"""Dependencies shared by the routers: the runtime, the caller, and common parameters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from pinsight.services.auth import Principal, authenticate, authorize, cached_principal
from pinsight.services.pages import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from pinsight.services.runtime import Runtime


async def get_runtime(request: Request) -> Runtime:
    # async: FastAPI runs a plain-def dependency in the threadpool, a thread hop per request for a dict lookup.
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def authorized(operation_id: str):
    """A dependency that authenticates the bearer token and checks the operation's scopes."""

    async def dependency(request: Request) -> Principal:
        runtime: Runtime = request.app.state.runtime
        authorization = request.headers.get("authorization")
        principal = cached_principal(runtime, authorization) or await runtime.call(authenticate, runtime, authorization)
        authorize(principal, operation_id)
        request.state.user_id = principal.user_id
        return principal

    dependency.__name__ = f"authorize_{operation_id.replace('/', '_')}"
    return Depends(dependency)


AdAccountId = Annotated[str | None, Query(max_length=18, pattern=r"^[0-9]+$")]
Bookmark = Annotated[str | None, Query(max_length=2048)]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
DEFAULT_PAGE = DEFAULT_PAGE_SIZE
