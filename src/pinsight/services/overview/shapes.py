"""The overview API's answers rendered from what the store gave for a query
(``domain.overview.overview_query``): no database, no clock.

* ``metrics`` / ``stats``: each overview metric (``catalog.overview``) in the period and
  the one before, with ``percentage_change``;
* ``post_performance``: the posts the reader may see ranked by each ranking (three per
  list, ties to the older post, that is the smaller id, whichever way the list runs);
* ``/posts``: the page's posts with their stats over the period, and ``pagination``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC

from pinsight.catalog.overview import (
    OVERVIEW_METRICS,
    POST_COLUMNS,
    POST_PERFORMANCE,
    POST_STATS,
    POSTS_PER_RANKING,
    value_of,
)
from pinsight.domain.content.media import thumbnail_url
from pinsight.domain.overview.overview_period import percentage_change
from pinsight.domain.overview.overview_query import OverviewQuery, OverviewRows, PeriodTotals, PostsRows
from pinsight.store.organic.formulas import evaluator

# The ranked posts of each ranking: (pin id, the ranking metric's value), best first.
Chosen = dict[str, list[tuple[int, int | float]]]


def _comparison(metric, current: int, last: int) -> dict:
    return {
        "key": metric.key,
        "name": metric.name,
        "value_current_period": current,
        "value_last_period": last,
        "percentage_change": percentage_change(current, last),
        "description": metric.description,
    }


def comparisons(totals: PeriodTotals) -> list[dict]:
    """Every overview metric, this period against the one before."""
    rows = []
    for metric in OVERVIEW_METRICS:
        if not metric.parts:
            rows.append(_comparison(metric, totals.current_posts, totals.last_posts))
        else:
            rows.append(_comparison(metric, value_of(metric, totals.current), value_of(metric, totals.last)))
    return rows


def rank_posts(post_ids: Sequence[int], post_totals: Mapping[int, Sequence[int]]) -> Chosen:
    """The posts of each ``post_performance`` list (posts without totals count as zero)."""
    compute = evaluator(sorted({ranking.metric for ranking in POST_PERFORMANCE}), POST_COLUMNS)
    zero = [0] * len(POST_COLUMNS)
    values = {pin_id: compute(post_totals.get(pin_id, zero)) for pin_id in post_ids}
    chosen = {}
    for ranking in POST_PERFORMANCE:
        sign = -1 if ranking.highest_first else 1
        scored = sorted(post_ids, key=lambda pin_id: (sign * values[pin_id][ranking.metric], pin_id))
        chosen[ranking.key] = [(pin_id, values[pin_id][ranking.metric]) for pin_id in scored[:POSTS_PER_RANKING]]
    return chosen


def ranked_ids(chosen: Chosen) -> list[int]:
    """Every post the rankings show, once, in id order (the details to read)."""
    return sorted({pin_id for winners in chosen.values() for pin_id, _ in winners})


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


def overview(rows: OverviewRows, chosen: Chosen, details: Mapping[int, Mapping]) -> dict:
    """``/overview``'s answer; ``details`` (``store.overview.overview.pin_details``) of ``ranked_ids``."""
    return {
        "metrics": comparisons(rows.totals),
        "total_followers": rows.followers,
        "post_performance": {
            key: [{"id": str(pin_id), "text": _text(details[pin_id]), "permalink": _permalink(pin_id),
                   "media_url": _media(details[pin_id])[2], "value": value} for pin_id, value in winners]
            for key, winners in chosen.items()
        },
    }


def posts(query: OverviewQuery, rows: PostsRows) -> dict:
    """A page of ``/posts``: times are local to the query's time zone."""
    zero = [0] * len(POST_COLUMNS)
    rendered = []
    for pin_id in rows.page:
        post = rows.details[pin_id]
        fmt, media_type, url = _media(post)
        local = post["created_at"].replace(tzinfo=UTC).astimezone(query.period.zone)
        sums = dict(zip(POST_COLUMNS, rows.post_totals.get(pin_id, zero)))
        rendered.append({
            "id": str(pin_id),
            "page_id": str(query.owner_id),
            "format": fmt,
            "text": _text(post),
            "permalink": _permalink(pin_id),
            "media_type": media_type,
            "media_url": url,
            "stats": {metric.key: value_of(metric, sums) for metric in POST_STATS},
            "timestamp": local.strftime("%Y-%m-%d %H:%M:%S"),
        })
    page, per_page = query.page, query.per_page
    return {
        "stats": comparisons(rows.totals),
        "posts": rendered,
        "pagination": {"page": page, "per_page": per_page, "total": rows.shown_count,
                       "has_more": page * per_page < rows.shown_count},
    }
