"""Pins: creation from every media source, filters, updates, moves, deletes and saves."""

import pytest

from pinsight.catalog.scopes import ALL_SCOPES
from tests.domain.test_media import PNG_1x1
from tests.support.api import all_pages, assert_error, create_board, create_pin, create_section, register_video

MEDIA_SOURCES = {
    "image_url": ({"source_type": "image_url", "url": "https://img.example/a.jpg"}, "REGULAR", "image"),
    "image_base64": ({"source_type": "image_base64", "content_type": "image/png", "data": PNG_1x1}, "REGULAR", "image"),
    "multiple_image_urls": (
        {"source_type": "multiple_image_urls", "items": [{"url": "https://img.example/1.jpg"}, {"url": "https://img.example/2.jpg"}]},
        "CAROUSEL",
        "multiple_images",
    ),
    # The media_id is filled in with an upload of the creating user's (media_source).
    "video_id": ({"source_type": "video_id", "cover_image_url": "https://img.example/c.jpg"}, "VIDEO", "video"),
}


def media_source(client, kind: str) -> dict:
    source = MEDIA_SOURCES[kind][0]
    return {**source, "media_id": register_video(client)} if kind == "video_id" else source


@pytest.mark.parametrize("kind", sorted(MEDIA_SOURCES))
def test_create_from_each_media_source(user, kind):
    _, creative_type, media_type = MEDIA_SOURCES[kind]
    source = media_source(user.client, kind)
    board = create_board(user.client)
    pin = create_pin(user.client, board["id"], media_source=source, link="https://shop.example/p", alt_text="alt", description="d")
    assert pin["creative_type"] == creative_type and pin["media"]["media_type"] == media_type
    assert pin["board_id"] == board["id"] and pin["is_owner"] is True and pin["board_owner"] == {"username": user.username}
    assert pin["link"] == "https://shop.example/p" and pin["alt_text"] == "alt"
    assert user.client.get(f"/pins/{pin['id']}").json() == pin


def test_create_validation(user, other_user):
    board = create_board(user.client)
    good_source = MEDIA_SOURCES["image_url"][0]
    assert_error(user.client.post("/pins", json={"board_id": board["id"]}), 400)
    assert_error(user.client.post("/pins", json={"media_source": good_source}), 400)
    assert_error(user.client.post("/pins", json={"board_id": board["id"], "media_source": {"source_type": "image_url"}}), 400)
    assert_error(user.client.post("/pins", json={"board_id": board["id"], "media_source": good_source, "title": "t" * 101}), 400)
    assert_error(user.client.post("/pins", json={"board_id": "12", "media_source": good_source}), 404, 40)
    assert_error(user.client.post("/pins", json={"board_id": "x1", "media_source": good_source}), 400)
    foreign = create_board(other_user.client)
    assert_error(user.client.post("/pins", json={"board_id": foreign["id"], "media_source": good_source}), 403)
    foreign_section = create_section(other_user.client, foreign["id"])
    response = user.client.post(
        "/pins", json={"board_id": board["id"], "board_section_id": foreign_section["id"], "media_source": good_source}
    )
    assert_error(response, 404)
    assert all_pages(user.client, f"/boards/{board['id']}/pins") == []


def test_update_and_move_between_boards_and_sections(user):
    first, second = create_board(user.client), create_board(user.client)
    section = create_section(user.client, second["id"])
    pin = create_pin(user.client, first["id"])
    updated = user.client.patch(f"/pins/{pin['id']}", json={"title": "New", "description": None, "link": "https://x.example"})
    assert updated.status_code == 200, updated.text
    assert (updated.json()["title"], updated.json()["description"], updated.json()["link"]) == ("New", None, "https://x.example")
    moved = user.client.patch(f"/pins/{pin['id']}", json={"board_id": second["id"], "board_section_id": section["id"]})
    assert moved.status_code == 200 and moved.json()["board_id"] == second["id"] and moved.json()["board_section_id"] == section["id"]
    assert [p["id"] for p in all_pages(user.client, f"/boards/{second['id']}/pins")] == [pin["id"]]
    assert all_pages(user.client, f"/boards/{first['id']}/pins") == []
    # A section of another board is refused and nothing changes.
    other_section = create_section(user.client, first["id"])
    response = user.client.patch(f"/pins/{pin['id']}", json={"board_id": second["id"], "board_section_id": other_section["id"]})
    assert_error(response, 404)
    assert user.client.get(f"/pins/{pin['id']}").json()["board_section_id"] == section["id"]
    cleared = user.client.patch(f"/pins/{pin['id']}", json={"board_section_id": None})
    assert cleared.json()["board_section_id"] is None and cleared.json()["board_id"] == second["id"]


def test_carousel_slot_links(user):
    board = create_board(user.client)
    pin = create_pin(user.client, board["id"], media_source=MEDIA_SOURCES["multiple_image_urls"][0])
    response = user.client.patch(f"/pins/{pin['id']}", json={"carousel_slots": [{"link": "https://a.example"}, {}]})
    assert response.status_code == 200, response.text
    assert [item["link"] for item in response.json()["media"]["items"]] == ["https://a.example", None]
    assert_error(user.client.patch(f"/pins/{pin['id']}", json={"carousel_slots": [{}]}), 400)


def test_delete(user, other_user):
    board = create_board(user.client)
    pin = create_pin(user.client, board["id"])
    assert_error(other_user.client.delete(f"/pins/{pin['id']}"), 403)
    assert user.client.delete(f"/pins/{pin['id']}").status_code == 204
    assert_error(user.client.get(f"/pins/{pin['id']}"), 404, 50)
    assert_error(user.client.delete(f"/pins/{pin['id']}"), 404, 50)


def test_save_another_users_public_pin(user, other_user):
    theirs = create_board(other_user.client)
    original = create_pin(other_user.client, theirs["id"], title="Theirs")
    mine = create_board(user.client)
    section = create_section(user.client, mine["id"])
    saved = user.client.post(f"/pins/{original['id']}/save", json={"board_id": mine["id"], "board_section_id": section["id"]})
    assert saved.status_code == 201, saved.text
    body = saved.json()
    assert body["id"] != original["id"] and body["parent_pin_id"] == original["id"]
    assert body["board_id"] == mine["id"] and body["board_section_id"] == section["id"] and body["is_owner"] is True
    assert body["title"] == "Theirs" and body["media"] == original["media"]
    by_section = user.client.post(f"/pins/{original['id']}/save", json={"board_section_id": section["id"]})
    assert by_section.status_code == 201 and by_section.json()["board_id"] == mine["id"]
    # Reading another user's public pin works; it is not theirs to change.
    seen = user.client.get(f"/pins/{original['id']}").json()
    assert seen["is_owner"] is False and seen["board_owner"] == {"username": other_user.username}
    assert_error(user.client.patch(f"/pins/{original['id']}", json={"title": "mine now"}), 403)


def test_secret_pins_are_invisible_to_others(user, other_user):
    secret_board = create_board(other_user.client, privacy="SECRET")
    secret_pin = create_pin(other_user.client, secret_board["id"])
    mine = create_board(user.client)
    assert_error(user.client.get(f"/pins/{secret_pin['id']}"), 404, 50)
    assert_error(user.client.post(f"/pins/{secret_pin['id']}/save", json={"board_id": mine["id"]}), 404, 50)
    assert_error(user.client.get(f"/boards/{secret_board['id']}/pins"), 404)


def test_own_secret_pins_need_secret_scopes(runtime, user):
    secret_board = create_board(user.client, privacy="SECRET")
    pin = create_pin(user.client, secret_board["id"])
    headers = {"Authorization": f"Bearer {user.token_with(runtime, set(ALL_SCOPES) - {'pins:read_secret', 'pins:write_secret'})}"}
    assert "pins:read_secret" in assert_error(user.client.get(f"/pins/{pin['id']}", headers=headers), 403)["message"]
    assert_error(user.client.get("/pins", params={"pin_type": "PRIVATE"}, headers=headers), 403)
    no_write = {"Authorization": f"Bearer {user.token_with(runtime, set(ALL_SCOPES) - {'pins:write_secret'})}"}
    assert_error(user.client.delete(f"/pins/{pin['id']}", headers=no_write), 403)
    assert user.client.get(f"/pins/{pin['id']}").status_code == 200


def test_list_filters(user, other_user):
    public, secret, protected = (create_board(user.client, privacy=p) for p in ("PUBLIC", "SECRET", "PROTECTED"))
    regular = create_pin(user.client, public["id"])
    video = create_pin(user.client, public["id"], media_source=media_source(user.client, "video_id"))
    hidden = create_pin(user.client, secret["id"])
    ads_only = create_pin(user.client, protected["id"])
    foreign = create_pin(other_user.client, create_board(other_user.client)["id"])
    saved = user.client.post(f"/pins/{foreign['id']}/save", json={"board_id": public["id"]}).json()

    def ids(**params):
        return [p["id"] for p in all_pages(user.client, "/pins", **params)]

    assert ids() == [saved["id"], video["id"], regular["id"]]
    assert ids(include_protected_pins=True) == [saved["id"], ads_only["id"], video["id"], regular["id"]]
    assert ids(pin_type="PRIVATE") == [hidden["id"]]
    assert ids(creative_types="VIDEO") == [video["id"]]
    assert ids(creative_types=["VIDEO", "REGULAR"]) == [saved["id"], video["id"], regular["id"]]
    assert ids(pin_filter="exclude_native") == [saved["id"]]
    assert ids(pin_filter="exclude_repins") == [video["id"], regular["id"]]
    assert ids(pin_filter="has_been_promoted") == []
    assert_error(user.client.get("/pins", params={"creative_types": "NOPE"}), 400)
    assert_error(user.client.get("/pins", params={"pin_filter": "nope"}), 400)
    assert_error(user.client.get("/pins", params={"pin_type": "PUBLIC"}), 400)
    board_pins = [p["id"] for p in all_pages(user.client, f"/boards/{public['id']}/pins", creative_types="REGULAR")]
    assert board_pins == [saved["id"], regular["id"]]
