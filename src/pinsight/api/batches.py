"""The ingestion endpoints' bodies: a JSON array, or one JSON value per line (NDJSON).

Read here, at the HTTP edge, into the items the services check (``services.organic``):
UTF-8 only (415 otherwise; a UTF-8 byte order mark is ignored), linear in the body's size
(NDJSON lines are found with byte searches), and parsing stops at the first
``MAX_PROBLEMS`` bad lines or once the batch has more items than it may hold. Run it in a
worker thread (``Runtime.call``): a large body takes a while to parse.
"""

from __future__ import annotations

import codecs
import re

import orjson

from pinsight.errors import MAX_PROBLEMS, ApiError, BatchRejected, Problem, UnsupportedMediaType

_NOT_BLANK = re.compile(rb"[^ \t\r\n]")  # JSON's four whitespace characters
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def parse_batch(raw: bytes, max_items: int, noun: str) -> list:
    """A JSON array, or one JSON value per line (NDJSON), of at most ``max_items`` ``noun``."""
    body = _without_utf8_bom(raw)
    first = _NOT_BLANK.search(body)
    if first is None:
        raise ApiError(f"Empty batch: send a JSON array or NDJSON {noun}.")
    if body[first.start()] == ord("["):
        try:
            items = orjson.loads(body)
        except orjson.JSONDecodeError as error:
            _refuse_non_utf8(body)
            raise ApiError(f"The body is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.") from None
        if len(items) > max_items:
            raise ApiError(f"A batch holds at most {max_items:,} {noun}; this one has {len(items):,}.")
        return items
    return _parse_lines(body, max_items, noun)


def _parse_lines(body: bytes, max_items: int, noun: str) -> list:
    items: list = []
    problems: list[Problem] = []
    line_number, counted_to = 1, 0
    found = _NOT_BLANK.search(body)
    while found is not None:
        start = found.start()
        end = body.find(b"\n", start)
        end = len(body) if end < 0 else end
        line_number += body.count(b"\n", counted_to, start)
        counted_to = start
        if len(items) == max_items:
            raise ApiError(f"A batch holds at most {max_items:,} {noun}; this one has more.")
        try:
            items.append(orjson.loads(body[start:end]))
        except orjson.JSONDecodeError as error:
            if not problems:
                _refuse_non_utf8(body)  # a wrong encoding is the whole body's problem, not one line's
            problems.append(Problem(len(items), f"line {line_number} is not valid JSON: {error.msg} at column {error.colno}"))
            items.append(None)
            if len(problems) == MAX_PROBLEMS:
                raise BatchRejected(problems, len(items), stopped=True) from None
        found = _NOT_BLANK.search(body, end)
    if problems:
        raise BatchRejected(problems, len(items))
    return items


def _without_utf8_bom(raw: bytes) -> bytes:
    # JSON text starts with an ASCII character, so UTF-16 and UTF-32 show NUL bytes at once.
    if raw.startswith(_WIDE_BOMS) or b"\x00" in raw[:4]:
        raise UnsupportedMediaType("The body must be UTF-8; this one is UTF-16 or UTF-32 (a byte order mark or NUL bytes).")
    return raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw


def _refuse_non_utf8(body: bytes) -> None:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnsupportedMediaType(
            f"The body must be UTF-8; byte {error.start:,} (0x{body[error.start]:02x}) is not valid UTF-8."
        ) from None
