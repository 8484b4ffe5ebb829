from __future__ import annotations

from fastapi import APIRouter, Request

from pinsight.api.deps import DEFAULT_PAGE, Bookmark, PageSize, authorized
from pinsight.api.responses import JSON
from pinsight.api.schemas.media import MediaUploadCreate
from pinsight.api.uploads import SINK_ROUTE
from pinsight.services import media

router = APIRouter(prefix="/v5", tags=["media"])


@router.post("/media", operation_id="media/create", status_code=201)
async def register_media(request: Request, body: MediaUploadCreate, caller=authorized("media/create")):
    upload_url = str(request.url_for(SINK_ROUTE))
    return JSON(await caller.call(media.register_media, body, upload_url), status_code=201)


@router.get("/media", operation_id="media/list")
async def list_media(bookmark: Bookmark = None, page_size: PageSize = DEFAULT_PAGE, caller=authorized("media/list")):
    return JSON(await caller.call(media.list_media, bookmark, page_size))


@router.get("/media/{media_id}", operation_id="media/get")
async def get_media(media_id: str, caller=authorized("media/get")):
    return JSON(await caller.call(media.get_media, media_id))
