"""The one place errors become HTTP responses: one handler per error family
(``pinsight.errors``): Pinterest's ``{"code", "message"}``, and the overview API's
``{"message"[, "errors"]}``. Failures FastAPI and Starlette raise (validation, unknown
paths) and unexpected ones are answered in Pinterest's shape."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from pinsight.api.responses import JSON
from pinsight.errors import ApiError, InvalidParameters, OverviewError

log = logging.getLogger("pinsight.errors")


def _describe(error: dict) -> str:
    location = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path"))
    message = error.get("msg", "invalid value")
    return f"{location}: {message}" if location else message


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSON:
        return JSON(exc.body(), status_code=exc.status, headers=exc.headers())

    @app.exception_handler(OverviewError)
    async def overview_error(_request: Request, exc: OverviewError) -> JSON:
        return JSON(exc.body(), status_code=exc.status, headers=exc.headers())

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSON:
        problems = "; ".join(_describe(error) for error in exc.errors()[:3])
        error = InvalidParameters(f"Invalid parameters: {problems}")
        return JSON(error.body(), status_code=error.status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSON:
        messages = {404: "Not found: no such resource or path.", 405: "Method not allowed."}
        message = messages.get(exc.status_code, str(exc.detail))
        return JSON({"code": exc.status_code, "message": message}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSON:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSON({"code": 500, "message": "Internal error."}, status_code=500)
