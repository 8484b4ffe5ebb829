"""`make run` / `pinsight serve`: HOST and PORT, a taken port, and what each install brings."""

import os
import shutil
import socket
import subprocess
from pathlib import Path

from tests.cli.test_cli import run

ROOT = Path(__file__).resolve().parents[2]


def test_a_taken_port_is_one_clear_line_and_a_failure(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        db = tmp_path / "never.sqlite3"
        result = run("serve", "--demo", "--port", str(port), "--db", f"sqlite:///{db}", check=False, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [f"error: cannot listen on 127.0.0.1:{port}: the port is already in use. Stop whatever uses it or "
                     f"choose another port: make run PORT={port + 1} (pinsight serve --port {port + 1})."]
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not db.exists()  # checked before migrating or seeding anything


def _make_dry_run(target: str, *variables: str) -> str:
    """The commands `make TARGET` would run from a clean checkout (no .venv yet)."""
    make = shutil.which("make")
    assert make, "make is needed to check the Makefile"
    result = subprocess.run([make, "-n", "-C", str(ROOT), "VENV=.venv-never-made", target, *variables],
                            capture_output=True, text=True, env={**os.environ, "MAKEFLAGS": ""}, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_takes_host_and_port_and_installs_the_server_only():
    default = _make_dry_run("run")
    assert "pinsight serve --demo --host 127.0.0.1 --port 8000" in default
    chosen = _make_dry_run("run", "PORT=8123", "HOST=0.0.0.0")
    assert "pinsight serve --demo --host 0.0.0.0 --port 8123" in chosen
    assert "pip install --quiet -e .\n" in chosen and "[test]" not in chosen


def test_make_test_installs_the_test_extras_with_its_own_stamp():
    tests = _make_dry_run("test")
    assert 'pip install --quiet -e ".[test]"' in tests and "-m pytest" in tests
    run_stamp = [line for line in _make_dry_run("run").splitlines() if line.startswith("touch")]
    test_stamp = [line for line in tests.splitlines() if line.startswith("touch")]
    assert run_stamp and test_stamp and run_stamp != test_stamp
