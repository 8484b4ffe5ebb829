"""Organic exports: a user's pins and their metrics over any period, as a file made by a
job (``POST /api/v1/exports``, ``GET /api/v1/exports/{export_id}``; pinsight's own API).

Asking checks the request (``domain.organic.export_request``) and queues a job; a worker
runs it (``write_export``, its kind ``KIND``, listed in ``services.jobs.registry``): it reads
the rows a page at a time (``export_batches``) and
writes them as they come (``export_writers``), telling the job its progress per batch.

Who sees what: an export is of the operation user's account (the token's user, or
through ``ad_account_id`` the ad account's owner, for the analytics roles), and covers
the pins the caller could read one by one (``access.readable_privacies``, as the top pins
lists: secret boards' pins only with ``pins:read_secret`` and, through an ad account, an
Owner or Admin role). It belongs to the one who asked: another user's export id is
unknown to them (404), and one made through an ad account is read through that same ad
account, so a role taken away since also takes the export away.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import BinaryIO

from pinsight.domain.jobs import JobState
from pinsight.domain.organic import export_request
from pinsight.domain.organic.export_request import ExportRequest
from pinsight.errors import ExportNotFound, InvalidParameters
from pinsight.services.identity.access import Actor, readable_privacies
from pinsight.services.jobs import queue
from pinsight.services.jobs.kinds import JobContext, JobKind
from pinsight.services.organic.export_batches import SCHEMAS, Source, batches
from pinsight.services.organic.export_writers import WRITERS
from pinsight.services.runtime import Runtime
from pinsight.store.jobs import Job
from pinsight.store.organic import exports as store

EXPORT_KIND = "organic_export"

# What a job in a state that has no file says about it, where its own message says nothing.
_STATE_MESSAGES = {
    JobState.CANCELLED.value: "The export was cancelled.",
    JobState.EXPIRED.value: "The export's file was deleted at the end of its retention: request a new export.",
}


def _instant(value: datetime | float | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromtimestamp(value, UTC)
    return value.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def describe(rt: Runtime, job: Job) -> dict:
    """An export's status as the API answers it; ``url`` is absolute or a path on this server."""
    params = json.loads(job.params)
    finished = job.state == JobState.FINISHED.value
    link = queue.download(rt, job)
    return {
        "id": job.token,
        "status": job.state,
        "dataset": params["dataset"],
        "format": params["format"],
        "start_date": params["start_date"],
        "end_date": params["end_date"],
        "ad_account_id": None if job.ad_account_id is None else str(job.ad_account_id),
        "created_at": _instant(job.created_at),
        "progress_rows": job.progress_rows,
        "rows": job.row_count if finished else None,
        "size": job.file_size if finished else None,
        "url": link.url if link else None,
        "url_expires_at": _instant(link.expires) if link else None,
        "expires_at": _instant(job.expires_at),
        "message": job.message or _STATE_MESSAGES.get(job.state),
    }


def create_export(rt: Runtime, actor: Actor, body: ExportRequest) -> dict:
    """Check the request and queue its job; every pin of ``pin_ids`` must be one the export
    would cover (the account's, readable by the caller, created by ``end_date``)."""
    request = export_request.parse(body, rt.clock.today())
    privacies = readable_privacies(actor)
    if request.pin_ids is not None:
        with rt.engine.connect() as conn:
            covered = set(store.covered_pins(conn, actor.user_id, privacies, request.end, request.pin_ids))
        missing = [pin_id for pin_id in request.pin_ids if pin_id not in covered]
        if missing:
            raise InvalidParameters(f"pin_ids: {missing[0]} is not a pin of this account that you may read, created "
                                    "on or before end_date.")
    job = queue.submit(rt, kind=EXPORT_KIND, user_id=actor.principal.user_id, ad_account_id=actor.ad_account_id,
                       params=request.as_job_params(actor.user_id, privacies))
    return describe(rt, job)


def get_export(rt: Runtime, actor: Actor, export_id: str) -> dict:
    job = queue.find(rt, export_id, EXPORT_KIND)
    if job is None or job.user_id != actor.principal.user_id or job.ad_account_id != actor.ad_account_id:
        raise ExportNotFound()
    return describe(rt, job)


def file_name(params: dict) -> str:
    return export_request.file_name(params)


def write_export(ctx: JobContext, sink: BinaryIO) -> int:
    """The job's work: the export's rows, written to ``sink`` as they are read."""
    request, owner_id, privacies = export_request.from_job_params(ctx.params)
    with ctx.rt.engine.connect() as conn:
        pin_ids = store.covered_pins(conn, owner_id, privacies, request.end, request.pin_ids)
    rows = batches(ctx.rt, Source(request.dataset, pin_ids, request.start, request.end))
    return WRITERS[request.format](rows, SCHEMAS[request.dataset], sink, ctx.progress)


KIND = JobKind(EXPORT_KIND, file_name, write_export)
