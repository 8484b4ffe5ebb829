"""Query parameters shared by pin lists."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from pinsight.errors import InvalidParameters

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

CreativeTypes = Annotated[list[str] | None, Query()]


def parse_creative_types(values: list[str] | None) -> list[str]:
    """Accept repeated parameters and comma-separated lists alike."""
    types = [part for value in values or [] for part in value.split(",") if part]
    unknown = sorted(set(types) - set(CREATIVE_TYPES))
    if unknown:
        raise InvalidParameters(f"Invalid parameters: unknown creative_types {', '.join(unknown)}.")
    return types
