import base64

import pytest

from pinsight.domain.content.media import DEFAULT_IMAGE_SIZE, build_media
from pinsight.errors import InvalidParameters
from tests.support import images

PNG_1x1 = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()


def test_image_url_renders_all_pinterest_sizes():
    source_type, creative, media, standard = build_media({"source_type": "image_url", "url": "https://x.example/a.jpg"})
    assert (source_type, creative, standard) == ("image_url", "REGULAR", True)
    assert media["media_type"] == "image"
    assert set(media["images"]) == {"150x150", "400x300", "600x", "1200x", "originals"}
    assert media["images"]["400x300"] == {"url": "https://x.example/a.jpg", "width": 400, "height": 300}


def test_image_url_heights_follow_the_default_aspect_ratio():
    # No bytes to read: every height is an integer from the documented default (2:3).
    _, _, media, _ = build_media({"source_type": "image_url", "url": "https://x.example/a.jpg"})
    sizes = {name: (size["width"], size["height"]) for name, size in media["images"].items()}
    assert sizes == {"150x150": (150, 150), "400x300": (400, 300), "600x": (600, 900), "1200x": (1200, 1800),
                     "originals": DEFAULT_IMAGE_SIZE}


def test_base64_png_keeps_metadata_and_dimensions():
    _, creative, media, _ = build_media({"source_type": "image_base64", "content_type": "image/png", "data": PNG_1x1})
    assert creative == "REGULAR"
    assert media["images"]["600x"]["height"] == 600  # a square image
    assert media["images"]["150x150"]["url"].startswith("https://i.pinimg.com/originals/")


@pytest.mark.parametrize(
    "source",
    [
        {"source_type": "image_base64", "content_type": "image/png", "data": "not base64!"},
        {"source_type": "image_base64", "content_type": "image/gif", "data": PNG_1x1},
        {"source_type": "image_base64", "content_type": "image/png", "data": images.b64(b"%PDF-1.7 not an image")},
        {"source_type": "image_base64", "content_type": "image/jpeg", "data": images.b64(b"hello")},
        {"source_type": "image_url", "url": "ftp://x"},
        {"source_type": "image_url"},
        {"source_type": "multiple_image_urls", "items": [{"url": "https://x.example/1.jpg"}]},
        {"source_type": "video_id", "media_id": "abc"},
        {"source_type": "pin_url"},
        {"source_type": "nonsense"},
        "not an object",
        None,
    ],
)
def test_bad_sources_are_400s(source):
    with pytest.raises(InvalidParameters):
        build_media(source)


def test_carousel_and_video():
    _, creative, media, _ = build_media(
        {"source_type": "multiple_image_urls", "items": [{"url": "https://x.example/1.jpg", "link": "https://l.example"}, {"url": "https://x.example/2.jpg"}]}
    )
    assert creative == "CAROUSEL" and media["media_type"] == "multiple_images" and len(media["items"]) == 2
    assert media["items"][0]["link"] == "https://l.example"
    _, creative, media, _ = build_media({"source_type": "video_id", "media_id": "123", "cover_image_url": "https://x.example/c.jpg"})
    assert creative == "VIDEO" and media["media_type"] == "video" and media["cover_image_url"] == "https://x.example/c.jpg"


@pytest.mark.parametrize(
    "raw, content_type, extension, size",
    [
        (images.png(4, 3), "image/jpeg", "png", (4, 3)),  # the official SDK's own tests send this
        (images.jpeg(640, 480), "image/png", "jpg", (640, 480)),
        (images.jpeg(640, 480), "image/jpeg", "jpg", (640, 480)),
        (images.gif(30, 60), "image/png", "gif", (30, 60)),
        (images.webp_lossy(100, 50), "image/jpeg", "webp", (100, 50)),
    ],
)
def test_the_bytes_decide_the_format_and_size_not_the_label(raw, content_type, extension, size):
    _, _, media, _ = build_media({"source_type": "image_base64", "content_type": content_type, "data": images.b64(raw)})
    width, height = size
    sizes = media["images"]
    assert sizes["originals"]["url"].endswith(f".{extension}")
    assert (sizes["originals"]["width"], sizes["originals"]["height"]) == size
    assert sizes["600x"]["height"] == round(600 * height / width)
    assert sizes["1200x"]["height"] == round(1200 * height / width)
    assert all(isinstance(s["height"], int) and isinstance(s["width"], int) for s in sizes.values())


def test_an_image_whose_size_cannot_be_read_gets_the_default_aspect_ratio():
    raw = b"\xff\xd8\xff\xe0\x00\x10JFIF"  # a JPEG cut before its frame header
    _, _, media, _ = build_media({"source_type": "image_base64", "content_type": "image/jpeg", "data": images.b64(raw)})
    assert media["images"]["600x"]["height"] == 900


def test_a_very_wide_image_keeps_a_height_of_at_least_one():
    raw = images.png(5000, 1)
    _, _, media, _ = build_media({"source_type": "image_base64", "content_type": "image/png", "data": images.b64(raw)})
    assert media["images"]["600x"]["height"] == 1


def test_video_cover_sizes_carry_heights():
    _, _, media, _ = build_media({"source_type": "video_id", "media_id": "5", "cover_image_url": "https://x.example/c.jpg"})
    assert media["images"]["1200x"]["height"] == 1800
    _, _, media, _ = build_media({"source_type": "video_id", "media_id": "5", "cover_image_content_type": "image/jpeg",
                                  "cover_image_data": images.b64(images.png(16, 9))})
    assert media["images"]["1200x"]["height"] == 675 and media["cover_image_url"].endswith(".png")
