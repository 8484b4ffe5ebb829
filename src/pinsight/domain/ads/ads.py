"""What an ad shows that nobody sets: its summary status, its creative type when none was
given, where a click in the grid leads; and the rule between an ad's creative and its pin."""

from __future__ import annotations

from pinsight.catalog.ads import DEFAULT_AD_CREATIVE_TYPE, DEFAULT_VIDEO_AD_CREATIVE_TYPE, PINSIGHT_REVIEW_STATUS
from pinsight.catalog.pin_formats import VIDEO_CREATIVE_TYPES


def summary_status(status: str) -> str:
    """An active ad reads as its review status (pinsight approves every ad); every other
    status reads as itself (PAUSED, ARCHIVED, DRAFT, DELETED_DRAFT)."""
    return PINSIGHT_REVIEW_STATUS if status == "ACTIVE" else status


def default_creative_type(pin_creative_type: str) -> str:
    """A video pin is promoted as a VIDEO ad, any other pin as a REGULAR one."""
    return DEFAULT_VIDEO_AD_CREATIVE_TYPE if pin_creative_type in VIDEO_CREATIVE_TYPES else DEFAULT_AD_CREATIVE_TYPE


def creative_problem(creative_type: str, pin_creative_type: str) -> str | None:
    """A video ad needs a video pin: the creative cannot show a video the pin does not have."""
    if creative_type in VIDEO_CREATIVE_TYPES and pin_creative_type not in VIDEO_CREATIVE_TYPES:
        return f"creative_type {creative_type} needs a video pin; this pin is {pin_creative_type}."
    return None


def grid_click_type(destination_url: str | None, pin_link: str | None) -> str:
    """Straight to the destination when the ad (or else its pin) has one; else the close-up."""
    return "DIRECT_TO_DESTINATION" if destination_url or pin_link else "CLOSEUP"
