"""/docs (Swagger UI) and /redoc, with their scripts and styles served from this server.

FastAPI's own pages load them from a CDN, which a machine without internet cannot
reach: the pages stay blank. The ``fastapi-offline`` package ships the Swagger UI and
ReDoc builds; they are served from its installed files under /docs-assets/, and the
pages name no other host (ReDoc without Google Fonts, a local favicon).
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import HTMLResponse

ASSETS_URL = "/docs-assets"
ASSETS_DIR = files("fastapi_offline") / "static"
DOCS_URL, REDOC_URL = "/docs", "/redoc"
# The pages may load nothing from another host: ReDoc's sidebar would fetch a logo from
# Redocly's CDN (it hides the image when that fails), and the policy stops that request.
# Both pages run an inline start-up script; ReDoc styles inline and searches in a blob: worker.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'"
)
# Swagger UI: keep the token given to "Authorize" across reloads of the page.
SWAGGER_PARAMETERS = {"persistAuthorization": True, "displayOperationId": True}


def install_docs(app: FastAPI) -> None:
    """Serve the documentation pages; the app must be built with docs_url=None and redoc_url=None."""
    app.mount(ASSETS_URL, StaticFiles(directory=str(ASSETS_DIR)), name="docs-assets")

    def asset(request: Request, name: str) -> str:
        return f"{request.scope.get('root_path', '')}{ASSETS_URL}/{name}"

    def openapi_url(request: Request) -> str:
        return f"{request.scope.get('root_path', '')}{app.openapi_url}"

    def page(response: HTMLResponse) -> HTMLResponse:
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        return page(get_swagger_ui_html(
            openapi_url=openapi_url(request),
            title=f"{app.title} - Swagger UI",
            swagger_js_url=asset(request, "swagger-ui-bundle.js"),
            swagger_css_url=asset(request, "swagger-ui.css"),
            swagger_favicon_url=asset(request, "favicon.png"),
            swagger_ui_parameters=SWAGGER_PARAMETERS,
        ))

    @app.get(REDOC_URL, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        return page(get_redoc_html(
            openapi_url=openapi_url(request),
            title=f"{app.title} - ReDoc",
            redoc_js_url=asset(request, "redoc.standalone.js"),
            redoc_favicon_url=asset(request, "favicon.png"),
            with_google_fonts=False,
        ))
