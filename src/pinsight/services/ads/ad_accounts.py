"""Ad accounts: the ones a user owns or holds a Business Access role on."""

from __future__ import annotations

from pinsight.catalog.ads import MAX_AD_ACCOUNTS_PER_USER
from pinsight.domain.ids import new_short_id
from pinsight.errors import AdAccountNotFound, Forbidden, InvalidParameters
from pinsight.services.ads import audiences
from pinsight.services.ads.requests import AdAccountCreate
from pinsight.services.content import render
from pinsight.services.identity.access import Actor
from pinsight.services.pages import paginate
from pinsight.services.runtime import Runtime
from pinsight.store.ads import ads as store
from pinsight.store.locks import lock_owners


def _permissions(row, user_id: int, roles: set[str]) -> set[str]:
    return {"OWNER"} | roles if row["owner_id"] == user_id else roles


def list_ad_accounts(rt: Runtime, actor: Actor, include_shared: bool, bookmark, page_size) -> dict:
    user_id = actor.user_id
    with rt.engine.connect() as conn:
        rows, next_bookmark = paginate(
            rt,
            actor,
            page_size,
            bookmark,
            lambda before, limit: store.list_ad_accounts(conn, user_id, include_shared, before, limit),
            include_shared_accounts=include_shared,
        )
        roles = store.roles_by_account(conn, [row["id"] for row in rows], user_id)
        items = [render.ad_account(row, _permissions(row, user_id, roles.get(row["id"], set()))) for row in rows]
        return {"items": items, "bookmark": next_bookmark}


def get_ad_account(rt: Runtime, actor: Actor) -> dict:
    """The ad account the path names; the actor's resolution has refused (404) one the
    caller neither owns nor holds a role on."""
    user_id = actor.principal.user_id
    with rt.engine.connect() as conn:
        account = store.get_ad_account(conn, actor.ad_account_id)
        if account is None:
            raise AdAccountNotFound()
        roles = store.roles_of(conn, account["id"], user_id)
        return render.ad_account(account, _permissions(account, user_id, roles))


def create_ad_account(rt: Runtime, actor: Actor, body: AdAccountCreate) -> dict:
    """A new ad account owned by the token's user (a business account, with fewer than
    ``MAX_AD_ACCOUNTS_PER_USER`` already)."""
    user_id = actor.principal.user_id
    name = body.name.strip()
    if not name:
        raise InvalidParameters("Invalid parameters: the ad account 'name' must not be empty.")
    if body.owner_user_id is not None and int(body.owner_user_id) != user_id:
        raise Forbidden("An ad account can only be created for the token's own user (owner_user_id).")
    with rt.write() as conn:
        # The owner's lock (the one organic events take) first: it keeps an event from
        # counting its viewers between this account's creation and its adopting the owner's
        # audience, and an organic writer, which holds it, inserts rows whose foreign key
        # reads the user's row, so that row is locked only after it (the other way round,
        # the two deadlocked).
        lock_owners(conn, [user_id])
        account_type = store.lock_owner(conn, user_id)
        if account_type != "BUSINESS":
            raise Forbidden("Only a business account can create ad accounts.")
        if store.count_owned(conn, user_id) >= MAX_AD_ACCOUNTS_PER_USER:
            raise InvalidParameters(f"A user can own at most {MAX_AD_ACCOUNTS_PER_USER} ad accounts.")
        account_id, now = new_short_id(), rt.clock.now()
        lock_owners(conn, [account_id])
        store.insert_ad_account(conn, id=account_id, owner_id=user_id, name=name, country=body.country,
                                currency=body.currency, created_at=now, updated_at=now)
        audiences.adopt_owner_audience(conn, account_id, user_id)
        return render.ad_account(store.get_ad_account(conn, account_id), {"OWNER"})
