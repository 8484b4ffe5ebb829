"""Credentials as they arrive in the Authorization header: parsed here, at the HTTP edge,
so that services take a token or an app's id and secret, never a header."""

from __future__ import annotations

import base64
import binascii

from pinsight.errors import Unauthenticated
from pinsight.services.identity.oauth import AppCredentials


def bearer_token(authorization: str | None) -> str:
    """The access token of ``Authorization: Bearer <token>``."""
    if not authorization:
        raise Unauthenticated("Authentication failed: no access token. Send 'Authorization: Bearer <token>'.")
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("Authentication failed: the Authorization header must be 'Bearer <token>'.")
    return token


def app_credentials(authorization: str | None) -> AppCredentials:
    """The app id and secret of ``Authorization: Basic <base64(id:secret)>``."""
    if not authorization or not authorization.lower().startswith("basic "):
        raise Unauthenticated("Authentication failed: send the app id and secret with HTTP Basic auth.")
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise Unauthenticated("Authentication failed: malformed Basic credentials.") from exc
    app_id, _, secret = decoded.partition(":")
    return AppCredentials(app_id, secret)
