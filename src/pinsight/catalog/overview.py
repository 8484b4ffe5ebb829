"""The overview API's metrics (``/api/pinterest/overview`` and ``/posts``), declared once.

Each is a sum of stored metrics of the v5 catalogue (``catalog.metrics``) over a period,
except ``posts``, the number of pins created in it. The rankings of ``post_performance``
are declared here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from pinsight.catalog.metrics import METRICS, base_columns_for


@dataclass(frozen=True)
class OverviewMetric:
    key: str
    name: str
    description: str
    parts: tuple[str, ...]  # catalogue metrics summed; () for posts


OVERVIEW_METRICS: tuple[OverviewMetric, ...] = (
    OverviewMetric("posts", "Posts", "Total number of posts (pins created) in this period", ()),
    OverviewMetric("impressions", "Impressions", "Total number of times your pins were shown", ("IMPRESSION",)),
    OverviewMetric("saves", "Saves", "The number of times your pins were saved", ("SAVE",)),
    OverviewMetric("comments", "Comments", "The number of comments on your pins", ("TOTAL_COMMENTS",)),
    OverviewMetric(
        "repins", "Repins", "The number of times other people saved your pins to their boards", ("REPIN",)
    ),
    OverviewMetric(
        "clicks", "Clicks", "The number of clicks on your pins: pin clicks plus outbound clicks",
        ("PIN_CLICK", "OUTBOUND_CLICK"),
    ),
)

# The stats of one post: every overview metric but the post count.
POST_STATS: tuple[OverviewMetric, ...] = tuple(metric for metric in OVERVIEW_METRICS if metric.parts)


@dataclass(frozen=True)
class Ranking:
    key: str
    metric: str  # a catalogue metric, evaluated over the post's period totals
    highest_first: bool


# Engagement rate is the catalogue's ENGAGEMENT_RATE: (saves + pin clicks + outbound
# clicks) / impressions over the period, 0 for a post nobody saw.
POST_PERFORMANCE: tuple[Ranking, ...] = (
    Ranking("most_engaging", "ENGAGEMENT_RATE", True),
    Ranking("least_engaging", "ENGAGEMENT_RATE", False),
    Ranking("most_views", "IMPRESSION", True),
    Ranking("least_views", "IMPRESSION", False),
    Ranking("most_repinned", "REPIN", True),
    Ranking("least_repinned", "REPIN", False),
)
POSTS_PER_RANKING = 3

# The stored columns a post's stats and rankings read.
POST_COLUMNS: tuple[str, ...] = base_columns_for(
    [part for metric in POST_STATS for part in metric.parts] + [ranking.metric for ranking in POST_PERFORMANCE]
)


def value_of(metric: OverviewMetric, totals: dict[str, int]) -> int:
    """A metric's value from totals by stored column name."""
    return sum(int(totals[METRICS[part].stored_as]) for part in metric.parts)  # type: ignore[index]


def _check() -> None:
    for metric in OVERVIEW_METRICS:
        for part in metric.parts:
            if not METRICS[part].is_base:
                raise ValueError(f"overview metric {metric.key}: {part} is not a stored metric")
    for ranking in POST_PERFORMANCE:
        METRICS[ranking.metric]  # noqa: B018 -- an unknown name fails at import


_check()
