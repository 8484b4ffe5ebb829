"""Image formats and sizes are read from the bytes, whatever the upload's label says."""

import pytest

from pinsight.domain.content.images import ImageInfo, sniff
from tests.support import images


@pytest.mark.parametrize(
    "raw, expected",
    [
        (images.png(3, 7), ImageInfo("png", 3, 7)),
        (images.jpeg(640, 480), ImageInfo("jpeg", 640, 480)),
        (images.jpeg(300, 500, frame_marker=0xC2), ImageInfo("jpeg", 300, 500)),
        (images.gif(40, 20), ImageInfo("gif", 40, 20)),
        (images.webp_lossy(800, 600), ImageInfo("webp", 800, 600)),
        (images.webp_lossless(1000, 1500), ImageInfo("webp", 1000, 1500)),
        (images.REAL_JPEG_3x2, ImageInfo("jpeg", 3, 2)),
        (images.REAL_WEBP_3x2, ImageInfo("webp", 3, 2)),
    ],
)
def test_format_and_size_come_from_the_header(raw, expected):
    assert sniff(raw) == expected


def test_a_jpeg_with_fill_bytes_and_restart_markers_before_its_frame():
    raw = images.jpeg(12, 34)
    padded = raw[:2] + b"\xff\xd0" + b"\xff" + raw[2:]
    assert sniff(padded) == ImageInfo("jpeg", 12, 34)


@pytest.mark.parametrize(
    "raw, expected_format",
    [
        (b"\x89PNG\r\n\x1a\n", "png"),  # the signature alone
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),  # cut before any frame header
        (b"\xff\xd8\xff\xda\x00\x08", "jpeg"),  # scan data before a frame header
        (b"GIF89a\x00\x00\x00\x00", "gif"),  # a 0x0 screen
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
    ],
)
def test_an_image_whose_size_cannot_be_read_keeps_its_format(raw, expected_format):
    assert sniff(raw) == ImageInfo(expected_format, None, None)


@pytest.mark.parametrize("raw", [b"", b"hello world", b"%PDF-1.7\n", b"RIFF\x00\x00\x00\x00WAVEfmt ", b"\x89PNX"])
def test_bytes_that_are_no_image_are_none(raw):
    assert sniff(raw) is None


def test_extensions():
    assert [ImageInfo(name, 1, 1).extension for name in ("png", "jpeg", "gif", "webp")] == ["png", "jpg", "gif", "webp"]
