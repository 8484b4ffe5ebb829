"""create_app(): routers, middleware and the one error renderer."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from pinsight import __version__
from pinsight.api import consent, exports, files, openapi, uploads
from pinsight.api.body import BodyLimit
from pinsight.api.docs import install_docs
from pinsight.api.errors import install_error_handlers
from pinsight.api.logging import AccessLogMiddleware
from pinsight.api.rate_limits import RateLimitHeaders
from pinsight.api.responses import JSON
from pinsight.api.ingest import routes as ingest_routes
from pinsight.api.overview import routes as overview_routes
from pinsight.api.v5 import oauth
from pinsight.api.v5.organic import account_analytics
from pinsight.api.v5.ads import ad_accounts, ad_groups, ads, analytics as ads_analytics, campaigns, conversions, resources
from pinsight.api.v5.ads import audience_insights, reports as ads_reports
from pinsight.api.v5.ads import bulk
from pinsight.api.v5.organic import analytics
from pinsight.api.v5.content import boards
from pinsight.api.v5.content import media
from pinsight.api.v5.content import pins
from pinsight.api.v5.content import sections
from pinsight.api.v5.content import user_account
from pinsight.services.identity.rate_limits import RateLimiter
from pinsight.services.jobs.worker import start_embedded
from pinsight.services.runtime import Runtime


def create_app(runtime: Runtime, rate_limit_clock: Callable[[], float] = time.time) -> FastAPI:
    """The app over ``runtime``; ``rate_limit_clock`` (seconds since the epoch) places requests in rate limit windows."""
    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        # Job workers beside the server (PINSIGHT_EMBEDDED_WORKERS; 0 where `pinsight worker`
        # processes do the work): threads, so job work never runs on the event loop.
        stop = start_embedded(runtime, runtime.settings.embedded_workers) if runtime.settings.embedded_workers else None
        try:
            yield
        finally:
            if stop is not None:
                await run_in_threadpool(stop)

    app = FastAPI(
        lifespan=lifespan,
        title="pinsight",
        version=__version__,
        description="A self-hosted server that speaks Pinterest's REST API v5.",
        default_response_class=JSON,
        # Served by api.docs from installed files, not FastAPI's CDN-loading pages.
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.rate_limiter = RateLimiter.build(runtime, rate_limit_clock)

    # Routes join the app's own router rather than include_router(): in this FastAPI an
    # included router is matched lazily, twice per request, which cost ~10% of a pin read.
    # analytics before pins: /v5/pins/analytics must not be read as a pin id.
    # ads analytics before campaigns, ad groups and ads: .../ads/analytics must not be read as an ad id.
    for module in (account_analytics, user_account, boards, sections, analytics, pins, ad_accounts, ads_analytics, campaigns,
                   ad_groups, ads, conversions, resources, audience_insights, ads_reports, oauth, media,
                   ingest_routes, overview_routes, uploads, files, bulk, exports):
        app.router.routes.extend(module.router.routes)
    app.include_router(consent.router)
    install_docs(app)
    openapi.install(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz():
        runtime.ping()
        return JSON({"status": "ok", "version": __version__})

    install_error_handlers(app)
    app.add_middleware(BodyLimit, limit=runtime.settings.max_body_bytes, exempt=frozenset({uploads.SINK_PATH}))
    if app.state.rate_limiter is not None:
        app.add_middleware(RateLimitHeaders)
    if runtime.settings.log_requests:
        app.add_middleware(AccessLogMiddleware)
    return app
