"""Small image files made byte by byte: a real PNG, and the headers of JPEG, GIF and WebP
files (the header is all pinsight reads of an upload)."""

from __future__ import annotations

import base64
import struct
import zlib


def png(width: int = 2, height: int = 1) -> bytes:
    """A real, decodable PNG (8-bit RGB, red pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def jpeg(width: int, height: int, frame_marker: int = 0xC0) -> bytes:
    """A JPEG's leading segments: SOI, a JFIF APP0, a quantization table, then the frame
    header (baseline SOF0 by default, 0xC2 for progressive) carrying the size."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dqt = b"\x00" + bytes(range(1, 65))
    frame = struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"

    def segment(marker: int, body: bytes) -> bytes:
        return bytes((0xFF, marker)) + struct.pack(">H", len(body) + 2) + body

    return b"\xff\xd8" + segment(0xE0, app0) + segment(0xDB, dqt) + segment(frame_marker, frame) + b"\xff\xd9"


def gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HHBBB", width, height, 0, 0, 0) + b";"


def webp_lossy(width: int, height: int) -> bytes:
    frame = b"\x00\x00\x00" + b"\x9d\x01\x2a" + struct.pack("<HH", width, height)
    chunk = b"VP8 " + struct.pack("<I", len(frame)) + frame
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def webp_lossless(width: int, height: int) -> bytes:
    bits = (width - 1) | ((height - 1) << 14)
    frame = b"\x2f" + bits.to_bytes(4, "little")
    chunk = b"VP8L" + struct.pack("<I", len(frame)) + frame
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


# Real files written by ImageMagick (3x2 pixels, metadata stripped): a baseline JPEG, and a
# WebP with an alpha channel (the extended VP8X layout).
REAL_JPEG_3x2 = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300100b0c0e0c0a100e0d0e1211101318281a181616183123"
    "251d283a333d3c3933383740485c4e404457453738506d51575f626768673e4d71797064785c656763ffdb0043011112"
    "121815182f1a1a2f63423842636363636363636363636363636363636363636363636363636363636363636363636363"
    "6363636363636363636363636363ffc00011080002000303012200021101031101ffc400150001010000000000000000"
    "0000000000000005ffc40014100100000000000000000000000000000000ffc400150101010000000000000000000000"
    "0000000506ffc40014110100000000000000000000000000000000ffda000c03010002110311003f008a00b5e3ffd9"
)
REAL_WEBP_3x2 = bytes.fromhex(
    "524946465a00000057454250565038580a00000010000000020000010000414c50480700000000808080808080005650"
    "38202c0000009001009d012a0300020002003425a00274ba00039800fef9936fff901fff901fff901fff203fe2177b20"
    "3000"
)
