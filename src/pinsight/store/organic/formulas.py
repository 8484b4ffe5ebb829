"""The formula engine: a metric's value from the totals of its inputs, in Python and in SQL.

``catalog.metrics`` declares each derived metric's formula as data (``Sum``, ``Ratio``);
this module is the only one that reads a formula, and it reads it the same way in both
languages, so a total computed in a query and one computed from fetched rows agree
(``tests/store/test_formulas.py`` checks it on SQLite and PostgreSQL):

* a base metric is its own total; a ``Sum`` adds its parts' totals (as integers);
* a ``Ratio`` is the sum of its numerator totals over the sum of its denominator totals,
  as a double, and 0.0 when the denominator is 0: the spec types every metric value as a
  plain JSON number (no null; NaN or infinity are not JSON), and "no impressions, so no
  saves per impression" reads naturally as 0, as Pinterest shows for days on which a Pin
  was not seen;
* counts come back as ``int``, rates and durations as ``float``.

It lives in ``store`` because compiling to SQL needs SQLAlchemy, which only ``store``
may import; ``evaluate`` and ``evaluator`` are plain Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from sqlalchemy import Float, case, cast, func, literal

from pinsight.catalog.metrics import METRICS, Metric, Ratio, Sum
from pinsight.store.tables import pin_daily_metrics

Totals = Mapping[str, "float | int | None"]


def _stored(name: str) -> str:
    return METRICS[name].stored_as  # type: ignore[return-value]


def evaluate(metric_name: str, totals: Totals) -> int | float | None:
    """The value of a metric from base columns summed over a period.

    ``totals`` maps storage column names (``STORED_COLUMNS``) to their sums. ``None`` means
    "no data": one of the metric's inputs is absent from ``totals`` (or is ``None``, as
    SQL's SUM over no rows is). An unknown metric name is a programming error: ``KeyError``.
    """
    metric = METRICS[metric_name]
    values = {name: totals.get(_stored(name)) for name in metric.inputs}
    if any(value is None for value in values.values()):
        return None
    formula = metric.formula
    if formula is None:
        value = values[metric_name]
    elif isinstance(formula, Sum):
        value = sum(values[name] for name in formula.parts)
    else:
        denominator = sum(values[name] for name in formula.denominator)
        numerator = sum(values[name] for name in formula.numerator)
        value = float(numerator) / float(denominator) if denominator else 0.0
    if metric.kind == "count":
        return int(value)
    return float(value)


def evaluator(metric_names: Sequence[str], columns: Sequence[str]) -> Callable[[Sequence[int]], dict]:
    """A function from column totals (a sequence in ``columns`` order) to ``{metric: value}``,
    giving what ``evaluate`` gives for each metric, compiled once per request: daily series
    evaluate the same few metrics tens of thousands of times."""
    position = {column: index for index, column in enumerate(columns)}

    def indexes(names: Iterable[str]) -> tuple[int, ...]:
        return tuple(position[_stored(name)] for name in names)

    def compile_one(metric: Metric) -> Callable[[Sequence[int]], int | float]:
        formula = metric.formula
        if formula is None:
            (index,) = indexes([metric.name])
            return (lambda v: int(v[index])) if metric.kind == "count" else (lambda v: float(v[index]))
        if isinstance(formula, Sum):
            parts = indexes(formula.parts)
            if metric.kind == "count":
                return lambda v: int(sum(v[i] for i in parts))
            return lambda v: float(sum(v[i] for i in parts))
        numerator, denominator = indexes(formula.numerator), indexes(formula.denominator)
        if len(numerator) == 1 and len(denominator) == 1:  # the common case, without sum()
            (top,), (bottom,) = numerator, denominator
            return lambda v: float(v[top]) / float(v[bottom]) if v[bottom] else 0.0

        def ratio(v: Sequence[int]) -> float:
            below = sum(v[i] for i in denominator)
            return float(sum(v[i] for i in numerator)) / float(below) if below else 0.0

        return ratio

    compiled = [(name, compile_one(METRICS[name])) for name in metric_names]
    return lambda values: {name: compute(values) for name, compute in compiled}


def summed_daily_column(name: str):
    """A stored column summed over the grouped daily rows (0 over none)."""
    return func.coalesce(func.sum(pin_daily_metrics.c[name]), 0)


def sql_expression(metric_name: str, total: Callable[[str], object] = summed_daily_column):
    """The SQL expression computing a metric from per-column totals, as ``evaluate`` does.

    ``total(stored_column)`` is an integer SQL expression: the column's total over the
    group (by default the sum of the daily rows' column)."""
    metric = METRICS[metric_name]
    formula = metric.formula

    def added(names: Sequence[str]):
        terms = [total(_stored(name)) for name in names]
        return sum(terms[1:], terms[0])

    if formula is None or isinstance(formula, Sum):
        expression = total(_stored(metric_name)) if formula is None else added(formula.parts)
        return expression if metric.kind == "count" else cast(expression, Float)
    assert isinstance(formula, Ratio)
    # Integers are added first and divided as doubles, as in Python: float(sum) / float(sum).
    numerator, denominator = added(formula.numerator), added(formula.denominator)
    return case((denominator == 0, literal(0.0, Float)), else_=cast(numerator, Float) / cast(denominator, Float))
