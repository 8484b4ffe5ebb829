"""Keyset pagination: stable under inserts and deletes, bookmarks that cannot be forged."""

import pytest

from tests.support.api import all_pages, assert_error, create_board, create_pin


@pytest.fixture
def board_with_pins(user):
    board = create_board(user.client)
    pins = [create_pin(user.client, board["id"]) for _ in range(12)]
    return board, pins


def test_pages_cover_every_item_once_newest_first(user, board_with_pins):
    board, pins = board_with_pins
    seen = all_pages(user.client, f"/boards/{board['id']}/pins", page_size=5)
    assert [p["id"] for p in seen] == [p["id"] for p in reversed(pins)]


def test_page_size_bounds_and_default(user, board_with_pins):
    board, _ = board_with_pins
    for bad in (0, 251, -1, "ten"):
        assert_error(user.client.get(f"/boards/{board['id']}/pins", params={"page_size": bad}), 400)
    assert len(user.client.get(f"/boards/{board['id']}/pins", params={"page_size": 250}).json()["items"]) == 12
    for _ in range(14):
        create_pin(user.client, board["id"])
    first = user.client.get(f"/boards/{board['id']}/pins").json()
    assert len(first["items"]) == 25 and first["bookmark"]


def test_inserts_and_deletes_between_pages_neither_skip_nor_repeat(user, board_with_pins):
    board, pins = board_with_pins
    path = f"/boards/{board['id']}/pins"
    first = user.client.get(path, params={"page_size": 4}).json()
    assert [p["id"] for p in first["items"]] == [p["id"] for p in reversed(pins[-4:])]
    # Between pages: a new pin arrives (newer than the page), one already served and
    # one not yet served are deleted.
    create_pin(user.client, board["id"])
    assert user.client.delete(f"/pins/{pins[-1]['id']}").status_code == 204
    assert user.client.delete(f"/pins/{pins[5]['id']}").status_code == 204
    rest = all_pages(user.client, path, page_size=4, bookmark=first["bookmark"]) if first["bookmark"] else []
    expected = [p["id"] for p in reversed(pins[:-4]) if p["id"] != pins[5]["id"]]
    assert [p["id"] for p in rest] == expected


def test_forged_and_foreign_bookmarks_are_400(user, other_user, board_with_pins):
    board, _ = board_with_pins
    path = f"/boards/{board['id']}/pins"
    bookmark = user.client.get(path, params={"page_size": 2}).json()["bookmark"]
    assert_error(user.client.get(path, params={"bookmark": "garbage"}), 400)
    assert_error(user.client.get(path, params={"bookmark": bookmark[:-2] + "AA"}), 400)
    # The same bookmark on another list, or for another user, is foreign.
    assert_error(user.client.get("/pins", params={"bookmark": bookmark}), 400)
    assert_error(other_user.client.get(path, params={"bookmark": bookmark}), 400)
    other_board = create_board(user.client)
    assert_error(user.client.get(f"/boards/{other_board['id']}/pins", params={"bookmark": bookmark}), 400)
    assert user.client.get(path, params={"page_size": 2, "bookmark": bookmark}).status_code == 200


def test_every_list_endpoint_paginates(user, board_with_pins):
    board, pins = board_with_pins
    for n in range(3):
        user.client.post(f"/boards/{board['id']}/sections", json={"name": f"s{n}"})
        create_board(user.client)
    section_id = user.client.get(f"/boards/{board['id']}/sections").json()["items"][0]["id"]
    for pin in pins[:3]:
        user.client.patch(f"/pins/{pin['id']}", json={"board_section_id": section_id, "board_id": board["id"]})
    for path, expected in [
        ("/boards", 4),
        (f"/boards/{board['id']}/sections", 3),
        (f"/boards/{board['id']}/sections/{section_id}/pins", 3),
        ("/pins", 12),
    ]:
        items = all_pages(user.client, path, page_size=1)
        assert len(items) == expected, path
        assert len({item["id"] for item in items}) == expected, path
