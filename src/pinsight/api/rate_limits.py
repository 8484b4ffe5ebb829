"""Rate limits at the HTTP edge: count requests and failed authentications, refuse with
429, and add the ``X-RateLimit-*`` headers to the answer (in one middleware, so routes
that build their own responses carry them too).

``X-RateLimit-Reset`` is the number of seconds until the window resets (as
``Retry-After``), not a point in time.
"""

from __future__ import annotations

from fastapi import Request

from pinsight.errors import TooManyRequests
from pinsight.services.identity.rate_limits import RateLimiter, Verdict

STATE_KEY = "rate_limit"


def limiter_of(request: Request) -> RateLimiter | None:
    return request.app.state.rate_limiter


def client_address(request: Request) -> str:
    # The peer's address: a proxy in front of pinsight counts as one client.
    return request.client.host if request.client else "unknown"


async def count_request(request: Request, category: str, user_id: int, app_id: int | None) -> None:
    """Count an authenticated request; raise TooManyRequests when a limit refuses it."""
    limiter = limiter_of(request)
    if limiter is None:
        return
    runtime = request.app.state.runtime
    verdict = await runtime.call(limiter.hit, category, user_id, app_id, client_address(request))
    if verdict is not None:
        _decide(request, verdict)


async def refuse_blocked_address(request: Request) -> None:
    """Raise TooManyRequests if the caller's address has failed to authenticate too often."""
    limiter = limiter_of(request)
    if limiter is None:
        return
    verdict = await request.app.state.runtime.call(limiter.check_address, client_address(request))
    if verdict is not None and not verdict.allowed:
        _decide(request, verdict)


async def count_failed_authentication(request: Request) -> None:
    """Count a failed authentication; raise TooManyRequests once the address is over its limit."""
    limiter = limiter_of(request)
    if limiter is None:
        return
    verdict = await request.app.state.runtime.call(limiter.fail, client_address(request))
    if verdict is not None and not verdict.allowed:
        _decide(request, verdict)


def _decide(request: Request, verdict: Verdict) -> None:
    setattr(request.state, STATE_KEY, verdict)
    if not verdict.allowed:
        raise TooManyRequests(f"Too many requests: over the limit of {verdict.description}. "
                              f"Try again in {verdict.reset} seconds.")


def _headers(verdict: Verdict) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"x-ratelimit-limit", str(verdict.limit).encode()),
        (b"x-ratelimit-remaining", str(verdict.remaining).encode()),
        (b"x-ratelimit-reset", str(verdict.reset).encode()),
    ]
    if not verdict.allowed:
        headers.append((b"retry-after", str(verdict.reset).encode()))
    return headers


class RateLimitHeaders:
    """Adds the request's verdict as headers to its answer, whatever built the answer.

    Pure ASGI (no BaseHTTPMiddleware), so it costs microseconds; installed only when
    rate limits are on."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                verdict = (scope.get("state") or {}).get(STATE_KEY)
                if verdict is not None:
                    message["headers"] = [*message.get("headers", ()), *_headers(verdict)]
            await send(message)

        await self.app(scope, receive, send_with_headers)
