"""/docs and /redoc render in a real browser with no host but pinsight's reachable.

Headless Chromium (Debian's ``chromium``) loads each page with every host name but
127.0.0.1 resolving to nothing, so a script, style or font from a CDN could not load and
the page would stay empty (the control test shows FastAPI's stock page doing just that).
Chromium's network log lists the requests the page made: all go to pinsight.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
from pinsight.store.db import make_engine, migrate
from tests.support.server import LiveServer, free_port

CHROMIUM = next((path for name in ("chromium", "chromium-browser") if (path := shutil.which(name))), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium binary on PATH (apt-get install chromium; .ci/run installs it)"
)

OFFLINE = "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


@pytest.fixture(scope="module")
def docs_server(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('docs_pages') / 'pinsight.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    runtime = Runtime.build(engine, Settings(database_url=url, log_requests=False, rate_limits_enabled=False))
    live = LiveServer(runtime).start()
    yield live
    live.stop()
    engine.dispose()


@pytest.fixture(scope="module")
def document(docs_server) -> dict:
    return httpx.get(f"{docs_server.url}/openapi.json").json()


def render(url: str, workdir: Path) -> tuple[str, list[str]]:
    """The page's DOM once its scripts ran, and the URLs the page itself requested."""
    net_log = workdir / "net-log.json"
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
        f"--user-data-dir={workdir / 'profile'}", f"--host-resolver-rules={OFFLINE}", f"--log-net-log={net_log}",
        "--virtual-time-budget=10000", "--dump-dom", url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, page_requests(net_log, url)


def page_requests(net_log: Path, url: str) -> list[str]:
    """Requests whose initiator is the page (Chromium's own update and account checks are not)."""
    log = json.loads(net_log.read_text())
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return [
        event["params"]["url"]
        for event in log["events"]
        if event["type"] == start_job and event.get("params", {}).get("initiator") == origin
    ]


def operations(document: dict) -> list[tuple[str, str]]:
    return [(path, operation["operationId"]) for path, item in document["paths"].items() for operation in item.values()]


def assert_local(requests: list[str], must_include: set[str]) -> None:
    hosts = {urlsplit(request).hostname for request in requests}
    assert hosts == {"127.0.0.1"}, requests
    paths = {urlsplit(request).path for request in requests}
    assert must_include <= paths, paths


def test_swagger_ui_renders_every_operation_offline(docs_server, document, tmp_path):
    dom, requests = render(f"{docs_server.url}/docs", tmp_path)
    rendered = {part.split('"', 1)[0] for part in dom.split('data-path="')[1:]}
    assert rendered == {path for path, _ in operations(document)}
    assert "/v5/pins/{pin_id}" in rendered
    assert "btn authorize" in dom  # the security schemes give Swagger UI its "Authorize" button
    assert_local(requests, {"/openapi.json", "/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css"})


def test_redoc_renders_every_operation_offline(docs_server, document, tmp_path):
    dom, requests = render(f"{docs_server.url}/redoc", tmp_path)
    for path, operation_id in operations(document):
        assert f'id="operation/{operation_id}"' in dom, operation_id
    assert "/v5/pins/{pin_id}" in dom
    assert_local(requests, {"/openapi.json", "/docs-assets/redoc.standalone.js"})


def test_the_pages_may_load_nothing_from_another_host(docs_server):
    for page in ("/docs", "/redoc"):
        response = httpx.get(f"{docs_server.url}{page}")
        assert response.status_code == 200
        assert "default-src 'self'" in response.headers["content-security-policy"]
        # No absolute or scheme-relative URL: every asset is served from here.
        assert not re.search(r"https?:|(src|href)=[\"']?//", response.text), response.text
    asset = httpx.get(f"{docs_server.url}/docs-assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and "javascript" in asset.headers["content-type"]


class _StockDocs:
    """FastAPI's own /docs (assets from a CDN), served on a loopback port."""

    def __init__(self):
        app = FastAPI()

        @app.get("/v5/pins/{pin_id}")
        def get_pin(pin_id: str):
            return {"id": pin_id}

        self.url = f"http://127.0.0.1:{free_port()}"
        port = int(self.url.rsplit(":", 1)[1])
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        host, port = "127.0.0.1", int(self.url.rsplit(":", 1)[1])
        for _ in range(400):
            with socket.socket() as probe:
                if probe.connect_ex((host, port)) == 0:
                    return self
            time.sleep(0.05)
        raise RuntimeError("the stock docs server did not start")

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)


def test_control_a_page_whose_assets_come_from_a_cdn_renders_nothing_here(tmp_path):
    with _StockDocs() as stock:
        dom, requests = render(f"{stock.url}/docs", tmp_path)
    assert "cdn.jsdelivr.net" in {urlsplit(request).hostname for request in requests}
    assert 'data-path="' not in dom and "/v5/pins/{pin_id}" not in dom
