"""What an uploaded image is, read from its bytes: the format (by magic number) and the
width and height (from the format's header), never from the content type a client sends.

Pinterest sniffs uploads the same way: its official SDK's own tests send PNG bytes labelled
``image/jpeg`` and get a pin. Only the first bytes are read; nothing is decoded.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass


@dataclass(frozen=True)
class ImageInfo:
    format: str  # png | jpeg | gif | webp
    # None where the header could not be read (a truncated or unusual file).
    width: int | None
    height: int | None

    @property
    def extension(self) -> str:
        return "jpg" if self.format == "jpeg" else self.format


def _png_size(raw: bytes) -> tuple[int, int] | None:
    # The IHDR chunk comes first: length (4 bytes), type, then width and height (big-endian).
    if len(raw) >= 24 and raw[12:16] == b"IHDR":
        return struct.unpack(">II", raw[16:24])
    return None


def _gif_size(raw: bytes) -> tuple[int, int] | None:
    # The logical screen descriptor follows the 6-byte signature (little-endian).
    if len(raw) >= 10:
        return struct.unpack("<HH", raw[6:10])
    return None


# Start-of-frame markers carry the frame's size; C4 (Huffman tables), C8 (reserved) and
# CC (arithmetic coding conditioning) share the range but are not frames.
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers that stand alone, without a length: TEM, RST0-7, SOI, EOI.
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xDA)})


def _jpeg_size(raw: bytes) -> tuple[int, int] | None:
    position = 2
    while position + 4 <= len(raw):
        if raw[position] != 0xFF:
            return None
        marker = raw[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in _JPEG_STANDALONE:
            position += 2
            continue
        (length,) = struct.unpack(">H", raw[position + 2 : position + 4])
        if marker in _JPEG_FRAMES:
            if position + 9 > len(raw):
                return None
            height, width = struct.unpack(">HH", raw[position + 5 : position + 9])
            return width, height
        if marker == 0xDA or length < 2:  # entropy-coded data follows: no frame header came first
            return None
        position += 2 + length
    return None


def _webp_size(raw: bytes) -> tuple[int, int] | None:
    chunk = raw[12:16]
    if chunk == b"VP8 " and len(raw) >= 30:
        width, height = struct.unpack("<HH", raw[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(raw) >= 25:
        bits = int.from_bytes(raw[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(raw) >= 30:
        return int.from_bytes(raw[24:27], "little") + 1, int.from_bytes(raw[27:30], "little") + 1
    return None


def _is_webp(raw: bytes) -> bool:
    return raw[:4] == b"RIFF" and raw[8:12] == b"WEBP"


_FORMATS = (
    ("png", lambda raw: raw.startswith(b"\x89PNG\r\n\x1a\n"), _png_size),
    ("jpeg", lambda raw: raw.startswith(b"\xff\xd8\xff"), _jpeg_size),
    ("gif", lambda raw: raw.startswith((b"GIF87a", b"GIF89a")), _gif_size),
    ("webp", _is_webp, _webp_size),
)


def sniff(raw: bytes) -> ImageInfo | None:
    """The image's format and size; None when the bytes are no image format known here."""
    for name, matches, size in _FORMATS:
        if matches(raw):
            found = size(raw)
            if found is None or not (found[0] and found[1]):
                return ImageInfo(name, None, None)
            return ImageInfo(name, found[0], found[1])
    return None
