"""Credentials: how tokens, codes and app secrets are minted and hashed at rest.

Every credential is 256 bits from the OS's CSPRNG, so one SHA-256 is enough to make the
stored hash useless to a thief (no password stretching needed for random secrets).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ACCESS_PREFIX = "pina_"
REFRESH_PREFIX = "pinr_"
CODE_PREFIX = "pinc_"
APP_SECRET_PREFIX = "pins_"
API_KEY_PREFIX = "psk_"  # overview API keys (/api/pinterest/*)
CONVERSION_PREFIX = "pinv_"  # an ad account's conversion tokens (the Conversions API only)


def mint(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def matches(secret: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(secret), stored_digest)
