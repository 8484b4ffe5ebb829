"""The README's examples run as written, in order, against a fresh `make run`.

A server is started as `make run` starts it (`pinsight serve --demo`, the default database
under the working directory), and every ```sh and ```python block of README.md runs in
one bash session in that directory, where `.venv/bin/pinsight` is this checkout's
command. A block preceded by an `<!-- not run ... -->` line is skipped (it must say why).
What changes for the test: the server's port (the README's 127.0.0.1:8000 becomes a free
port) and curl failing on an HTTP error status. The dates are the examples' own, relative
to today, so the test keeps checking what a reader would run on the day they read it.
"""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.server import free_port

README = Path(__file__).resolve().parents[2] / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)
SKIP = re.compile(r"<!-- not run\b[^>]*:\s*\S[^>]*-->\n$")
MARK = "@@README block {}@@"


def readme_blocks(text: str) -> list[tuple[str, str]]:
    """(language, code) of each sh or python block meant to run, in order."""
    blocks = []
    for found in FENCE.finditer(text):
        language, code = found.group(1), found.group(2)
        if language not in ("sh", "python"):
            continue
        before = text[: found.start()].splitlines(keepends=True)
        if before and SKIP.match(before[-1]):
            continue
        assert not before or "not run" not in before[-1], f"a skip mark must give its reason: {before[-1]!r}"
        blocks.append((language, code))
    return blocks


def json_values(text: str) -> list:
    """The JSON values printed one after another (curl prints no newline after a body)."""
    decoder, values, position = json.JSONDecoder(), [], 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            return values
        value, position = decoder.raw_decode(text, position)
        values.append(value)


@pytest.fixture
def made_run(tmp_path):
    """A checkout-like directory served as `make run` serves it; yields (directory, port, the lines it printed)."""
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    command = tmp_path / ".venv" / "bin" / "pinsight"
    command.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pinsight.cli "$@"\n')
    command.chmod(0o755)
    # A reader's shell: none of pinsight's or the SDK's settings (other tests set some in this process).
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PINSIGHT_", "PINTEREST_"))}
    port = free_port()
    server = subprocess.Popen([str(command), "serve", "--demo", "--port", str(port)], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        printed = [server.stdout.readline() for _ in range(3)]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield tmp_path, port, printed, env
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_make_run_prints_what_the_readme_shows(made_run):
    _, port, printed, _ = made_run
    shown = next(code for language, code in FENCE.findall(README.read_text())
                 if language == "text" and code.startswith("export PINTEREST_API_URI="))
    for line, expected in zip(printed, shown.splitlines(), strict=True):
        pattern = re.escape(expected.replace("127.0.0.1:8000", f"127.0.0.1:{port}")).replace("…", r"\S+")
        assert re.fullmatch(pattern, line.rstrip("\n")), (line, expected)


def test_readme_examples_run_in_order_and_answer_as_described(made_run):
    directory, port, _, env = made_run
    text = README.read_text()
    assert "127.0.0.1:8000" in text
    blocks = readme_blocks(text.replace("127.0.0.1:8000", f"127.0.0.1:{port}"))
    script = ["set -euo pipefail", 'curl() { command curl --fail-with-body "$@"; }']
    for number, (language, code) in enumerate(blocks):
        script.append(f"echo; echo '{MARK.format(number)}'")
        if language == "python":
            script.append(f"\"{sys.executable}\" - <<'PINSIGHT_README_PYTHON'\n{code}PINSIGHT_README_PYTHON")
        else:
            script.append(code)
    result = subprocess.run(["bash", "-c", "\n".join(script)], cwd=directory, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, f"a README example failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    outputs = re.split(r"^@@README block \d+@@\n", result.stdout, flags=re.M)[1:]
    assert len(outputs) == len(blocks)
    checked = set()
    for (language, code), output in zip(blocks, outputs):
        for marker, check in CHECKS.items():
            if marker in code:
                check(output)
                checked.add(marker)
    assert checked == set(CHECKS), f"README blocks no longer found: {set(CHECKS) - checked}"


def _try_it(output: str) -> None:
    me, boards, pin, analytics = json_values(output)
    assert me["username"] == "pinsight_demo" and me["pin_count"] == 77
    assert len(boards["items"]) == 2 and boards["bookmark"]
    assert pin["title"] == "Big Sur" and pin["board_id"].isdigit()
    # The demo pin has metrics on the examples' days (30 to 1 days ago).
    days = analytics["all"]["daily_metrics"]
    assert len(days) == 30 and all(day["data_status"] != "BEFORE_PIN_CREATED" for day in days)
    assert analytics["all"]["summary_metrics"]["IMPRESSION"] > 0


def _sdk(output: str) -> None:
    # The demo's five boards, the curl example's "Road trips" and this one.
    assert output.strip() == "Pacific Coast Highway on Weekend drives - 7 boards"


def _events(output: str) -> None:
    assert json_values(output) == [{"received": 1, "applied": 1, "already_applied": 0}]


def _daily_rows(output: str) -> None:
    applied, analytics, from_csv, from_ndjson = json_values(output)
    assert applied == {"received": 1, "applied": 1}
    two_days_ago = analytics["all"]["daily_metrics"][-2]
    assert two_days_ago["metrics"]["IMPRESSION"] >= 120
    assert from_csv == {"kind": "daily rows", "read": 1, "applied": 1, "rejected": 0}
    assert from_ndjson == {"kind": "events", "read": 1, "applied": 1, "already_applied": 0, "rejected": 0}


def _overview(output: str) -> None:
    overview, posts = json_values(output)
    assert overview["success"] is True and posts["success"] is True
    impressions = next(metric for metric in overview["data"]["metrics"] if metric["key"] == "impressions")
    assert impressions["value_current_period"] > 0


def _exports(output: str) -> None:
    lines = output.strip().splitlines()
    # The CSV's header and first row (cut at 60 characters), then `pinsight export`'s summary.
    assert lines[0].startswith('"pin_id","date","IMPRESSION","SAVE"') and lines[1].startswith('"')
    summary = json.loads(lines[-1])
    assert summary["file"] == "totals.parquet" and summary["rows"] >= 77 and summary["size"] > 0


# A fragment of each block worth checking, and what its output must show.
def _video_pin(output: str) -> None:
    (pin,) = json_values(output)
    assert pin["title"] == "Big Sur, moving" and pin["creative_type"] == "VIDEO"
    assert pin["media"]["media_type"] == "video"


def _ads(output: str) -> None:
    created, listed, pin = json_values(output)
    (entry,) = created["items"]
    ad = entry["data"]
    assert ad["pin_id"] == pin["id"] and ad["review_status"] == "APPROVED" and "exceptions" not in entry
    assert ad["grid_click_type"] == "DIRECT_TO_DESTINATION"
    assert [item["id"] for item in listed["items"]] == [ad["id"]]
    assert pin["has_been_promoted"] is True


def _conversion_token(output: str) -> None:
    (answer,) = json_values(output)
    assert answer["num_events_processed"] == 1 and answer["events"][0]["status"] == "processed"


CHECKS = {
    'pinsight demo --env': _try_it,
    'pinsight token create-conversion --ad-account "$AD_ACCOUNT_ID"': _conversion_token,
    '"source_type": "video_id"': _video_pin,
    'Board.create(name="Weekend drives"': _sdk,
    '/api/v1/events --data-binary @-': _events,
    '/api/v1/daily_metrics --data-binary @-': _daily_rows,
    '/api/pinterest/overview?': _overview,
    '"$ADS/ads"': _ads,
    '/api/v1/exports/$EXPORT_ID': _exports,
}
