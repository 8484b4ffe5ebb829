"""Helpers for the hostile-input tests of ingestion and the overview API: a test account
with a pin, valid events and rows to mix bad ones into, how a refusal must look, and a
fingerprint of every table a metric write touches (a refused request leaves it as it was)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import httpx
from sqlalchemy import func, select

from pinsight.catalog.metrics import STORED_COLUMNS
from pinsight.services.identity.api_keys import create_api_key
from pinsight.store.tables import (
    account_daily_metrics,
    ingested_events,
    metric_changes,
    pin_cumulative_metrics,
    pin_daily_metrics,
    pins,
)
from tests.support.api import create_board, create_pin
from tests.support.factories import TestUser, backdate_pin

EVENTS, DAILY_METRICS = "/api/v1/events", "/api/v1/daily_metrics"
# Refused batches list at most this many problems.
MAX_LISTED = 100
PIN_AGE_DAYS = 30


@dataclass
class Sender:
    """A user with one pin (created PIN_AGE_DAYS ago), an HTTP client for the ingestion
    endpoints of one server, and an overview API key."""

    runtime: object
    user: TestUser
    pin_id: str
    http: httpx.Client
    api_key: str

    def post(self, path: str, body: bytes, **headers) -> httpx.Response:
        return self.http.post(path, content=body, headers=headers)

    def fingerprint(self) -> tuple:
        return metric_fingerprint(self.runtime, int(self.user.id))

    def event(self, n: int | str, days_back: int = 1, **fields) -> dict:
        moment = datetime.combine(self.runtime.clock.today() - timedelta(days=days_back), time(12), tzinfo=UTC)
        return {"id": f"ev-{n}", "pin_id": self.pin_id, "type": "SAVE", "app_type": "WEB",
                "timestamp": moment.isoformat().replace("+00:00", "Z"), **fields}

    def row(self, days_back: int = 1, **fields) -> dict:
        day = self.runtime.clock.today() - timedelta(days=days_back)
        return {"pin_id": self.pin_id, "date": day.isoformat(), "app_type": "WEB", "traffic": "ORGANIC",
                "metrics": {"IMPRESSION": 10, "SAVE": 1}, **fields}


def make_sender(runtime, user: TestUser, base_url: str) -> Sender:
    board = create_board(user.client)
    pin = create_pin(user.client, board["id"])
    backdate_pin(runtime, pin["id"], days=PIN_AGE_DAYS)
    http = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {user.token}"}, timeout=120)
    return Sender(runtime, user, pin["id"], http, create_api_key(runtime, user.username))


def metric_fingerprint(runtime, owner_id: int) -> tuple:
    """Row counts and column sums, for one owner, of every table a metric write touches."""
    in_cumulative = pin_cumulative_metrics.c.pin_id.in_(select(pins.c.id).where(pins.c.owner_id == owner_id))
    queries = [
        _counted(pin_daily_metrics, pin_daily_metrics.c.owner_id == owner_id),
        _counted(account_daily_metrics, account_daily_metrics.c.owner_id == owner_id),
        _counted(pin_cumulative_metrics, in_cumulative),
        select(func.count(), func.coalesce(func.sum(ingested_events.c.amount), 0)).where(ingested_events.c.owner_id == owner_id),
        select(func.count(), func.coalesce(func.max(metric_changes.c.id), 0)).where(metric_changes.c.owner_id == owner_id),
    ]
    with runtime.engine.connect() as conn:
        return tuple(tuple(int(value) for value in conn.execute(query).one()) for query in queries)


def _counted(table, condition):
    return select(func.count(), *(func.coalesce(func.sum(table.c[name]), 0) for name in STORED_COLUMNS)).where(condition)


def ndjson(items) -> bytes:
    return b"\n".join(json.dumps(item).encode() for item in items) + b"\n"


def array(items) -> bytes:
    return json.dumps(list(items)).encode()


def assert_refused(response: httpx.Response, status: int, positions: list[int] | None = None) -> dict:
    """A Pinterest-shaped refusal: {"code", "message"}, plus the listed problems of a batch."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    body = response.json()
    assert set(body) <= {"code", "message", "errors"}, body
    assert isinstance(body["code"], int) and isinstance(body["message"], str) and body["message"]
    errors = body.get("errors", [])
    assert len(errors) <= MAX_LISTED
    assert all(set(e) == {"position", "reason"} and isinstance(e["position"], int) and e["reason"] for e in errors)
    if positions is not None:
        assert [e["position"] for e in errors] == positions, body
    return body
