"""Conversions API events (``POST /v5/ad_accounts/{ad_account_id}/events``), checked one by one.

Each event of the request's ``data`` stands alone, as the API answers it: a bad one is
``failed`` with its reason, and the others are ``processed``. ``check_event`` turns one
JSON object into a ``ConversionEvent`` or a reason; it reads nothing but the event and
the current instant.

What pinsight keeps of an event is what attribution and reporting use: its id (events
are deduplicated by ``event_id`` within the ad account), name, source and instant; who
converted, as the identifiers attribution matches on (``em``, ``external_id`` and
``hashed_maids`` hashes, and a ``click_id``); and the ``value``, ``currency`` and
``num_items`` of ``custom_data``. The other fields are checked for shape and then set
aside.

Choices the spec leaves open, documented in the README:

* ``em``, ``external_id`` and ``hashed_maids`` must be SHA-256 hex digests (64 hex
  characters, case ignored): they are matched against the hashes ad actions carry, and a
  clear-text e-mail would never match (and should not be sent).
* ``event_time`` may not be more than a minute ahead of the server's clock: a conversion
  has already happened.
* ``event_id`` is 1 to 256 characters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pinsight.catalog.ad_conversions import ACTION_SOURCES, CONVERSION_EVENT_NAMES

MAX_EVENT_ID = 256
FUTURE_TOLERANCE = timedelta(minutes=1)
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_CURRENCY = re.compile(r"[A-Z]{3}")
# The identifiers attribution matches a person by, and the prefix each gets as a person key.
MATCHED_HASHES = {"em": "em", "external_id": "external_id", "hashed_maids": "maid"}
_HASHED_ARRAYS = frozenset({"em", "external_id", "hashed_maids", "ph", "ge", "db", "ln", "fn", "ct", "st", "zp", "country"})
_USER_TEXT = frozenset({"click_id", "client_ip_address", "client_user_agent", "partner_id"})
_EVENT_FIELDS = frozenset({
    "event_name", "action_source", "event_time", "event_id", "user_data", "custom_data", "event_source_url",
    "opt_out", "partner_name", "app_id", "app_name", "app_version", "device_brand", "device_carrier",
    "device_model", "device_type", "os_version", "wifi", "language", "app_info", "device_info",
})
_CUSTOM_FIELDS = frozenset({
    "currency", "value", "content_ids", "content_name", "content_category", "content_brand", "contents",
    "num_items", "order_id", "search_string", "opt_out_type", "np", "predicted_ltv",
    "external_measurement_id", "external_measurement_vendor_id",
})


@dataclass(frozen=True)
class ConversionEvent:
    event_id: str
    event_name: str
    action_source: str
    at: datetime  # naive UTC, like every stored instant
    person_keys: frozenset[str]  # "em:<sha256>", "external_id:<sha256>", "maid:<sha256>"
    click_id: str | None = None
    value: float | None = None
    currency: str | None = None
    num_items: int | None = None
    order_id: str | None = None


class Rejected(ValueError):
    """Why one event cannot be processed (the event's ``error_message``)."""


def _listed(names) -> str:
    return ", ".join(sorted(names)[:5])


def _storable(value: str) -> bool:
    """Text a database column keeps as sent: UTF-8 (no lone surrogate) without NUL characters."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text(value, field: str, *, limit: int = 1024) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit or not _storable(value):
        raise Rejected(f"{field} must be a string of at most {limit} characters, without NUL or unpaired surrogates")
    return value


def _person_keys(user_data: Mapping) -> tuple[frozenset[str], str | None]:
    unknown = set(user_data) - _HASHED_ARRAYS - _USER_TEXT
    if unknown:
        raise Rejected(f"unknown user_data field(s) {_listed(unknown)}")
    keys = set()
    for field in _HASHED_ARRAYS & set(user_data):
        values = user_data[field]
        if not isinstance(values, list) or not all(isinstance(v, str) and len(v) <= 1024 for v in values):
            raise Rejected(f"user_data.{field} must be a list of hashes")
        if field in MATCHED_HASHES:
            for value in values:
                if not _SHA256.fullmatch(value):
                    raise Rejected(f"user_data.{field} must hold SHA-256 hex digests, not clear text")
                keys.add(f"{MATCHED_HASHES[field]}:{value.lower()}")
    for field in _USER_TEXT & set(user_data):
        _text(user_data[field], f"user_data.{field}")
    has_address = user_data.get("client_ip_address") and user_data.get("client_user_agent")
    if not (user_data.get("em") or user_data.get("hashed_maids") or has_address):
        raise Rejected("user_data needs em, hashed_maids, or both client_ip_address and client_user_agent")
    return frozenset(keys), user_data.get("click_id")


def _custom(custom: Mapping) -> dict:
    unknown = set(custom) - _CUSTOM_FIELDS
    if unknown:
        raise Rejected(f"unknown custom_data field(s) {_listed(unknown)}")
    found: dict = {}
    raw_value = custom.get("value")
    if raw_value is not None:
        try:
            value = float(raw_value) if isinstance(raw_value, str) and len(raw_value) <= 64 else math.nan
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0:
            raise Rejected("custom_data.value must be a non-negative number given as a string, e.g. \"19.99\"")
        found["value"] = value
    currency = custom.get("currency")
    if currency is not None:
        if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency.upper()):
            raise Rejected("custom_data.currency must be an ISO-4217 code such as USD")
        found["currency"] = currency.upper()
    num_items = custom.get("num_items")
    if num_items is not None:
        if isinstance(num_items, bool) or not isinstance(num_items, int) or not 0 <= num_items < 2**31:
            raise Rejected("custom_data.num_items must be a whole number of at least 0")
        found["num_items"] = num_items
    found["order_id"] = _text(custom.get("order_id"), "custom_data.order_id")
    return found


def check_event(item, now: datetime) -> ConversionEvent:
    """One event of ``data``, checked (``Rejected`` with the reason otherwise); ``now`` is naive UTC."""
    if not isinstance(item, Mapping):
        raise Rejected("an event must be a JSON object")
    unknown = set(item) - _EVENT_FIELDS
    if unknown:
        raise Rejected(f"unknown field(s) {_listed(unknown)}")
    missing = [field for field in ("event_name", "action_source", "event_time", "event_id", "user_data") if item.get(field) is None]
    if missing:
        raise Rejected(f"missing required field(s) {', '.join(missing)}")
    name, source, moment, event_id = item["event_name"], item["action_source"], item["event_time"], item["event_id"]
    if name not in CONVERSION_EVENT_NAMES:
        raise Rejected(f"event_name must be one of {', '.join(CONVERSION_EVENT_NAMES)}")
    if source not in ACTION_SOURCES:
        raise Rejected(f"action_source must be one of {', '.join(ACTION_SOURCES)}")
    if isinstance(moment, bool) or not isinstance(moment, int) or not 0 < moment < 2**34:
        raise Rejected("event_time must be a Unix timestamp in seconds")
    at = datetime.fromtimestamp(moment, UTC).replace(tzinfo=None)
    if at > now + FUTURE_TOLERANCE:
        raise Rejected("event_time is in the future")
    if not isinstance(event_id, str) or not 1 <= len(event_id) <= MAX_EVENT_ID or not _storable(event_id):
        raise Rejected(f"event_id must be a string of 1 to {MAX_EVENT_ID} characters, without NUL or unpaired surrogates")
    user_data, custom = item["user_data"], item.get("custom_data") or {}
    if not isinstance(user_data, Mapping) or not isinstance(custom, Mapping):
        raise Rejected("user_data and custom_data must be JSON objects")
    person_keys, click_id = _person_keys(user_data)
    return ConversionEvent(event_id, name, source, at, person_keys, click_id, **_custom(custom))
