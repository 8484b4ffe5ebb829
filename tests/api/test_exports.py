"""Organic exports over HTTP: ask, poll, download the signed url, parse the file, and find
the values the test sent (and the analytics endpoints answer), value by value.

Expected values are computed here from the daily rows the test sent through
/api/v1/daily_metrics, independently of the export's code; the analytics endpoints are
asked for the same pins and days where their 90-day window allows.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import time
from collections import defaultdict
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pyarrow.parquet as pq
import pytest

from pinsight.catalog.metrics import BASE_METRICS, DERIVED_METRICS, METRICS, PIN_ANALYTICS_METRICS
from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.errors import AdAccountNotFound, ExportNotFound, Forbidden, InvalidParameters
from tests.support.api import assert_error, create_board, create_pin, create_section
from tests.support.factories import backdate_pin, make_ad_account, make_user, set_role

FORMATS = ("csv.gz", "ndjson.gz", "parquet")
APP_TYPES = ("MOBILE", "TABLET", "WEB")
DAYS = 150  # more than the analytics' 90-day window
EXPORTS = "/../api/v1/exports"
INTEGER_METRICS = {name for name in (*BASE_METRICS, *DERIVED_METRICS) if METRICS[name].kind == "count"
                   or METRICS[name].is_base}


# --- helpers -------------------------------------------------------------------------------------------


def request_export(client: httpx.Client, params: dict | None = None, **body) -> httpx.Response:
    return client.post(EXPORTS, json=body, params=params or {})


def wait_for(client: httpx.Client, export_id: str, params: dict | None = None, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        response = client.get(f"{EXPORTS}/{export_id}", params=params or {})
        assert response.status_code == 200, response.text
        status = response.json()
        if status["status"] not in ("queued", "running"):
            return status
        assert time.monotonic() < deadline, status
        time.sleep(0.1)


def export(client: httpx.Client, params: dict | None = None, **body) -> tuple[dict, bytes]:
    """Ask for an export, wait until it is finished, download it (without a token)."""
    created = request_export(client, params, **body)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "queued" and created.json()["url"] is None
    status = wait_for(client, created.json()["id"], params)
    assert status["status"] == "finished", status
    downloaded = httpx.get(status["url"], timeout=30)
    assert downloaded.status_code == 200, downloaded.text
    assert len(downloaded.content) == status["size"]
    return status, downloaded.content


def _typed(name: str, value):
    """A CSV cell as the value it stands for (the other formats keep their types)."""
    if not isinstance(value, str):
        return value
    if name in INTEGER_METRICS:
        return int(value)
    if name in METRICS:
        return float(value)
    if name in ("is_standard", "has_been_promoted"):
        return value == "true"
    return value or None


def parse(file_format: str, content: bytes) -> list[dict]:
    if file_format == "csv.gz":
        rows = list(csv.DictReader(io.StringIO(gzip.decompress(content).decode())))
        return [{name: _typed(name, value) for name, value in row.items()} for row in rows]
    if file_format == "ndjson.gz":
        return [json.loads(line) for line in gzip.decompress(content).decode().splitlines()]
    table = pq.read_table(io.BytesIO(content))
    return [{name: value.isoformat() if name == "date" else value for name, value in row.items()}
            for row in table.to_pylist()]


def random_rows(rng: random.Random, pin_id: str, today, days: int) -> list[dict]:
    rows = []
    for back in range(days):
        day = today - timedelta(days=back)
        for app_type in APP_TYPES:
            if rng.random() < 0.4:
                continue  # quiet days have no row at all
            metrics = {name: rng.randrange(0, 300) for name in BASE_METRICS}
            for traffic in ("ORGANIC", "PAID") if rng.random() < 0.2 else ("ORGANIC",):
                rows.append({"pin_id": pin_id, "date": day.isoformat(), "app_type": app_type, "traffic": traffic,
                             "metrics": metrics})
    return rows


def per_pin_day(rows: list[dict], start, end) -> dict[tuple[str, str], dict[str, int]]:
    sums: dict = defaultdict(lambda: dict.fromkeys(BASE_METRICS, 0))
    for row in rows:
        if start.isoformat() <= row["date"] <= end.isoformat():
            for name, value in row["metrics"].items():
                sums[row["pin_id"], row["date"]][name] += value
    return dict(sums)


def expected_totals(rows: list[dict], pin_id: str, start, end) -> dict[str, int | float]:
    totals = dict.fromkeys(BASE_METRICS, 0)
    for (pin, _), values in per_pin_day(rows, start, end).items():
        if pin == pin_id:
            for name, value in values.items():
                totals[name] += value
    share = lambda top, bottom: top / bottom if bottom else 0.0  # noqa: E731
    engagement = totals["SAVE"] + totals["PIN_CLICK"] + totals["OUTBOUND_CLICK"]
    impressions = totals["IMPRESSION"]
    return {**totals, "ENGAGEMENT": engagement, "SAVE_RATE": share(totals["SAVE"], impressions),
            "PIN_CLICK_RATE": share(totals["PIN_CLICK"], impressions),
            "OUTBOUND_CLICK_RATE": share(totals["OUTBOUND_CLICK"], impressions),
            "CLOSEUP_RATE": share(totals["CLOSEUP"], impressions), "ENGAGEMENT_RATE": share(engagement, impressions),
            "VIDEO_AVG_WATCH_TIME": share(totals["VIDEO_V50_WATCH_TIME"], totals["VIDEO_START"])}


class Archive:
    """A user's pins on a public board (one in a section), a protected and a secret one, each
    created 200 days ago with 150 days of daily rows."""

    def __init__(self, runtime, user):
        self.runtime, self.user, self.today = runtime, user, runtime.clock.today()
        client = user.client
        public = create_board(client, name="Public")
        section = create_section(client, public["id"])
        protected = create_board(client, name="Protected", privacy="PROTECTED")
        secret = create_board(client, name="Secret", privacy="SECRET")
        self.pins = {
            "public": create_pin(client, public["id"], title="On public", link="https://example.com/a"),
            "sectioned": create_pin(client, public["id"], board_section_id=section["id"], title="In a section"),
            "protected": create_pin(client, protected["id"], description="Protected pin"),
            "secret": create_pin(client, secret["id"], title="Secret pin"),
        }
        self.rows: list[dict] = []
        rng = random.Random(11)
        for pin in self.pins.values():
            backdate_pin(runtime, pin["id"], 200)
            rows = random_rows(rng, pin["id"], self.today, DAYS)
            for offset in range(0, len(rows), 500):
                answer = client.post("/../api/v1/daily_metrics", json=rows[offset : offset + 500])
                assert answer.status_code == 200, answer.text
            self.rows += rows

    def ids(self, *names: str) -> set[str]:
        return {self.pins[name]["id"] for name in names}

    def period(self, days: int) -> dict:
        return {"start_date": (self.today - timedelta(days=days - 1)).isoformat(), "end_date": self.today.isoformat()}


@pytest.fixture
def archive(runtime, user):
    return Archive(runtime, user)


# --- the datasets ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", FORMATS)
def test_daily_metrics_are_the_stored_rows_summed_per_pin_and_day(archive, file_format):
    period = archive.period(DAYS)  # 150 days: no 90-day limit
    status, content = export(archive.user.client, format=file_format, dataset="daily_metrics", **period)
    rows = parse(file_format, content)
    start, end = archive.today - timedelta(days=DAYS - 1), archive.today
    expected = per_pin_day(archive.rows, start, end)
    assert status["rows"] == status["progress_rows"] == len(rows) == len(expected)
    assert status["dataset"] == "daily_metrics" and status["format"] == file_format
    assert [(row["pin_id"], row["date"]) for row in rows] == sorted(expected, key=lambda key: (int(key[0]), key[1]))
    for row in rows:
        assert set(row) == {"pin_id", "date", *BASE_METRICS}
        assert {name: row[name] for name in BASE_METRICS} == expected[row["pin_id"], row["date"]], row
    # Every pin the owner may read, the secret one included (the token has pins:read_secret).
    assert {row["pin_id"] for row in rows} == archive.ids("public", "sectioned", "protected", "secret")


def test_daily_metrics_equal_what_pin_analytics_answers_per_day(archive):
    period = archive.period(30)
    _, content = export(archive.user.client, format="csv.gz", dataset="daily_metrics", **period)
    exported = {(row["pin_id"], row["date"]): row for row in parse("csv.gz", content)}
    pin_ids = sorted(archive.ids("public", "protected", "secret"))
    metrics = ["IMPRESSION", "SAVE", "PIN_CLICK", "OUTBOUND_CLICK", "VIDEO_START", "VIDEO_V50_WATCH_TIME",
               "QUARTILE_95_PERCENT_VIEW"]
    answer = archive.user.client.get("/pins/analytics", params={"pin_ids": ",".join(pin_ids), **period,
                                                                 "metric_types": ",".join(metrics)})
    assert answer.status_code == 200, answer.text
    compared = 0
    for pin_id in pin_ids:
        for day in answer.json()[pin_id]["all"]["daily_metrics"]:
            row = exported.get((pin_id, day["date"]))
            for name in metrics:
                assert day["metrics"][name] == (row[name] if row else 0), (pin_id, day["date"], name)
                compared += 1
    assert compared == 3 * 30 * len(metrics)


@pytest.mark.parametrize("file_format", FORMATS)
def test_totals_are_the_period_sums_and_rates_of_sums(archive, file_format):
    days = 120
    status, content = export(archive.user.client, format=file_format, dataset="totals", **archive.period(days))
    rows = {row["pin_id"]: row for row in parse(file_format, content)}
    assert set(rows) == archive.ids("public", "sectioned", "protected", "secret") and status["rows"] == 4
    start = archive.today - timedelta(days=days - 1)
    for pin_id, row in rows.items():
        expected = expected_totals(archive.rows, pin_id, start, archive.today)
        assert set(row) == {"pin_id", *BASE_METRICS, *DERIVED_METRICS}
        for name, value in expected.items():
            assert row[name] == pytest.approx(value, rel=1e-12), (name, row[name], value)


def test_totals_equal_the_pin_analytics_summaries(archive):
    period = archive.period(90)
    _, content = export(archive.user.client, format="parquet", dataset="totals", **period)
    rows = {row["pin_id"]: row for row in parse("parquet", content)}
    summary = [name for name in PIN_ANALYTICS_METRICS if not METRICS[name].lifetime]
    for pin_id in archive.ids("public", "secret"):
        answer = archive.user.client.get(f"/pins/{pin_id}/analytics",
                                          params={**period, "metric_types": ",".join(summary)})
        assert answer.status_code == 200, answer.text
        for name, value in answer.json()["all"]["summary_metrics"].items():
            assert rows[pin_id][name] == pytest.approx(value), (pin_id, name)


@pytest.mark.parametrize("file_format", FORMATS)
def test_pins_are_listed_with_their_fields(archive, file_format):
    status, content = export(archive.user.client, format=file_format, dataset="pins", **archive.period(7))
    rows = {row["pin_id"]: row for row in parse(file_format, content)}
    assert set(rows) == archive.ids("public", "sectioned", "protected", "secret") and status["rows"] == 4
    privacy = {"public": "PUBLIC", "sectioned": "PUBLIC", "protected": "PROTECTED", "secret": "SECRET"}
    for name, pin in archive.pins.items():
        shown = archive.user.client.get(f"/pins/{pin['id']}").json()
        row = rows[pin["id"]]
        assert row["board_id"] == shown["board_id"] and row["section_id"] == shown["board_section_id"]
        assert (row["title"], row["description"], row["link"]) == (shown["title"], shown["description"],
                                                                     shown["link"])
        assert row["board_privacy"] == privacy[name] and row["creative_type"] == shown["creative_type"]
        assert row["is_standard"] is True and row["has_been_promoted"] is False
        created = row["created_at"]
        created = created.isoformat() if not isinstance(created, str) else created
        assert created.replace(" ", "T").startswith(shown["created_at"][:19]), (created, shown["created_at"])


def test_pin_ids_keep_the_export_to_those_pins(archive):
    wanted = archive.ids("public", "protected")
    _, content = export(archive.user.client, format="ndjson.gz", dataset="daily_metrics", pin_ids=sorted(wanted),
                        **archive.period(10))
    rows = parse("ndjson.gz", content)
    assert rows and {row["pin_id"] for row in rows} == wanted


def test_an_export_without_pins_read_secret_leaves_secret_pins_out(runtime, server, archive):
    token = archive.user.token_with(runtime, set(ALL_SCOPES) - {"pins:read_secret"})
    with httpx.Client(base_url=f"{server.url}/v5", headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        _, content = export(client, format="csv.gz", dataset="pins", **archive.period(7))
        assert {row["pin_id"] for row in parse("csv.gz", content)} == archive.ids("public", "sectioned", "protected")
        refused = request_export(client, format="csv.gz", dataset="pins", pin_ids=[archive.pins["secret"]["id"]],
                                 **archive.period(7))
        assert "pin_ids" in assert_error(refused, 400, InvalidParameters.code)["message"]


# --- Business Access -----------------------------------------------------------------------------------------


def test_an_analyst_exports_a_shared_account_without_its_secret_pins(runtime, server, archive):
    account = make_ad_account(runtime, archive.user)
    analyst = make_user(runtime, server.url, prefix="analyst")
    admin = make_user(runtime, server.url, prefix="admin")
    set_role(runtime, account, analyst, "ANALYST")
    set_role(runtime, account, admin, "ADMIN")
    through = {"ad_account_id": account}
    try:
        status, content = export(analyst.client, through, format="parquet", dataset="totals", **archive.period(30))
        assert status["ad_account_id"] == account
        assert {row["pin_id"] for row in parse("parquet", content)} == archive.ids("public", "sectioned", "protected")
        _, content = export(admin.client, through, format="parquet", dataset="totals", **archive.period(30))
        assert {row["pin_id"] for row in parse("parquet", content)} == archive.ids("public", "sectioned", "protected",
                                                                                    "secret")
        # Read through the ad account it was made through, by the one who asked only.
        assert_error(analyst.client.get(f"{EXPORTS}/{status['id']}"), 404, ExportNotFound.code)
        assert_error(archive.user.client.get(f"{EXPORTS}/{status['id']}", params=through), 404, ExportNotFound.code)
        assert_error(admin.client.get(f"{EXPORTS}/{status['id']}", params=through), 404, ExportNotFound.code)
        # A role taken away takes the export away.
        set_role(runtime, account, analyst, "FINANCE_MANAGER")
        assert_error(analyst.client.get(f"{EXPORTS}/{status['id']}", params=through), 403, Forbidden.code)
        set_role(runtime, account, analyst, None)
        assert_error(analyst.client.get(f"{EXPORTS}/{status['id']}", params=through), 403, Forbidden.code)
        assert_error(analyst.client.get(f"{EXPORTS}/{status['id']}", params={"ad_account_id": "1234"}), 404,
                     AdAccountNotFound.code)
    finally:
        analyst.client.close()
        admin.client.close()


# --- refusals ------------------------------------------------------------------------------------------------


def test_another_users_export_is_not_found(archive, other_user):
    created = request_export(archive.user.client, format="csv.gz", dataset="pins", **archive.period(3))
    export_id = created.json()["id"]
    assert_error(other_user.client.get(f"{EXPORTS}/{export_id}"), 404, ExportNotFound.code)
    assert_error(other_user.client.get(f"{EXPORTS}/not-an-export"), 404, ExportNotFound.code)
    assert wait_for(archive.user.client, export_id)["status"] == "finished"


def test_a_tampered_or_expired_link_is_403(archive):
    status, _ = export(archive.user.client, format="csv.gz", dataset="pins", **archive.period(3))
    parts = urlsplit(status["url"])
    query = dict(parse_qsl(parts.query))
    for changed in ({**query, "signature": query["signature"][:-1] + ("0" if query["signature"][-1] != "0" else "1")},
                    {**query, "expires": str(int(query["expires"]) + 60)},
                    {key: value for key, value in query.items() if key != "signature"}):
        response = httpx.get(parts._replace(query=urlencode(changed)).geturl(), timeout=30)
        body = assert_error(response, 403)
        assert isinstance(body["code"], int) and body["message"]
    other_file = parts.path.replace(".csv.gz", ".parquet")
    assert_error(httpx.get(parts._replace(path=other_file).geturl(), timeout=30), 403)


def _bad_bodies(archive, other_pin: str) -> list[tuple[object, str]]:
    """(body, the field its 400 must name)."""
    good = {"format": "csv.gz", "dataset": "daily_metrics", **archive.period(10)}
    tomorrow = (archive.today + timedelta(days=1)).isoformat()
    return [
        ({key: value for key, value in good.items() if key != "start_date"}, "start_date"),
        ({key: value for key, value in good.items() if key != "format"}, "format"),
        ({**good, "start_date": "2025-02-30"}, "start_date"),
        ({**good, "start_date": "yesterday"}, "start_date"),
        ({**good, "end_date": 20250101}, "end_date"),
        ({**good, "start_date": good["end_date"], "end_date": good["start_date"]}, "end_date"),
        ({**good, "end_date": tomorrow}, "end_date"),
        ({**good, "format": "xlsx"}, "format"),
        ({**good, "dataset": "everything"}, "dataset"),
        ({**good, "pin_ids": []}, "pin_ids"),
        ({**good, "pin_ids": ["12x"]}, "pin_ids"),
        ({**good, "pin_ids": ["99999999999999999999"]}, "pin_ids"),
        ({**good, "pin_ids": ["9223372036854775807"]}, "pin_ids"),
        ({**good, "pin_ids": [other_pin]}, "pin_ids"),
        ({**good, "fromat": "csv.gz"}, "fromat"),
        ([good], ""),
        ("not an object", ""),
    ]


def test_bad_requests_are_400_naming_the_field(archive, other_user):
    board = create_board(other_user.client)
    other_pin = create_pin(other_user.client, board["id"])["id"]
    for body, field in _bad_bodies(archive, other_pin):
        response = archive.user.client.post(EXPORTS, json=body)
        message = assert_error(response, 400, InvalidParameters.code)["message"]
        assert field in message, (body, message)
    for content in (b"", b"{", b"\xff"):
        response = archive.user.client.post(EXPORTS, content=content, headers={"Content-Type": "application/json"})
        assert_error(response, 400)


def test_a_pin_created_after_the_period_is_not_in_it(runtime, archive):
    late = create_pin(archive.user.client, archive.pins["public"]["board_id"], title="Made today")
    period = {"start_date": (archive.today - timedelta(days=5)).isoformat(),
              "end_date": (archive.today - timedelta(days=1)).isoformat()}
    _, content = export(archive.user.client, format="csv.gz", dataset="pins", **period)
    assert late["id"] not in {row["pin_id"] for row in parse("csv.gz", content)}
    refused = request_export(archive.user.client, format="csv.gz", dataset="pins", pin_ids=[late["id"]], **period)
    assert "pin_ids" in assert_error(refused, 400)["message"]


def test_the_answers_are_as_published(server, archive):
    """Queued, finished and refused answers validate against /openapi.json (the route's models)."""
    from tests.docs.published import DocClient, Published

    published = Published(httpx.get(f"{server.url}/openapi.json").json())
    client = DocClient(server.url, published, {"bearer": archive.user.token})
    try:
        created = client.call("pinsight/exports_create", json={"format": "parquet", "dataset": "totals",
                                                               **archive.period(3)})
        assert created.status_code == 201
        export_id = created.json()["id"]
        wait_for(archive.user.client, export_id)
        finished = client.call("pinsight/exports_get", path={"export_id": export_id})
        assert finished.json()["status"] == "finished" and finished.json()["url"].startswith(server.url)
        assert client.call("pinsight/exports_get", path={"export_id": "nope"}).status_code == 404
        assert client.call("pinsight/exports_create", json={"format": "zip"}).status_code == 400
    finally:
        client.close()


def test_fuzzed_bodies_are_201_exactly_when_valid_and_never_500(runtime, user):
    """Bodies mixing valid and invalid values of every field: 201 when the oracle here says
    the body is valid, else 400 {code, message}; never anything else."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    today = runtime.clock.today()
    good_days = st.integers(0, 3000).map(lambda back: (today - timedelta(days=back)).isoformat())
    bad_values = [None, 7, "", "2025-13-01", "2025-02-30", "01/02/2025", "2025-1-1", (today + timedelta(days=1)).isoformat(),
                  "２０２５-01-01", "2025-01-01T00:00:00Z", [], {}]
    field_values = {
        "start_date": (good_days, st.sampled_from(bad_values)),
        "end_date": (good_days, st.sampled_from(bad_values)),
        "format": (st.sampled_from(FORMATS), st.sampled_from([None, "csv", "CSV.GZ", "parquet ", 1, ["parquet"]])),
        "dataset": (st.sampled_from(("daily_metrics", "pins", "totals")),
                    st.sampled_from([None, "daily", "", 0, "PINS"])),
    }

    @st.composite
    def bodies(draw):
        body, valid = {}, True
        for name, (good, bad) in field_values.items():
            choice = draw(st.sampled_from(["good", "good", "good", "bad", "absent"]))
            if choice == "absent" and name == "dataset":
                continue  # it has a default
            if choice == "absent":
                valid = False
                continue
            body[name] = draw(good if choice == "good" else bad)
            valid = valid and choice == "good"
        if draw(st.booleans()) and draw(st.booleans()):
            body[draw(st.sampled_from(["pin_ids", "extra", "Format"]))] = draw(st.sampled_from([[], ["x"], 5, "1"]))
            valid = False
        if valid and body["end_date"] < body["start_date"]:
            valid = False
        return body, valid

    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(bodies())
    def check(case):
        body, valid = case
        response = user.client.post(EXPORTS, json=body)
        if valid:
            assert response.status_code == 201, (body, response.text)
        else:
            answer = assert_error(response, 400, InvalidParameters.code)
            assert answer["message"], body

    check()
