"""Who an operation acts for, and what they may see and change.

The "operation user_account" is the token's user, or, with ``ad_account_id``, the
owner of that ad account when the token's user holds a Business Access role on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pinsight.catalog.roles import CONTENT_ROLES, SECRET_CONTENT_ROLES
from pinsight.catalog.scopes import SECRET_READ_SCOPES, SECRET_WRITE_SCOPES
from pinsight.errors import AdAccountNotFound, Forbidden, MissingScope
from pinsight.services.auth import Principal
from pinsight.store import ads as ads_store


@dataclass(frozen=True)
class Actor:
    principal: Principal
    user_id: int
    # Roles held on the ad account when acting through Business Access; None when acting as oneself.
    roles: frozenset[str] | None = None

    @property
    def delegated(self) -> bool:
        return self.roles is not None


def parse_id(value: str | None, what: str, not_found) -> int | None:
    """Path and query ids are numeric strings; anything else cannot name a resource."""
    if value is None:
        return None
    # isdigit() alone also takes digits such as "²" that int() refuses.
    if not (value.isascii() and value.isdigit()) or len(value) > 19 or int(value) >= 2**63:
        raise not_found(f"{what} not found.")
    return int(value)


def resolve_actor(conn, principal: Principal, ad_account_id: str | None, allowed_roles=CONTENT_ROLES) -> Actor:
    account_id = parse_id(ad_account_id, "Ad account", AdAccountNotFound)
    if account_id is None:
        return Actor(principal, principal.user_id)
    account = ads_store.get_ad_account(conn, account_id)
    if account is None:
        raise AdAccountNotFound()
    if account["owner_id"] == principal.user_id:
        return Actor(principal, principal.user_id)
    roles = frozenset(ads_store.roles_of(conn, account_id, principal.user_id))
    if not roles & allowed_roles:
        raise Forbidden("You do not have a Business Access role on this ad account that allows this operation.")
    return Actor(principal, account["owner_id"], roles)


def check_secret(actor: Actor, area: str, *, write: bool) -> None:
    """Secret content needs the *_secret scope, and Owner or Admin when delegated."""
    scope = (SECRET_WRITE_SCOPES if write else SECRET_READ_SCOPES)[area]
    if scope not in actor.principal.scopes:
        raise MissingScope(f"Missing required scope {scope} to access secret {area}.")
    if actor.delegated and not actor.roles & SECRET_CONTENT_ROLES:
        raise Forbidden("Only Owner or Admin roles on the ad account may access its secret content.")


def can_see(actor: Actor, owner_id: int, privacy: str) -> bool:
    """Others see only PUBLIC content; the owner sees all of theirs."""
    return owner_id == actor.user_id or privacy == "PUBLIC"
