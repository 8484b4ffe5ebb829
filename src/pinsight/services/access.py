"""Who an operation acts for, and what they may see and change.

The "operation user_account" is the token's user, or, with ``ad_account_id``, the
owner of that ad account when the token's user holds a Business Access role on it.

One item is read through ``can_see`` and ``check_secret``; lists and rankings of the
operation user's content keep what ``readable_privacies`` allows, which is the same rule.
An overview API key (``key_reader``) reads for its user as a token with every read scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from pinsight.catalog.roles import BOARD_PRIVACIES, CONTENT_ROLES, SECRET_CONTENT_ROLES
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


def may_read_secret(actor: Actor, area: str = "pins") -> bool:
    try:
        check_secret(actor, area, write=False)
    except (MissingScope, Forbidden):
        return False
    return True


def readable_privacies(actor: Actor, area: str = "pins") -> tuple[str, ...]:
    """The board privacies of the operation user's own content that the actor may read.

    Lists and rankings filter by it, so they show what a read of each item would: public and
    protected content to the owner and to every role ``resolve_actor`` let through, secret
    content only where ``check_secret`` passes (the *_secret scope, and Owner or Admin when
    delegated).
    """
    if may_read_secret(actor, area):
        return BOARD_PRIVACIES
    return tuple(privacy for privacy in BOARD_PRIVACIES if privacy != "SECRET")


# An overview API key carries no scopes. It is minted for one user by the server's operator
# and only reads, so it reads as a token with every read scope would: all of the user's own
# account, and of another account what the user's Business Access role allows.
API_KEY_SCOPES = frozenset({"boards:read", "pins:read", "user_accounts:read", *SECRET_READ_SCOPES.values()})


def key_reader(user_id: int, owner_id: int, roles: frozenset[str]) -> Actor:
    """The holder of an overview API key reading ``owner_id``'s account, through ``roles``
    when it is not their own."""
    principal = Principal(user_id, "", API_KEY_SCOPES, "api_key")
    return Actor(principal, owner_id, None if owner_id == user_id else roles)
