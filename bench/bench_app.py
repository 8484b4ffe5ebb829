"""Bench-only ASGI factory: the real pinsight app plus one "floor" route.

The floor route is a bare FastAPI endpoint (``async def``, no dependencies, no
database) returning a constant 1 KB JSON body. Because it is mounted on the very app
object that serves /v5, it runs in the same uvicorn process, with the same worker
count, event loop, HTTP parser, middleware stack and logging settings as the pinsight
routes it is compared with. It is never installed outside bench/.
"""

from __future__ import annotations

import orjson
from fastapi.responses import JSONResponse
from starlette.responses import Response

from pinsight.api.asgi import build as build_pinsight

FLOOR_PATH = "/bench/floor"
FLOOR_DICT_PATH = "/bench/floor-dict"
FLOOR_SIZE = 1024


def _floor_body(size: int = FLOOR_SIZE) -> bytes:
    """A JSON object serialized to exactly ``size`` bytes."""
    shell = {"id": "1", "status": "ok", "padding": ""}
    pad = size - len(orjson.dumps(shell))
    body = orjson.dumps({**shell, "padding": "x" * pad})
    assert len(body) == size, len(body)
    return body


FLOOR_BODY = _floor_body()


def build():
    app = build_pinsight()

    async def floor() -> Response:
        return Response(FLOOR_BODY, media_type="application/json")

    floor_document = orjson.loads(FLOOR_BODY)

    async def floor_dict() -> dict:
        # The same 1 KB document, returned the way most FastAPI code does: FastAPI encodes it.
        return floor_document

    app.add_api_route(FLOOR_PATH, floor, methods=["GET"], include_in_schema=False)
    app.add_api_route(FLOOR_DICT_PATH, floor_dict, methods=["GET"], include_in_schema=False, response_class=JSONResponse)
    return app
