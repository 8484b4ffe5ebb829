"""Who an operation acts for, and what they may see and change.

The "operation user_account" is the token's user, or, with ``ad_account_id``, the
owner of that ad account when the token's user holds one of the operation's Business
Access roles on it (``catalog.operations``). The authorization dependency
(``api.deps``) resolves it once per request (``resolve_actor``) and hands the ``Actor``
to the service.

One item is read through ``can_see`` and ``check_secret``; lists and rankings of the
operation user's content keep what ``readable_privacies`` allows, which is the same rule.
An overview API key (``key_reader``) reads for its user as a token with every read scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from pinsight.catalog.operations import PATH, Operation
from pinsight.catalog.roles import BOARD_PRIVACIES, role_names
from pinsight.catalog.scopes import SECRET_READ_SCOPES, SECRET_WRITE_SCOPES
from pinsight.errors import AdAccountNotFound, Forbidden, MissingScope
from pinsight.services.identity.auth import Principal
from pinsight.services.runtime import Runtime
from pinsight.store.ads import ads as ads_store


@dataclass(frozen=True, slots=True)
class Actor:
    """Who one call of an operation acts for."""

    principal: Principal
    operation: Operation
    user_id: int
    # Roles held on the ad account when acting through Business Access; None when acting as oneself.
    roles: frozenset[str] | None = None
    # The ad account the operation named (``ad_account_id``), if any.
    ad_account_id: int | None = None

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


def resolve_actor(rt: Runtime, principal: Principal, operation: Operation, ad_account_id: str | None) -> Actor:
    """The actor of ``operation``: the token's user (no database access), or, through
    ``ad_account_id``, the ad account's owner (one query)."""
    if ad_account_id is None:
        return Actor(principal, operation, principal.user_id)
    account_id = parse_id(ad_account_id, "Ad account", AdAccountNotFound)
    with rt.engine.connect() as conn:
        access = ads_store.access_to(conn, account_id, principal.user_id)
    if access is None:
        raise AdAccountNotFound()
    owner_id, roles = access
    if owner_id == principal.user_id:
        return Actor(principal, operation, owner_id, None, account_id)
    if not roles & operation.roles:
        if operation.ad_account_id == PATH and not roles:
            # An ad account that is the resource itself is not acknowledged to a user without any role on it.
            raise AdAccountNotFound()
        raise Forbidden("You do not have a Business Access role on this ad account that allows this operation.")
    return Actor(principal, operation, owner_id, roles, account_id)


def check_secret(actor: Actor, area: str, *, write: bool) -> None:
    """Secret content needs the *_secret scope, and when delegated one of the operation's secret roles."""
    scope = (SECRET_WRITE_SCOPES if write else SECRET_READ_SCOPES)[area]
    if scope not in actor.principal.scopes:
        raise MissingScope(f"Missing required scope {scope} to access secret {area}.")
    secret_roles = actor.operation.secret_roles
    if actor.delegated and not actor.roles & secret_roles:
        raise Forbidden(f"Only {role_names(secret_roles)} roles on the ad account may access its secret content.")


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
    content only where ``check_secret`` passes (the *_secret scope, and one of the
    operation's secret roles when delegated).
    """
    if may_read_secret(actor, area):
        return BOARD_PRIVACIES
    return tuple(privacy for privacy in BOARD_PRIVACIES if privacy != "SECRET")


# An overview API key carries no scopes. It is minted for one user by the server's operator
# and only reads, so it reads as a token with every read scope would: all of the user's own
# account, and of another account what the user's Business Access role allows.
API_KEY_SCOPES = frozenset({"boards:read", "pins:read", "user_accounts:read", *SECRET_READ_SCOPES.values()})


def key_reader(operation: Operation, user_id: int, owner_id: int, roles: frozenset[str]) -> Actor | None:
    """The holder of an overview API key reading ``owner_id``'s account for ``operation``,
    through ``roles`` when it is not their own; None when those roles allow no reading."""
    if owner_id != user_id and not roles & operation.roles:
        return None
    principal = Principal(user_id, "", API_KEY_SCOPES, "api_key")
    return Actor(principal, operation, owner_id, None if owner_id == user_id else roles)
