"""The overview API's query value and its pure parsers, with the current instant fixed."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pinsight.domain.overview.overview_period import InvalidPeriod
from pinsight.domain.overview.overview_query import (
    AccountNotFound,
    OverviewQuery,
    parse_account_id,
    OverviewParams,
    parse_overview_query,
    parse_page_numbers,
)

NOW = datetime(2026, 3, 15, 20, 0)  # already the 16th in Tokyo


def test_the_account_id():
    assert parse_account_id("1234567890123456789") == 1234567890123456789
    for bad in (None, "", "12a", "-1", "²", "12345678901234567890"):
        with pytest.raises(AccountNotFound):
            parse_account_id(bad)


def test_an_overview_query_ends_yesterday_in_its_time_zone():
    query = parse_overview_query("overview", 7, OverviewParams.from_mapping({"preset": "last_7_days"}), NOW)
    assert (query.kind, query.owner_id, query.period.first, query.period.last) == ("overview", 7, date(2026, 3, 8),
                                                                                     date(2026, 3, 14))
    tokyo = parse_overview_query("overview", 7, OverviewParams.from_mapping({"preset": "last_7_days", "timezone": "Asia/Tokyo"}), NOW)
    assert (tokyo.period.first, tokyo.period.last) == (date(2026, 3, 9), date(2026, 3, 15))
    assert query == parse_overview_query("overview", 7, OverviewParams.from_mapping({"preset": "last_7_days", "page": "x"}), NOW)  # pages: /posts only


def test_a_posts_query_has_a_page():
    query = parse_overview_query("posts", 7, OverviewParams.from_mapping({"start_date": "2026-03-01", "end_date": "2026-03-10", "page": "3",
                                              "per_page": "10"}), NOW)
    assert (query.page, query.per_page, query.first_post) == (3, 10, 20)
    assert parse_overview_query("posts", 7, OverviewParams.from_mapping({"preset": "last_30_days"}), NOW).per_page == 25


def test_period_errors_come_before_page_errors():
    with pytest.raises(InvalidPeriod) as caught:
        parse_overview_query("posts", 7, OverviewParams.from_mapping({"start_date": "2026-03-01", "end_date": "2026-03-15", "page": "0"}), NOW)
    assert caught.value.errors == {"end_date": ["The end date must be no later than yesterday (2026-03-14)."]}
    with pytest.raises(InvalidPeriod) as caught:
        parse_overview_query("posts", 7, OverviewParams.from_mapping({"preset": "last_7_days", "page": "0", "per_page": "101"}), NOW)
    assert caught.value.errors == {
        "page": ["The page must be a whole number of at least 1."],
        "per_page": ["The per page must be a whole number of at least 1 and at most 100."],
    }
    assert parse_page_numbers(OverviewParams()) == (1, 25)


def test_a_query_is_a_value():
    one = parse_overview_query("posts", 7, OverviewParams.from_mapping({"preset": "last_7_days", "timezone": "Europe/Paris"}), NOW)
    assert one == parse_overview_query("posts", 7, OverviewParams.from_mapping({"preset": "last_7_days", "timezone": "Europe/Paris"}), NOW)
    assert hash(one) == hash(OverviewQuery("posts", 7, one.period, 1, 25))
    with pytest.raises(ValueError):
        OverviewQuery("reports", 7, one.period)
