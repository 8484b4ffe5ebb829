"""Board sections: list, create, rename, delete, and the pins in a section."""

from __future__ import annotations

from pinsight.services.content.requests import SectionBody
from pinsight.domain.ids import new_id
from pinsight.errors import Conflict, InvalidParameters, SectionNotFound
from pinsight.services.content import render
from pinsight.services.identity.access import Actor, check_secret, parse_id
from pinsight.services.content.boards import load_own_board, load_visible_board
from pinsight.services.pages import paginate
from pinsight.services.content.pins import render_pins
from pinsight.services.runtime import Runtime
from pinsight.store.content import content as store
from pinsight.store.locks import lock_owners


def _load_section(conn, board, section_id: str):
    section = store.get_section(conn, parse_id(section_id, "Board section", SectionNotFound))
    if section is None or section["board_id"] != board["id"]:
        raise SectionNotFound()
    return section


def _clean_name(body: SectionBody) -> str:
    name = body.name.strip()
    if not name:
        raise InvalidParameters("Invalid board section parameters: 'name' must not be empty.")
    return name


def list_sections(rt: Runtime, actor: Actor, board_id: str, bookmark, page_size) -> dict:
    with rt.engine.connect() as conn:
        board = load_visible_board(conn, actor, board_id)
        rows, next_bookmark = paginate(
            rt,
            actor,
            page_size,
            bookmark,
            lambda before, limit: store.list_sections(conn, board["id"], before, limit),
            board_id=board["id"],
        )
        return {"items": [render.section(row) for row in rows], "bookmark": next_bookmark}


def create_section(rt: Runtime, actor: Actor, board_id: str, body: SectionBody) -> dict:
    name = _clean_name(body)
    with rt.write() as conn:
        board = load_own_board(conn, actor, board_id)
        if store.section_name_taken(conn, board["id"], name):
            raise Conflict(f"Board section conflict: this board already has a section named '{name}'.")
        section_id = new_id()
        store.insert_section(conn, id=section_id, board_id=board["id"], name=name, created_at=rt.clock.now())
        return render.section(store.get_section(conn, section_id))


def update_section(rt: Runtime, actor: Actor, board_id: str, section_id: str, body: SectionBody) -> dict:
    name = _clean_name(body)
    with rt.write() as conn:
        board = load_own_board(conn, actor, board_id)
        section = _load_section(conn, board, section_id)
        if store.section_name_taken(conn, board["id"], name, except_id=section["id"]):
            raise Conflict(f"Board section conflict: this board already has a section named '{name}'.")
        store.update_section(conn, section["id"], name=name)
        return render.section(store.get_section(conn, section["id"]))


def delete_section(rt: Runtime, actor: Actor, board_id: str, section_id: str) -> None:
    with rt.write() as conn:
        lock_owners(conn, [actor.user_id])
        board = load_own_board(conn, actor, board_id)
        section = _load_section(conn, board, section_id)
        now = rt.clock.now()
        store.delete_section(conn, section["id"], now)
        store.touch_board(conn, board["id"], now)


def list_section_pins(rt: Runtime, actor: Actor, board_id: str, section_id: str, bookmark, page_size) -> dict:
    with rt.engine.connect() as conn:
        board = load_visible_board(conn, actor, board_id)
        if board["privacy"] == "SECRET":
            check_secret(actor, "pins", write=False)
        section = _load_section(conn, board, section_id)
        rows, next_bookmark = paginate(
            rt,
            actor,
            page_size,
            bookmark,
            lambda before, limit: store.list_pins(conn, section_id=section["id"], before_id=before, limit=limit),
            section_id=section["id"],
        )
        return {"items": render_pins(rows, actor), "bookmark": next_bookmark}
