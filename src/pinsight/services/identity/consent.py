"""The consent form: an app's authorization request shown to the user, and their answer.

The form carries no session, so each one holds an anti-forgery token bound to the
request it shows; an answer without a valid one never reaches the grant.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields

from pinsight.domain import form_tokens
from pinsight.errors import Forbidden, InvalidParameters
from pinsight.services.identity import oauth
from pinsight.services.runtime import Runtime
from pinsight.store.identity import auth as auth_store
from pinsight.store.content import content as content_store

FORM_SECRET_NAME = "consent_forms"
# How long a consent page may stay open before its answer is refused (reloading it gives a new form).
FORM_MAX_AGE_SECONDS = 30 * 60


@dataclass(frozen=True)
class AuthorizationRequest:
    """What the app asks for (RFC 6749 4.1.1), as the browser brought it; None where absent."""

    client_id: str | None = None
    redirect_uri: str | None = None
    response_type: str | None = None
    scope: str | None = None
    state: str | None = None


AUTHORIZATION_FIELDS = tuple(field.name for field in fields(AuthorizationRequest))
# Pinterest's own name for client_id, which its api-quickstart scripts send in every language.
CONSUMER_ID = "consumer_id"
REQUEST_FIELDS = (*AUTHORIZATION_FIELDS, CONSUMER_ID)


def authorization_request(values: dict[str, str | None]) -> AuthorizationRequest:
    """The request from its fields (``REQUEST_FIELDS``): the app named by ``client_id`` or
    ``consumer_id``, and when both are given, they must agree."""
    client_id, consumer_id = values.get("client_id"), values.get(CONSUMER_ID)
    if client_id is not None and consumer_id is not None and client_id != consumer_id:
        raise InvalidParameters("client_id and consumer_id name different apps: send one of them.")
    named = {name: values.get(name) for name in AUTHORIZATION_FIELDS}
    return AuthorizationRequest(**{**named, "client_id": client_id if client_id is not None else consumer_id})


@dataclass(frozen=True)
class ConsentPage:
    app_name: str
    scopes: frozenset[str]
    usernames: list[str]
    form_token: str


def _now(rt: Runtime) -> int:
    # The clock's timestamp, not its now(): PINSIGHT_TODAY pins now()'s date, so it steps back a day at midnight.
    return int(rt.clock.timestamp())


def _check_response_type(request: AuthorizationRequest) -> None:
    if request.response_type not in (None, "code"):
        raise InvalidParameters("response_type must be 'code'.")


def consent_page(rt: Runtime, request: AuthorizationRequest) -> ConsentPage:
    """Validate the request; return what the page shows and its form's token."""
    _check_response_type(request)
    app_name, scopes = oauth.check_consent_request(rt, request.client_id, request.redirect_uri, request.scope)
    with rt.engine.connect() as conn:
        secret = auth_store.find_server_secret(conn, FORM_SECRET_NAME)
        usernames = content_store.list_usernames(conn)
    if secret is None:  # made on first use: only then does a page view write
        with rt.write() as conn:
            secret = auth_store.server_secret(conn, FORM_SECRET_NAME)
    return ConsentPage(app_name, scopes, usernames, form_tokens.issue(secret.encode(), astuple(request), _now(rt)))


def answer(rt: Runtime, request: AuthorizationRequest, form_token: str | None, username: str, allow: bool) -> str:
    """The user's answer on a consent form; return where to send the browser."""
    with rt.engine.connect() as conn:
        secret = auth_store.find_server_secret(conn, FORM_SECRET_NAME)
    if secret is None or not form_tokens.is_valid(
        secret.encode(), astuple(request), form_token, _now(rt), FORM_MAX_AGE_SECONDS
    ):
        raise Forbidden(
            "This consent form was not issued by this server for this authorization request, or it has expired: "
            "open the authorization link again."
        )
    _check_response_type(request)
    if not allow:
        return oauth.deny(rt, request.client_id, request.redirect_uri, request.scope, request.state)
    return oauth.grant_code(rt, request.client_id, request.redirect_uri, request.scope, username, request.state)
