"""Pin media: from a create request's ``media_source`` to the ``media`` block Pinterest returns.

pinsight hosts no images: it keeps the source's metadata (URLs, a content hash for
uploaded bytes, the image's size) and renders the image sizes Pinterest lists.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from pinsight.domain.content.images import sniff
from pinsight.errors import InvalidParameters

# Pinterest's rendition names and their fixed dimensions (None: follows the image's
# proportions); "originals" is the image at its own size.
IMAGE_SIZES: tuple[tuple[str, int | None, int | None], ...] = (
    ("150x150", 150, 150),
    ("400x300", 400, 300),
    ("600x", 600, None),
    ("1200x", 1200, None),
)
ORIGINALS = "originals"
# An image given by URL is never fetched, so its size is unknown: pinsight assumes a 2:3
# portrait (Pinterest's recommended aspect ratio) at this size, so every height is an integer.
DEFAULT_IMAGE_SIZE = (1000, 1500)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# The spec's content types. The label is checked but not trusted: the bytes decide the format.
CONTENT_TYPES = ("image/jpeg", "image/png")


def image_sizes(url: str, width: int | None = None, height: int | None = None) -> dict:
    """The renditions of an image of ``width`` x ``height`` (``DEFAULT_IMAGE_SIZE`` when unknown)."""
    if not (width and height):
        width, height = DEFAULT_IMAGE_SIZE
    sizes = {}
    for name, fixed_width, fixed_height in IMAGE_SIZES:
        scaled = fixed_height or max(1, round(height * fixed_width / width))
        sizes[name] = {"url": url, "width": fixed_width, "height": scaled}
    sizes[ORIGINALS] = {"url": url, "width": width, "height": height}
    return sizes


def _require_url(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameters(f"Invalid parameters: '{field}' must be a non-empty URL.")
    if not value.startswith(("http://", "https://")):
        raise InvalidParameters(f"Invalid parameters: '{field}' must be an http(s) URL.")
    if len(value) > 2048:
        raise InvalidParameters(f"Invalid parameters: '{field}' is longer than 2048 characters.")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidParameters(f"Invalid parameters: '{field}' contains unpaired surrogates.") from None
    return value


def _decode_image(data: object, content_type: object, field: str) -> tuple[bytes, object]:
    """The uploaded bytes and what they are; any image format known to ``sniff`` whatever
    ``content_type`` says, as Pinterest takes them."""
    if not isinstance(content_type, str) or content_type not in CONTENT_TYPES:
        raise InvalidParameters(f"Invalid parameters: '{field}.content_type' must be image/jpeg or image/png.")
    if not isinstance(data, str) or not data:
        raise InvalidParameters(f"Invalid parameters: '{field}.data' must be base64 image data.")
    if len(data) > MAX_UPLOAD_BYTES * 4 // 3 + 4:
        raise InvalidParameters(f"Invalid parameters: '{field}.data' is larger than 20 MB.")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidParameters(f"Invalid parameters: '{field}.data' is not valid base64.") from exc
    info = sniff(raw)
    if info is None:
        raise InvalidParameters(f"Invalid parameters: '{field}.data' is not an image (PNG, JPEG, GIF or WebP).")
    return raw, info


def _uploaded_image_url(raw: bytes, extension: str) -> str:
    # Where Pinterest would host the upload; pinsight keeps only this name and the hash.
    digest = hashlib.sha256(raw).hexdigest()
    return f"https://i.pinimg.com/originals/{digest[:2]}/{digest[2:4]}/{digest[4:6]}/{digest[:32]}.{extension}"


def _uploaded_image(item: dict, field: str) -> dict:
    raw, info = _decode_image(item.get("data"), item.get("content_type"), field)
    return image_sizes(_uploaded_image_url(raw, info.extension), info.width, info.height)


def build_media(source: object) -> tuple[str, str, dict, bool]:
    """Validate a ``media_source`` and return (source_type, creative_type, media, is_standard)."""
    if not isinstance(source, dict):
        raise InvalidParameters("Invalid parameters: 'media_source' is required and must be an object.")
    source_type = source.get("source_type")
    is_standard = source.get("is_standard", True)
    if not isinstance(is_standard, bool):
        raise InvalidParameters("Invalid parameters: 'media_source.is_standard' must be a boolean.")

    if source_type == "image_url":
        url = _require_url(source.get("url"), "media_source.url")
        return source_type, "REGULAR", {"media_type": "image", "images": image_sizes(url)}, is_standard

    if source_type == "image_base64":
        sizes = _uploaded_image(source, "media_source")
        return source_type, "REGULAR", {"media_type": "image", "images": sizes}, is_standard

    if source_type in ("multiple_image_urls", "multiple_image_base64"):
        items = source.get("items")
        if not isinstance(items, list) or not 2 <= len(items) <= 5:
            raise InvalidParameters("Invalid parameters: 'media_source.items' must hold 2 to 5 images.")
        rendered = []
        for position, item in enumerate(items):
            field = f"media_source.items[{position}]"
            if not isinstance(item, dict):
                raise InvalidParameters(f"Invalid parameters: '{field}' must be an object.")
            if source_type == "multiple_image_urls":
                sizes = image_sizes(_require_url(item.get("url"), f"{field}.url"))
            else:
                sizes = _uploaded_image(item, field)
            link = item.get("link")
            if link is not None:
                link = _require_url(link, f"{field}.link")
            rendered.append({"item_type": "image", "images": sizes, "link": link})
        index = source.get("index", 0)
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(items):
            raise InvalidParameters("Invalid parameters: 'media_source.index' must point at one of the items.")
        return source_type, "CAROUSEL", {"media_type": "multiple_images", "items": rendered}, True

    if source_type == "video_id":
        media_id = source.get("media_id")
        if not isinstance(media_id, str) or not (media_id.isascii() and media_id.isdigit()):
            raise InvalidParameters("Invalid parameters: 'media_source.media_id' must be a numeric string.")
        cover_url, cover_size = source.get("cover_image_url"), (None, None)
        if cover_url is not None:
            cover_url = _require_url(cover_url, "media_source.cover_image_url")
        elif source.get("cover_image_data") is not None:
            raw, info = _decode_image(
                source.get("cover_image_data"), source.get("cover_image_content_type"), "media_source.cover_image"
            )
            cover_url, cover_size = _uploaded_image_url(raw, info.extension), (info.width, info.height)
        else:
            cover_url = f"https://i.pinimg.com/videos/thumbnails/originals/{media_id}.0000000.jpg"
        media = {
            "media_type": "video",
            "cover_image_url": cover_url,
            "images": image_sizes(cover_url, *cover_size),
            "video_url": None,
            "duration": None,
            "height": None,
            "width": None,
        }
        return source_type, "VIDEO", media, is_standard

    if source_type in ("pin_url",):
        raise InvalidParameters("Invalid parameters: media_source type 'pin_url' is not supported by pinsight.")
    raise InvalidParameters(
        "Invalid parameters: 'media_source.source_type' must be one of image_url, image_base64, "
        "multiple_image_urls, multiple_image_base64, video_id."
    )


def thumbnail_url(media: dict) -> str | None:
    """The 150x150 rendition of a pin's media, for board covers."""
    images = media.get("images")
    if not images and media.get("items"):
        images = media["items"][0].get("images")
    if images and "150x150" in images:
        return images["150x150"]["url"]
    return None
