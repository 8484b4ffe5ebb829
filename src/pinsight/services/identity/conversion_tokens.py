"""Conversion tokens: the bearer tokens of one ad account's Conversions API.

Pinterest's Ads Manager generates them; pinsight mints them from the CLI (``pinsight
token create-conversion``). Such a token is accepted only by the operations whose entry
says so (``Operation.conversion_token``: ``events/create``), only for its own ad account,
and acts for that account's owner with the operation's scopes. It is shown once, stored as
a SHA-256 hash, and revocable; it does not expire (as Ads Manager's do not).
"""

from __future__ import annotations

from pinsight.catalog.operations import Operation
from pinsight.domain import secrets
from pinsight.domain.ids import new_id
from pinsight.errors import AdAccountNotFound, Unauthenticated
from pinsight.services.identity.access import Actor
from pinsight.services.identity.auth import Principal
from pinsight.services.runtime import Runtime
from pinsight.store.ads import ads as ads_store
from pinsight.store.identity import conversion_tokens as store

CONVERSION_GRANT = "conversion_token"


def is_conversion_token(token: str) -> bool:
    return token.startswith(secrets.CONVERSION_PREFIX)


def create_conversion_token(rt: Runtime, ad_account_id: int) -> str:
    """A new token for the ad account; the only time the token itself exists outside its holder."""
    token = secrets.mint(secrets.CONVERSION_PREFIX)
    with rt.write() as conn:
        if ads_store.get_ad_account(conn, ad_account_id) is None:
            raise AdAccountNotFound()
        store.insert_token(conn, token_id=new_id(), ad_account_id=ad_account_id, token_hash=secrets.digest(token),
                           created_at=rt.clock.now())
    return token


def revoke_conversion_token(rt: Runtime, token: str) -> bool:
    """Revoke the token; whether it was live."""
    with rt.write() as conn:
        return store.revoke(conn, secrets.digest(token), rt.clock.now())


def conversion_actor(rt: Runtime, token: str, operation: Operation, ad_account_id: str | None) -> Actor:
    """Who a conversion token acts for on ``operation`` through the path's ``ad_account_id``."""
    if not operation.conversion_token:
        raise Unauthenticated("Authentication failed: a conversion token is accepted only by the Conversions API "
                              "(POST /v5/ad_accounts/{ad_account_id}/events).")
    with rt.engine.connect() as conn:
        held = store.holder(conn, secrets.digest(token))
    if held is None:
        raise Unauthenticated("Authentication failed: the conversion token is invalid or has been revoked.")
    if ad_account_id is None or not (ad_account_id.isascii() and ad_account_id.isdigit()) or int(ad_account_id) != held["ad_account_id"]:
        raise Unauthenticated("Authentication failed: the conversion token is not for this ad account.")
    principal = Principal(held["owner_id"], held["username"], operation.scopes, CONVERSION_GRANT)
    return Actor(principal, operation, held["owner_id"], None, held["ad_account_id"])
