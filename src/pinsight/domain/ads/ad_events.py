"""Ad actions as ``POST /api/v1/ad_events`` and ``pinsight ingest`` take them, checked.

An item::

    {"id": "a-1", "ad_id": "687194767360", "type": "CLICK", "timestamp": "2026-11-20T13:45:00Z",
     "user": {"em": "<sha256 hex>"}, "household_id": "h-9", "spend_micro_dollar": 120000,
     "app_type": "iphone", "dimensions": {"gender": "female", "country": "US"}}

``user`` names the person by exactly one of ``external_id`` and ``em``, each the SHA-256
hex digest the Conversions API sends for the same person (so that a conversion's
identifiers match by equality; a clear-text value would never match). ``check_actions``
reads nothing but the items, the ads they name and the current day: the service looks
the ads up and applies what passes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, NamedTuple

import msgspec

from pinsight.catalog import targeting_dictionaries as dictionaries
from pinsight.catalog.ad_actions import (
    ACTION_TYPES, AD_ACTION_DIMENSIONS, AD_APP_TYPES, AD_PLACEMENTS, AGE_BUCKETS, GENDERS,
)
from pinsight.catalog.ads import COUNTRIES
from pinsight.domain.event_time import utc_moment
from pinsight.errors import Problem

MAX_ACTIONS = 50_000
MAX_ID_LENGTH = 128
MAX_DIMENSION_LENGTH = 128
MAX_SPEND_MICRO_DOLLAR = 10**15  # a billion currency units for one action: anything above is a mistake
FIELDS = frozenset({"id", "ad_id", "type", "timestamp", "user", "household_id", "spend_micro_dollar", "app_type", "dimensions"})
USER_FIELDS = ("external_id", "em")
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_TYPES = ", ".join(ACTION_TYPES)
_ENUMERATED = {"gender": frozenset(GENDERS), "age_bucket": frozenset(AGE_BUCKETS), "country": frozenset(COUNTRIES),
               "placement": frozenset(AD_PLACEMENTS)}
# Facts whose values a targeting dictionary holds (too many to list in a message): the
# slices the targeting analytics report are then the dictionaries' keys.
_IN_DICTIONARY = {
    "region": (dictionaries.subdivision_codes, "an ISO 3166-2 code"),
    "metro": (dictionaries.dma_codes, "a US metro (DMA) code, as GET /v5/resources/targeting/LOCATION lists them"),
    "interest": (dictionaries.interest_ids, "an interest id, as GET /v5/resources/targeting/INTEREST lists them"),
    "targeted_interest": (dictionaries.interest_ids,
                          "an interest id, as GET /v5/resources/targeting/INTEREST lists them"),
}


class AdAction(NamedTuple):
    # A named tuple rather than a frozen dataclass: a batch makes 50,000 of them, and a
    # tuple is built in C instead of one object.__setattr__ per field.
    id: str
    ad_id: int
    type: str
    at: datetime  # naive UTC
    person_key: str  # "em:<sha256>" or "external_id:<sha256>" (lower case)
    household_id: str | None
    spend_micro_dollar: int | None
    app_type: str | None
    dimensions: str | None  # JSON text, keys sorted

    def content(self) -> tuple:
        """What makes two items with one id the same action (the instant, not its spelling)."""
        return (self.ad_id, self.type, self.at, self.person_key, self.household_id, self.spend_micro_dollar,
                self.app_type, self.dimensions)


class _Refused(ValueError):
    pass


# ---- typed decoding: the common, well-formed batch decoded and typed in C ----------------------
# A JSON array whose every item has the right shape (known fields, right JSON types, a
# well-formed user) decodes straight into these structs; the checks that follow are the same
# functions plain items go through, so a typed item passes or fails with the same reason. A
# body that does not type (NDJSON, a BOM, any item of the wrong shape) goes the general way:
# parsed as plain JSON and checked field by field, every problem reported by position.
_HEX64 = msgspec.Meta(pattern=r"\A[0-9a-fA-F]{64}\Z")


class TypedUser(msgspec.Struct, forbid_unknown_fields=True):
    external_id: Annotated[str, _HEX64] | msgspec.UnsetType = msgspec.UNSET
    em: Annotated[str, _HEX64] | msgspec.UnsetType = msgspec.UNSET


class TypedItem(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    ad_id: str
    type: str
    timestamp: str
    user: TypedUser
    household_id: str | None = None
    spend_micro_dollar: int | None = None
    app_type: str | None = None
    dimensions: dict[str, str] | None = None


_TYPED_BATCH = msgspec.json.Decoder(list[TypedItem])


def decode_typed(body: bytes) -> list[TypedItem] | None:
    """The batch as typed items when it is a JSON array of well-shaped ones; else None."""
    try:
        return _TYPED_BATCH.decode(body)
    except msgspec.DecodeError:  # ValidationError included
        return None


def _text(value, field: str, limit: int) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= limit or not value.isprintable():
        raise _Refused(f"{field} must be a string of 1 to {limit} printable characters")
    return value


def _person(user) -> str:
    if isinstance(user, TypedUser):
        # Typed: each identifier present is already a SHA-256 hex digest.
        if (user.external_id is msgspec.UNSET) == (user.em is msgspec.UNSET):
            raise _Refused("user must hold exactly one of external_id and em")
        return f"em:{user.em.lower()}" if user.external_id is msgspec.UNSET else f"external_id:{user.external_id.lower()}"
    if not isinstance(user, Mapping):
        raise _Refused('user must be an object naming the person: {"external_id": ...} or {"em": ...}')
    if len(user) != 1:
        raise _Refused("user must hold exactly one of external_id and em")
    (field, value), = user.items()
    if field not in USER_FIELDS:
        raise _Refused("user must hold exactly one of external_id and em")
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise _Refused(f"user.{field} must be a SHA-256 hex digest, as the Conversions API sends it")
    return f"{field}:{value.lower()}"


def _dimensions(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise _Refused("dimensions must be an object")
    unknown = sorted(set(value) - set(AD_ACTION_DIMENSIONS))
    if unknown:
        raise _Refused(f"unknown dimension(s) {', '.join(unknown[:5])}; known: {', '.join(AD_ACTION_DIMENSIONS)}")
    for name, text in value.items():
        _text(text, f"dimensions.{name}", MAX_DIMENSION_LENGTH)
        allowed = _ENUMERATED.get(name)
        if allowed is not None and text not in allowed:
            raise _Refused(f"dimensions.{name} must be one of {', '.join(sorted(allowed))}")
        listed = _IN_DICTIONARY.get(name)
        if listed is not None and text not in listed[0]():
            raise _Refused(f"dimensions.{name} must be {listed[1]}, not {text[:40]!r}")
    return json.dumps(dict(value), sort_keys=True, separators=(",", ":"))


def viewer_key(user) -> str:
    """The person key a ``user`` object names (``"em:<sha256>"``), as ad actions store it;
    ValueError with the reason otherwise. Organic events name their viewer the same way."""
    return _person(user)


def viewer_dimensions(value) -> str | None:
    """Viewer facts checked as ad actions' ``dimensions`` are, as the JSON text stored; None
    for none; ValueError with the reason otherwise."""
    return _dimensions(value)


def ad_id_of(item) -> int | None:
    """The ad an item names, if it names one well (the service looks these up before checking)."""
    if isinstance(item, TypedItem):
        return _ad_id(item.ad_id)
    return _ad_id(item.get("ad_id") if isinstance(item, Mapping) else None)


def _ad_id(raw) -> int | None:
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 19:
        return int(raw)
    return None


def _check(item, ads: Mapping[int, date], today: date, moments: dict) -> AdAction:
    if isinstance(item, TypedItem):
        return _checked(_text(item.id, "id", MAX_ID_LENGTH), _ad_id(item.ad_id), item.type, item.timestamp, item.user,
                        item.household_id, item.spend_micro_dollar, item.app_type, item.dimensions, ads, today, moments)
    if not isinstance(item, Mapping):
        raise _Refused("an ad event must be a JSON object")
    if not FIELDS.issuperset(item):
        unknown = sorted(set(item) - FIELDS)
        raise _Refused(f"unknown field(s) {', '.join(unknown[:5])}")
    action_id = _text(item.get("id"), "id", MAX_ID_LENGTH)
    return _checked(action_id, ad_id_of(item), item.get("type"), item.get("timestamp"), item.get("user"),
                    item.get("household_id"), item.get("spend_micro_dollar"), item.get("app_type"),
                    item.get("dimensions"), ads, today, moments)


def _checked(action_id: str, ad_id: int | None, action_type, timestamp, user, household, spend, app_type, dimensions,
             ads: Mapping[int, date], today: date, moments: dict) -> AdAction:
    """The checks after an item's shape: shared by plain items and typed ones (``decode_typed``)."""
    if ad_id is None:
        raise _Refused("ad_id must be a numeric string")
    if ad_id not in ads:
        raise _Refused(f"ad {ad_id} not found in an ad account you may write to")
    if action_type not in ACTION_TYPES:
        raise _Refused(f"type must be one of {_TYPES}")
    moment = utc_moment(timestamp, moments)
    if isinstance(moment, str):
        raise _Refused(moment)
    day, at = moment
    if day > today:
        raise _Refused(f"timestamp's day {day} (UTC) is in the future")
    if day < ads[ad_id]:
        raise _Refused(f"timestamp's day {day} (UTC) is before ad {ad_id} was created ({ads[ad_id]})")
    if household is not None:
        household = _text(household, "household_id", MAX_ID_LENGTH)
    if spend is not None and (isinstance(spend, bool) or not isinstance(spend, int) or not 0 <= spend <= MAX_SPEND_MICRO_DOLLAR):
        raise _Refused(f"spend_micro_dollar must be a whole number from 0 to {MAX_SPEND_MICRO_DOLLAR}")
    if app_type is not None and app_type not in AD_APP_TYPES:
        raise _Refused(f"app_type must be one of {', '.join(AD_APP_TYPES)}")
    return AdAction(action_id, ad_id, action_type, at.replace(tzinfo=None), _person(user), household,
                    spend, app_type, _dimensions(dimensions))


def check_actions(items: list, ads: Mapping[int, date], today: date, stop_after: int | None = None
                  ) -> tuple[dict[str, AdAction], list[Problem]]:
    """Each distinct action id with its action, and the problems (by position).

    ``ads`` maps the ads the caller may write to (among those the items name) to the day
    each was created. An id repeated with the same content counts once; with other
    content it is a problem.
    """
    actions: dict[str, AdAction] = {}
    first_position: dict[str, int] = {}
    problems: list[Problem] = []
    moments: dict = {}
    for position, item in enumerate(items):
        if stop_after is not None and len(problems) >= stop_after:
            break
        try:
            action = _check(item, ads, today, moments)
        except _Refused as refused:
            problems.append(Problem(position, str(refused)))
            continue
        previous = actions.get(action.id)
        if previous is not None:
            if previous.content() != action.content():
                problems.append(Problem(position, f"id {action.id[:40]} was already used by ad event #{first_position[action.id]} with different content"))
            continue
        actions[action.id] = action
        first_position[action.id] = position
    return actions, problems
