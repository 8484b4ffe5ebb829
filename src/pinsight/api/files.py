"""Where a job's file is downloaded (the ``url`` of a finished report, bulk request or
export, when files are kept on this server's disk; on an object store the link is the
store's own presigned URL).

Like a presigned URL it needs no token: the link's signature and expiry are its
permission (``domain.signed_links``), so a client can hand it to any HTTP tool. A link
that was altered or has expired answers 403 ``{code, message}``; a file deleted after its
retention, 404. The file is streamed a chunk at a time from a worker thread.
"""

from __future__ import annotations

import mimetypes
import posixpath

from fastapi import APIRouter, Request
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.responses import StreamingResponse

from pinsight.errors import NotFound
from pinsight.services.jobs import queue

FILES_ROUTE = "job_file_download"

router = APIRouter(include_in_schema=False)


def absolute_link(request: Request, url: str | None) -> str | None:
    """A job file's link as a client can fetch it: a path on this server (a file on its
    disk) gets the base URL the request reached the server by; an object store's is whole."""
    if url is None or not url.startswith("/"):
        return url
    return str(request.base_url).rstrip("/") + url


@router.get(queue.FILES_PATH + "/{key:path}", name=FILES_ROUTE)
async def download_file(request: Request, key: str):
    runtime = request.app.state.runtime
    params = request.query_params
    try:
        chunks = await run_in_threadpool(queue.open_download, runtime, key, params.get("expires"),
                                         params.get("signature"))
    except FileNotFoundError:
        raise NotFound("This file no longer exists: it was deleted when its job expired.") from None
    name = posixpath.basename(key)
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.endswith(".gz"):
        media_type = "application/gzip"
    return StreamingResponse(iterate_in_threadpool(chunks), media_type=media_type,
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})
