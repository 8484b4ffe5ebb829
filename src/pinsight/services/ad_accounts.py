"""Ad accounts: the ones a user owns or holds a Business Access role on."""

from __future__ import annotations

from pinsight.errors import AdAccountNotFound
from pinsight.services import render
from pinsight.services.access import parse_id
from pinsight.services.auth import Principal
from pinsight.services.pages import paginate
from pinsight.services.runtime import Runtime
from pinsight.store import ads as store


def _permissions(row, user_id: int, roles: set[str]) -> set[str]:
    return {"OWNER"} | roles if row["owner_id"] == user_id else roles


def list_ad_accounts(rt: Runtime, principal: Principal, include_shared: bool, bookmark, page_size) -> dict:
    with rt.engine.connect() as conn:
        rows, next_bookmark = paginate(
            rt,
            ("ad_accounts/list", principal.user_id, include_shared),
            page_size,
            bookmark,
            lambda before, limit: store.list_ad_accounts(conn, principal.user_id, include_shared, before, limit),
        )
        roles = store.roles_by_account(conn, [row["id"] for row in rows], principal.user_id)
        items = [render.ad_account(row, _permissions(row, principal.user_id, roles.get(row["id"], set()))) for row in rows]
        return {"items": items, "bookmark": next_bookmark}


def get_ad_account(rt: Runtime, principal: Principal, ad_account_id: str) -> dict:
    with rt.engine.connect() as conn:
        account = store.get_ad_account(conn, parse_id(ad_account_id, "Ad account", AdAccountNotFound))
        if account is None:
            raise AdAccountNotFound()
        roles = store.roles_of(conn, account["id"], principal.user_id)
        if account["owner_id"] != principal.user_id and not roles:
            # Another user's ad account is not even acknowledged to exist.
            raise AdAccountNotFound()
        return render.ad_account(account, _permissions(account, principal.user_id, roles))
