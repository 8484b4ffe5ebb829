"""How a pin's fixed attributes classify its metrics for the account filters and splits.

Declared once: the rollup writer (Python) and the SQL queries both read these.

* PIN_FORMAT: organic rows are ORGANIC_VIDEO (VIDEO, MAX_VIDEO creative types),
  ORGANIC_PRODUCT (SHOPPING, SHOP_THE_PIN, COLLECTION) or ORGANIC_IMAGE (the rest);
  paid rows are ADS_VIDEO, ADS_PRODUCT, ADS_IDEA (IDEA) or ADS_STANDARD (the rest).
  A format is thus one traffic kind plus a condition on the pin's creative type.
* SOURCE: YOUR_PINS are pins the user created, OTHER_PINS pins saved from someone else.

(Claimed content depends on the pin's editable link: ``pinsight.domain.organic.claimed_content``.)
"""

from __future__ import annotations

from dataclasses import dataclass

# Every creative type a pin can have (the spec's), and the ones each format groups.
CREATIVE_TYPES = (
    "REGULAR",
    "VIDEO",
    "SHOPPING",
    "CAROUSEL",
    "MAX_VIDEO",
    "SHOP_THE_PIN",
    "COLLECTION",
    "IDEA",
    "SHOWCASE",
    "QUIZ",
    "COLLAGE",
    "MAX_WIDTH_REGULAR_COLLECTION",
    "MAX_WIDTH_VIDEO_COLLECTION",
)
VIDEO_CREATIVE_TYPES = ("VIDEO", "MAX_VIDEO")
PRODUCT_CREATIVE_TYPES = ("SHOPPING", "SHOP_THE_PIN", "COLLECTION")
IDEA_CREATIVE_TYPES = ("IDEA",)

# Per traffic kind, its formats in the order they are tried: the first whose creative
# types include the pin's wins; the last (None) takes every creative type left.
FORMAT_RULES: dict[str, tuple[tuple[str, tuple[str, ...] | None], ...]] = {
    "ORGANIC": (
        ("ORGANIC_VIDEO", VIDEO_CREATIVE_TYPES),
        ("ORGANIC_PRODUCT", PRODUCT_CREATIVE_TYPES),
        ("ORGANIC_IMAGE", None),
    ),
    "PAID": (
        ("ADS_VIDEO", VIDEO_CREATIVE_TYPES),
        ("ADS_PRODUCT", PRODUCT_CREATIVE_TYPES),
        ("ADS_IDEA", IDEA_CREATIVE_TYPES),
        ("ADS_STANDARD", None),
    ),
}

ORGANIC_FORMATS = ("ORGANIC_IMAGE", "ORGANIC_PRODUCT", "ORGANIC_VIDEO")
PAID_FORMATS = ("ADS_STANDARD", "ADS_PRODUCT", "ADS_VIDEO", "ADS_IDEA")
PIN_FORMATS = ORGANIC_FORMATS + PAID_FORMATS
SOURCES = ("YOUR_PINS", "OTHER_PINS")


@dataclass(frozen=True)
class FormatSelection:
    """The rows of one pin format: those of ``traffic`` whose pin's creative type is in
    ``creative_types`` (None: any) and not in ``excluded``."""

    traffic: str
    creative_types: tuple[str, ...] | None
    excluded: tuple[str, ...]


def format_selection(pin_format: str) -> FormatSelection:
    for traffic, rules in FORMAT_RULES.items():
        taken: tuple[str, ...] = ()
        for name, creative_types in rules:
            if name == pin_format:
                return FormatSelection(traffic, creative_types, () if creative_types is not None else taken)
            taken += creative_types or ()
    raise KeyError(pin_format)


def pin_format_of(creative_type: str, traffic: str) -> str:
    for name, creative_types in FORMAT_RULES[traffic]:
        if creative_types is None or creative_type in creative_types:
            return name
    raise AssertionError("every traffic kind ends with a catch-all format")


def source_of(parent_pin_id: int | None) -> str:
    return "YOUR_PINS" if parent_pin_id is None else "OTHER_PINS"
