"""Pins through the SDK's high-level Pin model; updates through PinsApi (Pin has no update)."""

from __future__ import annotations

import base64
from datetime import datetime

import pytest
from openapi_generated.pinterest_client.api.pins_api import PinsApi
from openapi_generated.pinterest_client.exceptions import NotFoundException
from openapi_generated.pinterest_client.model.pin import Pin as PinModel
from openapi_generated.pinterest_client.model.pin_update import PinUpdate
from pinterest.organic.boards import Board
from pinterest.organic.pins import Pin

from tests.sdk.helpers import as_model, image_source, register_video, unique, walk_pages

# A 1x1 PNG.
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a1d5e0b80000000049454e44ae426082"
    )
).decode()


def test_pin_create_read_update_delete(user, user_client):
    board = Board.create(name=unique("Recipes"), client=user_client)
    section = board.create_section("Soups")
    source = image_source("tomato-soup")

    pin = Pin.create(
        board_id=board.id,
        board_section_id=section.id,
        media_source=source,
        title="Tomato soup",
        description="Rich and quick",
        link="https://recipes.example/tomato-soup",
        alt_text="A bowl of soup",
        dominant_color="#c0392b",
        client=user_client,
    )
    assert pin.id.isdigit()
    assert (pin.title, pin.description, pin.link, pin.alt_text, pin.dominant_color) == (
        "Tomato soup",
        "Rich and quick",
        "https://recipes.example/tomato-soup",
        "A bowl of soup",
        "#c0392b",
    )
    assert (pin.board_id, pin.board_section_id) == (board.id, section.id)
    assert pin.board_owner == {"username": user.username}
    assert pin.is_owner is True
    assert pin.creative_type == "REGULAR"
    assert pin.media["media_type"] == "image"
    assert {image["url"] for image in pin.media["images"].values()} == {source["url"]}

    typed = PinsApi(user_client).pins_get(pin.id)
    assert isinstance(typed, PinModel)
    assert isinstance(typed.created_at, datetime) and typed.created_at.utcoffset() is not None
    assert typed.title == "Tomato soup"

    updated = PinsApi(user_client).pins_update(
        pin.id, PinUpdate(title="Roast tomato soup", description=None, link="https://recipes.example/roast", board_section_id=None)
    )
    assert isinstance(updated, PinModel)
    assert (updated.id, updated.title, updated.description, updated.link) == (
        pin.id,
        "Roast tomato soup",
        None,
        "https://recipes.example/roast",
    )
    reread = Pin(pin.id, client=user_client)
    assert (reread.title, reread.description, reread.alt_text) == ("Roast tomato soup", None, "A bowl of soup")
    assert (reread.board_id, reread.board_section_id) == (board.id, None)

    other_board = Board.create(name=unique("Favourites"), client=user_client)
    moved = PinsApi(user_client).pins_update(pin.id, PinUpdate(board_id=other_board.id))
    assert (moved.board_id, moved.board_section_id) == (other_board.id, None)
    assert Board(other_board.id, client=user_client).pin_count == 1
    assert Board(board.id, client=user_client).pin_count == 0

    assert Pin.delete(pin.id, client=user_client) is True
    with pytest.raises(NotFoundException) as caught:
        Pin(pin.id, client=user_client)
    assert caught.value.status == 404
    with pytest.raises(NotFoundException):
        PinsApi(user_client).pins_update(pin.id, PinUpdate(title="Ghost"))
    with pytest.raises(NotFoundException):
        Pin.delete(pin.id, client=user_client)
    assert Board(other_board.id, client=user_client).pin_count == 0


def test_deleting_a_board_deletes_its_pins(user_client):
    board = Board.create(name=unique("Short-lived"), client=user_client)
    pins = [Pin.create(board_id=board.id, media_source=image_source(), client=user_client) for _ in range(2)]

    Board.delete(board.id, client=user_client)

    for pin in pins:
        with pytest.raises(NotFoundException):
            Pin(pin.id, client=user_client)
    assert Pin.get_all(client=user_client) == ([], None)


def test_pins_list_across_pages(user_client):
    first = Board.create(name=unique("First"), client=user_client)
    second = Board.create(name=unique("Second"), client=user_client)
    on_first = {Pin.create(board_id=first.id, media_source=image_source(), title=f"A{i}", client=user_client).id for i in range(3)}
    on_second = {Pin.create(board_id=second.id, media_source=image_source(), title=f"B{i}", client=user_client).id for i in range(2)}

    pages = walk_pages(Pin.get_all(page_size=2, client=user_client))
    assert [len(page) for page in pages] == [2, 2, 1]
    listed = [pin for page in pages for pin in page]
    assert sorted(pin.id for pin in listed) == sorted(on_first | on_second)
    assert all(pin.title and pin.board_id in (first.id, second.id) for pin in listed)

    board_pages = walk_pages(first.list_pins(page_size=2))
    assert [len(page) for page in board_pages] == [2, 1]
    assert {pin.id for page in board_pages for pin in page} == on_first
    assert all(pin.board_id == first.id for page in board_pages for pin in page)

    # The same lists as raw pages: every item must satisfy the SDK's Pin model.
    api = PinsApi(user_client)
    typed, bookmark = [], None
    while True:
        page = api.pins_list(page_size=2, **({"bookmark": bookmark} if bookmark else {}))
        typed += [as_model(user_client, item, PinModel) for item in page["items"]]
        bookmark = page["bookmark"]
        if bookmark is None:
            break
    assert {pin.id for pin in typed} == on_first | on_second


@pytest.mark.parametrize(
    ("media_source", "creative_type", "media_type"),
    [
        ({"source_type": "image_url", "url": "https://images.example/one.jpg"}, "REGULAR", "image"),
        ({"source_type": "image_base64", "content_type": "image/png", "data": PNG}, "REGULAR", "image"),
        (
            {
                "source_type": "multiple_image_urls",
                "items": [{"url": "https://images.example/1.jpg", "link": "https://shop.example/1"}, {"url": "https://images.example/2.jpg"}],
                "index": 0,
            },
            "CAROUSEL",
            "multiple_images",
        ),
        (
            {"source_type": "multiple_image_base64", "items": [{"content_type": "image/png", "data": PNG}] * 2},
            "CAROUSEL",
            "multiple_images",
        ),
        # The media_id is filled in with an upload registered through the SDK.
        ({"source_type": "video_id", "cover_image_url": "https://images.example/cover.jpg"}, "VIDEO", "video"),
    ],
    ids=lambda value: value["source_type"] if isinstance(value, dict) else None,
)
def test_pins_from_every_media_source_satisfy_the_sdk_pin_model(user_client, media_source, creative_type, media_type):
    board = Board.create(name=unique("Media"), client=user_client)
    if media_source["source_type"] == "video_id":
        media_source = {**media_source, "media_id": register_video(user_client)}
    pin = Pin.create(board_id=board.id, media_source=media_source, client=user_client)
    typed = PinsApi(user_client).pins_get(pin.id)  # deserialized and type-checked by the SDK
    assert isinstance(typed, PinModel)
    assert (typed.creative_type, pin.creative_type) == (creative_type, creative_type)
    assert pin.media["media_type"] == media_type
