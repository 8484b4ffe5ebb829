"""The vocabulary of attributed conversions, declared once.

pinsight stores Conversions API events (``event_name``, ``action_source``,
``custom_data.value`` and ``custom_data.num_items``), each attributed to one ad
interaction of one kind: a click, an engagement or a view. The ads reporting columns
that count such conversions (``pinsight.catalog.ad_columns``) are described with the
names below, so a column says *which* interaction kind, *which* event, *what* it
measures and *from which* source, as data.

The event names and action sources are the Conversions API's own values, checked
against the official spec by ``tests/contract/test_ad_columns_catalog.py``.
"""

from __future__ import annotations

from typing import Literal

from pinsight.catalog.ad_actions import KIND_PRIORITY

# Every ``event_name`` the Conversions API accepts, in the spec's (alphabetical) order.
CONVERSION_EVENT_NAMES: tuple[str, ...] = (
    "add_payment_info",
    "add_to_cart",
    "add_to_wishlist",
    "app_install",
    "checkout",
    "custom",
    "initiate_checkout",
    "lead",
    "page_visit",
    "search",
    "signup",
    "subscribe",
    "view_category",
    "view_content",
    "watch_video",
)

# Every ``action_source`` the Conversions API accepts: where the conversion happened.
ACTION_SOURCES: tuple[str, ...] = ("app_android", "app_ios", "web", "offline")

# Reporting groups action sources coarser than the API does: Pinterest's "in-app"
# columns cover both app platforms. ALL is every source, so a column without a source
# word in its name (TOTAL_CHECKOUT) counts web, app and offline conversions alike.
ConversionSource = Literal["WEB", "APP", "OFFLINE", "ALL"]
SOURCE_GROUPS: dict[str, tuple[str, ...]] = {
    "WEB": ("web",),
    "APP": ("app_android", "app_ios"),
    "OFFLINE": ("offline",),
    "ALL": ACTION_SOURCES,
}

# The kind of ad interaction a conversion is attributed to. TOTAL is the three together
# (each conversion is attributed to one interaction at most, so they add up).
AttributionKind = Literal["CLICK", "ENGAGEMENT", "VIEW", "TOTAL"]
_RANKED_KINDS = tuple(kind.value for kind in KIND_PRIORITY)  # CLICK, ENGAGEMENT, VIEW
ATTRIBUTION_KINDS: tuple[str, ...] = (*_RANKED_KINDS, "TOTAL")
ATTRIBUTION_KIND_PARTS: dict[str, tuple[str, ...]] = {
    **{kind: (kind,) for kind in _RANKED_KINDS},
    "TOTAL": _RANKED_KINDS,
}

# What a conversion column adds up: 1 per conversion (COUNT), its ``custom_data.value``
# in micro units of the ad account's currency (VALUE), or its ``custom_data.num_items``
# (QUANTITY). An event without a value or an item count adds nothing to VALUE or QUANTITY.
ConversionMeasure = Literal["COUNT", "VALUE", "QUANTITY"]
CONVERSION_MEASURES: tuple[str, ...] = ("COUNT", "VALUE", "QUANTITY")
