"""Pinterest-style ids: 19-digit numbers that grow with time and are never reused.

Layout (63 bits): milliseconds since 2010-01-01 (41 bits) | process tag (10 bits) |
sequence within the millisecond (12 bits). The process tag keeps two server workers
from minting the same id in the same millisecond; the primary keys catch the rest.
"""

from __future__ import annotations

import os
import secrets
import threading
import time

_EPOCH_MS = 1262304000000  # 2010-01-01T00:00:00Z
_SEQUENCE_BITS = 12
_TAG_BITS = 10
# Short ids (16 digits) have room for 14 bits below the milliseconds.
_SHORT_TAG_BITS = 6
_SHORT_SEQUENCE_BITS = 8
# Offset so every id has 19 digits, like Pinterest's newer ids.
_MIN_ID = 10**18


class IdGenerator:
    def __init__(self, tag: int | None = None, clock=time.time):
        self._tag = (tag if tag is not None else (os.getpid() ^ secrets.randbits(16))) & ((1 << _TAG_BITS) - 1)
        self._clock = clock
        self._lock = threading.Lock()
        self._last_ms = -1
        self._sequence = 0
        self._short_last_ms = -1
        self._short_sequence = 0

    def _tick(self) -> tuple[int, int]:
        with self._lock:
            self._last_ms, self._sequence = self._advance(self._last_ms, self._sequence, _SEQUENCE_BITS)
            return self._last_ms, self._sequence

    def _advance(self, last_ms: int, sequence: int, bits: int) -> tuple[int, int]:
        now_ms = int(self._clock() * 1000) - _EPOCH_MS
        if now_ms <= last_ms:
            now_ms = last_ms
            sequence += 1
            if sequence >= 1 << bits:
                # Borrow the next millisecond rather than repeat an id.
                now_ms += 1
                sequence = 0
        else:
            sequence = 0
        return now_ms, sequence

    def next_id(self) -> int:
        now_ms, sequence = self._tick()
        return _MIN_ID + ((now_ms << (_TAG_BITS + _SEQUENCE_BITS)) | (self._tag << _SEQUENCE_BITS) | sequence)

    def next_short_id(self) -> int:
        """Ids of at most 16 digits, for ad accounts and ads entities (Pinterest caps those at 18
        digits): milliseconds | 6 bits of the process tag | a sequence of 256 a millisecond. The
        tag keeps two server workers from minting one id in the same millisecond."""
        with self._lock:
            self._short_last_ms, self._short_sequence = self._advance(
                self._short_last_ms, self._short_sequence, _SHORT_SEQUENCE_BITS)
            now_ms, sequence = self._short_last_ms, self._short_sequence
        return (now_ms << (_SHORT_TAG_BITS + _SHORT_SEQUENCE_BITS)) | (
            (self._tag & ((1 << _SHORT_TAG_BITS) - 1)) << _SHORT_SEQUENCE_BITS) | sequence


_default = IdGenerator()


def new_id() -> int:
    return _default.next_id()


def new_short_id() -> int:
    return _default.next_short_id()
