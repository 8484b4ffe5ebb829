"""SQL for conversion tokens (stored as hashes only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from pinsight.store.tables import ad_accounts, conversion_tokens, users


def insert_token(conn: Connection, *, token_id: int, ad_account_id: int, token_hash: str, created_at: datetime) -> None:
    conn.execute(insert(conversion_tokens).values(id=token_id, ad_account_id=ad_account_id, token_hash=token_hash,
                                                  created_at=created_at))


def holder(conn: Connection, token_hash: str) -> dict | None:
    """The live token's ad account with its owner (``ad_account_id``, ``owner_id``, ``username``)."""
    query = (
        select(conversion_tokens.c.ad_account_id, ad_accounts.c.owner_id, users.c.username)
        .join(ad_accounts, ad_accounts.c.id == conversion_tokens.c.ad_account_id)
        .join(users, users.c.id == ad_accounts.c.owner_id)
        .where(conversion_tokens.c.token_hash == token_hash, conversion_tokens.c.revoked_at.is_(None))
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row is not None else None


def revoke(conn: Connection, token_hash: str, at: datetime) -> bool:
    """Revoke a live token; whether there was one."""
    statement = update(conversion_tokens).where(conversion_tokens.c.token_hash == token_hash,
                                                conversion_tokens.c.revoked_at.is_(None)).values(revoked_at=at)
    return conn.execute(statement).rowcount == 1
