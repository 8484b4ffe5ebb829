"""The shapers: a query and the rows the store gave for it, rendered as the v5 and overview
JSON answers. Pure: rows are written out here, no database or clock is involved."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from pinsight.catalog.overview import POST_COLUMNS
from pinsight.domain.organic.analytics_period import AnalyticsRules
from pinsight.domain.organic.analytics_query import (
    SeriesRows,
    parse_account_query,
    parse_pins_query,
    parse_top_pins_query,
)
from pinsight.domain.overview.overview_period import LocalPeriod
from pinsight.domain.overview.overview_query import OverviewQuery, OverviewRows, PeriodTotals, PostsRows
from pinsight.services.organic import shapes as analytics_shapes
from pinsight.services.overview import shapes as overview_shapes

TODAY = date(2026, 3, 15)
RULES = AnalyticsRules()


def day(n: int) -> date:
    return date(2026, 3, n)


def test_a_pin_series():
    query = parse_pins_query((7,), start_date="2026-03-10", end_date="2026-03-15", app_types="ALL",
                             metric_types=["SAVE,SAVE_RATE,TOTAL_COMMENTS"], today=TODAY, rules=RULES)
    assert query.stored_columns == ("impression", "save", "total_comments")
    rows = SeriesRows(query.stored_columns, {(7, "all"): {day(12): (10, 1, 0), day(14): (30, 7, 2)}}, {(7, "all"): (90, 9, 5)})
    series = analytics_shapes.pin_series(query, rows, {7: day(11)}, RULES)["7"]["all"]
    assert [(d["date"], d["data_status"], d["metrics"]) for d in series["daily_metrics"]] == [
        ("2026-03-10", "BEFORE_PIN_CREATED", {}),
        ("2026-03-11", "READY", {"SAVE": 0, "SAVE_RATE": 0.0}),
        ("2026-03-12", "READY", {"SAVE": 1, "SAVE_RATE": 0.1}),
        ("2026-03-13", "READY", {"SAVE": 0, "SAVE_RATE": 0.0}),
        ("2026-03-14", "PROCESSING", {"SAVE": 7, "SAVE_RATE": 7 / 30}),
        ("2026-03-15", "PROCESSING", {"SAVE": 0, "SAVE_RATE": 0.0}),
    ]
    assert series["summary_metrics"] == {"SAVE": 8, "SAVE_RATE": 8 / 40}  # a ratio of sums
    assert series["lifetime_metrics"] == {"TOTAL_COMMENTS": 5}
    assert list(series) == ["daily_metrics", "summary_metrics", "lifetime_metrics"]


def test_pin_series_follow_the_query_order_and_split():
    query = parse_pins_query((9, 7), start_date="2026-03-15", end_date="2026-03-15", app_types="ALL",
                             metric_types=["TOTAL_COMMENTS"], split_field="APP_TYPE", today=TODAY, rules=RULES)
    rows = SeriesRows(query.stored_columns, {}, {(7, "WEB"): (4,)})
    shaped = analytics_shapes.pin_series(query, rows, {7: day(1), 9: day(1)}, RULES)
    assert list(shaped) == ["9", "7"] and list(shaped["7"]) == ["MOBILE", "TABLET", "WEB"]
    assert shaped["7"]["WEB"]["lifetime_metrics"] == {"TOTAL_COMMENTS": 4}
    assert shaped["9"]["WEB"]["lifetime_metrics"] == {"TOTAL_COMMENTS": 0}  # no rows: zero
    assert shaped["9"]["WEB"]["daily_metrics"] == [{"date": "2026-03-15", "data_status": "PROCESSING", "metrics": {}}]


def test_an_account_series_has_every_split_key():
    query = parse_account_query(start_date="2026-03-13", end_date="2026-03-13", from_claimed_content="BOTH",
                                pin_format="ALL", app_types="ALL", content_type="ALL", source="ALL",
                                metric_types=["ENGAGEMENT"], split_field="SOURCE",
                                now=datetime(2026, 3, 15, 8), rules=RULES)
    rows = SeriesRows(query.stored_columns, {(None, "OTHER_PINS"): {day(13): (1, 2, 3)}})
    shaped = analytics_shapes.account_series(query, rows, RULES)
    assert shaped == {
        "YOUR_PINS": {"daily_metrics": [{"date": "2026-03-13", "data_status": "READY", "metrics": {"ENGAGEMENT": 0}}],
                      "summary_metrics": {"ENGAGEMENT": 0}},
        "OTHER_PINS": {"daily_metrics": [{"date": "2026-03-13", "data_status": "READY", "metrics": {"ENGAGEMENT": 6}}],
                       "summary_metrics": {"ENGAGEMENT": 6}},
    }


def test_a_top_pins_list():
    query = parse_top_pins_query(start_date="2026-03-01", end_date="2026-03-14", from_claimed_content="BOTH",
                                 pin_format="ALL", app_types="ALL", content_type="ALL", source="ALL",
                                 metric_types=["SAVE_RATE"], sort_by="IMPRESSION", num_of_pins=2,
                                 now=datetime(2026, 3, 15, 8), rules=RULES)
    columns = query.stored_columns
    assert columns == ("impression", "save")
    shaped = analytics_shapes.top_pins(query, [(5, (40, 4)), (3, (0, 0))], columns, RULES)
    assert shaped == {
        # The last second of the latest READY day, 2026-03-13 23:59:59 UTC, in milliseconds.
        "date_availability": {"is_realtime": False, "latest_available_timestamp": 1773446399000},
        "pins": [
            {"pin_id": "5", "metrics": {"SAVE_RATE": 0.1, "IMPRESSION": 40},
             "data_status": {"SAVE_RATE": "PROCESSING", "IMPRESSION": "PROCESSING"}},
            {"pin_id": "3", "metrics": {"SAVE_RATE": 0.0, "IMPRESSION": 0},
             "data_status": {"SAVE_RATE": "PROCESSING", "IMPRESSION": "PROCESSING"}},
        ],
        "sort_by": "IMPRESSION",
    }


# --- overview -----------------------------------------------------------------------------------

PERIOD = LocalPeriod(date(2026, 3, 8), date(2026, 3, 14), ZoneInfo("Asia/Tokyo"))
TOTALS = PeriodTotals(current={column: 0 for column in POST_COLUMNS} | {"impression": 15, "save": 3},
                      last={column: 0 for column in POST_COLUMNS} | {"impression": 10},
                      current_posts=2, last_posts=0)


def post_totals(impression: int, save: int = 0, repin: int = 0) -> list[int]:
    values = dict.fromkeys(POST_COLUMNS, 0) | {"impression": impression, "save": save, "repin": repin}
    return [values[column] for column in POST_COLUMNS]


def test_comparisons():
    by_key = {row["key"]: row for row in overview_shapes.comparisons(TOTALS)}
    assert list(by_key) == ["posts", "impressions", "saves", "comments", "repins", "clicks"]
    assert (by_key["impressions"]["value_current_period"], by_key["impressions"]["percentage_change"]) == (15, "+50.0%")
    assert by_key["posts"]["percentage_change"] == "+100.0%" and by_key["comments"]["percentage_change"] == "0.0%"


def test_rankings_break_ties_to_the_older_post():
    chosen = overview_shapes.rank_posts([40, 30, 20, 10], {40: post_totals(10, 5), 30: post_totals(10, 1, 2),
                                                           20: post_totals(10, 5)})
    assert chosen["most_views"] == [(20, 10), (30, 10), (40, 10)]
    assert chosen["least_views"] == [(10, 0), (20, 10), (30, 10)]
    assert chosen["most_engaging"] == [(20, 0.5), (40, 0.5), (30, 0.1)]
    assert chosen["most_repinned"][0] == (30, 2)
    assert overview_shapes.ranked_ids(chosen) == [10, 20, 30, 40]


def test_a_page_of_posts():
    query = OverviewQuery("posts", 99, PERIOD, page=1, per_page=1)
    details = {5: {"title": "", "description": "About it", "creative_type": "VIDEO", "created_at": datetime(2026, 3, 9, 23, 30),
                   "media": '{"cover_image_url": "https://i.example/c.jpg"}'}}
    shaped = overview_shapes.posts(query, PostsRows(2, [5], {5: post_totals(7, 2)}, details, TOTALS))
    assert shaped["posts"] == [{
        "id": "5", "page_id": "99", "format": "video", "text": "About it", "permalink": "https://www.pinterest.com/pin/5/",
        "media_type": "VIDEO", "media_url": "https://i.example/c.jpg",
        "stats": {"impressions": 7, "saves": 2, "comments": 0, "repins": 0, "clicks": 0},
        "timestamp": "2026-03-10 08:30:00",  # Tokyo
    }]
    assert shaped["pagination"] == {"page": 1, "per_page": 1, "total": 2, "has_more": True}


def test_an_overview():
    rows = OverviewRows(shown=[5], post_totals={5: post_totals(4)}, followers=12, totals=TOTALS)
    chosen = overview_shapes.rank_posts(rows.shown, rows.post_totals)
    details = {5: {"title": "Five", "description": "", "creative_type": "REGULAR", "created_at": datetime(2026, 3, 9),
                   "media": '{"images": {"1200x": {"url": "https://i.example/5.jpg"}}}'}}
    data = overview_shapes.overview(rows, chosen, details)
    assert data["total_followers"] == 12
    assert data["post_performance"]["most_views"] == [
        {"id": "5", "text": "Five", "permalink": "https://www.pinterest.com/pin/5/", "media_url": "https://i.example/5.jpg",
         "value": 4}]
    assert list(data) == ["metrics", "total_followers", "post_performance"]
