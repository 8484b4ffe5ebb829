"""One structured (JSON) log line per request."""

from __future__ import annotations

import logging
import time

import orjson

log = logging.getLogger("pinsight.access")


class AccessLogMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware), so it costs microseconds, not a task per request."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            if log.isEnabledFor(logging.INFO):
                state = scope.get("state") or {}
                record = {
                    "event": "request",
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status["code"],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "user_id": str(state["user_id"]) if state.get("user_id") else None,
                }
                log.info(orjson.dumps(record).decode())
