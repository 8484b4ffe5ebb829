"""SQL for credentials: apps, tokens, authorization codes and the server's own secrets."""

from __future__ import annotations

import secrets as _secrets
from datetime import datetime

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from pinsight.store.tables import apps, auth_codes, server_secrets, tokens, users


def find_server_secret(conn: Connection, name: str) -> str | None:
    """A per-database secret if it was made already (checking a signature needs no new one)."""
    return conn.execute(select(server_secrets.c.value).where(server_secrets.c.name == name)).scalar()


def server_secret(conn: Connection, name: str) -> str:
    """A per-database secret, made on first use (shared by every worker on that database)."""
    found = find_server_secret(conn, name)
    if found is not None:
        return found
    try:
        with conn.begin_nested():
            conn.execute(insert(server_secrets).values(name=name, value=_secrets.token_hex(32)))
    except IntegrityError:
        pass  # another worker made it first; use theirs
    return conn.execute(select(server_secrets.c.value).where(server_secrets.c.name == name)).scalar_one()


def insert_app(conn: Connection, **values) -> None:
    conn.execute(insert(apps).values(**values))


def get_app(conn: Connection, app_id: int):
    return conn.execute(select(apps).where(apps.c.id == app_id)).mappings().first()


def insert_token(conn: Connection, **values) -> None:
    conn.execute(insert(tokens).values(**values))


def get_token_by_hash(conn: Connection, token_hash: str):
    query = (
        select(tokens, users.c.username)
        .join(users, users.c.id == tokens.c.user_id)
        .where(tokens.c.token_hash == token_hash)
    )
    return conn.execute(query).mappings().first()


def revoke_token(conn: Connection, token_id: int) -> None:
    conn.execute(update(tokens).where(tokens.c.id == token_id).values(revoked=True))


def claim_refresh_token(conn: Connection, token_id: int) -> bool:
    """Spend a refresh token (mark it revoked); False if it was already spent or revoked.

    The conditional UPDATE makes a refresh token single-use even under concurrent
    requests: the second one waits for the first's row lock, then matches no row.
    """
    result = conn.execute(
        update(tokens)
        .where(tokens.c.id == token_id, tokens.c.kind == "refresh", tokens.c.revoked.is_(False))
        .values(revoked=True)
    )
    return result.rowcount == 1


def revoke_family(conn: Connection, family_id: int) -> None:
    """Revoke every access and refresh token descending from one authorization."""
    conn.execute(update(tokens).where(tokens.c.family_id == family_id, tokens.c.revoked.is_(False)).values(revoked=True))


def insert_code(conn: Connection, **values) -> None:
    conn.execute(insert(auth_codes).values(**values))


def claim_code(conn: Connection, code_hash: str, now: datetime):
    """Mark an unused, unexpired code used and return it; None if it cannot be claimed.

    The conditional UPDATE makes a code single-use even under concurrent requests.
    """
    result = conn.execute(
        update(auth_codes)
        .where(auth_codes.c.code_hash == code_hash, auth_codes.c.used.is_(False), auth_codes.c.expires_at > now)
        .values(used=True)
    )
    if result.rowcount != 1:
        return None
    return conn.execute(select(auth_codes).where(auth_codes.c.code_hash == code_hash)).mappings().first()
