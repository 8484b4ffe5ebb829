"""An overview API request (``/api/pinterest/overview``, ``/posts``) as an immutable value,
built by pure parsers with the current instant passed in.

The parameters are checked in the order the API has always answered them: the account
(``social_network_id``, 404 when it cannot name one), then the period (422), then, for
``/posts``, the page numbers (422). Whether the key's user may read the account is the
service's to decide between the first step and the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar
from datetime import datetime

from pinsight.domain.overview.overview_period import LocalPeriod, parse_period
from pinsight.errors import AccountNotFound, InvalidPeriod

OVERVIEW = "overview"
POSTS = "posts"
KINDS = (OVERVIEW, POSTS)
DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class OverviewQuery:
    """Which answer (``kind``), for whose account, over which local days (the previous
    period is derived from it), and which page of ``/posts``."""

    kind: str
    owner_id: int
    period: LocalPeriod
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")

    @property
    def first_post(self) -> int:
        """The index of the page's first post among the posts shown."""
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class OverviewParams:
    """The overview API's query parameters as sent (text, None when absent); the API layer
    reads them from the query string, the parsers below check them."""

    api_key: str | None = None
    social_network_id: str | None = None
    preset: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    timezone: str | None = None
    page: str | None = None
    per_page: str | None = None

    # The query string's names: the key is ``apiKey`` there.
    NAMES: ClassVar[dict[str, str]] = {"api_key": "apiKey"}

    @classmethod
    def from_mapping(cls, values: Mapping[str, str]) -> OverviewParams:
        fields = ("api_key", "social_network_id", "preset", "start_date", "end_date", "timezone", "page", "per_page")
        return cls(**{field: values.get(cls.NAMES.get(field, field)) for field in fields})


def parse_account_id(social_network_id: str | None) -> int:
    """The account a ``social_network_id`` names: a user id (AccountNotFound otherwise)."""
    text = social_network_id or ""
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        raise AccountNotFound()
    return int(text)


def parse_page_numbers(params: OverviewParams) -> tuple[int, int]:
    """``page`` and ``per_page`` of /posts, checked (InvalidPeriod, answered 422, otherwise)."""
    errors: dict[str, list[str]] = {}

    def whole(field: str, default: int, high: int | None) -> int:
        value = getattr(params, field)
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


def parse_overview_query(kind: str, owner_id: int, params: OverviewParams, now: datetime) -> OverviewQuery:
    """The query for an account already found readable; ``now`` is the current instant (naive UTC)."""
    period = parse_period(params.preset, params.start_date, params.end_date, params.timezone, now)
    if kind == POSTS:
        page, per_page = parse_page_numbers(params)
        return OverviewQuery(kind, owner_id, period, page, per_page)
    return OverviewQuery(kind, owner_id, period)


# ---- what running a query gives, before shaping ------------------------------------------


@dataclass(frozen=True)
class PeriodTotals:
    """The account's stored column totals over the period and over the one before, and the
    posts (pins) created in each: every post, whoever reads."""

    current: dict[str, int]
    last: dict[str, int]
    current_posts: int
    last_posts: int


@dataclass(frozen=True)
class OverviewRows:
    """``/overview``: the period's posts the reader may see (newest first), each post's
    ``POST_COLUMNS`` totals over the period, the follower count and the period totals."""

    shown: list[int]
    post_totals: dict[int, list[int]]
    followers: int
    totals: PeriodTotals


@dataclass(frozen=True)
class PostsRows:
    """``/posts``: how many of the period's posts the reader may see, the page's posts with
    their ``POST_COLUMNS`` totals and details, and the period totals."""

    shown_count: int
    page: list[int]
    post_totals: dict[int, list[int]]
    details: dict[int, dict]
    totals: PeriodTotals
