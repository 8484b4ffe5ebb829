"""How a pin's fixed attributes classify its metrics for the account filters and splits.

Declared once: the rollup writer (Python) and the fallback queries (SQL) both read these.

* PIN_FORMAT: organic rows are ORGANIC_VIDEO (VIDEO, MAX_VIDEO creative types),
  ORGANIC_PRODUCT (SHOPPING, SHOP_THE_PIN, COLLECTION) or ORGANIC_IMAGE (the rest);
  paid rows are ADS_VIDEO, ADS_PRODUCT, ADS_IDEA (IDEA) or ADS_STANDARD (the rest).
* SOURCE: YOUR_PINS are pins the user created, OTHER_PINS pins saved from someone else.
"""

from __future__ import annotations

VIDEO_CREATIVE_TYPES = ("VIDEO", "MAX_VIDEO")
PRODUCT_CREATIVE_TYPES = ("SHOPPING", "SHOP_THE_PIN", "COLLECTION")
IDEA_CREATIVE_TYPES = ("IDEA",)

ORGANIC_FORMATS = ("ORGANIC_IMAGE", "ORGANIC_PRODUCT", "ORGANIC_VIDEO")
PAID_FORMATS = ("ADS_STANDARD", "ADS_PRODUCT", "ADS_VIDEO", "ADS_IDEA")
PIN_FORMATS = ORGANIC_FORMATS + PAID_FORMATS
SOURCES = ("YOUR_PINS", "OTHER_PINS")


def pin_format_of(creative_type: str, traffic: str) -> str:
    if traffic == "ORGANIC":
        if creative_type in VIDEO_CREATIVE_TYPES:
            return "ORGANIC_VIDEO"
        if creative_type in PRODUCT_CREATIVE_TYPES:
            return "ORGANIC_PRODUCT"
        return "ORGANIC_IMAGE"
    if creative_type in VIDEO_CREATIVE_TYPES:
        return "ADS_VIDEO"
    if creative_type in PRODUCT_CREATIVE_TYPES:
        return "ADS_PRODUCT"
    if creative_type in IDEA_CREATIVE_TYPES:
        return "ADS_IDEA"
    return "ADS_STANDARD"


def source_of(parent_pin_id: int | None) -> str:
    return "YOUR_PINS" if parent_pin_id is None else "OTHER_PINS"
