from __future__ import annotations

from fastapi import APIRouter, Request

from pinsight.api.deps import DEFAULT_PAGE, Authorized, Bookmark, PageSize
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.services.content.media_requests import MediaUploadCreate
from pinsight.api.uploads import SINK_ROUTE
from pinsight.services.content import media

router = APIRouter(tags=["media"])


@route(router, "media/create", answers=models.MediaUploadRegistered)
async def register_media(request: Request, caller: Authorized, body: MediaUploadCreate):
    upload_url = str(request.url_for(SINK_ROUTE))
    return await caller.call(media.register_media, body, upload_url)


@route(router, "media/list", answers=models.MediaUploadList)
async def list_media(caller: Authorized, bookmark: Bookmark = None, page_size: PageSize = DEFAULT_PAGE):
    return await caller.call(media.list_media, bookmark, page_size)


@route(router, "media/get", answers=models.MediaUploadDetails)
async def get_media(caller: Authorized, media_id: str):
    return await caller.call(media.get_media, media_id)
