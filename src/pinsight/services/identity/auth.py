"""Authentication and authorization: who is calling, and may they call this operation."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from pinsight.catalog.operations import Operation
from pinsight.catalog.scopes import ALL_SCOPES, parse_scopes, unknown_scopes
from pinsight.domain import secrets
from pinsight.domain.ids import new_id
from pinsight.errors import InvalidParameters, MissingScope, Unauthenticated, UserNotFound
from pinsight.services.runtime import Runtime
from pinsight.store.identity import auth as auth_store
from pinsight.store.content import content as content_store

CLIENT_CREDENTIALS = "client_credentials"


@dataclass(frozen=True)
class Principal:
    """The token's user, and what the token lets them do."""

    user_id: int
    username: str
    scopes: frozenset[str]
    grant: str
    # The OAuth app the token was issued to; None for tokens minted by the CLI.
    app_id: int | None = None

    def has(self, scope: str) -> bool:
        return scope in self.scopes


def cached_principal(rt: Runtime, token: str) -> Principal | None:
    """The caller from this worker's token cache, without touching the database; None on a miss."""
    cached = rt.token_cache.get(secrets.digest(token))
    if cached is not None and cached[0] > time.monotonic() and cached[2] > rt.clock.now():
        return cached[1]
    return None


def authenticate(rt: Runtime, token: str) -> Principal:
    """The caller an access token stands for (``api.credentials`` reads it from the header)."""
    token_hash = secrets.digest(token)
    with rt.engine.connect() as conn:
        row = auth_store.get_token_by_hash(conn, token_hash)
    if row is None or row["kind"] != "access" or row["revoked"]:
        raise Unauthenticated("Authentication failed: the access token is invalid or has been revoked.")
    if row["expires_at"] <= rt.clock.now():
        raise Unauthenticated("Authentication failed: the access token has expired.")
    principal = Principal(row["user_id"], row["username"], parse_scopes(row["scopes"]), row["grant"], row["app_id"])
    if rt.settings.token_cache_seconds > 0:
        if len(rt.token_cache) > 10_000:
            rt.token_cache.clear()
        rt.token_cache[token_hash] = (time.monotonic() + rt.settings.token_cache_seconds, principal, row["expires_at"])
    return principal


def authorize(principal: Principal, operation: Operation) -> None:
    operation_id = operation.operation_id
    if principal.grant == CLIENT_CREDENTIALS and not operation.client_credentials:
        raise MissingScope(f"This operation ({operation_id}) does not accept client_credentials tokens.")
    missing = sorted(operation.scopes - principal.scopes)
    if missing:
        raise MissingScope(f"Missing required scope(s) for {operation_id}: {', '.join(missing)}.")


def require_scope(principal: Principal, scope: str, why: str) -> None:
    if scope not in principal.scopes:
        raise MissingScope(f"Missing required scope {scope}: {why}.")


def check_requested_scopes(text: str | None, default: frozenset[str] = frozenset(ALL_SCOPES)) -> frozenset[str]:
    if text is None or not text.strip():
        return default
    scopes = parse_scopes(text)
    unknown = unknown_scopes(scopes)
    if unknown:
        raise InvalidParameters(f"Unknown scope(s): {', '.join(unknown)}.")
    return scopes


def issue_token(
    conn,
    rt: Runtime,
    *,
    user_id: int,
    scopes: frozenset[str],
    grant: str,
    kind: str = "access",
    app_id: int | None = None,
    family_id: int | None = None,
) -> tuple[str, int, object]:
    """Store a new token's hash; return (token, lifetime in seconds, expiry).

    ``family_id`` ties the token to the authorization it descends from; without one the
    token is a family of its own.
    """
    if kind == "access":
        token, lifetime = secrets.mint(secrets.ACCESS_PREFIX), rt.settings.access_token_ttl_seconds
    else:
        token, lifetime = secrets.mint(secrets.REFRESH_PREFIX), rt.settings.refresh_token_ttl_seconds
    now = rt.clock.now()
    expires_at = now + timedelta(seconds=lifetime)
    token_id = new_id()
    auth_store.insert_token(
        conn,
        id=token_id,
        token_hash=secrets.digest(token),
        kind=kind,
        grant=grant,
        user_id=user_id,
        app_id=app_id,
        scopes=" ".join(sorted(scopes)),
        expires_at=expires_at,
        revoked=False,
        created_at=now,
        family_id=family_id or token_id,
    )
    return token, lifetime, expires_at


def create_user_token(rt: Runtime, username: str, scopes: frozenset[str]) -> str:
    """A token for a local user, made from the CLI (no OAuth app involved)."""
    with rt.write() as conn:
        user = content_store.get_user_by_username(conn, username)
        if user is None:
            raise UserNotFound(f"User '{username}' not found.")
        token, _, _ = issue_token(conn, rt, user_id=user["id"], scopes=scopes, grant="cli")
    return token
