"""The pinsight command, run as a user runs it: as a subprocess."""

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

PINSIGHT = [sys.executable, "-m", "pinsight.cli"]


def run(*args, env=None, check=True, timeout=120):
    result = subprocess.run([*PINSIGHT, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=timeout)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("command", [[], ["serve"], ["demo"], ["token"], ["token", "create"], ["app"], ["app", "create"],
                                     ["token", "create-conversion"], ["token", "revoke-conversion"], ["apikey"], ["apikey", "create"], ["user"], ["user", "create"], ["user", "list"],
                                     ["ingest"], ["worker"], ["template"], ["template", "create"]])
def test_every_command_has_help(command):
    result = run(*command, "--help")
    assert "Usage" in result.stdout


def test_demo_json_is_deterministic_and_idempotent(tmp_path):
    first = json.loads(run("demo", "--db", f"sqlite:///{tmp_path / 'a.sqlite3'}", "--json").stdout)
    assert {"access_token", "username", "board_id", "pin_id"} <= set(first)
    assert first["seeded"] is True and first["access_token"].startswith("pina_")
    again = json.loads(run("demo", "--db", f"sqlite:///{tmp_path / 'a.sqlite3'}", "--json").stdout)
    assert again["seeded"] is False and again["access_token"] != first["access_token"]
    other_db = json.loads(run("demo", "--db", f"sqlite:///{tmp_path / 'b.sqlite3'}", "--json").stdout)
    ignored = {"access_token", "seeded", "database_url"}
    assert {k: v for k, v in first.items() if k not in ignored} == {k: v for k, v in other_db.items() if k not in ignored}
    assert {k: v for k, v in first.items() if k not in ignored} == {k: v for k, v in again.items() if k not in ignored}


def test_token_create_prints_the_token_alone(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    run("demo", "--db", url, "--json")
    result = run("token", "create", "--user", "pinsight_demo", "--scopes", "pins:read,boards:read", env={"PINSIGHT_DATABASE_URL": url})
    assert re.fullmatch(r"pina_[A-Za-z0-9_-]{40,}\n", result.stdout)
    missing = run("token", "create", "--user", "nobody", "--db", url, check=False)
    assert missing.returncode == 1 and "nobody" in missing.stderr and missing.stdout == ""
    bad_scope = run("token", "create", "--user", "pinsight_demo", "--scopes", "pins:fly", "--db", url, check=False)
    assert bad_scope.returncode == 1 and "pins:fly" in bad_scope.stderr


def test_app_create_json(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    run("demo", "--db", url, "--json")
    created = json.loads(run("app", "create", "--name", "My app", "--redirect-uri", "http://localhost:9/cb", "--db", url, "--json").stdout)
    assert created["app_id"].isdigit() and created["app_secret"].startswith("pins_")


def test_serve_demo_migrates_seeds_prints_token_and_serves(tmp_path):
    port = free_port()
    db_path = tmp_path / "served.sqlite3"
    process = subprocess.Popen(
        [*PINSIGHT, "serve", "--port", str(port), "--demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PINSIGHT_DATABASE_URL": f"sqlite:///{db_path}"},
    )
    try:
        # Shell lines: the SDK's base URL (with /v5, as the SDK's PINTEREST_API_URI has it),
        # the token, the demo's ids.
        uri_line, token_line, ids_line = (process.stdout.readline() for _ in range(3))
        assert uri_line == f"export PINTEREST_API_URI=http://127.0.0.1:{port}/v5\n"
        assert re.fullmatch(r"export PINTEREST_ACCESS_TOKEN=(pina_\S+) TOKEN=\1\n", token_line), token_line
        token = token_line.split()[1].split("=", 1)[1]
        assert re.fullmatch(r"export BOARD_ID=\d+ PIN_ID=\d+ SECTION_ID=\d+ SECRET_BOARD_ID=\d+ AD_ACCOUNT_ID=\d+ "
                            r"FRIEND_BOARD_ID=\d+ FRIEND_PIN_ID=\d+\n", ids_line), ids_line
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        me = httpx.get(f"http://127.0.0.1:{port}/v5/user_account", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["username"] == "pinsight_demo"
        assert me.json()["pin_count"] > 0
        # An overview API key made with the CLI reads the demo account through /api/pinterest.
        key = run("apikey", "create", "--user", "pinsight_demo", "--label", "ci",
                  env={"PINSIGHT_DATABASE_URL": f"sqlite:///{db_path}"}).stdout
        assert re.fullmatch(r"psk_[A-Za-z0-9_-]{40,}\n", key)
        overview = httpx.get(f"http://127.0.0.1:{port}/api/pinterest/overview",
                             params={"apiKey": key.strip(), "social_network_id": me.json()["id"], "preset": "last_30_days"})
        assert overview.status_code == 200, overview.text
        body = overview.json()
        assert body["success"] is True and body["data"]["total_followers"] > 0
        assert next(m for m in body["data"]["metrics"] if m["key"] == "impressions")["value_current_period"] > 0
        missing = run("apikey", "create", "--user", "nobody", "--db", f"sqlite:///{db_path}", check=False)
        assert missing.returncode == 1 and "nobody" in missing.stderr and missing.stdout == ""
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert str(db_path) in stderr and Path(db_path).exists()
    assert f"API docs: http://127.0.0.1:{port}/docs" in stderr
    assert '"path":"/v5/user_account"' in stderr  # the structured access log line


@pytest.mark.postgres
def test_demo_on_postgresql_with_a_plain_url(postgres_server):
    url = postgres_server.create_database("cli_demo").replace("postgresql+psycopg://", "postgresql://")
    result = json.loads(run("demo", "--db", url, "--json").stdout)
    assert result["seeded"] is True and result["pin_id"].isdigit()


def test_ingest_file_applies_good_rows_and_reports_bad_ones(tmp_path):
    from datetime import UTC, datetime, timedelta

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    demo = json.loads(run("demo", "--db", url, "--json", "--days", "30").stdout)
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    csv_file = tmp_path / "rows.csv"
    csv_file.write_text(
        "pin_id,date,app_type,IMPRESSION,SAVE\n"
        f"{demo['pin_id']},{yesterday},WEB,77,7\n"
        f"{demo['pin_id']},2001-01-01,WEB,1,1\n"
        f"{demo['friend_pin_id']},{yesterday},WEB,1,1\n"
    )
    result = run("ingest", str(csv_file), "--user", "pinsight_demo", "--db", url, check=False)
    assert result.returncode == 2
    assert json.loads(result.stdout) == {"kind": "daily rows", "read": 3, "applied": 1, "rejected": 2}
    assert "row 2:" in result.stderr and "row 3:" in result.stderr and "not found among your pins" in result.stderr
    ndjson = tmp_path / "rows.ndjson"
    row = {"pin_id": demo["pin_id"], "date": yesterday, "app_type": "MOBILE", "metrics": {"IMPRESSION": 5}}
    ndjson.write_text(json.dumps(row) + "\n" + json.dumps(row | {"app_type": "TABLET"}) + "\n")
    clean = run("ingest", str(ndjson), "--user", "pinsight_demo", "--db", url)
    assert json.loads(clean.stdout) == {"kind": "daily rows", "read": 2, "applied": 2, "rejected": 0}
    # Hostile lines (nested 5,000 deep, NaN) are reported like any bad line, not a crash.
    hostile = tmp_path / "hostile.ndjson"
    hostile.write_text(json.dumps(row) + "\n" + "[" * 5000 + "]" * 5000 + "\n" + '{"pin_id": NaN}\n')
    refused = run("ingest", str(hostile), "--user", "pinsight_demo", "--db", url, check=False)
    assert refused.returncode == 2, refused.stderr
    assert json.loads(refused.stdout) == {"kind": "daily rows", "read": 3, "applied": 1, "rejected": 2}


def test_ingest_events_file_counts_each_event_once(tmp_path):
    from datetime import UTC, datetime, timedelta

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    demo = json.loads(run("demo", "--db", url, "--json", "--days", "5").stdout)
    when = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT12:00:00Z")
    csv_file = tmp_path / "events.csv"
    csv_file.write_text(
        "id,pin_id,type,timestamp,app_type,value\n"
        f"e1,{demo['pin_id']},IMPRESSION,{when},WEB,\n"
        f"e2,{demo['pin_id']},SAVE,{when},WEB,\n"
        f"e3,{demo['pin_id']},VIDEO_WATCH_TIME,{when},WEB,\n"
        f"e4,{demo['pin_id']},NOT_A_TYPE,{when},WEB,\n"
    )
    first = run("ingest", str(csv_file), "--user", "pinsight_demo", "--db", url, check=False)
    assert first.returncode == 2
    assert json.loads(first.stdout) == {"kind": "events", "read": 4, "applied": 2, "already_applied": 0, "rejected": 2}
    again = run("ingest", str(csv_file), "--user", "pinsight_demo", "--db", url, check=False)
    # As the API answers a batch sent again: the events applied before are counted as such.
    assert json.loads(again.stdout) == {"kind": "events", "read": 4, "applied": 0, "already_applied": 2, "rejected": 2}


def test_ingest_ad_events_file(tmp_path):
    """Ad actions from NDJSON: applied once, bad lines reported; a CSV of them is refused whole."""
    import hashlib
    from datetime import UTC, datetime, timedelta

    from pinsight.store.db import make_engine
    from tests.support.factories import make_ads

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    demo = json.loads(run("demo", "--db", url, "--json", "--days", "5").stdout)

    class Clock:  # make_ads reads only the runtime's engine and clock
        @staticmethod
        def now():
            return datetime.now(UTC).replace(tzinfo=None)

    engine = make_engine(url)
    (ad,) = make_ads(type("Runtime", (), {"engine": engine, "clock": Clock})(), demo["ad_account_id"], 1)
    engine.dispose()
    when = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT12:00:00Z")
    person = {"em": hashlib.sha256(b"ann@example.com").hexdigest()}
    lines = [{"id": f"a{n}", "ad_id": ad, "type": "IMPRESSION", "timestamp": when, "user": person} for n in range(3)]
    lines.append({"id": "bad", "ad_id": ad, "type": "WINK", "timestamp": when, "user": person})
    ndjson = tmp_path / "ad_events.ndjson"
    ndjson.write_text("".join(json.dumps(line) + "\n" for line in lines))
    first = run("ingest", str(ndjson), "--user", "pinsight_demo", "--db", url, check=False)
    assert first.returncode == 2
    assert json.loads(first.stdout) == {"kind": "ad events", "read": 4, "applied": 3, "already_applied": 0,
                                        "rejected": 1}
    assert "row 4:" in first.stderr and "type must be one of" in first.stderr
    again = run("ingest", str(ndjson), "--user", "pinsight_demo", "--db", url, check=False)
    assert json.loads(again.stdout)["already_applied"] == 3
    csv_file = tmp_path / "ad_events.csv"
    csv_file.write_text("id,ad_id,type,timestamp\nx,1,CLICK,2026-01-01T00:00:00Z\n")
    refused = run("ingest", str(csv_file), "--user", "pinsight_demo", "--db", url, check=False)
    assert refused.returncode == 2 and "NDJSON" in refused.stderr
