"""Typed decoding of ad-event batches is only an accelerator: whatever body it types must
check to exactly what the general path (plain JSON, field by field) makes of it, actions
and problems alike; whatever it cannot type falls back to the general path."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import orjson
from hypothesis import event, given, settings
from hypothesis import strategies as st

from pinsight.domain.ads.ad_events import check_actions, decode_typed

TODAY = date(2026, 12, 1)
ADS = {687194767360: date(2026, 1, 1), 687194767361: date(2026, 11, 25)}
HEX = hashlib.sha256(b"someone@example.com").hexdigest()


_ABSENT = object()  # the field left out

ids = st.one_of(st.sampled_from(["a-1", "a-2", "", "x" * 129, "tab\there", 7, None]), st.text(max_size=4))
ad_ids = st.sampled_from(["687194767360", "687194767361", "687194767399", "68719476736O", 687194767360, "", "0" * 20])
types = st.sampled_from(["CLICK", "IMPRESSION", "VIDEO_P25", "click", "PIN_CLICK", 3, None])
TIMESTAMPS = [
    "2026-11-30T10:00:00Z", "2026-11-30T23:30:00-05:00", "2026-11-26T00:00:00.123456789+01:00",
    "2026-11-30T10:00:00", "2026-12-02T00:00:00Z", "2025-12-31T23:59:59Z", "2026-13-01T00:00:00Z",
    "2026-11-30 10:00:00Z", "2026-11-30t10:00:00z",
]
timestamps = st.sampled_from([*TIMESTAMPS, 1764460800, None])
users = st.sampled_from([
    {"em": HEX}, {"external_id": HEX.upper()}, {"em": HEX, "external_id": HEX}, {}, {"em": None},
    {"em": HEX + "\n"}, {"em": HEX[:63]}, {"phone": HEX}, {"em": HEX, "phone": HEX}, "someone", None,
])
households = st.sampled_from(["h-1", "", "h\x00", 9, None, "y" * 129])
spends = st.sampled_from([0, 4000, 10**15, 10**15 + 1, -1, True, 1.0, 2**70, "100", None])
app_types = st.sampled_from(["iphone", "web", "IPHONE", "", 1, None])
dimensions = st.sampled_from([
    {"gender": "female", "country": "US"}, {"keyword": "shoes"}, {"gender": "unknown-value"}, {"colour": "red"},
    {"country": 1}, {}, [], "US", None,
])


# Each field mostly takes a valid value, else a well-typed wrong one, so that most batches
# type and many of their items pass, and the comparison below bites; now and then
# anything, or nothing.
VALID = {
    "id": st.sampled_from(["a-1", "a-2", "a-3"]),
    "ad_id": st.sampled_from(["687194767360", "687194767361"]),
    "type": st.sampled_from(["CLICK", "IMPRESSION", "VIDEO_P25"]),
    "timestamp": st.sampled_from(TIMESTAMPS[:3]),
    "user": st.sampled_from([{"em": HEX}, {"external_id": HEX.upper()}, {"em": HEX.upper()}]),
    "household_id": st.sampled_from(["h-1", "h-2"]),
    "spend_micro_dollar": st.sampled_from([0, 4000, 10**15]),
    "app_type": st.sampled_from(["iphone", "web"]),
    "dimensions": st.sampled_from([{"gender": "female", "country": "US"}, {"keyword": "shoes"}, {}]),
}
WRONG = {
    "id": st.sampled_from(["", "x" * 129, "tab\there"]),
    "ad_id": st.sampled_from(["687194767399", "68719476736O", "", "0" * 20]),
    "type": st.sampled_from(["click", "PIN_CLICK"]),
    "timestamp": st.sampled_from(TIMESTAMPS[3:]),
    "user": st.sampled_from([{"em": HEX, "external_id": HEX}, {}]),
    "household_id": st.sampled_from(["", "h\x00", "y" * 129]),
    "spend_micro_dollar": st.sampled_from([10**15 + 1, -1, 2**70]),
    "app_type": st.sampled_from(["IPHONE", ""]),
    "dimensions": st.sampled_from([{"gender": "unknown-value"}, {"colour": "red"}]),
}
ANYTHING = {"id": ids, "ad_id": ad_ids, "type": types, "timestamp": timestamps, "user": users,
            "household_id": households, "spend_micro_dollar": spends, "app_type": app_types, "dimensions": dimensions}
OPTIONAL = ("household_id", "spend_micro_dollar", "app_type", "dimensions")


@st.composite
def items(draw):
    item = {}
    for name in VALID:
        roll = draw(st.integers(0, 39))
        if roll == 0 or (name in OPTIONAL and roll < 10):
            continue  # absent
        item[name] = draw(ANYTHING[name] if roll == 1 else WRONG[name] if roll < 4 else VALID[name])
    if draw(st.integers(0, 39)) == 0:
        item["extra"] = 1
    return item


def _valid(n: int) -> dict:
    return {"id": f"v-{n}", "ad_id": "687194767360", "type": "CLICK", "timestamp": "2026-11-30T10:00:00Z",
            "user": {"em": HEX}, "spend_micro_dollar": 1200, "app_type": "iphone", "dimensions": {"country": "US"}}


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(items(), st.builds(_valid, st.integers(0, 3))), min_size=1, max_size=6))
def test_a_typed_batch_checks_to_what_the_general_path_makes_of_it(batch):
    body = json.dumps(batch).encode()  # orjson cannot write 2**70
    typed = decode_typed(body)
    general = check_actions(orjson.loads(body), ADS, TODAY)
    if typed is not None:
        assert check_actions(typed, ADS, TODAY) == general
    event("typed" if typed is not None else "general")
    event("some actions pass" if general[0] else "no action passes")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.builds(_valid, st.integers(0, 50)), min_size=1, max_size=20))
def test_well_formed_batches_do_take_the_typed_path(batch):
    typed = decode_typed(orjson.dumps(batch))
    assert typed is not None and len(typed) == len(batch)
    actions, problems = check_actions(typed, ADS, TODAY)
    assert problems == [] and set(actions) == {item["id"] for item in batch}


def test_bodies_that_do_not_type_go_the_general_way():
    good = _valid(1)
    for body in (
        b"\xef\xbb\xbf" + orjson.dumps([good]),  # a BOM
        orjson.dumps(good) + b"\n" + orjson.dumps(_valid(2)),  # NDJSON
        orjson.dumps([{**good, "spend_micro_dollar": 1.5}]),
        orjson.dumps([{**good, "user": {"em": HEX, "external_id": None}}]),
        orjson.dumps([{**good, "unknown": True}]),
        orjson.dumps({"id": "not a list"}),
    ):
        assert decode_typed(body) is None


def test_dictionary_facts_must_be_the_dictionaries_keys():
    """Regions, metros and interests an action carries are the targeting dictionaries' keys
    (the slices the targeting analytics report); placements are the spec's groups."""
    def item(n: int, **facts) -> dict:
        return {"id": f"d-{n}", "ad_id": "687194767360", "type": "CLICK", "timestamp": "2026-11-30T10:00:00Z",
                "user": {"em": HEX}, "dimensions": facts}

    good = [item(0, region="BE-VOV", metro="501", interest="150", targeted_interest="151", placement="SEARCH")]
    bad = [item(1, region="BE-XXX"), item(2, metro="999"), item(3, interest="42424242"),
           item(4, targeted_interest="abc"), item(5, placement="FEED")]
    actions, problems = check_actions(good + bad, ADS, TODAY)
    assert list(actions) == ["d-0"]
    assert [problem.position for problem in problems] == [1, 2, 3, 4, 5]
    for problem, field in zip(problems, ("region", "metro", "interest", "targeted_interest", "placement")):
        assert f"dimensions.{field} must be" in problem.reason, problem.reason
