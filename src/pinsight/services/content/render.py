"""Rows to Pinterest's JSON shapes (the only place response bodies are assembled).

Timestamps stay datetimes and stored JSON stays text (orjson.Fragment): the JSON
response writes both directly, which keeps a 250-pin page cheap.
"""

from __future__ import annotations

import json
from datetime import UTC

import orjson

from pinsight.catalog.metrics import PIN_METRIC_FIELDS, PIN_METRICS_90D_FIELDS, PIN_METRICS_ALL_TIME_FIELDS

from pinsight.domain.content.media import thumbnail_url


def user_account(user, board_count: int, pin_count: int) -> dict:
    return {
        "account_type": user["account_type"],
        "id": str(user["id"]),
        "profile_image": user["profile_image"],
        "website_url": user["website_url"],
        "username": user["username"],
        "about": user["about"],
        "business_name": user["business_name"],
        "board_count": board_count,
        "pin_count": pin_count,
        "follower_count": user["follower_count"],
        "following_count": user["following_count"],
        "monthly_views": user["monthly_views"],
    }


def board(row, pin_count: int, pin_media: list[str]) -> dict:
    thumbnails = [url for url in (thumbnail_url(json.loads(m)) for m in pin_media) if url]
    return {
        "id": str(row["id"]),
        "created_at": row["created_at"],
        "board_pins_modified_at": row["pins_modified_at"],
        "name": row["name"],
        "description": row["description"],
        "collaborator_count": row["collaborator_count"],
        "pin_count": pin_count,
        "follower_count": row["follower_count"],
        "media": {"image_cover_url": thumbnails[0] if thumbnails else None, "pin_thumbnail_urls": thumbnails},
        "owner": {"username": row["owner_username"]},
        "privacy": row["privacy"],
        "is_ads_only": row["is_ads_only"],
    }


def section(row) -> dict:
    return {"id": str(row["id"]), "name": row["name"]}


def pin(row, operation_user_id: int) -> dict:
    """A Pin; its ``created_at`` (a datetime) and ``media`` (JSON text) are left to the JSON response to write."""
    return {
        "id": str(row["id"]),
        "created_at": row["created_at"],
        "link": row["link"],
        "title": row["title"],
        "description": row["description"],
        "dominant_color": row["dominant_color"],
        "alt_text": row["alt_text"],
        "creative_type": row["creative_type"],
        "board_id": str(row["board_id"]),
        "board_section_id": str(row["section_id"]) if row["section_id"] is not None else None,
        "board_owner": {"username": row["board_owner_username"]},
        "is_owner": row["owner_id"] == operation_user_id,
        # Stored as the JSON Pinterest returns: embedded as is, never parsed and re-serialized.
        "media": orjson.Fragment(row["media"]),
        "parent_pin_id": str(row["parent_pin_id"]) if row["parent_pin_id"] is not None else None,
        "is_standard": row["is_standard"],
        "has_been_promoted": row["has_been_promoted"],
        "pin_metrics": None,
    }


def ad_account(row, permissions: set[str]) -> dict:
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "owner": {"id": str(row["owner_id"]), "username": row["owner_username"]},
        "country": row["country"],
        "currency": row["currency"],
        "permissions": sorted(permissions),
        "created_time": int(row["created_at"].replace(tzinfo=UTC).timestamp()),
        "updated_time": int(row["updated_at"].replace(tzinfo=UTC).timestamp()),
    }


def pin_metrics(recent: dict, lifetime: dict) -> dict:
    """The ``pin_metrics`` blocks: the last 90 days, and all time (with reactions and comments)."""

    def block(sums: dict, fields) -> dict:
        return {field: sums.get(PIN_METRIC_FIELDS[field], 0) for field in fields}

    return {"90d": block(recent, PIN_METRICS_90D_FIELDS), "all_time": block(lifetime, PIN_METRICS_ALL_TIME_FIELDS)}
