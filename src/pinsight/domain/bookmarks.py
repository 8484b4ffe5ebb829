"""Opaque, signed keyset bookmarks.

A bookmark carries the sort key of the last item served and a fingerprint of the list
it belongs to (operation, operation user, filters). It is signed with a server secret,
so a forged bookmark, or one from another list or another user, is rejected, and since
the next page starts strictly after the key, adding or deleting items between pages
never skips or repeats an item that stays in the list.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from pinsight.errors import InvalidBookmark


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def fingerprint(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


class BookmarkCodec:
    def __init__(self, secret: bytes):
        self._secret = secret

    def _sign(self, payload: bytes) -> str:
        return _b64(hmac.new(self._secret, payload, hashlib.sha256).digest()[:18])

    def encode(self, last_key: int, list_fingerprint: str) -> str:
        payload = json.dumps({"k": str(last_key), "l": list_fingerprint}, separators=(",", ":")).encode()
        return f"{_b64(payload)}.{self._sign(payload)}"

    def decode(self, bookmark: str, list_fingerprint: str) -> int:
        try:
            body, signature = bookmark.split(".", 1)
            payload = _unb64(body)
            if not hmac.compare_digest(signature, self._sign(payload)):
                raise ValueError("bad signature")
            data = json.loads(payload)
            key = int(data["k"])
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise InvalidBookmark("Invalid bookmark: it was not issued by this server.") from exc
        if data.get("l") != list_fingerprint:
            raise InvalidBookmark("Invalid bookmark: it belongs to a different list or user.")
        return key
