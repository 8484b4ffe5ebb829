from __future__ import annotations

from fastapi import APIRouter

from pinsight.api.deps import DEFAULT_PAGE, AdAccountId, Authorized, Bookmark, PageSize
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.api import openapi
from pinsight.services.content.requests import SectionBody
from pinsight.services.content import sections

router = APIRouter(tags=["board_sections"])

SECTION_NAME_TAKEN = "The board already has a section of this name, or a concurrent change conflicted; retry."


@route(router, "board_sections/list", answers=models.BoardSectionList)
async def list_sections(
    caller: Authorized,
    board_id: str,
    ad_account_id: AdAccountId = None,
    bookmark: Bookmark = None,
    page_size: PageSize = DEFAULT_PAGE,
):
    return await caller.call(sections.list_sections, board_id, bookmark, page_size)


@route(router, "board_sections/create", answers=models.BoardSection, openapi_extra=openapi.described({409: SECTION_NAME_TAKEN}))
async def create_section(caller: Authorized, board_id: str, body: SectionBody, ad_account_id: AdAccountId = None):
    return await caller.call(sections.create_section, board_id, body)


@route(router, "board_sections/update", answers=models.BoardSection, openapi_extra=openapi.described({409: SECTION_NAME_TAKEN}))
async def update_section(
    caller: Authorized, board_id: str, section_id: str, body: SectionBody, ad_account_id: AdAccountId = None
):
    return await caller.call(sections.update_section, board_id, section_id, body)


@route(router, "board_sections/delete")
async def delete_section(caller: Authorized, board_id: str, section_id: str, ad_account_id: AdAccountId = None):
    await caller.call(sections.delete_section, board_id, section_id)


@route(router, "board_sections/list_pins", answers=models.PinList)
async def list_section_pins(
    caller: Authorized,
    board_id: str,
    section_id: str,
    ad_account_id: AdAccountId = None,
    bookmark: Bookmark = None,
    page_size: PageSize = DEFAULT_PAGE,
):
    return await caller.call(sections.list_section_pins, board_id, section_id, bookmark, page_size)
