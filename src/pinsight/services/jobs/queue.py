"""Asking for a job and reading where it is: what the API's create and status calls use.

A job is stored queued (``store.jobs``) and a worker takes it from there; nothing here
waits for work. A finished job's link is made fresh at each status read: the object
store's own presigned URL, or a path on this server signed by ``domain.signed_links``.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from pinsight.domain import signed_links
from pinsight.domain.ids import new_id
from pinsight.domain.jobs import JobState
from pinsight.services.runtime import Runtime
from pinsight.store import jobs as store
from pinsight.store.jobs import Job

# Where this server serves job files (``api.files``); a link is this, the key and its signature.
FILES_PATH = "/api/v1/files"


def submit(rt: Runtime, *, kind: str, user_id: int, ad_account_id: int | None, params: dict,
           token: str | None = None, numeric_token: bool = False) -> Job:
    """Store a queued job; its token is ``token`` or a fresh random one, or with
    ``numeric_token`` the job's id in digits (for APIs whose ids are numeric, such as a
    bulk request's ``request_id``; whoever reads a job by its token checks that it is
    the caller's, as the bulk status checks its ad account)."""
    job_id = new_id()
    token = str(job_id) if numeric_token else token or secrets.token_urlsafe(24)
    with rt.write() as conn:
        store.insert_job(conn, job_id=job_id, token=token, kind=kind, user_id=user_id, ad_account_id=ad_account_id,
                         scope_id=ad_account_id if ad_account_id is not None else user_id,
                         params=json.dumps(params, sort_keys=True), created_at=rt.clock.now())
        return store.job_by_id(conn, job_id)


def find(rt: Runtime, token: str, kind: str) -> Job | None:
    with rt.engine.connect() as conn:
        return store.job_by_token(conn, token, kind)


@dataclass(frozen=True)
class Download:
    """Where a finished job's file can be fetched until ``expires`` (epoch seconds):
    ``url`` is absolute (an object store's) or a path on this server."""

    url: str
    size: int
    expires: int


def download(rt: Runtime, job: Job) -> Download | None:
    """A fresh link to a finished job's file; None for a job without one."""
    if job.state != JobState.FINISHED.value or job.file_key is None:
        return None
    ttl = rt.settings.link_ttl_seconds
    expires = int(rt.clock.timestamp()) + ttl
    url = rt.files.presigned_url(job.file_key, ttl)
    if url is None:
        query = urlencode(signed_links.sign(rt.link_secret, job.file_key, expires))
        url = f"{FILES_PATH}/{quote(job.file_key)}?{query}"
    return Download(url, job.file_size or 0, expires)


def open_download(rt: Runtime, key: str, expires: str | None, signature: str | None):
    """The chunks of the file a signed link names (``LinkRefused`` when the link is not
    good, FileNotFoundError when the file was deleted)."""
    signed_links.verify(rt.link_secret, key, expires, signature, rt.clock.timestamp())
    return rt.files.chunks(key)
