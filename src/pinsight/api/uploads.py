"""Where clients send the media they registered with POST /v5/media (its ``upload_url``).

Pinterest answers with the address of its storage and form fields to post with the file;
pinsight hosts no media, so it answers with this sink, which reads the upload to the end
and discards it (204, as that storage answers). It needs no token, as the storage needs
none; it keeps nothing, so there is nothing to protect.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from pinsight.errors import PayloadTooLarge, UnsupportedMediaType

SINK_PATH = "/api/v1/media_uploads"
SINK_ROUTE = "media_upload_sink"
# Pinterest's largest video. The sink holds no more than one chunk at a time, so it is
# exempt from PINSIGHT_MAX_BODY_BYTES.
MAX_UPLOAD_BYTES = 2 * 1024**3

router = APIRouter(include_in_schema=False)


@router.post(SINK_PATH, name=SINK_ROUTE)
async def media_upload_sink(request: Request):
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise UnsupportedMediaType("Send the upload as multipart/form-data: the upload_parameters fields and the file.")
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > MAX_UPLOAD_BYTES:
            raise PayloadTooLarge("A media upload may be at most 2 GiB.")
    return Response(status_code=204)
