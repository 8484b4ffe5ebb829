"""The metric catalogue: its table is consistent and its pure functions compute what it says."""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pinsight.catalog import metrics as m
from pinsight.catalog.metrics import (
    CATALOGUE,
    ENDPOINT_SETS,
    METRICS,
    STORED_COLUMNS,
    Ratio,
    Sum,
    base_columns_for,
    evaluate,
    parse_metric_types,
)
from pinsight.errors import InvalidParameters

REQUIRED = {
    "IMPRESSION", "SAVE", "PIN_CLICK", "OUTBOUND_CLICK", "ENGAGEMENT", "SAVE_RATE", "ENGAGEMENT_RATE",
    "PIN_CLICK_RATE", "OUTBOUND_CLICK_RATE", "CLOSEUP", "PROFILE_VISIT", "USER_FOLLOW", "TOTAL_COMMENTS",
    "TOTAL_REACTIONS", "VIDEO_START", "VIDEO_MRC_VIEW", "VIDEO_10S_VIEW", "QUARTILE_95_PERCENT_VIEW",
    "VIDEO_V50_WATCH_TIME", "VIDEO_AVG_WATCH_TIME",
}  # fmt: skip

counts = st.integers(min_value=0, max_value=10**9)
totals_strategy = st.fixed_dictionaries({column: counts for column in STORED_COLUMNS})


def col(name: str) -> str:
    return METRICS[name].stored_as


def zero_totals() -> dict[str, int]:
    return dict.fromkeys(STORED_COLUMNS, 0)


# --- the table --------------------------------------------------------------------


def test_the_required_metrics_are_declared():
    assert REQUIRED <= set(METRICS), sorted(REQUIRED - set(METRICS))


def test_names_and_columns_are_unique():
    names = [metric.name for metric in CATALOGUE]
    assert len(names) == len(set(names))
    assert len(STORED_COLUMNS) == len(set(STORED_COLUMNS))
    assert set(METRICS) == set(names)


def test_each_metric_is_either_stored_or_derived():
    for metric in CATALOGUE:
        assert (metric.stored_as is None) != (metric.formula is None), metric.name
        assert metric.kind in ("count", "rate", "duration"), metric.name
        assert metric.display_name and metric.definition, metric.name


def test_stored_columns_are_the_snake_case_names_of_the_base_metrics():
    assert STORED_COLUMNS == tuple(metric.stored_as for metric in CATALOGUE if metric.formula is None)
    for metric in CATALOGUE:
        if metric.stored_as is not None:
            assert metric.stored_as == metric.name.lower()
            assert re.fullmatch(r"[a-z][a-z0-9_]*", metric.stored_as)
    assert col("IMPRESSION") == "impression"


def test_every_derived_metric_is_computed_from_base_metrics_only():
    for metric in CATALOGUE:
        if metric.formula is None:
            assert metric.inputs == (metric.name,)
            continue
        assert metric.inputs, metric.name
        for name in metric.inputs:
            assert name in METRICS and METRICS[name].stored_as is not None, (metric.name, name)


def test_kinds_match_formulas():
    for metric in CATALOGUE:
        if metric.kind == "rate":
            assert isinstance(metric.formula, Ratio), metric.name
        if isinstance(metric.formula, Sum):
            assert metric.kind == "count"
            assert all(METRICS[part].kind == "count" for part in metric.formula.parts), metric.name


@pytest.mark.parametrize(
    ("rate", "numerator"),
    [
        ("SAVE_RATE", ("SAVE",)),
        ("PIN_CLICK_RATE", ("PIN_CLICK",)),
        ("OUTBOUND_CLICK_RATE", ("OUTBOUND_CLICK",)),
        ("CLOSEUP_RATE", ("CLOSEUP",)),
        ("ENGAGEMENT_RATE", ("SAVE", "PIN_CLICK", "OUTBOUND_CLICK")),
    ],
)
def test_rates_are_per_impression(rate, numerator):
    assert METRICS[rate].formula == Ratio(numerator, ("IMPRESSION",))


def test_engagement_definition():
    assert METRICS["ENGAGEMENT"].formula == Sum(("SAVE", "PIN_CLICK", "OUTBOUND_CLICK"))
    assert METRICS["ENGAGEMENT_RATE"].formula.numerator == METRICS["ENGAGEMENT"].formula.parts


def test_average_watch_time_is_total_play_time_per_start():
    metric = METRICS["VIDEO_AVG_WATCH_TIME"]
    assert metric.kind == "duration"
    assert metric.formula == Ratio(("VIDEO_V50_WATCH_TIME",), ("VIDEO_START",))
    assert METRICS["VIDEO_V50_WATCH_TIME"].kind == "duration"


def test_lifetime_and_video_only_metrics():
    assert set(m.LIFETIME_METRICS) == {"TOTAL_COMMENTS", "TOTAL_REACTIONS"}
    assert set(m.VIDEO_ONLY_METRICS) == {
        "VIDEO_START", "VIDEO_MRC_VIEW", "VIDEO_10S_VIEW", "QUARTILE_95_PERCENT_VIEW",
        "VIDEO_V50_WATCH_TIME", "VIDEO_AVG_WATCH_TIME",
    }  # fmt: skip
    # A video-only metric is never offered for standard Pins or whole accounts.
    for name in m.VIDEO_ONLY_METRICS:
        assert name in m.PIN_VIDEO_METRICS
        assert name not in m.PIN_STANDARD_METRICS
        assert name not in m.USER_ACCOUNT_METRICS
    # Lifetime metrics have no daily series, so no derived metric may add or divide them.
    for metric in CATALOGUE:
        if metric.formula is not None:
            assert not set(metric.inputs) & set(m.LIFETIME_METRICS), metric.name


def test_endpoint_sets_name_declared_metrics_without_repeats():
    assert set(ENDPOINT_SETS) >= {
        "PIN_ANALYTICS_METRICS", "USER_ACCOUNT_METRICS", "TOP_PINS_SORT_BY", "TOP_PINS_METRICS",
        "TOP_VIDEO_PINS_SORT_BY", "TOP_VIDEO_PINS_METRICS",
    }  # fmt: skip
    for set_name, members in ENDPOINT_SETS.items():
        assert members, set_name
        assert len(members) == len(set(members)), set_name
        assert set(members) <= set(METRICS), (set_name, sorted(set(members) - set(METRICS)))
    assert set(m.PIN_ANALYTICS_METRICS) == set(m.PIN_STANDARD_METRICS) | set(m.PIN_VIDEO_METRICS)


def test_a_broken_catalogue_is_refused(monkeypatch):
    bad = m.Metric("BROKEN", "Broken", "Divides by a rate.", "rate", formula=Ratio(("SAVE",), ("SAVE_RATE",)))
    monkeypatch.setattr(m, "CATALOGUE", m.CATALOGUE + (bad,))
    monkeypatch.setitem(m.METRICS, "BROKEN", bad)
    with pytest.raises(ValueError, match="SAVE_RATE is not a declared base metric"):
        m._check_catalogue()


def test_a_duplicate_name_is_refused(monkeypatch):
    monkeypatch.setattr(m, "CATALOGUE", m.CATALOGUE + (m.CATALOGUE[0],))
    with pytest.raises(ValueError, match="declared twice"):
        m._check_catalogue()


# --- evaluate ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(METRICS))
def test_evaluate_on_zero_totals_is_zero_of_the_right_type(name):
    value = evaluate(name, zero_totals())
    assert value == 0
    assert type(value) is (int if METRICS[name].kind == "count" else float)


@given(totals_strategy)
def test_evaluate_types_and_ranges(totals):
    for metric in CATALOGUE:
        value = evaluate(metric.name, totals)
        assert type(value) is (int if metric.kind == "count" else float), metric.name
        assert value >= 0 and math.isfinite(value), metric.name


@given(totals_strategy)
def test_base_metrics_are_their_column(totals):
    for metric in CATALOGUE:
        if metric.stored_as is not None:
            assert evaluate(metric.name, totals) == totals[metric.stored_as]


@given(totals_strategy)
def test_engagement_is_the_sum_of_its_parts(totals):
    expected = totals["save"] + totals["pin_click"] + totals["outbound_click"]
    assert evaluate("ENGAGEMENT", totals) == expected
    assert evaluate("ENGAGEMENT", totals) == sum(evaluate(part, totals) for part in METRICS["ENGAGEMENT"].formula.parts)
    if totals["impression"]:
        assert evaluate("ENGAGEMENT_RATE", totals) == pytest.approx(expected / totals["impression"])


daily_rows = st.lists(
    st.fixed_dictionaries({"save": counts, "impression": counts}), min_size=1, max_size=30
)


def summed(rows: list[dict[str, int]]) -> dict[str, int]:
    totals = zero_totals()
    for row in rows:
        for column, value in row.items():
            totals[column] += value
    return totals


@given(daily_rows)
def test_a_rate_over_a_period_is_the_ratio_of_sums(rows):
    saves = sum(row["save"] for row in rows)
    impressions = sum(row["impression"] for row in rows)
    expected = saves / impressions if impressions else 0.0
    assert evaluate("SAVE_RATE", summed(rows)) == pytest.approx(expected)


# A day with some impressions and at most that many saves.
day = st.integers(min_value=1, max_value=10**4).flatmap(
    lambda impressions: st.tuples(st.integers(min_value=0, max_value=impressions), st.just(impressions))
)


@given(day, day)
def test_a_rate_over_a_period_is_not_the_mean_of_daily_rates(day1, day2):
    (s1, i1), (s2, i2) = day1, day2
    # Different traffic and different daily rates: the two averages must disagree. They
    # differ by |s1/i1 - s2/i2| * |i1 - i2| / (2 (i1 + i2)) >= 1 / (4 * 10**12) here, far
    # above float rounding, so an exact comparison is fair.
    assume(i1 != i2 and s1 * i2 != s2 * i1)
    rows = [{"save": s1, "impression": i1}, {"save": s2, "impression": i2}]
    value = evaluate("SAVE_RATE", summed(rows))
    assert value == pytest.approx((s1 + s2) / (i1 + i2), rel=1e-15)
    assert abs(value - (s1 / i1 + s2 / i2) / 2) > 1e-14


def test_ratio_of_sums_example():
    rows = [{"save": 1, "impression": 10}, {"save": 1, "impression": 990}]
    assert evaluate("SAVE_RATE", summed(rows)) == pytest.approx(2 / 1000)  # not (0.1 + 0.001) / 2


@pytest.mark.parametrize("rate", [name for name in METRICS if isinstance(METRICS[name].formula, Ratio)])
def test_a_zero_denominator_gives_zero(rate):
    totals = dict.fromkeys(STORED_COLUMNS, 7)
    for name in METRICS[rate].formula.denominator:
        totals[col(name)] = 0
    assert evaluate(rate, totals) == 0.0


def test_average_watch_time_in_milliseconds():
    totals = zero_totals() | {"video_v50_watch_time": 173979, "video_start": 2}
    assert evaluate("VIDEO_AVG_WATCH_TIME", totals) == 86989.5
    assert evaluate("VIDEO_V50_WATCH_TIME", totals) == 173979.0


def test_missing_inputs_mean_no_data():
    assert evaluate("SAVE_RATE", {"save": 3}) is None
    assert evaluate("SAVE_RATE", {"save": 3, "impression": None}) is None
    assert evaluate("IMPRESSION", {}) is None
    # Only the metric's own inputs matter.
    assert evaluate("SAVE_RATE", {"save": 3, "impression": 4}) == 0.75
    assert evaluate("ENGAGEMENT", {"save": 1, "pin_click": 2, "outbound_click": 3}) == 6


def test_database_sums_are_accepted():
    # PostgreSQL's SUM over bigint comes back as Decimal.
    totals = {"save": Decimal(3), "impression": Decimal(4), "pin_click": Decimal(1), "outbound_click": Decimal(0)}
    assert evaluate("SAVE_RATE", totals) == 0.75
    assert evaluate("ENGAGEMENT", totals) == 4 and type(evaluate("ENGAGEMENT", totals)) is int


def test_evaluate_an_unknown_metric_is_a_programming_error():
    with pytest.raises(KeyError):
        evaluate("NOT_A_METRIC", zero_totals())


# --- base_columns_for -------------------------------------------------------------


def test_base_columns_for_expands_and_orders():
    assert base_columns_for(["SAVE_RATE"]) == ("impression", "save")
    assert base_columns_for(["ENGAGEMENT", "SAVE", "IMPRESSION"]) == ("impression", "save", "pin_click", "outbound_click")
    assert base_columns_for(["VIDEO_AVG_WATCH_TIME"]) == ("video_start", "video_v50_watch_time")
    assert base_columns_for([]) == ()
    assert base_columns_for(METRICS) == STORED_COLUMNS


@given(st.lists(st.sampled_from(sorted(METRICS))))
def test_base_columns_suffice_to_evaluate(names):
    columns = base_columns_for(names)
    assert len(columns) == len(set(columns))
    assert list(columns) == [c for c in STORED_COLUMNS if c in columns]
    totals = dict.fromkeys(columns, 5)
    for name in names:
        assert evaluate(name, totals) is not None


def test_base_columns_for_an_unknown_metric():
    with pytest.raises(KeyError):
        base_columns_for(["NOT_A_METRIC"])


# --- parse_metric_types -----------------------------------------------------------


def test_parse_repeated_and_comma_separated():
    allowed = m.PIN_ANALYTICS_METRICS
    assert parse_metric_types(["IMPRESSION", "SAVE"], allowed) == ["IMPRESSION", "SAVE"]
    assert parse_metric_types(["IMPRESSION,SAVE"], allowed) == ["IMPRESSION", "SAVE"]
    assert parse_metric_types(["IMPRESSION, SAVE", "PIN_CLICK,", "SAVE"], allowed) == ["IMPRESSION", "SAVE", "PIN_CLICK"]
    assert parse_metric_types([], allowed) == []
    assert parse_metric_types([""], allowed) == []


def test_parse_names_the_unknown_values():
    with pytest.raises(InvalidParameters) as caught:
        parse_metric_types(["IMPRESSION,BOGUS", "ALSO_BAD"], m.PIN_ANALYTICS_METRICS)
    error = caught.value
    assert (error.status, error.code) == (400, 1)
    assert "BOGUS" in error.message and "ALSO_BAD" in error.message
    assert "IMPRESSION," not in error.message.split("Allowed")[0]


def test_parse_refuses_a_known_metric_the_endpoint_does_not_offer():
    with pytest.raises(InvalidParameters, match="VIDEO_START.*not available here"):
        parse_metric_types(["SAVE,VIDEO_START"], m.USER_ACCOUNT_METRICS)


def test_parse_is_case_sensitive():
    with pytest.raises(InvalidParameters, match="impression"):
        parse_metric_types(["impression"], m.USER_ACCOUNT_METRICS)


@given(st.data())
def test_parse_accepts_any_split_of_allowed_names(data):
    allowed = data.draw(st.sampled_from(sorted(ENDPOINT_SETS.values())))
    names = data.draw(st.lists(st.sampled_from(allowed), min_size=1))
    # Cut the list into groups, each sent as one comma-separated value.
    cuts = sorted(data.draw(st.sets(st.integers(min_value=1, max_value=len(names) - 1))) if len(names) > 1 else set())
    bounds = [0, *cuts, len(names)]
    values = [",".join(names[a:b]) for a, b in zip(bounds, bounds[1:])]
    assert parse_metric_types(values, allowed) == list(dict.fromkeys(names))


@given(totals_strategy, st.lists(st.sampled_from(sorted(METRICS)), min_size=1, unique=True))
def test_the_compiled_evaluator_gives_what_evaluate_gives(totals, names):
    columns = m.base_columns_for(names)
    compiled = m.evaluator(names, columns)(tuple(totals[column] for column in columns))
    expected = {name: evaluate(name, totals) for name in names}
    assert compiled == expected
    assert [type(value) for value in compiled.values()] == [type(value) for value in expected.values()]
