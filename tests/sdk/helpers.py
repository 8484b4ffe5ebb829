"""Small helpers for the SDK tests (imported after conftest.py has aimed the SDK)."""

from __future__ import annotations

import uuid

from openapi_generated.pinterest_client.api.media_api import MediaApi
from openapi_generated.pinterest_client.model.media_upload_request import MediaUploadRequest
from openapi_generated.pinterest_client.model_utils import validate_and_convert_types


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def image_source(name: str | None = None) -> dict:
    return {"source_type": "image_url", "url": f"https://images.example/{name or uuid.uuid4().hex}.jpg"}


def as_model(client, data: dict, model: type):
    """Validate a raw response item with the SDK's generated model, as strictly as the SDK
    checks typed responses (types, enums, required fields). The SDK's list operations return
    untyped dicts, so this is how list items get the same scrutiny."""
    return validate_and_convert_types(data, (model,), ["received_data"], True, True, configuration=client.configuration)


def walk_pages(first_page) -> list[list]:
    """Follow Bookmark.get_next from a high-level (items, bookmark) result to the last page."""
    items, bookmark = first_page
    pages = [items]
    while bookmark is not None:
        assert len(pages) < 100, "pagination did not end"
        items, bookmark = bookmark.get_next()
        pages.append(items)
    return pages


def register_video(client) -> str:
    """Register a video upload through the SDK's MediaApi; return its media_id."""
    return MediaApi(client).media_create(MediaUploadRequest(media_type="video")).media_id
