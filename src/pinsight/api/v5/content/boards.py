from __future__ import annotations

from fastapi import APIRouter

from pinsight.api.deps import DEFAULT_PAGE, AdAccountId, Authorized, Bookmark, PageSize
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.services.content.requests import BoardCreate, BoardUpdate
from pinsight.api.v5.filters import CreativeTypes, one_of, parse_creative_types
from pinsight.catalog.roles import PRIVACY_FILTERS
from pinsight.services.content import boards
from pinsight.services.content import pins

router = APIRouter(tags=["boards"])

PrivacyFilter = one_of(tuple(PRIVACY_FILTERS))


@route(router, "boards/list", answers=models.BoardList)
async def list_boards(
    caller: Authorized,
    ad_account_id: AdAccountId = None,
    privacy: PrivacyFilter | None = None,
    bookmark: Bookmark = None,
    page_size: PageSize = DEFAULT_PAGE,
):
    return await caller.call(boards.list_boards, privacy, bookmark, page_size)


@route(router, "boards/create", answers=models.Board)
async def create_board(caller: Authorized, body: BoardCreate, ad_account_id: AdAccountId = None):
    return await caller.call(boards.create_board, body)


@route(router, "boards/get", answers=models.Board)
async def get_board(caller: Authorized, board_id: str, ad_account_id: AdAccountId = None):
    return await caller.call(boards.get_board, board_id)


@route(router, "boards/update", answers=models.Board)
async def update_board(caller: Authorized, board_id: str, body: BoardUpdate, ad_account_id: AdAccountId = None):
    return await caller.call(boards.update_board, board_id, body)


@route(router, "boards/delete")
async def delete_board(caller: Authorized, board_id: str, ad_account_id: AdAccountId = None):
    await caller.call(boards.delete_board, board_id)


@route(router, "boards/list_pins", answers=models.PinList)
async def list_board_pins(
    caller: Authorized,
    board_id: str,
    bookmark: Bookmark = None,
    page_size: PageSize = DEFAULT_PAGE,
    creative_types: CreativeTypes = None,
    ad_account_id: AdAccountId = None,
    pin_metrics: bool = False,
):
    types = parse_creative_types(creative_types)
    return await caller.call(pins.list_board_pins, board_id, types, bookmark, page_size, pin_metrics)
