"""The overview API: ``/api/pinterest/overview`` and ``/api/pinterest/posts``.

Both compare a period with the one before it (``domain.overview_period``) for one
Pinterest account (``social_network_id``: the key holder's own account, or one whose ad
account gives them an analytics role), from the same stored data as the v5 analytics.
Metrics are declared in ``catalog.overview``.

* ``posts`` counts the pins created in the period; the other metrics sum stored metrics
  over the period's instants (local midnights in the requested time zone).
* ``post_performance`` ranks the period's posts by their metrics over the period: three
  per list, ties to the older post (smaller id) whichever way the list runs.
* ``/posts`` lists the period's posts, newest first, ``per_page`` (1 to 100, default 25)
  at a time from ``page`` 1; its ``pagination`` block says whether more follow.
* Answers are cached (``services.overview_cache``).

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

import json
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import select

from pinsight.catalog.metrics import evaluator
from pinsight.catalog.overview import (
    OVERVIEW_METRICS,
    POST_COLUMNS,
    POST_PERFORMANCE,
    POST_STATS,
    POSTS_PER_RANKING,
    value_of,
)
from pinsight.catalog.operations import Operation
from pinsight.catalog.roles import BOARD_PRIVACIES
from pinsight.domain.media import thumbnail_url
from pinsight.domain.overview_period import InvalidPeriod, LocalPeriod, parse_period, percentage_change
from pinsight.services.access import key_reader, readable_privacies
from pinsight.services.runtime import Runtime
from pinsight.store import overview as store
from pinsight.store.tables import users

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100


class AccountNotFound(Exception):
    """The social network id names no account this key may read (answered 404)."""


@dataclass(frozen=True)
class Reader:
    """An account as one API key's user reads it: whose it is, and the privacies of the
    boards whose posts they may see in detail."""

    owner_id: int
    privacies: tuple[str, ...]


def _reader(conn, operation: Operation, user_id: int, social_network_id: str | None) -> Reader:
    text = social_network_id or ""
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        raise AccountNotFound()
    owner_id = int(text)
    if not store.account_exists(conn, owner_id):
        raise AccountNotFound()
    roles = frozenset() if owner_id == user_id else store.roles_on_accounts_of(conn, owner_id, user_id)
    actor = key_reader(operation, user_id, owner_id, roles)
    if actor is None:
        raise AccountNotFound()
    return Reader(owner_id, readable_privacies(actor))


def _shown(reader: Reader, created: list[tuple[int, str]]) -> list[int]:
    """The ids of the posts the reader may see, in the given order."""
    return [pin_id for pin_id, privacy in created if privacy in reader.privacies]


def still_readable(conn, reader: Reader, answer: dict) -> bool:
    """Whether every post a cached answer details is still one the reader may see.

    Making a board secret or moving a pin to a secret board writes no metrics, so the
    change log does not drop the answers that show it: this check does.
    """
    if reader.privacies == BOARD_PRIVACIES:
        return True
    data = answer["data"]
    if "posts" in data:
        ids = [int(post["id"]) for post in data["posts"]]
    else:
        ids = [int(post["id"]) for posts in data["post_performance"].values() for post in posts]
    current = store.board_privacies(conn, ids)
    return all(current.get(pin_id) in reader.privacies for pin_id in ids)


def _comparison(metric, current: int, last: int) -> dict:
    return {
        "key": metric.key,
        "name": metric.name,
        "value_current_period": current,
        "value_last_period": last,
        "percentage_change": percentage_change(current, last),
        "description": metric.description,
    }


def _metrics(conn, owner_id: int, period: LocalPeriod, current_posts: int) -> list[dict]:
    current_window, last_window = period.window(), period.previous().window()
    current = store.account_totals(conn, owner_id, *current_window)
    last = store.account_totals(conn, owner_id, *last_window)
    last_posts = store.count_pins_created(conn, owner_id, *last_window)
    rows = []
    for metric in OVERVIEW_METRICS:
        if not metric.parts:
            rows.append(_comparison(metric, current_posts, last_posts))
        else:
            rows.append(_comparison(metric, value_of(metric, current), value_of(metric, last)))
    return rows


def _media(pin) -> tuple[str, str, str | None]:
    """(format, media_type, media URL) of a pin."""
    media = json.loads(pin["media"]) if pin["media"] else {}
    kind = pin["creative_type"]
    if kind in ("VIDEO", "MAX_VIDEO"):
        fmt, media_type = "video", "VIDEO"
    elif kind == "CAROUSEL":
        fmt, media_type = "carousel", "CAROUSEL"
    else:
        fmt, media_type = "image", "IMAGE"
    url = media.get("cover_image_url")
    if url is None:
        images = media.get("images") or ((media.get("items") or [{}])[0].get("images") or {})
        url = (images.get("1200x") or {}).get("url") or thumbnail_url(media)
    return fmt, media_type, url


def _text(pin) -> str:
    return pin["title"] or pin["description"] or ""


def _permalink(pin_id: int) -> str:
    return f"https://www.pinterest.com/pin/{pin_id}/"


def _performance(conn, post_ids: list[int], totals: dict[int, list[int]]) -> dict:
    compute = evaluator(sorted({ranking.metric for ranking in POST_PERFORMANCE}), POST_COLUMNS)
    zero = [0] * len(POST_COLUMNS)
    values = {pin_id: compute(totals.get(pin_id, zero)) for pin_id in post_ids}
    chosen = {}
    for ranking in POST_PERFORMANCE:
        sign = -1 if ranking.highest_first else 1
        scored = sorted(post_ids, key=lambda pin_id: (sign * values[pin_id][ranking.metric], pin_id))
        chosen[ranking.key] = [(pin_id, values[pin_id][ranking.metric]) for pin_id in scored[:POSTS_PER_RANKING]]
    details = store.pin_details(conn, sorted({pin_id for winners in chosen.values() for pin_id, _ in winners}))
    return {
        key: [{"id": str(pin_id), "text": _text(details[pin_id]), "permalink": _permalink(pin_id),
               "media_url": _media(details[pin_id])[2], "value": value} for pin_id, value in winners]
        for key, winners in chosen.items()
    }


def compute_overview(conn, reader: Reader, period: LocalPeriod) -> dict:
    owner_id = reader.owner_id
    created = store.created_pins(conn, owner_id, *period.window())
    totals = store.created_pin_totals(conn, owner_id, *period.window(), POST_COLUMNS)
    followers = conn.execute(select(users.c.follower_count).where(users.c.id == owner_id)).scalar() or 0
    return {
        "metrics": _metrics(conn, owner_id, period, len(created)),
        "total_followers": int(followers),
        "post_performance": _performance(conn, _shown(reader, created), totals),
    }


def page_numbers(params: dict) -> tuple[int, int]:
    """``page`` and ``per_page`` of /posts, checked (422 otherwise)."""
    errors: dict[str, list[str]] = {}

    def whole(field: str, default: int, high: int | None) -> int:
        value = params.get(field)
        if value is None or value == "":
            return default
        text = str(value)
        if not (text.isascii() and text.isdigit()) or len(text) > 9 or int(text) < 1 or (high and int(text) > high):
            limit = f" and at most {high}" if high else ""
            errors.setdefault(field, []).append(f"The {field.replace('_', ' ')} must be a whole number of at least 1{limit}.")
            return default
        return int(text)

    numbers = whole("page", 1, None), whole("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    if errors:
        raise InvalidPeriod(errors)
    return numbers


def compute_posts(conn, reader: Reader, period: LocalPeriod, page: int, per_page: int) -> dict:
    owner_id = reader.owner_id
    start, end = period.window()
    created = store.created_pins(conn, owner_id, start, end)
    post_ids = _shown(reader, created)
    shown = post_ids[(page - 1) * per_page : page * per_page]
    totals = store.pin_totals(conn, owner_id, shown, start, end, POST_COLUMNS)
    details = store.pin_details(conn, shown)
    zero = [0] * len(POST_COLUMNS)
    rendered = []
    for pin_id in shown:
        post = details[pin_id]
        fmt, media_type, url = _media(post)
        local = post["created_at"].replace(tzinfo=UTC).astimezone(period.zone)
        sums = dict(zip(POST_COLUMNS, totals.get(pin_id, zero)))
        rendered.append({
            "id": str(pin_id),
            "page_id": str(owner_id),
            "format": fmt,
            "text": _text(post),
            "permalink": _permalink(pin_id),
            "media_type": media_type,
            "media_url": url,
            "stats": {metric.key: value_of(metric, sums) for metric in POST_STATS},
            "timestamp": local.strftime("%Y-%m-%d %H:%M:%S"),
        })
    return {
        "stats": _metrics(conn, owner_id, period, len(created)),
        "posts": rendered,
        "pagination": {"page": page, "per_page": per_page, "total": len(post_ids),
                       "has_more": page * per_page < len(post_ids)},
    }


def overview(rt: Runtime, operation: Operation, params: dict) -> dict:
    return rt.overview_cache.answer(rt, operation, "overview", params, _overview)


def posts(rt: Runtime, operation: Operation, params: dict) -> dict:
    return rt.overview_cache.answer(rt, operation, "posts", params, _posts)


def resolve(conn, rt: Runtime, operation: Operation, user_id: int, params: dict) -> tuple[Reader, LocalPeriod]:
    """The account the key's user asks for, as they may read it for ``operation``, and the period."""
    reader = _reader(conn, operation, user_id, params.get("social_network_id"))
    period = parse_period(params.get("preset"), params.get("start_date"), params.get("end_date"),
                          params.get("timezone"), rt.clock.now())
    return reader, period


def _overview(conn, reader: Reader, period: LocalPeriod) -> dict:
    return {"success": True, "data": compute_overview(conn, reader, period)}


def _posts(conn, reader: Reader, period: LocalPeriod, page: int, per_page: int) -> dict:
    return {"success": True, "data": compute_posts(conn, reader, period, page, per_page)}
