"""Drive pinsight with Pinterest's official Python SDK (pinterest-api-sdk from PyPI).

The SDK reads ``PINTEREST_API_URI`` once, when ``pinterest.config`` is first imported, and
``PinterestSDKClient._get_config``/``_get_access_token`` bind it as default arguments at
class definition. So the address must be fixed before the SDK is imported, which is
before any server exists. This module therefore reserves a loopback port at import time
(a listening socket held for the whole session, so no other process can take the port),
points ``PINTEREST_API_URI`` at it, and only then imports the SDK. Each database backend
gets its own pinsight server accepting on that same socket (one at a time).
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time

import httpx
import pytest
import uvicorn

_LISTENER = socket.create_server(("127.0.0.1", 0))
SERVER_URL = f"http://127.0.0.1:{_LISTENER.getsockname()[1]}"
API_URI = f"{SERVER_URL}/v5"

# If something imported the SDK before this conftest, its address is already bound elsewhere
# (by default to https://api.pinterest.com/v5): the SDK tests must then fail, never run there.
_IMPORTED_EARLY = "pinterest.config" in sys.modules
os.environ["PINTEREST_API_URI"] = API_URI

from pinterest import config as sdk_config  # noqa: E402
from pinterest.client import PinterestSDKClient  # noqa: E402

from pinsight.api.app import create_app  # noqa: E402


def _binding_problem() -> str | None:
    if _IMPORTED_EARLY:
        return "the pinterest SDK was imported before tests/sdk/conftest.py could set PINTEREST_API_URI"
    bound = {
        "pinterest.config.PINTEREST_API_URI": sdk_config.PINTEREST_API_URI,
        "PinterestSDKClient._get_config(api_uri=...)": PinterestSDKClient._get_config.__func__.__defaults__[0],
        "PinterestSDKClient._get_access_token(api_uri=...)": PinterestSDKClient._get_access_token.__func__.__defaults__[3],
    }
    wrong = {name: value for name, value in bound.items() if value != API_URI}
    if wrong:
        # e.g. a config.json or PINTEREST_JSON_ENV_VARIABLES overriding the environment.
        return f"the SDK is not pointed at the test server {API_URI}: {wrong}"
    return None


_BINDING_PROBLEM = _binding_problem()


@pytest.fixture(autouse=True)
def _sdk_points_at_test_server():
    if _BINDING_PROBLEM:
        pytest.fail(_BINDING_PROBLEM)


class SdkServer:
    """pinsight served by uvicorn in a thread, accepting on the reserved socket."""

    _running: SdkServer | None = None

    def __init__(self, runtime):
        self.url = SERVER_URL
        self.api_uri = API_URI
        config = uvicorn.Config(create_app(runtime), log_level="warning", access_log=False)
        self._server = uvicorn.Server(config)
        # uvicorn closes the sockets it serves on at shutdown: give it a duplicate, so the
        # reservation (and the port) outlives it for the next backend's server.
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [_LISTENER.dup()]}, daemon=True)

    def start(self) -> SdkServer:
        if SdkServer._running is not None:
            raise RuntimeError("two SDK test servers would share one port: the previous one was not stopped")
        SdkServer._running = self
        self._thread.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self._thread.is_alive():
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1, trust_env=False).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("the pinsight server for the SDK tests did not start")

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        SdkServer._running = None


@pytest.fixture(scope="session")
def sdk_server(runtime) -> SdkServer:
    """A pinsight server over the backend's database, at the address PINTEREST_API_URI names."""
    live = SdkServer(runtime).start()
    yield live
    live.stop()


@pytest.fixture
def sdk_client(sdk_server):
    """sdk_client(token) -> a PinterestSDKClient made the SDK's way, aimed by PINTEREST_API_URI."""

    def make(token: str) -> PinterestSDKClient:
        client = PinterestSDKClient.create_client_with_token(token)
        assert client.configuration.host == sdk_server.api_uri
        return client

    return make


@pytest.fixture
def user_client(user, sdk_client) -> PinterestSDKClient:
    return sdk_client(user.token)

