"""SQL for media uploads (metadata only)."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from pinsight.store.tables import media_uploads


def insert_media(conn: Connection, **values) -> None:
    conn.execute(insert(media_uploads).values(**values))


def get_media(conn: Connection, media_id: int):
    return conn.execute(select(media_uploads).where(media_uploads.c.id == media_id)).mappings().first()


def list_media(conn: Connection, owner_id: int, before_id: int | None, limit: int):
    """One owner's uploads, newest first, below ``before_id`` (a keyset page)."""
    query = select(media_uploads).where(media_uploads.c.owner_id == owner_id)
    if before_id is not None:
        query = query.where(media_uploads.c.id < before_id)
    return conn.execute(query.order_by(media_uploads.c.id.desc()).limit(limit)).mappings().all()
