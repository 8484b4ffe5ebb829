"""Media uploads: registered with POST /v5/media, read back with GET /v5/media[/{id}], and
named by a video pin's ``media_source`` (``video_id``).

pinsight hosts no media and processes none, so it keeps an upload's metadata only and
an upload is ``succeeded`` as soon as it is registered: a client polling for the status
sees it at once. Its ``upload_url`` is pinsight's own sink (``api/uploads.py``), which
takes the upload a client sends there, as it would to Pinterest's storage, and discards
the bytes. An upload belongs to the user who registered it: to anyone else it does not exist.
"""

from __future__ import annotations

from collections.abc import Collection

from pinsight.services.content.media_requests import MediaUploadCreate
from pinsight.domain.ids import new_id
from pinsight.errors import InvalidParameters, MediaNotFound
from pinsight.services.identity.access import Actor, parse_id
from pinsight.services.pages import paginate
from pinsight.services.runtime import Runtime
from pinsight.store.content import media as store

# The spec's upload statuses; pinsight processes nothing, so it only ever stores "succeeded".
STATUSES = ("registered", "processing", "succeeded", "failed")
SUCCEEDED = "succeeded"


def _render(row) -> dict:
    return {"media_id": str(row["id"]), "media_type": row["media_type"], "status": row["status"]}


def register_media(rt: Runtime, actor: Actor, body: MediaUploadCreate, upload_url: str) -> dict:
    media_id = new_id()
    with rt.write() as conn:
        store.insert_media(
            conn, id=media_id, owner_id=actor.user_id, media_type=body.media_type, status=SUCCEEDED,
            created_at=rt.clock.now(),
        )
    return {
        "media_id": str(media_id),
        "media_type": body.media_type,
        "upload_url": upload_url,
        # The form fields to send with the file, as for Pinterest's storage; the sink ignores them.
        "upload_parameters": {"key": f"uploads/{media_id}", "Content-Type": "multipart/form-data"},
    }


def get_media(rt: Runtime, actor: Actor, media_id: str) -> dict:
    with rt.engine.connect() as conn:
        row = store.get_media(conn, parse_id(media_id, "Media upload", MediaNotFound))
    if row is None or row["owner_id"] != actor.user_id:
        raise MediaNotFound()
    return _render(row)


def list_media(rt: Runtime, actor: Actor, bookmark: str | None, page_size: int) -> dict:
    with rt.engine.connect() as conn:
        rows, next_bookmark = paginate(
            rt,
            actor,
            page_size,
            bookmark,
            lambda before, limit: store.list_media(conn, actor.user_id, before, limit),
        )
    return {"items": [_render(row) for row in rows], "bookmark": next_bookmark}


def check_usable(conn, media_id: str, owner_ids: Collection[int]) -> None:
    """A pin may show an upload of its creator's (the token's user, or the ad account owner
    it acts for) that has succeeded; any other id is a 400, as bad input in the pin's body."""
    try:
        row = store.get_media(conn, parse_id(media_id, "Media upload", MediaNotFound))
    except MediaNotFound:
        row = None
    if row is None or row["owner_id"] not in owner_ids:
        raise InvalidParameters(
            "Invalid parameters: 'media_source.media_id' is not one of your media uploads: register one with POST /v5/media."
        )
    if row["status"] != SUCCEEDED:
        raise InvalidParameters(f"Invalid parameters: media upload {media_id} has not succeeded (status {row['status']}).")
