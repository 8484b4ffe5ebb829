"""The targeting dictionaries: ``resources/targeting/{targeting_type}`` and
``resources/targeting/interests/{interest_id}``.

The public ones come from ``catalog.targeting_dictionaries`` (data built from public
sources) and from the spec's enumerations (app types, genders, age buckets). KEYWORD and
the audiences belong to an ad account: with ``ad_account_id`` they are the slices its ad
actions carried (``ad_targeting_daily``), without it there are none. The answer is the
spec's TargetingOptionResponse, a list holding the one dictionary.
"""

from __future__ import annotations

from functools import lru_cache

import orjson

from pinsight.catalog import targeting_dictionaries as dictionaries
from pinsight.catalog.ad_targeting import UNKNOWN_SLICE
from pinsight.catalog.ads import AGE_BUCKETS, GENDERS, TARGETING_APP_TYPES
from pinsight.errors import ApiError, NotFound
from pinsight.services.identity.access import Actor
from pinsight.services.runtime import Runtime
from pinsight.store.ads import targeting as store

# Display names of the enumerated values (the spec names the values, not how they read).
APP_TYPE_NAMES = {"android_mobile": "Android Mobile", "android_tablet": "Android Tablet", "ipad": "iPad",
                  "iphone": "iPhone", "web": "Web", "web_mobile": "Mobile Web"}
GENDER_NAMES = {"female": "Female", "male": "Male", "unknown": "Unspecified"}
# The account's own dictionaries: which stored targeting type lists their values.
ACCOUNT_TYPES = {"KEYWORD": "KEYWORD", "AUDIENCE_INCLUDE": "AUDIENCE_INCLUDE", "AUDIENCE_EXCLUDE": "AUDIENCE_INCLUDE"}
MAX_ACCOUNT_VALUES = 1000
TARGETING_TYPES = ("APPTYPE", "GENDER", "LOCALE", "AGE_BUCKET", "LOCATION", "GEO", "INTEREST", "KEYWORD",
                   "AUDIENCE_INCLUDE", "AUDIENCE_EXCLUDE")


def _plain(value):
    """Read-only catalogue data as plain JSON values."""
    if hasattr(value, "items"):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


_PUBLIC = {
    "APPTYPE": lambda: {value: APP_TYPE_NAMES[value] for value in TARGETING_APP_TYPES},
    "GENDER": lambda: {value: GENDER_NAMES[value] for value in GENDERS},
    "AGE_BUCKET": lambda: {value: value for value in AGE_BUCKETS},
    "LOCALE": dictionaries.locale_options,
    "LOCATION": dictionaries.location_options,
    "GEO": dictionaries.geo_options,
    "INTEREST": dictionaries.interest_options,
}


@lru_cache(maxsize=len(_PUBLIC))
def _public_answer(targeting_type: str) -> orjson.Fragment:
    # The public dictionaries never change while the server runs: each is encoded once
    # (GEO's is 180 KB of JSON, whose copying and encoding cost most of a request).
    return orjson.Fragment(orjson.dumps([_plain(_PUBLIC[targeting_type]())]))


def targeting_options(rt: Runtime, actor: Actor, targeting_type: str) -> list[dict] | orjson.Fragment:
    if targeting_type not in TARGETING_TYPES:
        raise ApiError(f"targeting_type must be one of {', '.join(TARGETING_TYPES)}.")
    if targeting_type in _PUBLIC:
        return _public_answer(targeting_type)
    if actor.ad_account_id is None:
        return [{}]
    with rt.engine.connect() as conn:
        values = store.seen_slices(conn, actor.ad_account_id, ACCOUNT_TYPES[targeting_type], MAX_ACCOUNT_VALUES + 1)
    return [{value: value for value in values if value != UNKNOWN_SLICE}]


def interest_option(rt: Runtime, actor: Actor, interest_id: str) -> dict:
    found = dictionaries.interest(interest_id)
    if found is None:
        raise NotFound("Interest not found.")
    return {"id": found.id, "name": found.name, "level": found.level, "child_interests": list(found.child_ids)}
