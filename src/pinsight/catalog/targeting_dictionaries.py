"""The targeting dictionaries (``GET /v5/resources/targeting/{targeting_type}``) and the
checks built on them.

The data are files in ``targeting_data/`` beside this module, generated from public sources
by ``scripts/build_targeting_dictionaries.py`` (``targeting_data/SOURCES.md`` names them):

* LOCATION: every US DMA code as ``"U.S.: <metro>"`` and every ISO 3166-1 alpha-2 country.
* GEO: metros by DMA code (``{"country": "US", "name": ...}``) and countries by alpha-2 with
  their top-level ISO 3166-2 regions; the US outlying areas sit under the pseudo-country
  ``UST`` (U.S. Territories), as Pinterest groups them.
* LOCALE: ``xx`` and ``xx-YY`` CLDR locales with English names.
* INTEREST: IAB Content Taxonomy 3.x as a tree of numeric ids.

Each file is read once (``functools.cache``); what callers get is read-only
(``MappingProxyType``, tuples), so no caller can change what the next one sees. Encoders that
want plain dicts (orjson) need ``dict(...)`` on the mappings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

DATA_FOLDER = "targeting_data"
# How LOCATION names a metro: the country first, as Pinterest's dictionary does.
METRO_PREFIX = "U.S.: "
METRO_COUNTRY = "US"


@dataclass(frozen=True)
class Interest:
    """One interest: ``level`` is 1 at the top; ``child_ids`` are its direct children."""

    id: str
    name: str
    level: int
    parent_id: str | None
    child_ids: tuple[str, ...]


@dataclass(frozen=True)
class Region:
    """A top-level ISO 3166-2 subdivision; ``country`` is its GEO key (``UST`` for the US
    outlying areas, else the ISO country)."""

    code: str
    country: str
    name: str


def _frozen(value: Any) -> Any:
    """JSON data made read-only all the way down."""
    if isinstance(value, dict):
        return MappingProxyType({key: _frozen(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value


def _read(name: str) -> Any:
    text = (resources.files("pinsight.catalog") / DATA_FOLDER / name).read_text(encoding="utf-8")
    return json.loads(text)


# --- The tables, each read once ---------------------------------------------------------


@cache
def _dmas() -> Mapping[str, str]:
    """DMA code → metro name (``"547"`` → ``"Toledo"``)."""
    return MappingProxyType({code: entry["name"] for code, entry in _read("dma.json").items()})


@cache
def _countries() -> Mapping[str, str]:
    """ISO 3166-1 alpha-2 → common English name."""
    return MappingProxyType(_read("countries.json"))


@cache
def _region_groups() -> Mapping[str, Any]:
    """GEO key → ``{"name": ..., "regions": {code: name}}``."""
    return _frozen(_read("regions.json"))


@cache
def _regions() -> Mapping[str, Region]:
    """Every region by its ISO 3166-2 code."""
    return MappingProxyType({
        code: Region(code=code, country=key, name=name)
        for key, group in _region_groups().items()
        for code, name in group["regions"].items()
    })


@cache
def _subdivisions() -> Mapping[str, str]:
    """Every ISO 3166-2 code, at any level → its name."""
    return MappingProxyType(_read("subdivisions.json"))


@cache
def _interests() -> Mapping[str, Interest]:
    return MappingProxyType({
        id_: Interest(id=id_, name=entry["name"], level=entry["level"], parent_id=entry["parent_id"],
                      child_ids=tuple(entry["child_ids"]))
        for id_, entry in _read("interests.json").items()
    })


# --- The dictionaries as the endpoint serves them --------------------------------------


@cache
def location_options() -> Mapping[str, str]:
    """LOCATION: DMA codes (``"501"`` → ``"U.S.: New York"``) and countries (``"AR"`` → ``"Argentina"``)."""
    metros = {code: METRO_PREFIX + name for code, name in _dmas().items()}
    return MappingProxyType(dict(sorted((metros | dict(_countries())).items())))


@cache
def geo_options() -> Mapping[str, Mapping[str, Any]]:
    """GEO: metros by DMA code, then countries (and ``UST``) with their regions."""
    metros = {code: {"country": METRO_COUNTRY, "name": name} for code, name in _dmas().items()}
    countries = {
        key: {"country": group["name"],
              "regions": {code: {"country": key, "name": name} for code, name in group["regions"].items()}}
        for key, group in _region_groups().items()
    }
    return _frozen(dict(sorted((metros | countries).items())))


@cache
def locale_options() -> Mapping[str, str]:
    """LOCALE: ``"en-US"`` → ``"English (United States)"``."""
    return MappingProxyType(_read("locales.json"))


@cache
def interest_options() -> Mapping[str, str]:
    """INTEREST: id → name."""
    return MappingProxyType({id_: interest.name for id_, interest in _interests().items()})


# --- Look-ups and checks ---------------------------------------------------------------
# Each takes what a request carries (a str) and answers False/None for anything else, so a
# caller can pass unparsed input without guarding it first.


def interests() -> Mapping[str, Interest]:
    """Every interest by id."""
    return _interests()


def interest(interest_id: str) -> Interest | None:
    return _interests().get(interest_id) if isinstance(interest_id, str) else None


def is_interest(interest_id: str) -> bool:
    return interest(interest_id) is not None


def is_dma_code(code: str) -> bool:
    return isinstance(code, str) and code in _dmas()


def is_country_code(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code (the pseudo-country ``UST`` is not one)."""
    return isinstance(code, str) and code in _countries()


def is_region_code(code: str) -> bool:
    """An ISO 3166-2 code listed under a GEO country (top-level subdivisions only)."""
    return region(code) is not None


def is_subdivision_code(code: str) -> bool:
    """Any ISO 3166-2 code, at any level (``BE-VOV``, a province under ``BE-VLG``)."""
    return isinstance(code, str) and code in _subdivisions()


def is_locale(code: str) -> bool:
    return isinstance(code, str) and code in locale_options()


def region(code: str) -> Region | None:
    return _regions().get(code) if isinstance(code, str) else None


def region_country(code: str) -> str | None:
    """The GEO key a region is listed under: ``"IT"`` for ``IT-23``, ``"UST"`` for ``US-PR``."""
    found = region(code)
    return found.country if found else None


def dma_name(code: str) -> str | None:
    """The metro's name alone (``"Toledo"``), without LOCATION's ``"U.S.: "``."""
    return _dmas().get(code) if isinstance(code, str) else None


def dma_state(code: str) -> str | None:
    """The US state (``"NY"``) a metro's DMA is listed in."""
    entry = _dma_entries().get(code) if isinstance(code, str) else None
    return entry["state"] if entry else None


@cache
def _dma_entries() -> Mapping[str, Any]:
    return _frozen(_read("dma.json"))


def country_name(code: str) -> str | None:
    return _countries().get(code) if isinstance(code, str) else None


def region_name(code: str) -> str | None:
    found = region(code)
    return found.name if found else None


# --- Whole key sets, for checks in bulk (an ad action batch checks 50,000 items) --------


@cache
def dma_codes() -> frozenset[str]:
    return frozenset(_dmas())


@cache
def subdivision_codes() -> frozenset[str]:
    return frozenset(_subdivisions())


@cache
def interest_ids() -> frozenset[str]:
    return frozenset(_interests())
