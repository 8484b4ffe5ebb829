"""Keyset pagination, declared once: every list endpoint pages through here."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pinsight.domain.bookmarks import fingerprint
from pinsight.services.runtime import Runtime

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 250


def paginate(
    rt: Runtime,
    list_identity: tuple,
    page_size: int,
    bookmark: str | None,
    fetch: Callable[[int | None, int], Sequence],
) -> tuple[Sequence, str | None]:
    """Fetch one page (newest first) and the bookmark of the next, None on the last page.

    ``fetch(before_id, limit)`` returns rows with an ``id`` below ``before_id``.
    """
    list_fingerprint = fingerprint(*list_identity)
    before_id = rt.bookmarks.decode(bookmark, list_fingerprint) if bookmark else None
    rows = fetch(before_id, page_size + 1)
    if len(rows) <= page_size:
        return rows, None
    rows = rows[:page_size]
    return rows, rt.bookmarks.encode(rows[-1]["id"], list_fingerprint)
