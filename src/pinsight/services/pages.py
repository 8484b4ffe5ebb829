"""Keyset pagination, declared once: every list endpoint pages through here."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pinsight.domain.bookmarks import fingerprint
from pinsight.services.identity.access import Actor
from pinsight.services.runtime import Runtime

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 250


def list_fingerprint(actor: Actor, identity: dict) -> str:
    """What a bookmark is bound to: the operation, its user and the values the operation's
    ``bookmark_keys`` (``catalog.operations``) name, which ``identity`` must give exactly."""
    operation = actor.operation
    keys = operation.bookmark_keys
    if keys is None or set(identity) != set(keys):
        raise TypeError(f"{operation.operation_id} lists are defined by {keys}, not by {sorted(identity)}")
    return fingerprint(operation.operation_id, actor.user_id, *(identity[key] for key in keys))


def paginate(
    rt: Runtime,
    actor: Actor,
    page_size: int,
    bookmark: str | None,
    fetch: Callable[[int | None, int], Sequence],
    **identity,
) -> tuple[Sequence, str | None]:
    """Fetch one page and the bookmark of the next, None on the last page.

    ``fetch(cursor_id, limit)`` returns the rows that come after the row ``cursor_id`` in
    the list's order (newest first: an ``id`` below it; a list in ascending id order, one
    that defines its order among ``identity``: above it); ``identity`` gives the values
    that define the list (``list_fingerprint``).
    """
    bound_to = list_fingerprint(actor, identity)
    before_id = rt.bookmarks.decode(bookmark, bound_to) if bookmark else None
    rows = fetch(before_id, page_size + 1)
    if len(rows) <= page_size:
        return rows, None
    rows = rows[:page_size]
    return rows, rt.bookmarks.encode(rows[-1]["id"], bound_to)
