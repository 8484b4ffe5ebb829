"""Routes from the operations table: a handler names its operation once, and its method,
path, operation id and success status come from ``catalog.operations``."""

from __future__ import annotations

import functools
from collections.abc import Callable

from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.responses import Response

from pinsight.api.deps import authorize_request
from pinsight.api.responses import JSON, no_content
from pinsight.catalog.operations import BEARER, OPERATIONS


# The body each operation answers with on success, as a model (``api.schemas.responses``)
# that the published document gives as its schema; an operation without one answers no body.
ANSWERS: dict[str, type[BaseModel]] = {}


def route(
    router: APIRouter,
    operation_id: str,
    *,
    answers: type[BaseModel] | None = None,
    openapi_extra: dict[str, Any] | None = None,
) -> Callable:
    """Serve the decorated handler as ``operation_id``, answering ``answers`` on success.

    ``openapi_extra`` completes the operation in the published document where the handler
    reads its own input (form, batch and overview parameters) or answers a status in a way
    of its own (``api.openapi`` builds these pieces).

    The handler returns its answer's body: it is sent with the operation's success status
    (nothing for 204); a Response it builds itself is sent as it is. A bearer-token
    operation's handler must take the authorized caller (``api.deps.Authorized``), and only
    those may: a route cannot skip authorization, nor authorize as an operation it is not.
    """
    operation = OPERATIONS[operation_id]
    if answers is not None:
        ANSWERS[operation_id] = answers

    def register(handler: Callable) -> Callable:
        @functools.wraps(handler)
        async def endpoint(*args, **kwargs):
            answer = await handler(*args, **kwargs)
            if isinstance(answer, Response):
                return answer
            if operation.status == 204:
                return no_content()
            return JSON(answer, status_code=operation.status)

        router.add_api_route(
            operation.path,
            endpoint,
            methods=[operation.method],
            operation_id=operation.operation_id,
            status_code=operation.status,
            openapi_extra=openapi_extra,
        )
        served: APIRoute = router.routes[-1]
        authorizes = any(dependency.call is authorize_request for dependency in served.dependant.dependencies)
        if authorizes != (operation.authentication == BEARER):
            raise TypeError(
                f"{operation_id} authenticates by {operation.authentication}: its handler "
                f"{'must' if operation.authentication == BEARER else 'must not'} take the authorized caller"
            )
        return handler

    return register
