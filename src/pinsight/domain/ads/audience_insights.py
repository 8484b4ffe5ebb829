"""An audience insights answer (the spec's AudienceInsightsResponse) from the people counted
per facet value, under the minimum audience size (``domain.ads.audience_privacy``).

``ratio`` is a slice's share of the audience's reported size (exact whenever a slice is
listed: an audience with an upper-bound size lists none), so ratio × size is the slice's
count. ``index`` is that ratio over the same slice's ratio in PINTEREST_TOTAL_AUDIENCE:
above 1, the slice is more common in the audience than in the whole population. Both come
only from listed counts (a slice A lists, P lists too), so an index reveals nothing a
listing does not. Subcategories' ratios are shares of the whole audience too, like the
categories', so that the two levels read on one scale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache

from pinsight.catalog import targeting_dictionaries as dictionaries
from pinsight.catalog.audiences import (
    AGE, DEVICE, DEVICE_NAMES, GENDER, GENDER_NAMES, GEO, GEO_SEPARATOR, INTEREST, PINTEREST_TOTAL, UNKNOWN,
    YOUR_ENGAGED, YOUR_TOTAL,
)
from pinsight.domain.ads.audience_privacy import FacetCounts, Listing, publish

AUDIENCE_OF_TYPE = {PINTEREST_TOTAL: "P", YOUR_TOTAL: "A", YOUR_ENGAGED: "E"}


def _flat(value: str) -> tuple[str, ...]:
    return () if value == UNKNOWN else (value,)


def _geo(value: str) -> tuple[str, ...]:
    if value == UNKNOWN:
        return ()
    country, _, metro = value.partition(GEO_SEPARATOR)
    return (country, value) if metro else (country,)


@lru_cache(maxsize=4096)
def _interest(value: str) -> tuple[str, ...]:
    """Category (level 1) and subcategory (level 2) of an interest at any level; an id the
    taxonomy no longer holds counts as unknown."""
    chain = []
    found = dictionaries.interest(value) if value != UNKNOWN else None
    while found is not None:
        chain.append(found.id)
        found = dictionaries.interest(found.parent_id) if found.parent_id else None
    return tuple(reversed(chain))[:2]


PATHS = {DEVICE: _flat, GENDER: _flat, AGE: _flat, GEO: _geo, INTEREST: _interest}


def listings(counts: Mapping[str, FacetCounts], minimum: int) -> dict[str, Listing]:
    """What each audience ("P", "A", "E") may report, for these counts."""
    return publish(counts, PATHS, minimum)


def answer(insight_type: str, found: Mapping[str, Listing], day: date | None) -> dict:
    """The answer for one audience type."""
    listing = found[AUDIENCE_OF_TYPE[insight_type]]
    everyone = found["P"]
    body = {"type": insight_type, "date": day.isoformat() if day else None, "size": listing.reported_size,
            "size_is_upper_bound": not listing.exact}
    nodes = listing.nodes

    def share(facet: str, node: str) -> tuple[float, float]:
        ratio = nodes[facet][node] / listing.size
        return ratio, ratio / (everyone.nodes[facet][node] / everyone.size)

    def values(facet: str, keys: Sequence[str], name, key=lambda node: node) -> list[dict]:
        return _ordered([{"key": key(node), "name": name(node), "ratio": share(facet, node)[0]} for node in keys])

    def slices(facet: str, keys: Sequence[str], name) -> list[dict]:
        rows = []
        for node in keys:
            ratio, index = share(facet, node)
            rows.append({"id": node, "key": node, "name": name(node), "ratio": ratio, "index": index})
        return _ordered(rows)

    if not listing.exact:
        body["categories"] = []
        body["demographics"] = {"ages": [], "genders": [], "devices": [], "metros": [], "countries": []}
        return body
    interests = nodes[INTEREST]
    categories = slices(INTEREST, [node for node in interests if len(_interest(node)) == 1], _interest_name)
    for category in categories:
        children = [node for node in interests if _interest(node)[:1] == (category["id"],) and node != category["id"]]
        category["subcategories"] = slices(INTEREST, children, _interest_name)
    geo = nodes[GEO]
    body["categories"] = categories
    body["demographics"] = {
        "ages": values(AGE, list(nodes[AGE]), lambda node: node),
        "genders": values(GENDER, list(nodes[GENDER]), lambda node: GENDER_NAMES.get(node, node)),
        "devices": values(DEVICE, list(nodes[DEVICE]), lambda node: DEVICE_NAMES.get(node, node)),
        "metros": values(GEO, [node for node in geo if GEO_SEPARATOR in node], _metro_name,
                         key=lambda node: node.partition(GEO_SEPARATOR)[2]),
        "countries": values(GEO, [node for node in geo if GEO_SEPARATOR not in node], _country_name,
                            key=str.lower),
    }
    return body


def _ordered(rows: list[dict]) -> list[dict]:
    """Largest share first, then by key: the same order for the same counts."""
    return sorted(rows, key=lambda row: (-row["ratio"], row["key"]))


def _interest_name(node: str) -> str:
    found = dictionaries.interest(node)
    return found.name if found else node


def _metro_name(node: str) -> str:
    code = node.partition(GEO_SEPARATOR)[2]
    return dictionaries.dma_name(code) or code


def _country_name(node: str) -> str:
    return dictionaries.country_name(node) or node
