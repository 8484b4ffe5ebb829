from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from pinsight.api.deps import DEFAULT_PAGE, AdAccountId, Bookmark, PageSize, authorized
from pinsight.api.responses import JSON, no_content
from pinsight.api.schemas.content import PinCreate, PinSave, PinUpdate
from pinsight.api.v5.filters import CreativeTypes, parse_creative_types
from pinsight.services import pins

router = APIRouter(prefix="/v5", tags=["pins"])


@router.get("/pins", operation_id="pins/list")
async def list_pins(
    pin_filter: Literal["exclude_native", "exclude_repins", "has_been_promoted"] | None = None,
    pin_metrics: bool = False,
    include_protected_pins: bool = False,
    pin_type: Literal["PRIVATE"] | None = None,
    creative_types: CreativeTypes = None,
    ad_account_id: AdAccountId = None,
    bookmark: Bookmark = None,
    page_size: PageSize = DEFAULT_PAGE,
    caller=authorized("pins/list"),
):
    return JSON(
        await caller.call(
            pins.list_pins,
            ad_account_id=ad_account_id,
            pin_filter=pin_filter,
            include_protected_pins=include_protected_pins,
            pin_type=pin_type,
            creative_types=parse_creative_types(creative_types),
            bookmark=bookmark,
            page_size=page_size,
            pin_metrics=pin_metrics,
        )
    )


@router.post("/pins", operation_id="pins/create", status_code=201)
async def create_pin(body: PinCreate, ad_account_id: AdAccountId = None, caller=authorized("pins/create")):
    return JSON(await caller.call(pins.create_pin, body, ad_account_id), status_code=201)


@router.get("/pins/{pin_id}", operation_id="pins/get")
async def get_pin(
    pin_id: str, ad_account_id: AdAccountId = None, pin_metrics: bool = False, caller=authorized("pins/get")
):
    return JSON(await caller.call(pins.get_pin, pin_id, ad_account_id, pin_metrics))


@router.patch("/pins/{pin_id}", operation_id="pins/update")
async def update_pin(pin_id: str, body: PinUpdate, ad_account_id: AdAccountId = None, caller=authorized("pins/update")):
    return JSON(await caller.call(pins.update_pin, pin_id, body, ad_account_id))


@router.delete("/pins/{pin_id}", operation_id="pins/delete", status_code=204)
async def delete_pin(pin_id: str, ad_account_id: AdAccountId = None, caller=authorized("pins/delete")):
    await caller.call(pins.delete_pin, pin_id, ad_account_id)
    return no_content()


@router.post("/pins/{pin_id}/save", operation_id="pins/save", status_code=201)
async def save_pin(pin_id: str, body: PinSave, ad_account_id: AdAccountId = None, caller=authorized("pins/save")):
    return JSON(await caller.call(pins.save_pin, pin_id, body, ad_account_id), status_code=201)
