"""Reading a request body within bounds, for any route that takes one.

The size limit (``PINSIGHT_MAX_BODY_BYTES``) is checked while the body arrives: a
declared ``Content-Length`` above it is refused before anything is read, and a body
sent without one (chunked) is refused as soon as it passes the limit, so no request
makes the server hold more than the limit in memory. Bodies are read as sent:
compressed ones (``Content-Encoding``) and declared non-UTF-8 charsets are refused.
"""

from __future__ import annotations

from fastapi import Request

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
