"""pinsight served by real server processes (``pinsight serve``), for tests that need
several processes writing to one database."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx

from tests.support.server import free_port


class ServedProcesses:
    """``pinsight serve --workers N`` on a free port: uvicorn's supervisor and N worker
    processes, all on one database."""

    def __init__(self, database_url: str, workers: int = 2, env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "pinsight.cli", "serve", "--port", str(self.port), "--db", database_url,
                   "--workers", str(workers), "--no-access-log"]
        self._process = subprocess.Popen(
            command, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )

    def start(self) -> ServedProcesses:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"pinsight serve exited: {self._process.stderr.read()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("pinsight serve did not start")

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: no shutdown, no cleanup."""
        self._process.kill()
        self._process.wait()

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
