"""Hypothesis fuzzing of pinsight's own APIs over HTTP: ingestion and the overview API.

Ingestion batches mix valid events (or daily rows) with invalid ones: wrong types in
every field, values out of range, unknown or missing fields, items that are not
objects, and items that are not JSON at all (nesting deeper than any parser takes, NaN,
lone surrogates, truncated text). They are sent as a JSON array or NDJSON, in UTF-8
(with or without a byte order mark), UTF-16, UTF-32 or with a byte that is not UTF-8.
Overview requests get generated and hostile query strings (unknown and absurd time
zones, dates, presets, page numbers, text that is not UTF-8).

The expected answer is worked out here, from how each case was made, and checked
exactly: never a 5xx; 2xx only when every item is valid (or every parameter); a refused
batch is Pinterest's {"code", "message"} listing the bad items by position, and leaves
the owner's metric tables as they were; a refused overview request is 401, 404 or 422
{"message", "errors"} naming exactly the bad fields.
"""

from __future__ import annotations

import codecs
import collections
import itertools
import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from urllib.parse import quote
from zoneinfo import available_timezones

import httpx
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from pinsight.catalog.events import EVENT_TYPES
from pinsight.services.organic.ingest import MAX_VALUE, STORED
from tests.support.factories import make_user
from tests.support.hostile import DAILY_METRICS, EVENTS, MAX_LISTED, PIN_AGE_DAYS, assert_refused, make_sender

# Modest, so both databases run in well under a minute; raise it for a deeper local run.
MAX_EXAMPLES = int(os.environ.get("PINSIGHT_FUZZ_INPUT_EXAMPLES", "75"))
HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    print_blob=False,
)
APP_TYPES = ("MOBILE", "TABLET", "WEB")
TRAFFIC = ("ORGANIC", "PAID")
_ids = itertools.count()


@pytest.fixture
def sender(runtime, server):
    user = make_user(runtime, server.url, prefix="fuzz_inputs")
    made = make_sender(runtime, user, server.url)
    yield made
    made.http.close()
    user.client.close()


# --- items: valid, invalid, and not JSON at all -------------------------------------------------------------


@dataclass
class Item:
    text: str  # the item as it goes into the body
    valid: bool
    parses: bool = True  # False: no JSON parser takes this text


def _json(value, valid: bool) -> Item:
    return Item(json.dumps(value), valid)


WRONG_TYPES = [None, 7, -1, 1.5, True, [], ["SAVE"], {}, {"a": 1}]
LONG = st.integers(200, 100_000).map(lambda n: "x" * n)
NOT_OBJECTS = st.sampled_from([None, 1, -1.5, "an event", True, False, [], [{"id": "x"}], [[1]]])
# Each text is wrong in itself, whatever surrounds it: no two of them make valid JSON together.
UNPARSEABLE = st.one_of(
    st.integers(1100, 5000).map(lambda depth: "[" * depth + "]" * depth),
    st.integers(1100, 5000).map(lambda depth: '{"a": ' + "[" * depth + "]" * depth + "}"),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", '{"value": NaN}', '{"value": -Infinity}', '"\\ud800"',
                     '{"\\udc00": 1}', '{"id": "\\ud800x"}', '{"id": "x"]', '{"id": "a\x01b"}', "'single'", "{id: 1}",
                     "tru", "[1,]", '{"a": 1,}', '{"a" 1}', '{"a": 1} {"b": 2}', "\x0b{}", "+1", "01", ".5"]),
    st.integers(1, 10_000).map(lambda n: "9" * 400 + "0" * n),  # beyond a double
)


def _moment_text(draw, day: date) -> str:
    """An instant on ``day`` (UTC), spelt in a drawn offset, as RFC 3339."""
    moment = datetime.combine(day, time(), tzinfo=UTC) + timedelta(seconds=draw(st.integers(0, 86_399)))
    offset = timedelta(minutes=draw(st.integers(-12 * 60, 14 * 60)))
    return moment.astimezone(timezone(offset)).isoformat().replace("+00:00", "Z")


@st.composite
def valid_events(draw, pin_id: str, today: date) -> dict:
    kind = draw(st.sampled_from(sorted(EVENT_TYPES)))
    event = {"id": f"fz-{next(_ids)}", "pin_id": pin_id, "type": kind, "app_type": draw(st.sampled_from(APP_TYPES)),
             # Days fully after the pin's creation and before today in every offset's spelling.
             "timestamp": _moment_text(draw, today - timedelta(days=draw(st.integers(1, PIN_AGE_DAYS - 5))))}
    if draw(st.booleans()):
        event["traffic"] = draw(st.sampled_from(TRAFFIC))
    if EVENT_TYPES[kind].carries_value:
        event["value"] = draw(st.integers(0, EVENT_TYPES[kind].max_value))
    return event


def _bad_event_values(today: date) -> dict[str, list]:
    future, ancient = today + timedelta(days=2), today - timedelta(days=PIN_AGE_DAYS + 10)
    return {
        "id": ["", "x" * 129, "a\u0000b", "tab\there", "\u2028"],
        "pin_id": ["", "abc", "1" * 20, "1", "-5", "\u0661\u0662", " 1"],
        "type": ["", "save", "LIKE", "SAVE\u0000", "SAVE "],
        "timestamp": ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "2026-11-20T13:45:00",
                      "2026-11-20", "2026-13-01T00:00:00Z", "2026-11-20T13:45:00Z\u0000", "20261120T134500Z",
                      f"{future}T12:00:00Z", f"{ancient}T12:00:00Z", "2026-11-20T25:00:00Z"],
        "app_type": ["", "web", "CAR", "WEB\u0000", "W" * 1000],
        "traffic": ["", "ADS", "organic", None],
    }


@st.composite
def invalid_events(draw, pin_id: str, today: date) -> dict | list | None:
    event = draw(valid_events(pin_id, today))
    how = draw(st.sampled_from(["field", "wrong type", "value", "unknown field", "missing field", "not an object"]))
    bad_values = _bad_event_values(today)
    if how == "field":
        name = draw(st.sampled_from(sorted(bad_values)))
        event[name] = draw(st.sampled_from(bad_values[name]))
    elif how == "wrong type":
        event[draw(st.sampled_from(["id", "pin_id", "type", "timestamp", "app_type", "traffic"]))] = draw(
            st.sampled_from(WRONG_TYPES))
    elif how == "value":
        if EVENT_TYPES[event["type"]].carries_value:
            event["value"] = draw(st.sampled_from([None, -1, 86_400_001, 1.5, 2.0, True, "10", [], {}, 10**20, 2**64]))
        else:
            event["value"] = draw(st.sampled_from([0, 1, None]))
    elif how == "unknown field":
        event[draw(st.one_of(st.sampled_from(["colour", "", "\u0000", "ID", "Type"]), LONG))] = 1
    elif how == "missing field":
        required = ["id", "pin_id", "type", "timestamp", "app_type"] + (["value"] if "value" in event else [])
        del event[draw(st.sampled_from(required))]
    else:
        return draw(NOT_OBJECTS)
    return event


@st.composite
def valid_rows(draw, pin_id: str, today: date) -> dict:
    row = {"pin_id": pin_id, "date": (today - timedelta(days=draw(st.integers(0, PIN_AGE_DAYS - 5)))).isoformat(),
           "app_type": draw(st.sampled_from(APP_TYPES)),
           "metrics": draw(st.dictionaries(st.sampled_from(sorted(STORED)), st.integers(0, MAX_VALUE), min_size=1))}
    if draw(st.booleans()):
        row["traffic"] = draw(st.sampled_from(TRAFFIC))
    return row


def _row_key(row: dict) -> tuple:
    return row["date"], row["app_type"], row.get("traffic", "ORGANIC")


@st.composite
def invalid_rows(draw, pin_id: str, today: date) -> dict | list | None:
    row = draw(valid_rows(pin_id, today))
    how = draw(st.sampled_from(["field", "wrong type", "metric", "unknown field", "missing field", "not an object"]))
    future, ancient = today + timedelta(days=2), today - timedelta(days=PIN_AGE_DAYS + 10)
    bad_values = {
        "pin_id": ["", "abc", "1" * 20, "1", "\u0661"],
        "date": ["2026-13-01", "20261120", "2026-11-20\u0000", "2026-11-20T00:00:00Z", future.isoformat(),
                 ancient.isoformat(), "0000-01-01", "\u0662\u0660\u0662\u0666-11-20", "x" * 1000],
        "app_type": ["", "web", "CAR", "WEB\u0000"],
        "traffic": ["", "ADS", None],
    }
    if how == "field":
        name = draw(st.sampled_from(sorted(bad_values)))
        row[name] = draw(st.sampled_from(bad_values[name]))
    elif how == "wrong type":
        row[draw(st.sampled_from(["pin_id", "date", "app_type", "traffic", "metrics"]))] = draw(
            st.sampled_from(WRONG_TYPES))
    elif how == "metric":
        name = draw(st.sampled_from(sorted(STORED)))
        bad = draw(st.sampled_from([None, -1, MAX_VALUE + 1, 1.5, 1.0, True, "1", [], {}, 10**20]))
        row["metrics"] = draw(st.sampled_from([{name: bad}, {**row["metrics"], name: bad}, {"NOT_A_METRIC": 1},
                                               {"SAVE_RATE": 1}, {}, {"x" * 1000: 1}]))
    elif how == "unknown field":
        row[draw(st.one_of(st.sampled_from(["colour", "", "\u0000", "PIN_ID", "value"]), LONG))] = 1
    elif how == "missing field":
        del row[draw(st.sampled_from(["pin_id", "date", "app_type", "metrics"]))]
    else:
        return draw(NOT_OBJECTS)
    return row


# --- batches: items, shape, encoding, and the answer they must get ---------------------------------------------


@dataclass
class Batch:
    body: bytes
    status: int
    positions: list[int] | None = None  # the listed problems' positions, when they are listed
    received: int = 0
    notes: list[str] = field(default_factory=list)


ENCODINGS = ["utf-8"] * 6 + ["utf-8-bom", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "not-utf-8"]


@st.composite
def batches(draw, kind: str, pin_id: str, today: date) -> Batch:
    valid = valid_events(pin_id, today) if kind == EVENTS else valid_rows(pin_id, today)
    invalid = invalid_events(pin_id, today) if kind == EVENTS else invalid_rows(pin_id, today)
    if kind == EVENTS:
        goods = draw(st.lists(valid, max_size=12))
    else:
        goods = draw(st.lists(valid, max_size=12, unique_by=_row_key))
    items = [_json(good, True) for good in goods]
    for _ in range(draw(st.integers(0, 6))):
        bad = draw(st.one_of(invalid.map(lambda value: _json(value, False)),
                             UNPARSEABLE.map(lambda text: Item(text, False, parses=False))))
        items.insert(draw(st.integers(0, len(items))), bad)
    shape = draw(st.sampled_from(["array", "ndjson"]))
    if shape == "array":
        text = "[" + draw(st.sampled_from([",", ", ", ",\n", " ,\r\n "])).join(item.text for item in items) + "]"
    else:
        # A body that starts with "[" is read as one JSON array, whatever follows.
        assume(not items or not items[0].text.startswith("["))
        separator = draw(st.sampled_from(["\n", "\r\n", "\n\n", "\n \t\n"]))
        text = separator.join(item.text for item in items) + draw(st.sampled_from(["", "\n", "\r\n"]))
    encoding = draw(st.sampled_from(ENCODINGS))
    body = _encode(draw, text, encoding)
    notes = [f"{shape}, {encoding}, {len(items)} items"]
    if not body:  # no items as NDJSON, in an encoding without a byte order mark
        return Batch(body, 400, notes=notes)
    if encoding not in ("utf-8", "utf-8-bom"):
        return Batch(body, 415, notes=notes)
    unparseable = [n for n, item in enumerate(items) if not item.parses]
    rejected = [n for n, item in enumerate(items) if not item.valid]
    if not items:
        return Batch(body, 200 if shape == "array" else 400, [] if shape == "array" else None, notes=notes)
    if unparseable:
        # An array is one JSON text: it is refused whole. NDJSON is refused line by line.
        return Batch(body, 400, None if shape == "array" else unparseable[:MAX_LISTED], notes=notes)
    if rejected:
        return Batch(body, 400, rejected[:MAX_LISTED], notes=notes)
    return Batch(body, 200, received=len(items), notes=notes)


def _encode(draw, text: str, encoding: str) -> bytes:
    if encoding == "utf-8-bom":
        return codecs.BOM_UTF8 + text.encode()
    if encoding == "not-utf-8":
        raw = text.encode()
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.sampled_from([b"\xff", b"\xe9", b"\xc0\xaf", b"\xed\xa0\x80", b"\x80"])) + raw[at:]
    if encoding.startswith("utf-16") or encoding == "utf-32":
        return text.encode(encoding)
    return text.encode()


def _check_batch(sender, path: str, batch: Batch) -> int:
    before = sender.fingerprint()
    response = sender.post(path, batch.body)
    assert response.status_code < 500, (batch.notes, response.text[:500])
    if batch.status == 200:
        assert response.status_code == 200, (batch.notes, response.text[:1000])
        answer = response.json()
        assert answer["received"] == batch.received
        if path == EVENTS:
            assert answer["applied"] + answer["already_applied"] == batch.received
        else:
            assert answer["applied"] == batch.received
        return 200
    answer = assert_refused(response, batch.status, batch.positions)
    if batch.positions is None:
        assert "errors" not in answer, (batch.notes, answer)
    assert sender.fingerprint() == before, batch.notes
    return response.status_code


@pytest.mark.parametrize("path", [EVENTS, DAILY_METRICS])
def test_fuzz_ingestion_batches(runtime, sender, path):
    today = runtime.clock.today()
    statuses: collections.Counter = collections.Counter()

    @HYPOTHESIS
    @given(batch=batches(path, sender.pin_id, today))
    def fuzz(batch):
        statuses[_check_batch(sender, path, batch)] += 1

    fuzz()
    # The generators reach every kind of answer (a fuzzer stuck on one proves little).
    assert {200, 400, 415} <= set(statuses), statuses


def test_the_batch_oracle_can_fail(runtime, sender):
    """A wrong expectation is caught: the checks are not vacuous."""
    good = json.dumps([sender.event("oracle")]).encode()
    with pytest.raises(AssertionError):
        _check_batch(sender, EVENTS, Batch(good, 400, []))
    with pytest.raises(AssertionError):
        _check_batch(sender, EVENTS, Batch(json.dumps([sender.event("o2"), {}]).encode(), 400, [0]))
    with pytest.raises(AssertionError):
        _check_batch(sender, EVENTS, Batch(b"[{}]", 200, received=1))


# --- the overview API ---------------------------------------------------------------------------------------------

ZONES = sorted(available_timezones())
PERIOD_FIELDS = ("preset", "start_date", "end_date", "timezone")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
HOSTILE_TEXT = st.one_of(
    st.sampled_from(["", "\x00", "UTC\x00", "../../etc/passwd", "/etc/localtime", "America", "Europe/", "zone.tab",
                     "Mars/Olympus", "\ud800", "a\udfffb", "%", "+", " ", "\u0661", "1e2", "-1", "0", "NaN", "null",
                     "last_7_days\x00", "2025-01-01T00:00:00Z", "\ufeffUTC"]),
    st.text(max_size=40),
    st.integers(1, 6_000).map(lambda n: "A" * n),  # every parameter this long still fits a request line
    st.binary(min_size=1, max_size=12),  # raw bytes, most of them not UTF-8
)

# Names that reach the file system if taken as paths: directories, non-zone files, long names.
HOSTILE_ZONES = st.one_of(
    st.sampled_from(["America", "Etc", "Europe/", "zone.tab", "zone1970.tab", "tzdata.zi", "leapseconds", "posixrules",
                     "../../etc/passwd", "/etc/passwd", "./UTC", "UTC/.", "Asia//Tokyo", "UTC\x00", "Asia/Tokyo\n"]),
    st.integers(200, 6_000).map(lambda n: "Z" * n),
    st.sampled_from(ZONES).map(str.lower),
    st.sampled_from(ZONES).map(lambda zone: zone + "/"),
)


@dataclass
class Query:
    path: str
    params: dict  # name -> str (may hold lone surrogates) or bytes (sent percent-encoded as they are)

    def url(self, base: str) -> str:
        parts = []
        for name, value in self.params.items():
            raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
            parts.append(f"{name}={quote(raw, safe='')}")
        return f"{base}/api/pinterest{self.path}?" + "&".join(parts)

    def seen(self, name: str) -> str | None:
        """The parameter as the server reads it (percent-decoded, bad UTF-8 replaced)."""
        value = self.params.get(name)
        if value is None:
            return None
        raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
        return raw.decode("utf-8", "replace")


def _day_text(today: date, back: int) -> str:
    return (today - timedelta(days=back)).isoformat()


@st.composite
def queries(draw, api_key: str, account_id: str, today: date) -> Query:
    """A valid query, then up to three of its parameters spoilt (or dropped, or added)."""
    path = draw(st.sampled_from(["/overview", "/posts"]))
    params: dict = {"apiKey": api_key, "social_network_id": account_id}
    if draw(st.booleans()):
        params["preset"] = draw(st.sampled_from(["last_7_days", "last_30_days", "last_90_days"]))
    else:
        # Never today or yesterday as the end: whether those are past depends on the zone and the hour.
        end = draw(st.integers(2, 400))
        params["start_date"] = _day_text(today, draw(st.integers(end + 1, 20_000)))
        params["end_date"] = _day_text(today, end)
    if draw(st.booleans()):
        params["timezone"] = draw(st.sampled_from(ZONES))
    if draw(st.booleans()):
        params["page"] = str(draw(st.integers(1, 10**9 - 1)))
    if draw(st.booleans()):
        params["per_page"] = str(draw(st.integers(1, 100)))
    spoilt = {
        "apiKey": st.one_of(HOSTILE_TEXT, st.just(api_key + "x"), st.just(api_key.upper())),
        "social_network_id": st.one_of(HOSTILE_TEXT, st.just(account_id + "0")),
        "preset": st.one_of(st.sampled_from(["last_7_days", "last_8_days", "LAST_7_DAYS"]), HOSTILE_TEXT),
        "start_date": st.one_of(st.integers(-400, 30_000).filter(lambda back: back not in (0, 1))
                                .map(lambda back: _day_text(today, back)), HOSTILE_TEXT),
        "end_date": st.one_of(st.integers(-400, 30_000).filter(lambda back: back not in (0, 1))
                              .map(lambda back: _day_text(today, back)), HOSTILE_TEXT),
        "timezone": st.one_of(HOSTILE_ZONES, HOSTILE_TEXT),
        "page": st.one_of(st.integers(-5, 10**12).map(str), HOSTILE_TEXT),
        "per_page": st.one_of(st.integers(-5, 150).map(str), HOSTILE_TEXT),
    }
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(sorted(spoilt)))
        if draw(st.integers(0, 4)):
            params[name] = draw(spoilt[name])
        else:
            params.pop(name, None)
    return Query(path, params)


@dataclass
class Expected:
    status: int
    fields: set[str] = field(default_factory=set)


def expected_answer(query: Query, key: str, account_id: str, today: date) -> Expected:
    """What the overview API must answer, from its description (README, Overview API)."""
    if query.seen("apiKey") != key:
        return Expected(401)
    if query.seen("social_network_id") != account_id:
        return Expected(404)
    errors: set[str] = set()
    zone = query.seen("timezone") or "UTC"
    if zone not in ZONES:
        errors.add("timezone")
    preset, start, end = (query.seen(name) or "" for name in ("preset", "start_date", "end_date"))
    if preset:
        if start or end or preset not in ("last_7_days", "last_30_days", "last_90_days"):
            errors.add("preset")
    else:
        days = {}
        for name, text in (("start_date", start), ("end_date", end)):
            day = _day(text)
            if day is None or day < date(1970, 1, 1):
                errors.add(name)
            else:
                days[name] = day
        if len(days) == 2 and days["end_date"] <= days["start_date"]:
            errors.add("end_date")
        if "end_date" in days and days["end_date"] >= today:
            errors.add("end_date")
    if errors:
        return Expected(422, errors)
    if query.path == "/posts":
        for name, high in (("page", None), ("per_page", 100)):
            text = query.seen(name) or ""
            if text and not (text.isascii() and text.isdigit() and len(text) <= 9 and 1 <= int(text)
                             and (high is None or int(text) <= high)):
                errors.add(name)
    return Expected(422, errors) if errors else Expected(200)


def _day(text: str) -> date | None:
    if not _DAY.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _check_query(sender, server, query: Query, today: date) -> int:
    expected = expected_answer(query, sender.api_key, sender.user.id, today)
    response = httpx.get(query.url(server.url), timeout=60)
    assert response.status_code < 500, (query.params, response.text[:500])
    assert response.status_code == expected.status, (query.params, expected, response.text[:500])
    body = response.json()
    if expected.status == 200:
        assert body["success"] is True and "data" in body
    elif expected.status == 401:
        assert body == {"message": "Please provide a valid API key"}
    elif expected.status == 404:
        assert set(body) == {"message"}
    else:
        assert set(body) == {"message", "errors"} and body["message"]
        assert set(body["errors"]) == expected.fields, (query.params, body)
        assert all(isinstance(m, str) and m for messages in body["errors"].values() for m in messages)
    return response.status_code


def test_fuzz_overview_queries(runtime, server, sender):
    today = runtime.clock.today()
    statuses: collections.Counter = collections.Counter()

    @HYPOTHESIS
    @given(query=queries(sender.api_key, sender.user.id, today))
    def fuzz(query):
        statuses[_check_query(sender, server, query, today)] += 1

    fuzz()
    assert {200, 401, 404, 422} <= set(statuses), statuses
