"""`pinsight export`: a client of a real running server's export API, run as a reader would
run it (a subprocess, the token in PINTEREST_ACCESS_TOKEN)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import subprocess
from datetime import timedelta

import pyarrow.parquet as pq

from tests.cli.test_cli import PINSIGHT, run
from tests.support.api import create_board, create_pin
from tests.support.factories import backdate_pin


def _pin_with_rows(runtime, user, days: int) -> tuple[str, dict[str, int]]:
    """A pin with IMPRESSION rows on ``days`` days (WEB and MOBILE); its impressions per day."""
    board = create_board(user.client)
    pin = create_pin(user.client, board["id"])
    backdate_pin(runtime, pin["id"], days + 5)
    today = runtime.clock.today()
    rows, per_day = [], {}
    for back in range(days):
        day = (today - timedelta(days=back)).isoformat()
        for app_type, amount in (("WEB", back + 1), ("MOBILE", 2 * back + 3)):
            rows.append({"pin_id": pin["id"], "date": day, "app_type": app_type, "metrics": {"IMPRESSION": amount}})
        per_day[day] = 3 * back + 4
    answer = user.client.post("/../api/v1/daily_metrics", json=rows)
    assert answer.status_code == 200, answer.text
    return pin["id"], per_day


def _export(server, user, *args: str, check: bool = True):
    return run("export", "--url", server.url, "--poll", "0.1", *args, env={"PINTEREST_ACCESS_TOKEN": user.token},
               check=check)


def test_export_writes_the_file_the_server_made(runtime, server, user, tmp_path):
    pin_id, per_day = _pin_with_rows(runtime, user, 120)
    today = runtime.clock.today()
    start = (today - timedelta(days=119)).isoformat()
    target = tmp_path / "daily.csv.gz"
    result = _export(server, user, "--start-date", start, "--end-date", today.isoformat(), "--output", str(target))
    summary = json.loads(result.stdout)
    assert summary["rows"] == 120 and summary["file"] == str(target) and summary["size"] == target.stat().st_size
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(target.read_bytes()).decode())))
    assert {row["date"]: int(row["IMPRESSION"]) for row in rows} == per_day
    assert {row["pin_id"] for row in rows} == {pin_id}
    # What the bars showed went to stderr; nothing is left under a temporary name.
    assert "Exporting daily_metrics" in result.stderr and "Downloading daily.csv.gz" in result.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["daily.csv.gz"]


def test_export_of_totals_as_parquet_under_its_own_name(runtime, server, user, tmp_path):
    pin_id, per_day = _pin_with_rows(runtime, user, 10)
    today = runtime.clock.today().isoformat()
    result = subprocess.run([*PINSIGHT, "export", "--url", f"{server.url}/v5", "--start-date", today, "--end-date",
                             today, "--format", "parquet", "--dataset", "totals", "--pin-id", pin_id],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120,
                            env={**os.environ, "PINTEREST_ACCESS_TOKEN": user.token})
    assert result.returncode == 0, result.stderr
    written = tmp_path / f"totals_{today}_{today}.parquet"
    assert json.loads(result.stdout)["file"] == written.name
    (row,) = pq.read_table(written).to_pylist()
    assert row["pin_id"] == pin_id and row["IMPRESSION"] == per_day[today]


def test_a_refused_export_says_why(server, user, tmp_path):
    result = _export(server, user, "--start-date", "2025-01-10", "--end-date", "2025-01-01", "--output",
                     str(tmp_path / "x.csv.gz"), check=False)
    assert result.returncode == 2 and "end_date" in result.stderr
    assert not list(tmp_path.iterdir())
    result = run("export", "--url", server.url, "--start-date", "2025-01-01", "--end-date", "2025-01-01",
                 "--token", "pina_not-a-token", check=False)
    assert result.returncode == 1 and "401" in result.stderr
    assert "Usage" in run("export", "--help").stdout
