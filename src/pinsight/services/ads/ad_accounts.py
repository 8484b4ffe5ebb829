"""Ad accounts: the ones a user owns or holds a Business Access role on."""

from __future__ import annotations

from pinsight.errors import AdAccountNotFound
from pinsight.services.content import render
from pinsight.services.identity.access import Actor
from pinsight.services.pages import paginate
from pinsight.services.runtime import Runtime
from pinsight.store.ads import ads as store


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
