"""Hostile inputs to ingestion and the overview API, each a clear 4xx that writes nothing.

Ingestion answers Pinterest's {"code", "message"} with 400 (bad JSON or bad items, the
latter listed by position), 413 (a body over the size limit) or 415 (a body that is not
UTF-8); the overview API answers 422 {"message", "errors": {field: [...]}}. After every
refused batch the owner's metric tables are compared with their state before it.
"""

from __future__ import annotations

import codecs
import json
import socket

import httpx
import pytest

from pinsight.services.organic.ingest import MAX_ROWS, MAX_VALUE, STORED
from pinsight.settings import Settings
from pinsight.services.runtime import Runtime
from tests.support.hostile import DAILY_METRICS, EVENTS, MAX_LISTED, array, assert_refused, make_sender, ndjson
from tests.support.factories import make_user
from tests.support.server import LiveServer

ENDPOINTS = [EVENTS, DAILY_METRICS]
# A small limit for the size tests, on a second server over the same database.
SMALL_LIMIT = 8192


@pytest.fixture(scope="module")
def sender(runtime, server):
    """One account for the module: refused batches leave it unchanged, accepted ones are idempotent."""
    user = make_user(runtime, server.url, prefix="hostile")
    made = make_sender(runtime, user, server.url)
    yield made
    made.http.close()
    user.client.close()


def valid(sender, path: str, n: int = 0) -> dict:
    return sender.event(n) if path == EVENTS else sender.row(days_back=1 + n)


def refused_without_writing(sender, path: str, body: bytes, status: int, positions=None, **headers) -> dict:
    before = sender.fingerprint()
    answer = assert_refused(sender.post(path, body, **headers), status, positions)
    assert sender.fingerprint() == before
    return answer


# --- encodings ----------------------------------------------------------------------------------------


def _utf16(text: str) -> bytes:
    return text.encode("utf-16")  # with a byte order mark


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("encode", [
    _utf16,
    lambda text: text.encode("utf-16-le"),
    lambda text: text.encode("utf-16-be"),
    lambda text: text.encode("utf-32"),
    lambda text: text.encode("utf-8").replace(b"WEB", b"W\xe9B"),  # a Latin-1 byte
    lambda text: text.encode("utf-8").replace(b"WEB", b"W\xed\xa0\x80B"),  # an encoded lone surrogate
    lambda text: text.encode("utf-8") + b"\xff",
], ids=["utf-16-bom", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "surrogate-bytes", "trailing-ff"])
@pytest.mark.parametrize("shape", [array, ndjson])
def test_a_body_that_is_not_utf8_is_415(sender, path, encode, shape):
    text = shape([valid(sender, path)]).decode()
    answer = refused_without_writing(sender, path, encode(text), 415)
    assert "UTF-8" in answer["message"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_utf8_with_or_without_a_byte_order_mark_is_read(sender, path):
    for n, prefix in enumerate((b"", codecs.BOM_UTF8)):
        response = sender.post(path, prefix + array([valid(sender, path, n)]))
        assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", ENDPOINTS)
def test_compressed_bodies_and_other_charsets_are_415(sender, path):
    body = array([valid(sender, path)])
    refused_without_writing(sender, path, body, 415, **{"Content-Encoding": "gzip"})
    refused_without_writing(sender, path, body, 415, **{"Content-Type": "application/json; charset=utf-16"})
    ok = sender.post(path, body, **{"Content-Type": "application/json; charset=UTF-8", "Content-Encoding": "identity"})
    assert ok.status_code == 200, ok.text


# --- nesting, numbers, strings ------------------------------------------------------------------------------

DEEP = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize("path", ENDPOINTS)
def test_json_nested_5000_deep_is_400(sender, path):
    good = json.dumps(valid(sender, path))
    refused_without_writing(sender, path, DEEP.encode(), 400)
    refused_without_writing(sender, path, f"[{good}, {DEEP}]".encode(), 400)
    refused_without_writing(sender, path, f'{{"a": {DEEP}}}'.encode(), 400, [0])
    # NDJSON: the deep line is reported at its position.
    refused_without_writing(sender, path, f"{good}\n{DEEP}\n{good}\n".encode(), 400, [1])


EVENT_FIELDS = ("id", "pin_id", "type", "timestamp", "app_type", "traffic", "value")
ROW_FIELDS = ("pin_id", "date", "app_type", "traffic", "metrics")
WRONG_TYPES = [[], ["SAVE"], {}, {"a": 1}, None, True, 1.5, 7]


@pytest.mark.parametrize("field", EVENT_FIELDS)
def test_every_event_field_given_another_type_is_400_at_its_position(sender, field):
    for n, wrong in enumerate(WRONG_TYPES):
        if field == "value" and wrong == 7:
            continue  # a whole number is a valid watch time
        good = sender.event(f"{field}-ok-{n}")
        event = sender.event(f"{field}-{n}", type="VIDEO_WATCH_TIME", value=10) if field == "value" else sender.event(f"{field}-{n}")
        event[field] = wrong
        refused_without_writing(sender, EVENTS, array([good, event]), 400, [1])
        refused_without_writing(sender, EVENTS, ndjson([good, event]), 400, [1])


@pytest.mark.parametrize("field", ROW_FIELDS)
def test_every_row_field_given_another_type_is_400_at_its_position(sender, field):
    for wrong in WRONG_TYPES:
        row = sender.row(days_back=2)
        row[field] = wrong
        refused_without_writing(sender, DAILY_METRICS, array([sender.row(), row]), 400, [1])


def test_metric_values_of_the_wrong_kind_are_400(sender):
    for wrong in ([], [1], {}, {"n": 1}, None, True, 1.5, 1.0, -1, MAX_VALUE + 1, 10**30, "10", "1e3"):
        row = sender.row(days_back=2, metrics={"IMPRESSION": 5, "SAVE": wrong})
        refused_without_writing(sender, DAILY_METRICS, array([sender.row(), row]), 400, [1])
    unknown = sender.row(days_back=2, metrics={"NOT_A_METRIC": 1, "SAVE_RATE": 1})
    refused_without_writing(sender, DAILY_METRICS, array([unknown]), 400, [0])


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400", "9" * 5000])
def test_numbers_json_cannot_carry_are_400(sender, path, number):
    field = '"value": 1' if path == EVENTS else '"SAVE": 1'
    item = sender.event(0, type="VIDEO_WATCH_TIME", value=1) if path == EVENTS else sender.row()
    text = json.dumps(item).replace(field, field[:-1] + number)
    assert number in text
    refused_without_writing(sender, path, f"[{text}]".encode(), 400)
    refused_without_writing(sender, path, f"{json.dumps(valid(sender, path))}\n{text}\n".encode(), 400, [1])


@pytest.mark.parametrize("value", [10**20, 2**63, 1.5, 1e300, True, False, -1, 86_400_001])
def test_values_that_are_not_whole_milliseconds_in_range_are_400(sender, value):
    event = sender.event("watch", type="VIDEO_WATCH_TIME", value=value)
    refused_without_writing(sender, EVENTS, array([event]), 400, [0])


@pytest.mark.parametrize("timestamp", [
    "0001-01-01T00:00:00+05:00",  # before year 1 in UTC
    "9999-12-31T23:59:59-05:00",  # after year 9999 in UTC
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "2026-11-20T13:45:00",
    "2026-11-20",
    "2026-11-20T13:45:00+24:00",
    "2026-11-20T13:45:00Z\u0000",  # CPython's fromisoformat stops reading at a NUL
    "2026-11-20T13:45:00Z\u0000garbage",
    "2026-W47-5T13:45:00Z",  # ISO 8601, not RFC 3339
    "20261120T134500Z",
    "2026-11-20T13:45:00+01:00:30",
    "\u0662\u0660\u0662\u0666-11-20T13:45:00Z",
    "2" * 10_000,
])
def test_timestamps_out_of_range_or_malformed_are_400(sender, timestamp):
    refused_without_writing(sender, EVENTS, array([sender.event(0), sender.event(1, timestamp=timestamp)]), 400, [1])


@pytest.mark.parametrize("path", ENDPOINTS)
def test_lone_surrogates_are_400(sender, path):
    item = json.dumps(valid(sender, path))
    with_value = item.replace('"WEB"', '"WEB\\ud800"')
    with_key = item.replace('"app_type"', '"\\udc00app_type"')
    for text in (with_value, with_key):
        assert text != item
        refused_without_writing(sender, path, f"[{text}]".encode(), 400)
        refused_without_writing(sender, path, f"{item}\n{text}\n".encode(), 400, [1])


@pytest.mark.parametrize("path", ENDPOINTS)
def test_nul_characters_are_400(sender, path):
    item = valid(sender, path)
    escaped = dict(item, app_type="WEB\u0000")
    refused_without_writing(sender, path, array([item, escaped]), 400, [1])
    raw = json.dumps(item).replace('"WEB"', '"WEB\x00"').encode()
    refused_without_writing(sender, path, b"[" + raw + b"]", 400)
    refused_without_writing(sender, path, ndjson([item]) + raw + b"\n", 400, [1])
    refused_without_writing(sender, path, b"\x00" + array([item]), 415)


def test_event_ids_with_nul_or_control_characters_are_400(sender):
    for n, event_id in enumerate(("a\u0000b", "tab\there", "\u2028", "")):
        refused_without_writing(sender, EVENTS, array([sender.event(n), dict(sender.event(n + 10), id=event_id)]), 400, [1])


@pytest.mark.parametrize("path", ENDPOINTS)
def test_ten_megabyte_strings_are_400_with_a_short_answer(sender, path):
    huge = "A" * 10_000_000
    item = valid(sender, path)
    for bad in (dict(item, app_type=huge), dict(item, pin_id=huge), {**item, huge: 1}, dict(item, traffic=huge)):
        response = sender.post(path, array([item, bad]))
        assert_refused(response, 400, [1])
        assert len(response.content) < 10_000
    response = sender.post(path, ndjson([item]) + huge.encode() + b"\n")
    assert_refused(response, 400, [1])
    assert len(response.content) < 10_000


def test_objects_with_many_unknown_fields_get_a_short_reason(sender):
    event = sender.event(0, **{f"field_{n}_{'x' * 100}": n for n in range(10_000)})
    response = sender.post(EVENTS, array([event]))
    reason = assert_refused(response, 400, [0])["errors"][0]["reason"]
    assert "and 9995 more" in reason and len(reason) < 400
    row = sender.row(**{f"field_{n}": n for n in range(10_000)})
    reason = assert_refused(sender.post(DAILY_METRICS, array([row])), 400, [0])["errors"][0]["reason"]
    assert "and 9995 more" in reason and len(reason) < 400


# --- bounded work: many problems, many items --------------------------------------------------------------


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("line", [b"x", b"{", b"[1,", b'{"a": 1} trailing', b"\x0b"])
def test_many_bad_lines_stop_at_the_first_hundred_problems(sender, path, line):
    body = ndjson([valid(sender, path)]) + (line + b"\n") * 200_000
    answer = refused_without_writing(sender, path, body, 400, list(range(1, MAX_LISTED + 1)))
    assert "stopped" in answer["message"]
    assert all(e["reason"].startswith(f"line {e['position'] + 1} ") for e in answer["errors"])


@pytest.mark.parametrize("path", ENDPOINTS)
def test_bad_lines_among_blank_lines_and_carriage_returns_keep_their_line_numbers(sender, path):
    item = json.dumps(valid(sender, path)).encode()
    body = b"\r\n\n  \n" + item + b"\r\n\t\n" + b"oops\r\n" + b"\n" * 3 + item + b"\n"
    answer = refused_without_writing(sender, path, body, 400, [1])
    assert answer["errors"][0]["reason"].startswith("line 6 ")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_many_bad_items_stop_the_check_at_the_first_hundred(sender, path):
    items = [valid(sender, path, n) for n in range(3)] + [{"unknown": n} for n in range(250)]
    answer = refused_without_writing(sender, path, array(items), 400, list(range(3, 3 + MAX_LISTED)))
    assert f"stopped at the first {MAX_LISTED} problems" in answer["message"]


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("shape", [array, ndjson])
def test_more_items_than_a_batch_holds_are_400(sender, path, shape):
    answer = refused_without_writing(sender, path, shape([{}] * (MAX_ROWS + 1)), 400)
    assert f"{MAX_ROWS:,}" in answer["message"]


def test_the_default_body_limit_is_above_the_heaviest_batch_allowed():
    row = {"pin_id": "9" * 19, "date": "2026-11-20", "app_type": "MOBILE", "traffic": "ORGANIC",
           "metrics": dict.fromkeys(STORED, MAX_VALUE)}
    # One row in an indented array, times the batch's rows: more than the whole array weighs.
    heaviest = len(json.dumps([row], indent=2).encode()) * MAX_ROWS
    assert heaviest < Settings().max_body_bytes


# --- the size limit, on a server with a small one -----------------------------------------------------------


@pytest.fixture(scope="module")
def small_server(runtime):
    settings = runtime.settings.model_copy(update={"max_body_bytes": SMALL_LIMIT})
    live = LiveServer(Runtime.build(runtime.engine, settings)).start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def small(runtime, small_server):
    user = make_user(runtime, small_server.url, prefix="hostile_small")
    made = make_sender(runtime, user, small_server.url)
    yield made
    made.http.close()
    user.client.close()


def _padded(body: bytes, size: int) -> bytes:
    assert len(body) <= size
    return body + b" " * (size - len(body))


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_body_at_the_limit_is_read_and_one_byte_more_is_413(small, path):
    body = array([valid(small, path)])
    refused_without_writing(small, path, _padded(body, SMALL_LIMIT + 1), 413)
    assert small.post(path, _padded(body, SMALL_LIMIT)).status_code == 200


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_chunked_body_is_refused_once_it_passes_the_limit(small, path):
    body = array([valid(small, path)])

    def chunks(total: int):
        padded = _padded(body, total)
        for start in range(0, total, 1000):
            yield padded[start:start + 1000]

    before = small.fingerprint()
    response = small.http.post(path, content=chunks(SMALL_LIMIT * 2))
    assert "content-length" not in response.request.headers
    answer = assert_refused(response, 413)
    assert f"{SMALL_LIMIT:,}" in answer["message"]
    assert small.fingerprint() == before
    assert small.http.post(path, content=chunks(SMALL_LIMIT)).status_code == 200


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_sent(small, small_server):
    """The body never comes: only a refusal on the Content-Length header can answer."""
    request = (f"POST {EVENTS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {small.user.token}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {10**12}\r\n\r\n").encode()
    before = small.fingerprint()
    with socket.create_connection(("127.0.0.1", small_server.port), timeout=60) as sock:
        sock.sendall(request)
        head, body = _read_response(sock)
    assert head.split(b" ")[1] == b"413", head
    assert json.loads(body)["code"] == 413
    assert small.fingerprint() == before


def _read_response(sock: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, data
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, (head, body)
        body += chunk
    return head, body


def test_without_a_token_the_body_is_not_read(small_server):
    response = httpx.post(f"{small_server.url}{EVENTS}", content=b" " * SMALL_LIMIT, timeout=60)
    assert_refused(response, 401)
    # A body declared past the limit is refused before anything else, the token included.
    response = httpx.post(f"{small_server.url}{EVENTS}", content=b" " * (SMALL_LIMIT * 2), timeout=60)
    assert_refused(response, 413)


# --- the overview API ------------------------------------------------------------------------------------------

BAD_ZONES = ["Mars/Olympus", "../../etc/passwd", "/etc/localtime", "America", "Europe/", "zone.tab", "tzdata.zi",
             "A" * 10_000, "Asia/" + "Tokyo" * 2000, "UTC\x00", "\x00", " UTC", "utc/../UTC", "Asia/Tokyo\n"]


@pytest.mark.parametrize("path", ["/overview", "/posts"])
@pytest.mark.parametrize("zone", BAD_ZONES)
def test_an_unknown_or_absurd_timezone_is_a_422_field_error(sender, server, path, zone):
    response = _overview(sender, server, path, preset="last_7_days", timezone=zone)
    assert _field_errors(response) == {"timezone"}


@pytest.mark.parametrize("path", ["/overview", "/posts"])
@pytest.mark.parametrize("raw", ["%FF", "%ED%A0%80", "%C0%AF", "Asia%2F%00Tokyo", "%25"])
def test_timezones_that_are_not_utf8_text_are_422(sender, server, path, raw):
    url = f"{server.url}/api/pinterest{path}?apiKey={sender.api_key}&social_network_id={sender.user.id}"
    response = httpx.get(f"{url}&preset=last_7_days&timezone={raw}", timeout=60)
    assert _field_errors(response) == {"timezone"}


@pytest.mark.parametrize("params, fields", [
    ({"page": "9" * 10_000}, {"page"}),
    ({"per_page": "1" * 10_000}, {"per_page"}),
    ({"page": "-1", "per_page": "0"}, {"page", "per_page"}),
    ({"page": "\u0661"}, {"page"}),  # an Arabic-Indic digit one
    ({"page": "1\x00"}, {"page"}),
    ({"per_page": "1e2"}, {"per_page"}),
])
def test_bad_page_numbers_are_422(sender, server, params, fields):
    assert _field_errors(_overview(sender, server, "/posts", preset="last_7_days", **params)) == fields


@pytest.mark.parametrize("path", ["/overview", "/posts"])
@pytest.mark.parametrize("params, fields", [
    ({"start_date": "2025-01-01" * 1000, "end_date": "2025-01-05"}, {"start_date"}),
    ({"start_date": "2025-01-01", "end_date": "9" * 10_000}, {"end_date"}),
    ({"start_date": "0001-01-01", "end_date": "0001-01-05"}, {"start_date", "end_date"}),
    ({"start_date": "9999-12-30", "end_date": "9999-12-31"}, {"end_date"}),
    ({"start_date": "2025-02-30", "end_date": "2025-03-01"}, {"start_date"}),
    ({"start_date": "\u0662\u0660\u0662\u0665-01-01", "end_date": "2025-01-05"}, {"start_date"}),
    ({"preset": "x" * 10_000}, {"preset"}),
    ({"preset": "last_7_days\x00"}, {"preset"}),
])
def test_absurd_periods_are_422(sender, server, path, params, fields):
    assert _field_errors(_overview(sender, server, path, **params)) == fields


def _overview(sender, server, path: str, **params) -> httpx.Response:
    query = {"apiKey": sender.api_key, "social_network_id": sender.user.id, **params}
    return httpx.get(f"{server.url}/api/pinterest{path}", params=query, timeout=60)


def _field_errors(response: httpx.Response) -> set[str]:
    assert response.status_code == 422, response.text[:500]
    body = response.json()
    assert set(body) == {"message", "errors"} and isinstance(body["message"], str) and body["message"]
    assert all(isinstance(m, str) and m and len(m) < 200 for messages in body["errors"].values() for m in messages)
    return set(body["errors"])


def test_every_body_taking_route_refuses_a_body_past_the_limit(runtime):
    """Not only ingestion: a v5 JSON body past PINSIGHT_MAX_BODY_BYTES is a 413 too."""
    import httpx

    from pinsight.services.runtime import Runtime as _Runtime
    from pinsight.settings import Settings as _Settings
    from tests.support.server import LiveServer

    small = _Runtime.build(runtime.engine, _Settings(database_url=runtime.settings.database_url, log_requests=False,
                                                     max_body_bytes=1000))
    live = LiveServer(small).start()
    try:
        body = {"name": "x" * 2000}
        response = httpx.post(f"{live.url}/v5/boards", json=body, headers={"Authorization": "Bearer pina_nobody"})
        assert response.status_code == 413, response.text
        assert set(response.json()) == {"code", "message"}
    finally:
        live.stop()
