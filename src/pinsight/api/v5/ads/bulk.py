"""Bulk downloads of the ad account the path names (``services.ads.bulk_download``).

The body is read as any JSON object and checked by the service, so a client reads one
400 naming the field that is wrong. A finished download's ``result_url`` is made whole
here: a link to a file this server keeps is a path, completed with the request's own
base URL (the address the client reached this server by).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request

from pinsight.api.deps import Authorized
from pinsight.api.files import absolute_link
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.services.ads import bulk_download

router = APIRouter(tags=["bulk"])

DownloadRequest = Annotated[dict[str, Any], Body()]


@route(router, "bulk_download/create", answers=models.BulkDownloadAnswer)
async def create_bulk_download(caller: Authorized, ad_account_id: str, body: DownloadRequest):
    return await caller.call(bulk_download.create_download, body)


@route(router, "bulk_request/get", answers=models.BulkRequestStatus)
async def get_bulk_request(caller: Authorized, request: Request, ad_account_id: str, bulk_request_id: str,
                           include_details: bool = False):
    found = await caller.call(bulk_download.request_status, bulk_request_id, include_details)
    if found.result_url is None:
        return {"status": found.status}
    return {"status": found.status, "result_url": absolute_link(request, found.result_url)}
