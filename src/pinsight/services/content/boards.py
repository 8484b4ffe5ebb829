"""Boards: create, list, read, update, delete, following Pinterest's privacy rules."""

from __future__ import annotations

from pinsight.catalog.roles import PRIVACY_FILTERS
from pinsight.services.content.requests import BoardCreate, BoardUpdate
from pinsight.domain.ids import new_id
from pinsight.errors import BoardNotFound, Forbidden, InvalidParameters
from pinsight.services.content import render
from pinsight.services.identity.access import Actor, can_see, check_secret, may_read_secret, parse_id
from pinsight.services.pages import paginate
from pinsight.services.runtime import Runtime
from pinsight.store.content import content as store
from pinsight.store.locks import lock_owners

def render_boards(conn, rows) -> list[dict]:
    stats = store.board_pin_stats(conn, [row["id"] for row in rows])
    return [render.board(row, *stats[row["id"]]) for row in rows]


def load_visible_board(conn, actor: Actor, board_id: str):
    """The board if the actor may see it (secret ones need the secret scope), else 404."""
    board = store.get_board(conn, parse_id(board_id, "Board", BoardNotFound))
    if board is None or not can_see(actor, board["owner_id"], board["privacy"]):
        raise BoardNotFound()
    if board["privacy"] == "SECRET":
        check_secret(actor, "boards", write=False)
    return board


def load_own_board(conn, actor: Actor, board_id: str):
    """The board if the actor owns it; 404 if they cannot see it, 403 if they only can see it."""
    board = load_visible_board(conn, actor, board_id)
    if board["owner_id"] != actor.user_id:
        raise Forbidden("You can only change boards you own.")
    if board["privacy"] == "SECRET":
        check_secret(actor, "boards", write=True)
    return board


def list_boards(rt: Runtime, actor: Actor, privacy, bookmark, page_size) -> dict:
    with rt.engine.connect() as conn:
        privacies = PRIVACY_FILTERS[privacy or "ALL"]
        if "SECRET" in privacies:
            if privacy in ("SECRET", "PUBLIC_AND_SECRET"):
                check_secret(actor, "boards", write=False)
            elif not may_read_secret(actor, "boards"):
                privacies = tuple(p for p in privacies if p != "SECRET")
        rows, next_bookmark = paginate(
            rt,
            actor,
            page_size,
            bookmark,
            lambda before, limit: store.list_boards(conn, actor.user_id, privacies, before, limit),
            privacies=privacies,
        )
        return {"items": render_boards(conn, rows), "bookmark": next_bookmark}


def get_board(rt: Runtime, actor: Actor, board_id: str) -> dict:
    with rt.engine.connect() as conn:
        board = load_visible_board(conn, actor, board_id)
        return render_boards(conn, [board])[0]


def create_board(rt: Runtime, actor: Actor, body: BoardCreate) -> dict:
    name = body.name.strip()
    if not name:
        raise InvalidParameters("Invalid parameters: board 'name' must not be empty.")
    with rt.write() as conn:
        if body.privacy == "SECRET":
            check_secret(actor, "boards", write=True)
        if store.board_name_taken(conn, actor.user_id, name):
            raise InvalidParameters(f"You already have a board named '{name}'.", code=58)
        board_id, now = new_id(), rt.clock.now()
        store.insert_board(
            conn,
            id=board_id,
            owner_id=actor.user_id,
            name=name,
            description=body.description,
            privacy=body.privacy,
            is_ads_only=body.is_ads_only,
            follower_count=0,
            collaborator_count=0,
            created_at=now,
            pins_modified_at=now,
        )
        return render_boards(conn, [store.get_board(conn, board_id)])[0]


def update_board(rt: Runtime, actor: Actor, board_id: str, body: BoardUpdate) -> dict:
    changes = {}
    if "name" in body.model_fields_set:
        if body.name is None or not body.name.strip():
            raise InvalidParameters("Invalid parameters: board 'name' must not be empty.")
        changes["name"] = body.name.strip()
    if "description" in body.model_fields_set:
        changes["description"] = body.description
    if "privacy" in body.model_fields_set:
        if body.privacy is None:
            raise InvalidParameters("Invalid parameters: board 'privacy' must be PUBLIC or SECRET.")
        changes["privacy"] = body.privacy
    with rt.write() as conn:
        board = load_own_board(conn, actor, board_id)
        if changes.get("privacy") == "SECRET":
            check_secret(actor, "boards", write=True)
        if "name" in changes and store.board_name_taken(conn, actor.user_id, changes["name"], except_id=board["id"]):
            raise InvalidParameters(f"You already have a board named '{changes['name']}'.", code=58)
        if changes:
            store.update_board(conn, board["id"], **changes)
        return render_boards(conn, [store.get_board(conn, board["id"])])[0]


def delete_board(rt: Runtime, actor: Actor, board_id: str) -> None:
    with rt.write() as conn:
        lock_owners(conn, [actor.user_id])
        board = load_own_board(conn, actor, board_id)
        store.delete_board(conn, board["id"], rt.clock.now())
