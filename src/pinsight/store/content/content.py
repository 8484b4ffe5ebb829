"""SQL for the content area: users, boards, board sections and pins."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from pinsight.store import changes
from pinsight.store.organic import rollups
from pinsight.store.locks import require_locked
from pinsight.store.tables import boards, pins, sections, users

# ---- users -------------------------------------------------------------------------


def insert_user(conn: Connection, **values) -> None:
    conn.execute(insert(users).values(**values))


def get_user(conn: Connection, user_id: int):
    return conn.execute(select(users).where(users.c.id == user_id)).mappings().first()


def get_user_by_username(conn: Connection, username: str):
    return conn.execute(select(users).where(users.c.username == username)).mappings().first()


def list_usernames(conn: Connection) -> list[str]:
    return list(conn.execute(select(users.c.username).order_by(users.c.id)).scalars())


def list_users(conn: Connection):
    return conn.execute(select(users).order_by(users.c.id)).mappings().all()


def set_website_url(conn: Connection, user_id: int, url: str) -> None:
    """Change a profile's website (not editable through the API). Which of the user's pins
    are claimed content may change with it, so their account rollup amounts move to
    their new class: a cost that grows with those pins' daily rows. Hold the user's
    metrics lock (``store.locks``)."""
    require_locked(conn, [user_id])
    pin_ids = list(conn.execute(select(pins.c.id).where(pins.c.owner_id == user_id)).scalars())
    before = rollups.owned_content_classes(conn, pin_ids)
    conn.execute(update(users).where(users.c.id == user_id).values(website_url=url))
    rollups.reclassify_pins(conn, before)


def count_user_content(conn: Connection, user_id: int) -> tuple[int, int]:
    board_count = conn.execute(select(func.count()).select_from(boards).where(boards.c.owner_id == user_id)).scalar_one()
    pin_count = conn.execute(select(func.count()).select_from(pins).where(pins.c.owner_id == user_id)).scalar_one()
    return board_count, pin_count


# ---- boards ------------------------------------------------------------------------

_board_columns = [*boards.c, users.c.username.label("owner_username")]


def insert_board(conn: Connection, **values) -> None:
    conn.execute(insert(boards).values(**values))


def get_board(conn: Connection, board_id: int):
    query = select(*_board_columns).join(users, users.c.id == boards.c.owner_id).where(boards.c.id == board_id)
    return conn.execute(query).mappings().first()


def board_name_taken(conn: Connection, owner_id: int, name: str, except_id: int | None = None) -> bool:
    query = select(boards.c.id).where(boards.c.owner_id == owner_id, boards.c.name == name)
    if except_id is not None:
        query = query.where(boards.c.id != except_id)
    return conn.execute(query.limit(1)).first() is not None


def list_boards(conn: Connection, owner_id: int, privacies: Iterable[str], before_id: int | None, limit: int):
    query = (
        select(*_board_columns)
        .join(users, users.c.id == boards.c.owner_id)
        .where(boards.c.owner_id == owner_id, boards.c.privacy.in_(list(privacies)))
    )
    if before_id is not None:
        query = query.where(boards.c.id < before_id)
    return conn.execute(query.order_by(boards.c.id.desc()).limit(limit)).mappings().all()


def update_board(conn: Connection, board_id: int, **values) -> None:
    conn.execute(update(boards).where(boards.c.id == board_id).values(**values))


def delete_board(conn: Connection, board_id: int, now: datetime) -> None:
    # Explicit child deletes keep this correct even where the engine ignores ON DELETE.
    rollups.forget_pins(conn, pins.c.board_id == board_id, now)
    conn.execute(delete(pins).where(pins.c.board_id == board_id))
    conn.execute(delete(sections).where(sections.c.board_id == board_id))
    conn.execute(delete(boards).where(boards.c.id == board_id))


def touch_board(conn: Connection, board_id: int, moment: datetime) -> None:
    conn.execute(update(boards).where(boards.c.id == board_id).values(pins_modified_at=moment))


def board_pin_stats(conn: Connection, board_ids: Sequence[int], thumbnails: int = 5) -> dict[int, tuple[int, list[str]]]:
    """Pin count and the media of the newest pins, per board."""
    if not board_ids:
        return {}
    counts = dict(
        conn.execute(
            select(pins.c.board_id, func.count()).where(pins.c.board_id.in_(board_ids)).group_by(pins.c.board_id)
        ).all()
    )
    newest = (
        select(
            pins.c.board_id,
            pins.c.media,
            func.row_number().over(partition_by=pins.c.board_id, order_by=pins.c.id.desc()).label("rank"),
        )
        .where(pins.c.board_id.in_(board_ids))
        .subquery()
    )
    media: dict[int, list[str]] = {}
    for board_id, pin_media, _rank in conn.execute(select(newest).where(newest.c.rank <= thumbnails)).all():
        media.setdefault(board_id, []).append(pin_media)
    return {board_id: (counts.get(board_id, 0), media.get(board_id, [])) for board_id in board_ids}


# ---- sections ----------------------------------------------------------------------


def insert_section(conn: Connection, **values) -> None:
    conn.execute(insert(sections).values(**values))


def get_section(conn: Connection, section_id: int):
    return conn.execute(select(sections).where(sections.c.id == section_id)).mappings().first()


def section_name_taken(conn: Connection, board_id: int, name: str, except_id: int | None = None) -> bool:
    query = select(sections.c.id).where(sections.c.board_id == board_id, sections.c.name == name)
    if except_id is not None:
        query = query.where(sections.c.id != except_id)
    return conn.execute(query.limit(1)).first() is not None


def list_sections(conn: Connection, board_id: int, before_id: int | None, limit: int):
    query = select(sections).where(sections.c.board_id == board_id)
    if before_id is not None:
        query = query.where(sections.c.id < before_id)
    return conn.execute(query.order_by(sections.c.id.desc()).limit(limit)).mappings().all()


def update_section(conn: Connection, section_id: int, **values) -> None:
    conn.execute(update(sections).where(sections.c.id == section_id).values(**values))


def delete_section(conn: Connection, section_id: int, now: datetime) -> None:
    rollups.forget_pins(conn, pins.c.section_id == section_id, now)
    conn.execute(delete(pins).where(pins.c.section_id == section_id))
    conn.execute(delete(sections).where(sections.c.id == section_id))


# ---- pins --------------------------------------------------------------------------

_board_owner = users.alias("board_owner")
_pin_columns = [
    *pins.c,
    boards.c.privacy.label("board_privacy"),
    boards.c.owner_id.label("board_owner_id"),
    _board_owner.c.username.label("board_owner_username"),
]
_pin_from = pins.join(boards, boards.c.id == pins.c.board_id).join(_board_owner, _board_owner.c.id == boards.c.owner_id)


def insert_pin(conn: Connection, *, now: datetime, **values) -> None:
    """Insert a pin, logging the change at ``now`` (the clock's instant, not the pin's
    ``created_at``, which the demo and imports set in the past)."""
    conn.execute(insert(pins).values(**values))
    created = values["created_at"].date()
    changes.record(conn, [(values["owner_id"], created, created)], now)


# Built once: constructing this 3-table SELECT and computing its cache key on every call
# cost about 3x as much as executing it.
_get_pin = select(*_pin_columns).select_from(_pin_from).where(pins.c.id == bindparam("pin_id"))


def get_pin(conn: Connection, pin_id: int):
    return conn.execute(_get_pin, {"pin_id": pin_id}).mappings().first()


def get_pins(conn: Connection, pin_ids: Sequence[int]) -> dict[int, dict]:
    """The pins (with their board's privacy and owner, as ``get_pin``) that exist among ``pin_ids``."""
    query = select(*_pin_columns).select_from(_pin_from).where(pins.c.id.in_(list(pin_ids)))
    return {row["id"]: row for row in conn.execute(query).mappings().all()}


def list_pins(
    conn: Connection,
    *,
    before_id: int | None,
    limit: int,
    owner_id: int | None = None,
    board_id: int | None = None,
    section_id: int | None = None,
    board_privacies: Iterable[str] | None = None,
    creative_types: Iterable[str] | None = None,
    only_saved: bool = False,
    only_native: bool = False,
    only_promoted: bool = False,
):
    query = select(*_pin_columns).select_from(_pin_from)
    if owner_id is not None:
        query = query.where(pins.c.owner_id == owner_id)
    if board_id is not None:
        query = query.where(pins.c.board_id == board_id)
    if section_id is not None:
        query = query.where(pins.c.section_id == section_id)
    if board_privacies is not None:
        query = query.where(boards.c.privacy.in_(list(board_privacies)))
    if creative_types:
        query = query.where(pins.c.creative_type.in_(list(creative_types)))
    if only_saved:
        query = query.where(pins.c.parent_pin_id.is_not(None))
    if only_native:
        query = query.where(pins.c.parent_pin_id.is_(None))
    if only_promoted:
        query = query.where(pins.c.has_been_promoted.is_(True))
    if before_id is not None:
        query = query.where(pins.c.id < before_id)
    return conn.execute(query.order_by(pins.c.id.desc()).limit(limit)).mappings().all()


def update_pin(conn: Connection, pin_id: int, **values) -> None:
    """Change a pin's columns. A new ``link`` may change whether the pin's metrics are
    claimed content, moving its account rollup amounts (``rollups.reclassify_pins``): the
    caller then holds the owner's metrics lock, taken before the pin was read."""
    before = rollups.owned_content_classes(conn, [pin_id]) if "link" in values else {}
    conn.execute(update(pins).where(pins.c.id == pin_id).values(**values))
    if before:
        rollups.reclassify_pins(conn, before)


def delete_pin(conn: Connection, pin_id: int, now: datetime) -> None:
    rollups.forget_pins(conn, pins.c.id == pin_id, now)
    conn.execute(delete(pins).where(pins.c.id == pin_id))


def pins_on_secret_boards(conn: Connection, owner_id: int, pin_ids: Sequence[int]) -> list[int]:
    """Those of ``pin_ids`` that ``owner_id`` owns and that are on secret boards."""
    found: list[int] = []
    for offset in range(0, len(pin_ids), 5000):
        chunk = list(pin_ids[offset : offset + 5000])
        query = (
            select(pins.c.id)
            .join(boards, boards.c.id == pins.c.board_id)
            .where(pins.c.id.in_(chunk), pins.c.owner_id == owner_id, boards.c.privacy == "SECRET")
        )
        found += conn.execute(query).scalars()
    return found


def oldest_pin_id(conn: Connection, owner_id: int, board_privacies: Iterable[str], *, only_native: bool = False) -> int | None:
    """The id of the user's oldest pin on boards of those privacies (ids grow with time)."""
    query = (
        select(func.min(pins.c.id))
        .join(boards, boards.c.id == pins.c.board_id)
        .where(pins.c.owner_id == owner_id, boards.c.privacy.in_(list(board_privacies)))
    )
    if only_native:
        query = query.where(pins.c.parent_pin_id.is_(None))
    return conn.execute(query).scalar()
