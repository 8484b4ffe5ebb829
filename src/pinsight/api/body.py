"""Reading a request body within bounds, for any route that takes one.

The size limit (``PINSIGHT_MAX_BODY_BYTES``) is checked while the body arrives: a
declared ``Content-Length`` above it is refused before anything is read, and a body
sent without one (chunked) is refused as soon as it passes the limit, so no request
makes the server hold more than the limit in memory. Bodies are read as sent:
compressed ones (``Content-Encoding``) and declared non-UTF-8 charsets are refused.
"""

from __future__ import annotations

from fastapi import Request
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pinsight.api.responses import JSON
from pinsight.errors import PayloadTooLarge, UnsupportedMediaType

_IDENTITY = ("", "identity")
_UTF8 = ("utf-8", "utf8")


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The request body is larger than the limit of {limit:,} bytes; send it in smaller batches.")


def _declared_charset(content_type: str) -> str | None:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def _refuse_unreadable(request: Request) -> None:
    encoding = request.headers.get("content-encoding", "").strip().lower()
    if encoding not in _IDENTITY:
        raise UnsupportedMediaType(f"Content-Encoding {encoding[:40]!r} is not supported: send the body uncompressed.")
    charset = _declared_charset(request.headers.get("content-type", ""))
    if charset is not None and charset not in _UTF8:
        raise UnsupportedMediaType(f"charset {charset[:40]!r} is not supported: send the body as UTF-8.")


async def read_body(request: Request) -> bytes:
    """The request's body, refused with 413 past the limit and 415 when not readable as sent."""
    _refuse_unreadable(request)
    limit = request.app.state.runtime.settings.max_body_bytes
    declared = request.headers.get("content-length", "")
    # The server has already refused a malformed length; a 19-digit one is above any limit.
    if declared.isascii() and declared.isdigit() and (len(declared) > 18 or int(declared) > limit):
        raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


class BodyLimit:
    """ASGI middleware holding every route's body to the limit, those FastAPI reads itself
    (the v5 JSON bodies, forms) included: a declared ``Content-Length`` above it is
    answered 413 before the route runs, and a body that grows past it while arriving stops
    the request with 413 (an HTTPException, which FastAPI passes on to the error renderer
    rather than wrapping as a bad body). Paths in ``exempt`` keep nothing they read and
    set their own limit."""

    def __init__(self, app: ASGIApp, limit: int, exempt: frozenset[str] = frozenset()):
        self.app, self.limit, self.exempt = app, limit, exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and (len(declared) > 18 or int(declared) > self.limit):
            await JSON(_too_large(self.limit).body(), status_code=413)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise HTTPException(413, _too_large(self.limit).message)
            return message

        await self.app(scope, limited, send)
