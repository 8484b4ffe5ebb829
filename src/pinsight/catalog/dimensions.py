"""What a stored daily metric row is broken down by, besides its pin and day, declared once:
the app the activity came from and the kind of traffic (organic, or paid promotion).
The ``app_types`` and ``content_type`` parameters of the analytics operations select these."""

from __future__ import annotations

APP_TYPES: tuple[str, ...] = ("MOBILE", "TABLET", "WEB")
TRAFFIC_KINDS: tuple[str, ...] = ("ORGANIC", "PAID")

# How an analytics answer may be split (``split_field``): none, or by one of the breakdowns.
NO_SPLIT = "NO_SPLIT"
PIN_SPLITS: tuple[str, ...] = (NO_SPLIT, "APP_TYPE")
ACCOUNT_SPLITS: tuple[str, ...] = (NO_SPLIT, "APP_TYPE", "OWNED_CONTENT", "SOURCE", "PIN_FORMAT")
