"""Bulk downloads of an ad account's entities (``bulk_download/create``,
``bulk_request/get``) as background jobs (``services.jobs``).

A request is checked whole when it is made (``domain.ads.bulk_request``: a bad one is a
400 and no job) and stored as a queued job whose parameters hold the request and the
time it was made, so the file says what the account held as of then: the campaigns'
summary statuses, and the ``campaign_status`` filter, are those of that moment, whichever
worker writes it and however late. Its ``request_id`` is the job's id, in digits.

The status reads the job of the path's ad account by that id: RUNNING while it is
queued or written, SUCCEEDED with a fresh ``result_url`` once the file is complete,
FAILED when it failed, was cancelled or its file expired (``domain.jobs.BULK_STATUS``).
An id that names no bulk request of the account is a 404, whether it names none at all
or another account's: a bulk request is only known under its own account.

The file (``services.ads.bulk_files``) is written by the worker a page of
``PAGE_ROWS`` entities at a time, each page read, rendered as the list operations render
it, and written before the next is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from pinsight.domain.ads import bulk_request
from pinsight.domain.ads.bulk_request import BulkDownload
from pinsight.domain.jobs import BULK_STATUS, JobState
from pinsight.errors import BulkRequestNotFound
from pinsight.services.ads import ad_groups, ads, campaigns
from pinsight.services.ads.batches import seconds
from pinsight.services.ads.bulk_files import ARCHIVE_NAME, Archive
from pinsight.services.identity.access import Actor, parse_id
from pinsight.services.jobs import queue
from pinsight.services.jobs.kinds import JobContext, JobKind
from pinsight.services.runtime import Runtime
from pinsight.store.ads import bulk as store

DOWNLOAD_KIND = "bulk_download"
# Entities read, rendered and written at a time.
PAGE_ROWS = 1000


def create_download(rt: Runtime, actor: Actor, body) -> dict:
    """Queue the download the body asks for; its ``request_id``."""
    request = bulk_request.parse(body)
    params = {"request": request.to_params(), "requested_at": seconds(rt.clock.now())}
    job = queue.submit(rt, kind=DOWNLOAD_KIND, user_id=actor.principal.user_id, ad_account_id=actor.ad_account_id,
                       params=params, numeric_token=True)
    return {"request_id": job.token}


@dataclass(frozen=True)
class RequestStatus:
    """A bulk request's status, and where its file is once it SUCCEEDED: ``result_url`` is
    absolute (an object store's) or a path on this server, for the API to complete."""

    status: str
    result_url: str | None


def request_status(rt: Runtime, actor: Actor, bulk_request_id: str, include_details: bool = False) -> RequestStatus:
    """``include_details`` asks for an upsert's per-entity errors; a download has none, so
    it changes nothing (the answer has the same two fields)."""
    job_id = parse_id(bulk_request_id, "Bulk request", BulkRequestNotFound)
    job = queue.find(rt, str(job_id), DOWNLOAD_KIND)
    if job is None or job.ad_account_id != actor.ad_account_id:
        raise BulkRequestNotFound()
    status = BULK_STATUS[JobState(job.state)]
    link = queue.download(rt, job) if status == "SUCCEEDED" else None
    return RequestStatus(status, None if link is None else link.url)


# --- the job -----------------------------------------------------------------------------------

# Per stored type: its page read (``store.ads.bulk``) and how a row is answered, at a time.
_Reader = Callable[..., list]
_READERS: dict[str, tuple[_Reader, Callable[[dict, int], dict]]] = {
    "CAMPAIGN": (store.campaigns_page, campaigns.render),
    "AD_GROUP": (store.ad_groups_page, ad_groups.render_row),
    "AD": (store.ads_page, lambda row, _at: ads.render_row(row)),
}


def _pages(ctx: JobContext, entity_type: str, request: BulkDownload, at: int) -> Iterator[list[dict]]:
    """The selected entities of one type, rendered, a page at a time (none for a type
    pinsight does not store)."""
    if entity_type not in _READERS:
        return
    read, render = _READERS[entity_type]
    account_id = ctx.job.ad_account_id
    after = None
    while True:
        # A database that refuses for now stops the job; the worker leaves it to be run again.
        with ctx.rt.engine.connect() as conn:
            rows = read(conn, account_id, request, at, after, PAGE_ROWS)
        if not rows:
            return
        yield [render(row, at) for row in rows]
        if len(rows) < PAGE_ROWS:
            return
        after = rows[-1]["id"]


def write_download(ctx: JobContext, sink: BinaryIO) -> int:
    """The job's file: the archive of ``services.ads.bulk_files``; the number of entities."""
    request = BulkDownload.from_params(ctx.params["request"])
    at = ctx.params["requested_at"]
    written = 0
    with Archive(sink, request.output_format) as archive:
        for entity_type in request.entity_types:
            with archive.member(entity_type) as member:
                for entities in _pages(ctx, entity_type, request, at):
                    member.write(entities)
                    written += len(entities)
                    ctx.progress(len(entities))
    return written


def file_name(_params: dict) -> str:
    return ARCHIVE_NAME


KIND = JobKind(DOWNLOAD_KIND, file_name, write_download)
