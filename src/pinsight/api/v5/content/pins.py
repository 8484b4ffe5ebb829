from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from pinsight.api.deps import DEFAULT_PAGE, AdAccountId, Authorized, Bookmark, PageSize
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.services.content.requests import PinCreate, PinSave, PinUpdate
from pinsight.api.v5.filters import CreativeTypes, one_of, parse_creative_types
from pinsight.services.content import pins

router = APIRouter(tags=["pins"])

PinFilter = one_of(tuple(pins.PIN_FILTERS))

# Routes that take ``ad_account_id`` declare it for its validation and documentation; the
# caller already acts through it (``api.deps.authorize_request``).


@route(router, "pins/list", answers=models.PinList)
async def list_pins(
    caller: Authorized,
    pin_filter: PinFilter | None = None,
    pin_metrics: bool = False,
    include_protected_pins: bool = False,
    pin_type: Literal["PRIVATE"] | None = None,
    creative_types: CreativeTypes = None,
    ad_account_id: AdAccountId = None,
    bookmark: Bookmark = None,
    page_size: PageSize = DEFAULT_PAGE,
):
    return await caller.call(
        pins.list_pins,
        pin_filter=pin_filter,
        include_protected_pins=include_protected_pins,
        pin_type=pin_type,
        creative_types=parse_creative_types(creative_types),
        bookmark=bookmark,
        page_size=page_size,
        pin_metrics=pin_metrics,
    )


@route(router, "pins/create", answers=models.Pin)
async def create_pin(caller: Authorized, body: PinCreate, ad_account_id: AdAccountId = None):
    return await caller.call(pins.create_pin, body)


@route(router, "pins/get", answers=models.Pin)
async def get_pin(caller: Authorized, pin_id: str, ad_account_id: AdAccountId = None, pin_metrics: bool = False):
    return await caller.call(pins.get_pin, pin_id, pin_metrics)


@route(router, "pins/update", answers=models.Pin)
async def update_pin(caller: Authorized, pin_id: str, body: PinUpdate, ad_account_id: AdAccountId = None):
    return await caller.call(pins.update_pin, pin_id, body)


@route(router, "pins/delete")
async def delete_pin(caller: Authorized, pin_id: str, ad_account_id: AdAccountId = None):
    await caller.call(pins.delete_pin, pin_id)


@route(router, "pins/save", answers=models.Pin)
async def save_pin(caller: Authorized, pin_id: str, body: PinSave, ad_account_id: AdAccountId = None):
    return await caller.call(pins.save_pin, pin_id, body)
