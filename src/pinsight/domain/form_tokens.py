"""Anti-forgery tokens for HTML forms that carry no session.

A token is ``<issued_at>.<mac>``: an HMAC, under a server secret, of the form's fixed
fields and the second it was served. Only the server can make one, it is good for those
field values alone, and it expires. A page from another site cannot read the form that
holds it, so it cannot submit the form on a visitor's behalf.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence

_MAX_TIMESTAMP_DIGITS = 12


def _mac(secret: bytes, fields: Sequence[str | None], issued_at: int) -> str:
    payload = json.dumps([issued_at, *fields], separators=(",", ":")).encode()
    return hmac.new(secret, payload, hashlib.sha256).hexdigest()


def issue(secret: bytes, fields: Sequence[str | None], issued_at: int) -> str:
    return f"{issued_at}.{_mac(secret, fields, issued_at)}"


def is_valid(secret: bytes, fields: Sequence[str | None], token: str | None, now: int, max_age: int) -> bool:
    """Whether ``token`` was issued for exactly these fields, at most ``max_age`` seconds ago."""
    if not token:
        return False
    issued_text, _, mac = token.partition(".")
    if not (issued_text.isascii() and issued_text.isdigit() and len(issued_text) <= _MAX_TIMESTAMP_DIGITS):
        return False
    issued_at = int(issued_text)
    if not now - max_age <= issued_at <= now:
        return False
    # Bytes, since compare_digest refuses str holding non-ASCII characters.
    return hmac.compare_digest(mac.encode("utf-8", "replace"), _mac(secret, fields, issued_at).encode())
