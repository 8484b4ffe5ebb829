"""Routes from the operations table: a handler names its operation once, and its method,
path, operation id and success status come from ``catalog.operations``."""

from __future__ import annotations

import functools
from collections.abc import Callable

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.responses import Response

from pinsight.api.deps import authorize_request
from pinsight.api.responses import JSON, no_content
from pinsight.catalog.operations import BEARER, OPERATIONS


def route(router: APIRouter, operation_id: str) -> Callable:
    """Serve the decorated handler as ``operation_id``.

    The handler returns its answer's body: it is sent with the operation's success status
    (nothing for 204); a Response it builds itself is sent as it is. A bearer-token
    operation's handler must take the authorized caller (``api.deps.Authorized``), and only
    those may: a route cannot skip authorization, nor authorize as an operation it is not.
    """
    operation = OPERATIONS[operation_id]

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
