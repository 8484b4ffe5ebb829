"""Download links that carry their own permission: a file's key and an expiry, signed.

``sign`` makes the query of a link to one stored file that holds until ``expires``
(epoch seconds); ``verify`` accepts it only untouched and before then. The signature is
HMAC-SHA256 under a per-database secret, so any server or worker on the database can make
and check links, and nobody without the secret can make one or stretch one's expiry.
Pure: the secret and the time are passed in.
"""

from __future__ import annotations

import hashlib
import hmac

from pinsight.errors import Forbidden


class LinkRefused(Forbidden):
    """A link that was altered, is malformed, or has expired (403)."""

    message = "This download link is invalid or has expired. Ask for the report's status again for a fresh link."


def _mac(secret: bytes, key: str, expires: int) -> str:
    return hmac.new(secret, f"{key}\n{expires}".encode(), hashlib.sha256).hexdigest()


def sign(secret: bytes, key: str, expires: int) -> dict[str, str]:
    """The query parameters that let a link fetch ``key`` until ``expires``."""
    return {"expires": str(expires), "signature": _mac(secret, key, expires)}


def verify(secret: bytes, key: str, expires: str | None, signature: str | None, now: float) -> None:
    """Raise LinkRefused unless the parameters were made by ``sign`` for ``key`` and are in time."""
    if not expires or not signature or not expires.isascii() or not expires.isdigit() or len(expires) > 12:
        raise LinkRefused()
    if not hmac.compare_digest(_mac(secret, key, int(expires)), signature):
        raise LinkRefused()
    if int(expires) < now:
        raise LinkRefused("This download link has expired. Ask for the report's status again for a fresh link.")
