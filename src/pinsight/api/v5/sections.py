from __future__ import annotations

from fastapi import APIRouter

from pinsight.api.deps import DEFAULT_PAGE, AdAccountId, Bookmark, PageSize, authorized
from pinsight.api.responses import JSON, no_content
from pinsight.api.schemas.content import SectionBody
from pinsight.services import sections

router = APIRouter(prefix="/v5", tags=["board_sections"])


@router.get("/boards/{board_id}/sections", operation_id="board_sections/list")
async def list_sections(
    board_id: str,
    ad_account_id: AdAccountId = None,
    bookmark: Bookmark = None,
    page_size: PageSize = DEFAULT_PAGE,
    caller=authorized("board_sections/list"),
):
    return JSON(await caller.call(sections.list_sections, board_id, ad_account_id, bookmark, page_size))


@router.post("/boards/{board_id}/sections", operation_id="board_sections/create", status_code=201)
async def create_section(
    board_id: str, body: SectionBody, ad_account_id: AdAccountId = None, caller=authorized("board_sections/create")
):
    return JSON(await caller.call(sections.create_section, board_id, body, ad_account_id), status_code=201)


@router.patch("/boards/{board_id}/sections/{section_id}", operation_id="board_sections/update")
async def update_section(
    board_id: str,
    section_id: str,
    body: SectionBody,
    ad_account_id: AdAccountId = None,
    caller=authorized("board_sections/update"),
):
    return JSON(await caller.call(sections.update_section, board_id, section_id, body, ad_account_id))


@router.delete("/boards/{board_id}/sections/{section_id}", operation_id="board_sections/delete", status_code=204)
async def delete_section(
    board_id: str, section_id: str, ad_account_id: AdAccountId = None, caller=authorized("board_sections/delete")
):
    await caller.call(sections.delete_section, board_id, section_id, ad_account_id)
    return no_content()


@router.get("/boards/{board_id}/sections/{section_id}/pins", operation_id="board_sections/list_pins")
async def list_section_pins(
    board_id: str,
    section_id: str,
    ad_account_id: AdAccountId = None,
    bookmark: Bookmark = None,
    page_size: PageSize = DEFAULT_PAGE,
    caller=authorized("board_sections/list_pins"),
):
    return JSON(await caller.call(sections.list_section_pins, board_id, section_id, ad_account_id, bookmark, page_size))
