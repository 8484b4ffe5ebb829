import base64

import pytest

from pinsight.domain.media import build_media
from pinsight.errors import InvalidParameters

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
    assert set(media["images"]) == {"150x150", "400x300", "600x", "1200x"}
    assert media["images"]["400x300"] == {"url": "https://x.example/a.jpg", "width": 400, "height": 300}


def test_base64_png_keeps_metadata_and_dimensions():
    _, creative, media, _ = build_media({"source_type": "image_base64", "content_type": "image/png", "data": PNG_1x1})
    assert creative == "REGULAR"
    assert media["images"]["600x"]["height"] == 600  # a square image
    assert media["images"]["150x150"]["url"].startswith("https://i.pinimg.com/originals/")


@pytest.mark.parametrize(
    "source",
    [
        {"source_type": "image_base64", "content_type": "image/png", "data": "not base64!"},
        {"source_type": "image_base64", "content_type": "image/jpeg", "data": PNG_1x1},
        {"source_type": "image_base64", "content_type": "image/gif", "data": PNG_1x1},
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
