"""Helpers for the contract tests: a client that checks every answer against the spec, and test data."""

from __future__ import annotations

import base64
import itertools
import random
import struct
import uuid
import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import httpx

from tests.contract.spec_validation import SpecValidator, assert_error_body
from tests.support.factories import TestUser, make_ad_account

_names = itertools.count()


def unique(prefix: str) -> str:
    return f"{prefix} {next(_names)} {uuid.uuid4().hex[:6]}"


def tiny_png(width: int = 2, height: int = 1) -> bytes:
    """A real, decodable PNG (8-bit RGB, one red pixel per column)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def tiny_png_base64(width: int = 2, height: int = 1) -> str:
    return base64.b64encode(tiny_png(width, height)).decode("ascii")


class ContractClient:
    """Sends a request to /v5, asserts the status, and validates the answer against the spec.

    ``path`` is the spec's path template (``/boards/{board_id}``); ``params`` fills it.
    ``token`` is sent as ``Authorization: Bearer <token>``; ``authorization`` sends a raw
    header instead; with neither, no Authorization header is sent.
    """

    def __init__(self, base_url: str, validator: SpecValidator):
        self.validator = validator
        self.http = httpx.Client(base_url=f"{base_url}/v5", timeout=30)

    def close(self) -> None:
        self.http.close()

    def call(
        self,
        method: str,
        path: str,
        *,
        expect: int,
        token: str | None = None,
        authorization: str | None = None,
        params: dict | None = None,
        query: dict | list | None = None,
        json: object = None,
        content: bytes | str | None = None,
        data: dict | None = None,
        headers: dict | None = None,
    ):
        sent_headers = dict(headers or {})
        if authorization is not None:
            sent_headers["Authorization"] = authorization
        elif token is not None:
            sent_headers["Authorization"] = f"Bearer {token}"
        url = path.format(**(params or {}))
        response = self.http.request(
            method.upper(), url, params=query, json=json, content=content, data=data, headers=sent_headers
        )
        assert response.status_code == expect, (
            f"{method.upper()} {url}: expected {expect}, got {response.status_code}: {response.text[:500]}"
        )
        body = self.validator.validate_response(response, path, method)
        if response.status_code >= 400:
            assert_error_body(body)
        return body


@dataclass
class World:
    """One user's content, made through the API: a public board with a section, pins, an ad account."""

    user: TestUser
    board_id: str
    section_id: str
    pin_id: str
    section_pin_id: str
    ad_account_id: str
    media_id: str  # a registered video upload, for video pins and media/get
    campaign_id: str  # a campaign of the ad account
    ad_group_id: str  # an ad group of the campaign
    ad_id: str  # an ad of the ad group, promoting the world's pin
    template_id: str  # a report template of the ad account


def create_template(*args, **kwargs) -> dict:
    from pinsight.services.ads.report_templates import create_template as create

    return create(*args, **kwargs)


def build_world(api: ContractClient, runtime, user: TestUser) -> World:
    board = api.call("post", "/boards", token=user.token, json={"name": unique("World board")}, expect=201)
    section = api.call(
        "post", "/boards/{board_id}/sections", token=user.token, params={"board_id": board["id"]},
        json={"name": unique("World section")}, expect=201,
    )
    pin = api.call(
        "post", "/pins", token=user.token, expect=201,
        json={"board_id": board["id"], "title": "World pin",
              "media_source": {"source_type": "image_url", "url": "https://images.example/world.jpg"}},
    )
    section_pin = api.call(
        "post", "/pins", token=user.token, expect=201,
        json={"board_id": board["id"], "board_section_id": section["id"], "title": "Section pin",
              "media_source": {"source_type": "image_url", "url": "https://images.example/section.jpg"}},
    )
    ad_account_id = make_ad_account(runtime, user)
    media = api.call("post", "/media", token=user.token, json={"media_type": "video"}, expect=201)
    campaigns = api.call("post", "/ad_accounts/{ad_account_id}/campaigns", token=user.token, expect=200,
                         params={"ad_account_id": ad_account_id},
                         json=[{"ad_account_id": ad_account_id, "name": "World campaign", "objective_type": "AWARENESS"}])
    campaign_id = campaigns["items"][0]["data"]["id"]
    ad_groups = api.call("post", "/ad_accounts/{ad_account_id}/ad_groups", token=user.token, expect=200,
                         params={"ad_account_id": ad_account_id},
                         json=[{"campaign_id": campaign_id, "name": "World ad group", "billable_event": "CLICKTHROUGH",
                                "budget_in_micro_currency": 2_000_000}])
    ad_group_id = ad_groups["items"][0]["data"]["id"]
    ads = api.call("post", "/ad_accounts/{ad_account_id}/ads", token=user.token, expect=200,
                   params={"ad_account_id": ad_account_id}, json=[{"ad_group_id": ad_group_id, "pin_id": pin["id"]}])
    ad_id = ads["items"][0]["data"]["id"]
    template = create_template(runtime, ad_account_id=int(ad_account_id), user_id=int(user.id), name="World template",
                               request={"level": "CAMPAIGN", "granularity": "DAY",
                                        "columns": ["SPEND_IN_MICRO_DOLLAR", "CAMPAIGN_NAME"]},
                               start_days_ago=6, end_days_ago=0)
    return World(user, board["id"], section["id"], pin["id"], section_pin["id"], ad_account_id, media["media_id"],
                 campaign_id, ad_group_id, ad_id, template["id"])


@dataclass
class OAuthApp:
    app_id: str
    secret: str
    redirect_uri: str

    @property
    def basic(self) -> str:
        return "Basic " + base64.b64encode(f"{self.app_id}:{self.secret}".encode()).decode()


# --- organic analytics: daily rows sent through pinsight's own ingest endpoint ----------------------------

APP_TYPES = ("MOBILE", "TABLET", "WEB")
DAILY_COUNTS = ("IMPRESSION", "SAVE", "PIN_CLICK", "OUTBOUND_CLICK", "PROFILE_VISIT", "USER_FOLLOW")
VIDEO_COUNTS = ("VIDEO_START", "VIDEO_MRC_VIEW", "VIDEO_10S_VIEW", "QUARTILE_95_PERCENT_VIEW", "VIDEO_V50_WATCH_TIME")
LIFETIME_COUNTS = ("TOTAL_COMMENTS", "TOTAL_REACTIONS")


def daily_rows(pin_id: str, today: date, days: int, *, seed: int, video: bool = False) -> list[dict]:
    """Rows for the ``days`` days up to today: some app types stay quiet (no row), and every
    seventh day has no impressions at all (so its rates divide by zero)."""
    rng = random.Random(seed)
    rows = []
    for back in range(days):
        day = (today - timedelta(days=back)).isoformat()
        for app_type in APP_TYPES:
            if rng.random() < 0.25:
                continue
            metrics = {name: rng.randrange(0, 400) for name in DAILY_COUNTS}
            if back % 7 == 3:
                metrics["IMPRESSION"] = 0
            metrics.update({name: rng.randrange(0, 4) for name in LIFETIME_COUNTS})
            if video:
                metrics.update({name: rng.randrange(0, 200) for name in VIDEO_COUNTS})
                metrics["VIDEO_V50_WATCH_TIME"] = metrics["VIDEO_START"] * rng.randrange(1000, 9000)
            rows.append({"pin_id": pin_id, "date": day, "app_type": app_type, "metrics": metrics})
    return rows


def ingest_daily_rows(api: ContractClient, token: str, rows: list[dict]) -> None:
    """Sends rows to pinsight's POST /api/v1/daily_metrics (outside /v5, so not in the spec)."""
    url = api.http.base_url.join("/api/v1/daily_metrics")
    response = api.http.post(url, json=rows, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    assert response.json() == {"received": len(rows), "applied": len(rows)}


def totals(rows: list[dict], start: date, end: date, app_types=APP_TYPES) -> dict[str, dict[str, int]]:
    """Per day (ISO date) of [start, end], each metric summed over the rows of the given app types."""
    per_day: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        if row["app_type"] in app_types and start.isoformat() <= row["date"] <= end.isoformat():
            for name, value in row["metrics"].items():
                per_day[row["date"]][name] += value
    return per_day
