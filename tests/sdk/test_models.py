"""Every shape the demo data produces (all privacies, sections, each creative type, saved
and promoted pins) passes the SDK's strict generated models."""

from __future__ import annotations

from openapi_generated.pinterest_client.api.boards_api import BoardsApi
from openapi_generated.pinterest_client.api.pins_api import PinsApi
from openapi_generated.pinterest_client.model.board import Board as BoardModel
from openapi_generated.pinterest_client.model.board_section import BoardSection as BoardSectionModel
from openapi_generated.pinterest_client.model.pin import Pin as PinModel

from tests.sdk.helpers import as_model


def _every_page(list_operation, *args, **params) -> list[dict]:
    items, bookmark = [], None
    for _ in range(100):
        page = list_operation(*args, page_size=250, **params, **({"bookmark": bookmark} if bookmark else {}))
        items += page["items"]
        bookmark = page["bookmark"]
        if bookmark is None:
            return items
    raise AssertionError("pagination did not end")


def test_demo_content_satisfies_the_sdk_models(demo, sdk_client):
    client = sdk_client(demo["access_token"])
    boards_api, pins_api = BoardsApi(client), PinsApi(client)

    boards = [as_model(client, item, BoardModel) for item in _every_page(boards_api.boards_list)]
    assert {board.privacy for board in boards} == {"PUBLIC", "PROTECTED", "SECRET"}
    assert any(board.media.pin_thumbnail_urls for board in boards)

    sections, pins = [], {}
    for board in boards:
        sections += [as_model(client, item, BoardSectionModel) for item in _every_page(boards_api.board_sections_list, board.id)]
        for item in _every_page(boards_api.boards_list_pins, board.id):
            pins[item["id"]] = as_model(client, item, PinModel)
    for item in _every_page(pins_api.pins_list, include_protected_pins=True) + _every_page(pins_api.pins_list, pin_type="PRIVATE"):
        pins[item["id"]] = as_model(client, item, PinModel)
    assert sections
    assert any(pin.board_section_id for pin in pins.values())
    assert any(pin.parent_pin_id for pin in pins.values())

    # One typed read (deserialized by the SDK itself) per creative type.
    by_type = {pin.creative_type: pin.id for pin in pins.values()}
    assert {"REGULAR", "VIDEO", "CAROUSEL"} <= set(by_type)
    for creative_type, pin_id in by_type.items():
        read = pins_api.pins_get(pin_id)
        assert isinstance(read, PinModel) and read.creative_type == creative_type
    for board in boards:
        assert boards_api.boards_get(board.id).to_dict() == board.to_dict()
