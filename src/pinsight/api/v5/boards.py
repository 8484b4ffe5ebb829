from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from pinsight.api.deps import DEFAULT_PAGE, AdAccountId, Bookmark, PageSize, authorized
from pinsight.api.responses import JSON, no_content
from pinsight.api.schemas.content import BoardCreate, BoardUpdate
from pinsight.api.v5.filters import CreativeTypes, parse_creative_types
from pinsight.services import boards, pins

router = APIRouter(prefix="/v5", tags=["boards"])

PrivacyFilter = Literal["ALL", "PUBLIC", "PROTECTED", "SECRET", "PUBLIC_AND_SECRET"]


@router.get("/boards", operation_id="boards/list")
async def list_boards(
    ad_account_id: AdAccountId = None,
    privacy: PrivacyFilter | None = None,
    bookmark: Bookmark = None,
    page_size: PageSize = DEFAULT_PAGE,
    caller=authorized("boards/list"),
):
    return JSON(await caller.call(boards.list_boards, ad_account_id, privacy, bookmark, page_size))


@router.post("/boards", operation_id="boards/create", status_code=201)
async def create_board(body: BoardCreate, ad_account_id: AdAccountId = None, caller=authorized("boards/create")):
    return JSON(await caller.call(boards.create_board, body, ad_account_id), status_code=201)


@router.get("/boards/{board_id}", operation_id="boards/get")
async def get_board(board_id: str, ad_account_id: AdAccountId = None, caller=authorized("boards/get")):
    return JSON(await caller.call(boards.get_board, board_id, ad_account_id))


@router.patch("/boards/{board_id}", operation_id="boards/update")
async def update_board(
    board_id: str, body: BoardUpdate, ad_account_id: AdAccountId = None, caller=authorized("boards/update")
):
    return JSON(await caller.call(boards.update_board, board_id, body, ad_account_id))


@router.delete("/boards/{board_id}", operation_id="boards/delete", status_code=204)
async def delete_board(board_id: str, ad_account_id: AdAccountId = None, caller=authorized("boards/delete")):
    await caller.call(boards.delete_board, board_id, ad_account_id)
    return no_content()


@router.get("/boards/{board_id}/pins", operation_id="boards/list_pins")
async def list_board_pins(
    board_id: str,
    bookmark: Bookmark = None,
    page_size: PageSize = DEFAULT_PAGE,
    creative_types: CreativeTypes = None,
    ad_account_id: AdAccountId = None,
    pin_metrics: bool = False,
    caller=authorized("boards/list_pins"),
):
    types = parse_creative_types(creative_types)
    return JSON(await caller.call(pins.list_board_pins, board_id, ad_account_id, types, bookmark, page_size, pin_metrics))
