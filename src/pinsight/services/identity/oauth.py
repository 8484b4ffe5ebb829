"""OAuth 2.0 as Pinterest runs it: apps, the consent step, and the token endpoint's grants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, timedelta
from urllib.parse import urlencode

from pinsight.domain import secrets
from pinsight.domain.ids import new_id
from pinsight.errors import Forbidden, InvalidParameters, OAuthError, Unauthenticated, UserNotFound
from pinsight.services.identity.auth import CLIENT_CREDENTIALS, check_requested_scopes, issue_token
from pinsight.services.runtime import Runtime
from pinsight.store.identity import auth as auth_store
from pinsight.store.content import content as content_store


@dataclass(frozen=True)
class NewApp:
    app_id: str
    app_secret: str
    redirect_uris: list[str]


def create_app(rt: Runtime, name: str, owner_username: str, redirect_uris: list[str]) -> NewApp:
    for uri in redirect_uris:
        if not uri.startswith(("http://", "https://")):
            raise InvalidParameters(f"Redirect URI '{uri}' must be an http(s) URL.")
    secret = secrets.mint(secrets.APP_SECRET_PREFIX)
    app_id = new_id()
    with rt.write() as conn:
        owner = content_store.get_user_by_username(conn, owner_username)
        if owner is None:
            raise UserNotFound(f"User '{owner_username}' not found.")
        auth_store.insert_app(
            conn,
            id=app_id,
            name=name,
            secret_hash=secrets.digest(secret),
            redirect_uris="\n".join(redirect_uris),
            owner_id=owner["id"],
            created_at=rt.clock.now(),
        )
    return NewApp(str(app_id), secret, redirect_uris)


# The longest value taken for each OAuth request field: far above any real one (ids have
# at most 19 digits, credentials 48 characters, form tokens 75), so a longer value is refused with a
# clear 400 before anything parses or stores it.
FIELD_LIMITS = {
    "client_id": 32,
    "consumer_id": 32,
    "redirect_uri": 2048,
    "response_type": 32,
    "scope": 1024,
    "state": 2048,
    "grant_type": 64,
    "code": 128,
    "refresh_token": 128,
    "username": 64,
    "decision": 16,
    "csrf_token": 128,
    "token": 128,
    "token_type_hint": 32,
}
TOKEN_FIELDS = ("grant_type", "code", "redirect_uri", "refresh_token", "scope")
REVOKE_FIELDS = ("token", "token_type_hint")
TOKEN_TYPE_HINTS = ("access_token", "refresh_token")
_MAX_ID_DIGITS = 19  # BIGINT


def _load_app(conn, client_id: str | None):
    # The length check comes first: int() of thousands of digits is slow, and past 4,300 a ValueError.
    if not client_id or len(client_id) > _MAX_ID_DIGITS or not (client_id.isascii() and client_id.isdigit()):
        return None
    if int(client_id) >= 2**63:
        return None
    return auth_store.get_app(conn, int(client_id))


def check_consent_request(rt: Runtime, client_id: str | None, redirect_uri: str | None, scope: str | None):
    """Validate an authorization request; return (app name, scopes)."""
    with rt.engine.connect() as conn:
        app = _load_app(conn, client_id)
        if app is None:
            raise InvalidParameters("Unknown client_id: register the app with 'pinsight app create'.")
        if not redirect_uri or redirect_uri not in app["redirect_uris"].split("\n"):
            raise InvalidParameters("redirect_uri is not registered for this app.")
    scopes = check_requested_scopes(scope)
    return app["name"], scopes


def _redirect_with(redirect_uri: str, query: dict[str, str], state: str | None) -> str:
    if state is not None:
        query = {**query, "state": state}
    separator = "&" if "?" in redirect_uri else "?"
    return f"{redirect_uri}{separator}{urlencode(query)}"


def deny(rt: Runtime, client_id: str | None, redirect_uri: str | None, scope: str | None, state: str | None) -> str:
    """The user said no: return the redirect URL telling the app so."""
    check_consent_request(rt, client_id, redirect_uri, scope)
    return _redirect_with(redirect_uri, {"error": "access_denied"}, state)


def grant_code(rt: Runtime, client_id: str, redirect_uri: str, scope: str | None, username: str, state: str | None) -> str:
    """Record the user's consent; return the redirect URL carrying the code."""
    _, scopes = check_consent_request(rt, client_id, redirect_uri, scope)
    code = secrets.mint(secrets.CODE_PREFIX)
    with rt.write() as conn:
        user = content_store.get_user_by_username(conn, username)
        if user is None:
            raise UserNotFound(f"User '{username}' not found.")
        auth_store.insert_code(
            conn,
            code_hash=secrets.digest(code),
            app_id=int(client_id),
            user_id=user["id"],
            redirect_uri=redirect_uri,
            scopes=" ".join(sorted(scopes)),
            expires_at=rt.clock.now() + timedelta(seconds=rt.settings.auth_code_ttl_seconds),
            used=False,
        )
    return _redirect_with(redirect_uri, {"code": code}, state)


@dataclass(frozen=True)
class AppCredentials:
    """An app's id and secret, as its HTTP Basic credentials give them."""

    app_id: str
    secret: str


def _client_from_basic(conn, credentials: AppCredentials):
    app = _load_app(conn, credentials.app_id)
    if app is None or not secrets.matches(credentials.secret, app["secret_hash"]):
        raise Unauthenticated("Authentication failed: invalid app id or secret.")
    return app


def _epoch(moment) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def _token_pair(conn, rt: Runtime, app, user_id: int, scopes, refresh_scopes, grant_type: str, family_id: int) -> dict:
    """A new access token and a new refresh token of one family, as the token endpoint returns them."""
    access, lifetime, _ = issue_token(
        conn, rt, user_id=user_id, scopes=scopes, grant=grant_type, app_id=app["id"], family_id=family_id
    )
    refresh, refresh_lifetime, refresh_expiry = issue_token(
        conn, rt, user_id=user_id, scopes=refresh_scopes, grant=grant_type, kind="refresh", app_id=app["id"], family_id=family_id
    )
    return {
        "access_token": access,
        "refresh_token": refresh,
        "response_type": grant_type,
        "token_type": "bearer",
        "expires_in": lifetime,
        "refresh_token_expires_in": refresh_lifetime,
        "refresh_token_expires_at": _epoch(refresh_expiry),
        "scope": " ".join(sorted(scopes)),
    }


def _invalid_refresh_token() -> OAuthError:
    return OAuthError("Invalid grant: the refresh token is invalid, expired or revoked.", code=283)


def _rotate_refresh_token(conn, rt: Runtime, app, form: dict[str, str | None]) -> dict | None:
    """Spend a refresh token for a new pair of its family; None when it was replayed.

    Rotation (OAuth 2.0 Security BCP): each refresh token works once. A spent one coming
    back means two parties hold it, and the server cannot tell the thief from the
    client, so the whole family (from the code exchange on) is revoked.
    """
    refresh_token = form.get("refresh_token")
    if not refresh_token:
        raise OAuthError("Invalid request: 'refresh_token' is required.")
    row = auth_store.get_token_by_hash(conn, secrets.digest(refresh_token))
    if row is None or row["kind"] != "refresh" or row["app_id"] != app["id"] or row["expires_at"] <= rt.clock.now():
        raise _invalid_refresh_token()
    granted = frozenset(row["scopes"].split())
    scopes = check_requested_scopes(form.get("scope"), default=granted)
    if not scopes <= granted:
        raise OAuthError("Invalid scope: a refreshed token cannot gain scopes.", code=283)
    if not auth_store.claim_refresh_token(conn, row["id"]):
        auth_store.revoke_family(conn, row["family_id"])
        return None
    # Continuous refresh: the new refresh token gets a full lifetime of its own.
    return _token_pair(conn, rt, app, row["user_id"], scopes, granted, "refresh_token", row["family_id"])


def exchange(rt: Runtime, credentials: AppCredentials, form: dict[str, str | None]) -> dict:
    """The token endpoint: authorization_code, refresh_token and client_credentials grants."""
    grant_type = form.get("grant_type")
    with rt.write() as conn:
        app = _client_from_basic(conn, credentials)
        if grant_type == "authorization_code":
            code, redirect_uri = form.get("code"), form.get("redirect_uri")
            if not code or not redirect_uri:
                raise OAuthError("Invalid request: 'code' and 'redirect_uri' are required.")
            claimed = auth_store.claim_code(conn, secrets.digest(code), rt.clock.now())
            if claimed is None or claimed["app_id"] != app["id"]:
                raise OAuthError("Invalid grant: the authorization code is invalid, expired or already used.", code=283)
            if claimed["redirect_uri"] != redirect_uri:
                raise OAuthError("Invalid grant: redirect_uri does not match the authorization request.", code=283)
            scopes = frozenset(claimed["scopes"].split())
            return _token_pair(conn, rt, app, claimed["user_id"], scopes, scopes, grant_type, family_id=new_id())
        if grant_type == "refresh_token":
            rotated = _rotate_refresh_token(conn, rt, app, form)
            if rotated is not None:
                return rotated
        elif grant_type == CLIENT_CREDENTIALS:
            if not form.get("scope"):
                raise OAuthError("Invalid request: 'scope' is required for client_credentials.")
            scopes = check_requested_scopes(form.get("scope"))
            access, lifetime, _ = issue_token(conn, rt, user_id=app["owner_id"], scopes=scopes, grant=grant_type, app_id=app["id"])
            return {
                "access_token": access,
                "response_type": "client_credentials",
                "token_type": "bearer",
                "expires_in": lifetime,
                "scope": " ".join(sorted(scopes)),
            }
        else:
            raise OAuthError(
                "Invalid request: 'grant_type' must be authorization_code, refresh_token or client_credentials."
            )
    # A replayed refresh token: refused only now, after the block committed the family's revocation.
    raise _invalid_refresh_token()


def revoke(rt: Runtime, credentials: AppCredentials, form: dict[str, str | None]) -> None:
    """``POST /v5/oauth/token/revoke``: the app (HTTP Basic) revokes an access or refresh
    token it was issued.

    As RFC 7009 has it, a token the server does not know is no error (it is unusable
    already), and revoking a refresh token also revokes the access tokens of its grant
    (its family). A token issued to another app, or minted by the CLI, is a 403.
    """
    with rt.write() as conn:
        app = _client_from_basic(conn, credentials)
        token, hint = form.get("token"), form.get("token_type_hint")
        if not token:
            raise InvalidParameters("Invalid parameters: 'token' is required.")
        if hint is not None and hint not in TOKEN_TYPE_HINTS:
            raise InvalidParameters("Invalid parameters: 'token_type_hint' must be access_token or refresh_token.")
        row = auth_store.get_token_by_hash(conn, secrets.digest(token))
        if row is None:
            return
        if row["app_id"] != app["id"]:
            raise Forbidden("You are not permitted to access that resource: the token was not issued to this app.")
        if row["kind"] == "refresh":
            auth_store.revoke_family(conn, row["family_id"])
        else:
            auth_store.revoke_token(conn, row["id"])
    # This worker forgets the tokens it trusted; other workers ask the database again within
    # PINSIGHT_TOKEN_CACHE_SECONDS.
    rt.token_cache.clear()
