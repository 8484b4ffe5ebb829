"""SQL for ad accounts and the Business Access roles users hold on them."""

from __future__ import annotations

from sqlalchemy import Connection, and_, func, insert, or_, select

from pinsight.store.tables import ad_account_roles, ad_accounts, users


def insert_ad_account(conn: Connection, **values) -> None:
    conn.execute(insert(ad_accounts).values(**values))


def lock_owner(conn: Connection, user_id: int) -> str | None:
    """Hold the user's row until the transaction ends (``FOR NO KEY UPDATE``, which lets
    other writers' foreign keys to the user be checked meanwhile; SQLite's write
    transaction already holds the database), so two creations of ad accounts for one owner
    count each other. The user's account type; None when there is no such user."""
    query = select(users.c.account_type).where(users.c.id == user_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(key_share=True)
    return conn.execute(query).scalar_one_or_none()


def count_owned(conn: Connection, owner_id: int) -> int:
    return conn.execute(select(func.count()).select_from(ad_accounts).where(ad_accounts.c.owner_id == owner_id)).scalar_one()


def grant_role(conn: Connection, ad_account_id: int, user_id: int, role: str) -> None:
    conn.execute(insert(ad_account_roles).values(ad_account_id=ad_account_id, user_id=user_id, role=role))


_account_columns = [*ad_accounts.c, users.c.username.label("owner_username")]


def get_ad_account(conn: Connection, ad_account_id: int):
    query = select(*_account_columns).join(users, users.c.id == ad_accounts.c.owner_id).where(ad_accounts.c.id == ad_account_id)
    return conn.execute(query).mappings().first()


def access_to(conn: Connection, ad_account_id: int, user_id: int) -> tuple[int, frozenset[str]] | None:
    """The ad account's owner and the roles ``user_id`` holds on it, in one query; None if there is no such account."""
    held = and_(ad_account_roles.c.ad_account_id == ad_accounts.c.id, ad_account_roles.c.user_id == user_id)
    query = (
        select(ad_accounts.c.owner_id, ad_account_roles.c.role)
        .select_from(ad_accounts.outerjoin(ad_account_roles, held))
        .where(ad_accounts.c.id == ad_account_id)
    )
    rows = conn.execute(query).all()
    if not rows:
        return None
    return rows[0][0], frozenset(role for _, role in rows if role is not None)


def roles_of(conn: Connection, ad_account_id: int, user_id: int) -> set[str]:
    query = select(ad_account_roles.c.role).where(
        ad_account_roles.c.ad_account_id == ad_account_id, ad_account_roles.c.user_id == user_id
    )
    return set(conn.execute(query).scalars())


def roles_by_account(conn: Connection, ad_account_ids: list[int], user_id: int) -> dict[int, set[str]]:
    if not ad_account_ids:
        return {}
    query = select(ad_account_roles.c.ad_account_id, ad_account_roles.c.role).where(
        ad_account_roles.c.ad_account_id.in_(ad_account_ids), ad_account_roles.c.user_id == user_id
    )
    result: dict[int, set[str]] = {}
    for account_id, role in conn.execute(query).all():
        result.setdefault(account_id, set()).add(role)
    return result


def list_ad_accounts(conn: Connection, user_id: int, include_shared: bool, before_id: int | None, limit: int):
    shared = select(ad_account_roles.c.ad_account_id).where(ad_account_roles.c.user_id == user_id)
    visible = ad_accounts.c.owner_id == user_id
    if include_shared:
        visible = or_(visible, ad_accounts.c.id.in_(shared))
    query = select(*_account_columns).join(users, users.c.id == ad_accounts.c.owner_id).where(visible)
    if before_id is not None:
        query = query.where(ad_accounts.c.id < before_id)
    return conn.execute(query.order_by(ad_accounts.c.id.desc()).limit(limit)).mappings().all()
