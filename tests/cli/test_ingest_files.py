"""`pinsight ingest FILE` with the files spreadsheets and people actually produce: a byte
order mark, another delimiter, column names in another case, another encoding."""

import codecs
import json
from datetime import UTC, datetime, timedelta

import pytest

from pinsight.services.organic.ingest import STORED
from tests.cli.test_cli import run

DAILY_COLUMNS = "Valid columns for daily rows: pin_id, date, app_type, traffic, " + ", ".join(STORED) + "."


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('ingest') / 'db.sqlite3'}"
    demo = json.loads(run("demo", "--db", url, "--json", "--days", "10").stdout)
    return url, demo


def yesterday() -> str:
    return (datetime.now(UTC).date() - timedelta(days=1)).isoformat()


def ingest(url, path):
    return run("ingest", str(path), "--user", "pinsight_demo", "--db", url, check=False)


def test_a_byte_order_mark_is_skipped(demo_db, tmp_path):
    url, demo = demo_db
    rows = tmp_path / "excel.csv"
    rows.write_bytes(codecs.BOM_UTF8 + f"pin_id,date,app_type,IMPRESSION\r\n{demo['pin_id']},{yesterday()},WEB,7\r\n".encode())
    result = ingest(url, rows)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"kind": "daily rows", "read": 1, "applied": 1, "rejected": 0}
    events = tmp_path / "events.ndjson"
    event = {"id": "bom-1", "pin_id": demo["pin_id"], "type": "SAVE", "timestamp": f"{yesterday()}T10:00:00Z", "app_type": "WEB"}
    events.write_bytes(codecs.BOM_UTF8 + json.dumps(event).encode() + b"\n")
    result = ingest(url, events)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"kind": "events", "read": 1, "applied": 1, "already_applied": 0, "rejected": 0}


@pytest.mark.parametrize(("delimiter", "word"), [(";", "semicolons"), ("\t", "tabs")])
def test_another_delimiter_is_named_with_the_valid_columns(demo_db, tmp_path, delimiter, word):
    url, demo = demo_db
    rows = tmp_path / "rows.csv"
    rows.write_text(delimiter.join(["pin_id", "date", "app_type", "IMPRESSION"]) + "\n"
                    + delimiter.join([demo["pin_id"], yesterday(), "WEB", "5"]) + "\n")
    result = ingest(url, rows)
    assert result.returncode == 2 and result.stdout == ""
    assert f"columns must be separated by commas, and this file seems to use {word}" in result.stderr
    assert DAILY_COLUMNS in result.stderr


def test_a_column_name_in_another_case_is_named_with_the_valid_columns(demo_db, tmp_path):
    url, demo = demo_db
    rows = tmp_path / "rows.csv"
    rows.write_text(f"pin_id,date,app_type,impression,Save\n{demo['pin_id']},{yesterday()},WEB,5,1\n")
    result = ingest(url, rows)
    assert result.returncode == 2 and result.stdout == ""
    assert "'impression' should be 'IMPRESSION'" in result.stderr and "'Save' should be 'SAVE'" in result.stderr
    assert "(names are case-sensitive)" in result.stderr and DAILY_COLUMNS in result.stderr


def test_event_files_unknown_and_missing_columns(demo_db, tmp_path):
    url, demo = demo_db
    events = tmp_path / "events.csv"
    events.write_text(f"id,pin_id,Type,timestamp,app_type,colour\ne1,{demo['pin_id']},SAVE,{yesterday()}T10:00:00Z,WEB,red\n")
    result = ingest(url, events)
    assert result.returncode == 2
    assert "'Type' should be 'type'" in result.stderr and "'colour' is not a column" in result.stderr
    assert "Valid columns for events: id, pin_id, type, timestamp, app_type, traffic, value." in result.stderr
    rows = tmp_path / "rows.csv"
    rows.write_text(f"pin_id,date,IMPRESSION\n{demo['pin_id']},{yesterday()},5\n")
    result = ingest(url, rows)
    assert result.returncode == 2 and "app_type is missing" in result.stderr


def test_a_file_that_is_not_utf8_is_refused_with_where(demo_db, tmp_path):
    url, demo = demo_db
    rows = tmp_path / "latin1.csv"
    rows.write_bytes(f"pin_id,date,app_type,IMPRESSION\n{demo['pin_id']},{yesterday()},WEB,5\n".encode() + "Caf\u00e9\n".encode("latin-1"))
    result = ingest(url, rows)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "latin1.csv is not UTF-8: byte" in result.stderr and "(0xe9)" in result.stderr
