"""The HTTP surface: JSON errors everywhere, health, and one log line per request."""

import json
import logging

import httpx

from tests.support.api import assert_error


def test_unknown_paths_and_methods_are_json_errors(server, user):
    assert_error(httpx.get(f"{server.url}/v5/no/such/path"), 404)
    assert_error(httpx.get(f"{server.url}/nothing"), 404)
    assert_error(user.client.put("/boards"), 405)


def test_healthz(server):
    response = httpx.get(f"{server.url}/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_one_structured_log_line_per_request(runtime, caplog):
    from pinsight.settings import Settings
    from tests.support.server import LiveServer

    logging_runtime = type(runtime)(
        engine=runtime.engine, settings=Settings(log_requests=True), clock=runtime.clock, bookmarks=runtime.bookmarks
    )
    live = LiveServer(logging_runtime).start()
    try:
        with caplog.at_level(logging.INFO, logger="pinsight.access"):
            caplog.clear()
            httpx.get(f"{live.url}/v5/user_account")
            httpx.get(f"{live.url}/healthz")
    finally:
        live.stop()
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "pinsight.access"]
    assert [(line["path"], line["status"]) for line in lines] == [("/v5/user_account", 401), ("/healthz", 200)]
    assert all(line["duration_ms"] >= 0 and line["method"] == "GET" for line in lines)
