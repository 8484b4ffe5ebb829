"""Boards through the SDK's high-level Board model (and BoardsApi where the model falls short)."""

from __future__ import annotations

from datetime import datetime

import pytest
from openapi_generated.pinterest_client.api.boards_api import BoardsApi
from openapi_generated.pinterest_client.exceptions import NotFoundException
from openapi_generated.pinterest_client.model.board import Board as BoardModel
from pinterest.organic.boards import Board

from tests.sdk.helpers import as_model, unique, walk_pages


def test_board_create_read_update_delete(user, user_client):
    name = unique("Trips")
    board = Board.create(name=name, description="Places to go", privacy="PUBLIC", client=user_client)

    assert board.id.isdigit()
    assert (board.name, board.description, board.privacy) == (name, "Places to go", "PUBLIC")
    assert board.owner == {"username": user.username}
    assert (board.pin_count, board.follower_count, board.collaborator_count) == (0, 0, 0)
    assert board.media.image_cover_url is None and board.media.pin_thumbnail_urls == []

    read = Board(board.id, client=user_client)
    assert (read.id, read.name, read.description, read.privacy) == (board.id, name, "Places to go", "PUBLIC")

    # The high-level model mangles datetimes (see the report); the typed API has them.
    typed = BoardsApi(user_client).boards_get(board.id)
    assert isinstance(typed, BoardModel)
    assert isinstance(typed.created_at, datetime) and typed.created_at.utcoffset() is not None
    assert typed.board_pins_modified_at >= typed.created_at

    new_name = unique("Journeys")
    assert board.update_fields(name=new_name, description="Revised") is True
    assert (board.name, board.description) == (new_name, "Revised")
    assert board.make_secret() is True
    assert board.privacy == "SECRET"
    reread = Board(board.id, client=user_client)
    assert (reread.name, reread.description, reread.privacy) == (new_name, "Revised", "SECRET")
    assert reread.make_public() is True
    assert Board(board.id, client=user_client).privacy == "PUBLIC"

    assert Board.delete(board.id, client=user_client) is True
    with pytest.raises(NotFoundException) as caught:
        Board(board.id, client=user_client)
    assert caught.value.status == 404
    with pytest.raises(NotFoundException):
        Board.delete(board.id, client=user_client)
    assert Board.get_all(client=user_client) == ([], None)


def test_boards_list_across_pages(user, user_client):
    created = {}
    for index in range(7):
        privacy = "SECRET" if index in (2, 5) else "PUBLIC"
        board = Board.create(name=unique(f"Board {index}"), privacy=privacy, client=user_client)
        created[board.id] = (board.name, privacy)

    pages = walk_pages(Board.get_all(page_size=3, client=user_client))
    assert [len(page) for page in pages] == [3, 3, 1]
    listed = [board for page in pages for board in page]
    assert sorted(b.id for b in listed) == sorted(created)
    # Items are built from the list response itself: their fields are filled in.
    assert {b.id: (b.name, b.privacy) for b in listed} == created
    assert all(b.owner == {"username": user.username} for b in listed)

    secret_pages = walk_pages(Board.get_all(privacy="SECRET", page_size=1, client=user_client))
    assert [len(page) for page in secret_pages] == [1, 1]
    secret_ids = {b.id for page in secret_pages for b in page}
    assert secret_ids == {board_id for board_id, (_, privacy) in created.items() if privacy == "SECRET"}


def test_board_list_items_satisfy_the_sdk_board_model(user, user_client):
    """The SDK returns list pages untyped: check each item against its Board model."""
    for index in range(3):
        Board.create(name=unique(f"Typed {index}"), description=None if index else "d", client=user_client)
    api = BoardsApi(user_client)
    seen, bookmark = [], None
    while True:
        page = api.boards_list(page_size=2, **({"bookmark": bookmark} if bookmark else {}))
        assert set(page) == {"items", "bookmark"}
        seen += [as_model(user_client, item, BoardModel) for item in page["items"]]
        bookmark = page["bookmark"]
        if bookmark is None:
            break
    assert len(seen) == 3
    assert all(isinstance(board, BoardModel) and isinstance(board.created_at, datetime) for board in seen)
