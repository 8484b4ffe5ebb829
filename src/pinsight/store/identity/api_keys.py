"""SQL for overview API keys (stored as hashes only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select

from pinsight.store.tables import api_keys


def insert_api_key(conn: Connection, *, key_id: int, user_id: int, key_hash: str, label: str, created_at: datetime) -> None:
    conn.execute(insert(api_keys).values(id=key_id, user_id=user_id, key_hash=key_hash, label=label, created_at=created_at))


def user_id_for_key_hash(conn: Connection, key_hash: str) -> int | None:
    return conn.execute(select(api_keys.c.user_id).where(api_keys.c.key_hash == key_hash)).scalar()
