"""A person's facts for audience insights, read from what an ad action or an organic event
carries: the value of each facet (``catalog.audiences.FACETS``) they are counted under.

Only facts about the person count: their device (an ad action's ``app_type``), gender,
age bucket, country with their US metro, and interest. What describes the action rather
than the viewer (a keyword, a placement, the interest an ad targeted) is not a fact about
who they are. A metro is a US metro: one given with another country is left out, so every
metro nests in the country US.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import NamedTuple

from pinsight.catalog.audiences import GEO_SEPARATOR, METRO_COUNTRY, UNKNOWN


class PersonFacts(NamedTuple):
    device: str
    gender: str
    age: str
    geo: str
    interest: str


@lru_cache(maxsize=65536)
def person_facts(app_type: str | None, dimensions: str | None) -> PersonFacts:
    """The facet values of a person seen with this app type and these dimensions (JSON
    text, as actions and events store them; None for none)."""
    facts = json.loads(dimensions) if dimensions else {}
    country = facts.get("country") or UNKNOWN
    metro = facts.get("metro")
    if metro and country in (METRO_COUNTRY, UNKNOWN):
        geo = f"{METRO_COUNTRY}{GEO_SEPARATOR}{metro}"
    else:
        geo = country
    return PersonFacts(app_type or UNKNOWN, facts.get("gender") or UNKNOWN, facts.get("age_bucket") or UNKNOWN,
                       geo, facts.get("interest") or UNKNOWN)
