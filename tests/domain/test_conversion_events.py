"""Conversions API events checked one by one: what is kept, and a clear reason for each refusal."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest

from pinsight.domain.ads.conversion_events import Rejected, check_event

NOW = datetime(2026, 12, 1, 12, 0, 0)
EPOCH_NOW = 1_796_126_400  # NOW as a Unix timestamp
EMAIL_HASH = hashlib.sha256(b"alice@example.com").hexdigest()


def event(**changes) -> dict:
    base = {
        "event_name": "checkout",
        "action_source": "web",
        "event_time": EPOCH_NOW - 3600,
        "event_id": "order-1",
        "user_data": {"em": [EMAIL_HASH], "external_id": [hashlib.sha256(b"u-7").hexdigest().upper()],
                      "click_id": "dj0yJnU9"},
        "custom_data": {"value": "19.99", "currency": "usd", "num_items": 2, "order_id": "o-1"},
    }
    return {**base, **changes}


def reason(item) -> str:
    with pytest.raises(Rejected) as refused:
        check_event(item, NOW)
    return str(refused.value)


def test_a_good_event_keeps_what_attribution_and_reporting_use():
    kept = check_event(event(), NOW)
    assert kept.event_id == "order-1" and kept.event_name == "checkout" and kept.action_source == "web"
    assert kept.at == datetime(2026, 12, 1, 11, 0, 0)
    assert kept.person_keys == {f"em:{EMAIL_HASH}", f"external_id:{hashlib.sha256(b'u-7').hexdigest()}"}
    assert kept.click_id == "dj0yJnU9"
    assert (kept.value, kept.currency, kept.num_items, kept.order_id) == (19.99, "USD", 2, "o-1")


def test_an_app_event_may_identify_the_person_by_advertising_id_alone():
    maid = hashlib.sha256(b"gaid-1").hexdigest()
    kept = check_event(event(action_source="app_android", user_data={"hashed_maids": [maid]}, custom_data=None), NOW)
    assert kept.person_keys == {f"maid:{maid}"} and kept.value is None


@pytest.mark.parametrize(("changes", "expected"), [
    ({"event_name": "purchase"}, "event_name must be one of"),
    ({"action_source": "email"}, "action_source must be one of"),
    ({"event_time": "yesterday"}, "event_time must be a Unix timestamp"),
    ({"event_time": True}, "event_time must be a Unix timestamp"),
    ({"event_time": EPOCH_NOW + 3600}, "in the future"),
    ({"event_id": ""}, "event_id must be a string"),
    ({"event_id": None}, "missing required field(s) event_id"),
    # What no database column keeps as sent (PostgreSQL refuses NUL; UTF-8 has no lone surrogate).
    ({"event_id": "a\x00b"}, "without NUL"),
    ({"event_id": "a\ud918"}, "without NUL or unpaired surrogates"),
    ({"user_data": {"em": [EMAIL_HASH], "click_id": "c\x00"}}, "user_data.click_id must be a string"),
    ({"custom_data": {"order_id": "\udc00"}}, "custom_data.order_id must be a string"),
    ({"user_data": {"client_ip_address": "10.0.0.1"}}, "user_data needs em"),
    ({"user_data": {"em": ["alice@example.com"]}}, "SHA-256 hex digests, not clear text"),
    ({"user_data": {"em": EMAIL_HASH}}, "must be a list of hashes"),
    ({"user_data": {"em": [EMAIL_HASH], "nickname": "al"}}, "unknown user_data field(s) nickname"),
    ({"custom_data": {"value": "a lot"}}, "custom_data.value must be a non-negative number"),
    ({"custom_data": {"value": 19.99}}, "custom_data.value must be a non-negative number"),
    ({"custom_data": {"value": "-1"}}, "custom_data.value must be a non-negative number"),
    ({"custom_data": {"value": "nan"}}, "custom_data.value must be a non-negative number"),
    ({"custom_data": {"currency": "dollars"}}, "ISO-4217"),
    ({"custom_data": {"num_items": -1}}, "num_items must be a whole number"),
    ({"custom_data": {"discount": "10%"}}, "unknown custom_data field(s) discount"),
    ({"referrer": "x"}, "unknown field(s) referrer"),
])
def test_a_bad_event_is_refused_with_its_reason(changes, expected):
    assert expected in reason(event(**changes))


def test_the_web_address_pair_is_accepted_though_it_matches_no_ad_action():
    kept = check_event(event(user_data={"client_ip_address": "10.0.0.1", "client_user_agent": "Mozilla/5.0"}), NOW)
    assert kept.person_keys == frozenset() and kept.click_id is None


def test_an_event_must_be_an_object():
    assert reason(["checkout"]) == "an event must be a JSON object"
