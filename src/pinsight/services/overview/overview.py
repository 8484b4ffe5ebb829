"""The overview API: ``/api/pinterest/overview`` and ``/api/pinterest/posts``.

Both compare a period with the one before it (``domain.overview.overview_period``) for one
Pinterest account (``social_network_id``: the key holder's own account, or one whose ad
account gives them an analytics role), from the same stored data as the v5 analytics.
Metrics are declared in ``catalog.overview``.

* ``posts`` counts the pins created in the period; the other metrics sum stored metrics
  over the period's instants (local midnights in the requested time zone).
* ``post_performance`` ranks the period's posts by their metrics over the period: three
  per list, ties to the older post (smaller id) whichever way the list runs.
* ``/posts`` lists the period's posts, newest first, ``per_page`` (1 to 100, default 25)
  at a time from ``page`` 1; its ``pagination`` block says whether more follow.
* Answers are cached (``services.overview.cache``).

Each request: the key's user (401), the account they ask for as they may read it (404),
the query (``domain.overview.overview_query``: period and page, 422), then the cache or a run in
the store (``store.overview.overview.run_overview`` / ``run_posts``) shaped by
``services.overview.shapes``.

Who sees what (``Reader``): the key's user reads their own account whole, and another
account through a Business Access role on one of its ad accounts (Owner, Admin or Analyst,
as for the v5 account analytics). Account totals (every metric, ``posts`` included) are
account analytics and stay whole for every reader. Per-post details (ids, text, links,
media, rankings) follow the v5 pin reads (``access.readable_privacies``, a key reading as
a token with every read scope): the owner and Owner or Admin roles see every post,
Analysts those on public and protected boards. A post the reader may not see is left out
of ``post_performance`` and of ``/posts`` altogether (never shown without its details:
its rank and figures would still tell of it), so ``pagination.total`` counts the posts
the reader may see while ``stats`` counts them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from pinsight.catalog.operations import Operation
from pinsight.catalog.roles import BOARD_PRIVACIES
from pinsight.domain.overview.overview_query import OVERVIEW, POSTS, OverviewParams, OverviewQuery, parse_account_id, parse_overview_query
from pinsight.errors import AccountNotFound
from pinsight.services.overview import shapes
from pinsight.services.identity.access import key_reader, readable_privacies
from pinsight.services.identity.api_keys import user_for_api_key
from pinsight.services.runtime import Runtime
from pinsight.store.overview import overview as store

__all__ = ["AccountNotFound", "Reader", "overview", "posts"]


@dataclass(frozen=True)
class Reader:
    """An account as one API key's user reads it: whose it is, and the privacies of the
    boards whose posts they may see in detail."""

    owner_id: int
    privacies: tuple[str, ...]


def _reader(conn, operation: Operation, user_id: int, social_network_id: str | None) -> Reader:
    owner_id = parse_account_id(social_network_id)
    if not store.account_exists(conn, owner_id):
        raise AccountNotFound()
    roles = frozenset() if owner_id == user_id else store.roles_on_accounts_of(conn, owner_id, user_id)
    actor = key_reader(operation, user_id, owner_id, roles)
    if actor is None:
        raise AccountNotFound()
    return Reader(owner_id, readable_privacies(actor))


def still_readable(conn, reader: Reader, answer: dict) -> bool:
    """Whether every post a cached answer details is still one the reader may see.

    Making a board secret or moving a pin to a secret board writes no metrics, so the
    change log does not drop the answers that show it: this check does.
    """
    if reader.privacies == BOARD_PRIVACIES:
        return True
    if "posts" in answer:
        ids = [int(post["id"]) for post in answer["posts"]]
    else:
        ids = [int(post["id"]) for posts in answer["post_performance"].values() for post in posts]
    current = store.board_privacies(conn, ids)
    return all(current.get(pin_id) in reader.privacies for pin_id in ids)


def _overview(conn, reader: Reader, query: OverviewQuery) -> dict:
    rows = store.run_overview(conn, query, reader.privacies)
    chosen = shapes.rank_posts(rows.shown, rows.post_totals)
    details = store.pin_details(conn, shapes.ranked_ids(chosen))
    return shapes.overview(rows, chosen, details)


def _posts(conn, reader: Reader, query: OverviewQuery) -> dict:
    return shapes.posts(query, store.run_posts(conn, query, reader.privacies))


def _answer(rt: Runtime, operation: Operation, kind: str, params: OverviewParams, compute: Callable[..., dict]) -> dict:
    with rt.engine.connect() as conn:
        user_id = user_for_api_key(conn, params.api_key)
        reader = _reader(conn, operation, user_id, params.social_network_id)
        query = parse_overview_query(kind, reader.owner_id, params, rt.clock.now())
        # The reader (account and what the user's role lets them see) is part of the key,
        # so a changed role never serves an answer computed for the old one. The change log
        # records UTC days and the periods are local days: a day more on each side.
        key = (user_id, reader, query)
        days = (query.period.previous().first - timedelta(days=1), query.period.last + timedelta(days=1))
        return rt.overview_cache.answer(
            rt, conn, key, reader.owner_id, days,
            compute=lambda connection: compute(connection, reader, query),
            still_valid=lambda connection, value: still_readable(connection, reader, value),
        )


def overview(rt: Runtime, operation: Operation, params: OverviewParams) -> dict:
    return _answer(rt, operation, OVERVIEW, params, _overview)


def posts(rt: Runtime, operation: Operation, params: OverviewParams) -> dict:
    return _answer(rt, operation, POSTS, params, _posts)
