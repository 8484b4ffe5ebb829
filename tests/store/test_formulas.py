"""The formula engine (``store.organic.formulas``): a metric's value from its inputs' totals, the
same in Python (``evaluate``, and the compiled per-row ``evaluator``) as in SQL
(``sql_expression``, run on SQLite and PostgreSQL)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import BigInteger, cast, false, func, literal, select, union_all

from pinsight.catalog.metrics import CATALOGUE, METRICS, STORED_COLUMNS, Ratio, base_columns_for
from pinsight.store.organic.formulas import evaluate, evaluator, sql_expression

counts = st.integers(min_value=0, max_value=10**9)
totals_strategy = st.fixed_dictionaries({column: counts for column in STORED_COLUMNS})


def col(name: str) -> str:
    return METRICS[name].stored_as


def zero_totals() -> dict[str, int]:
    return dict.fromkeys(STORED_COLUMNS, 0)


# --- Python and SQL agree ----------------------------------------------------------------------

# Amounts as daily rows hold them: often 0 (so denominators of 0 come up), small, or far
# larger than any real total (doubles stay exact up to 2**53, well above sums of these).
amounts = st.one_of(st.just(0), st.integers(0, 20), st.integers(0, 2**40))
stored_rows = st.lists(st.fixed_dictionaries({column: amounts for column in STORED_COLUMNS}), max_size=4)


def _rows_in_sql(rows: list[dict[str, int]]):
    """The rows as an SQL subquery of BIGINT columns (one row that matches nothing for none)."""
    def one(row: dict[str, int]):
        return select(*(cast(literal(row[column]), BigInteger).label(column) for column in STORED_COLUMNS))

    if not rows:
        return one(zero_totals()).where(false()).subquery()
    return (union_all(*(one(row) for row in rows)) if len(rows) > 1 else one(rows[0])).subquery()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=stored_rows)
def test_python_and_sql_give_the_same_values_and_types(runtime, rows):
    """Every metric over summed rows, computed by the database from ``sql_expression`` and in
    Python by ``evaluate`` and the compiled ``evaluator``: equal, exactly, with the same type
    (int for counts, float for rates and durations), and 0.0 for a zero denominator."""
    source = _rows_in_sql(rows)

    def total(column: str):  # as the store sums: 0 over no rows, a BIGINT on both databases
        return cast(func.coalesce(func.sum(source.c[column]), 0), BigInteger)

    names = sorted(METRICS)
    query = select(*(sql_expression(name, total).label(name) for name in names))
    with runtime.engine.connect() as conn:
        in_sql = dict(conn.execute(query).mappings().one())
    totals = {column: sum(row[column] for row in rows) for column in STORED_COLUMNS}
    in_python = {name: evaluate(name, totals) for name in names}
    columns = base_columns_for(names)
    compiled = evaluator(names, columns)(tuple(totals[column] for column in columns))
    assert in_sql == in_python == compiled
    assert [type(in_sql[name]) for name in names] == [type(in_python[name]) for name in names]
    assert [type(compiled[name]) for name in names] == [type(in_python[name]) for name in names]


def test_a_zero_denominator_is_zero_in_sql_too(runtime):
    source = _rows_in_sql([])
    rates = [name for name in sorted(METRICS) if isinstance(METRICS[name].formula, Ratio)]
    query = select(*(sql_expression(name, lambda column: func.coalesce(func.sum(source.c[column]), 0)).label(name)
                     for name in rates))
    with runtime.engine.connect() as conn:
        assert dict(conn.execute(query).mappings().one()) == dict.fromkeys(rates, 0.0)


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




@given(st.lists(st.sampled_from(sorted(METRICS))))
def test_base_columns_suffice_to_evaluate(names):
    columns = base_columns_for(names)
    assert len(columns) == len(set(columns))
    assert list(columns) == [c for c in STORED_COLUMNS if c in columns]
    totals = dict.fromkeys(columns, 5)
    for name in names:
        assert evaluate(name, totals) is not None




@given(totals_strategy, st.lists(st.sampled_from(sorted(METRICS)), min_size=1, unique=True))
def test_the_compiled_evaluator_gives_what_evaluate_gives(totals, names):
    columns = base_columns_for(names)
    compiled = evaluator(names, columns)(tuple(totals[column] for column in columns))
    expected = {name: evaluate(name, totals) for name in names}
    assert compiled == expected
    assert [type(value) for value in compiled.values()] == [type(value) for value in expected.values()]
