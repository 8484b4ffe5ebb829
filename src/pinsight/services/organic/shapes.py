"""Organic analytics rendered as Pinterest's v5 JSON, from a query and the rows the store
gave for it (``domain.organic.analytics_query``): no database, no clock.

* ``AnalyticsResponse`` (pin, multi-pin and account analytics): per series, the metrics
  of every day of the period (``daily_metrics``, with its ``data_status``), of the whole
  period (``summary_metrics``: the formulas over the period's totals, so rates are ratios
  of sums) and, for pins, of their whole life (``lifetime_metrics``).
* The top Pins lists: per pin, the metrics over the period and their ``data_status``,
  with ``date_availability``.

Metric values come from the formula engine (``store.organic.formulas``), compiled once per answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta, timezone

from pinsight.domain.organic.analytics_period import BEFORE_PIN_CREATED, AnalyticsRules, data_status
from pinsight.domain.organic.analytics_query import AnalyticsQuery, Pins, SeriesRows
from pinsight.store.organic.formulas import evaluator


class SeriesPlan:
    """What every series of one answer shares: its days (date, ISO text, status ignoring
    pin creation), its columns and the compiled evaluators."""

    def __init__(self, query: AnalyticsQuery, columns: Sequence[str], rules: AnalyticsRules):
        today = query.today
        self.days = [(day, day.isoformat(), data_status(day, today, None, rules)) for day in query.period.days()]
        self.columns = columns
        self.periodic = evaluator(query.periodic_columns, columns)
        lifetime = query.lifetime_columns
        self.lifetime = evaluator(lifetime, columns) if lifetime else None


def build_series(plan: SeriesPlan, created_on: date | None, by_day: Mapping, lifetime_totals=None) -> dict:
    """One series: ``by_day`` maps a date to its column totals (a sequence in the plan's
    column order); ``lifetime_totals`` likewise for the lifetime metrics (None: zero).
    Days before ``created_on`` carry no metrics."""
    days, columns, compute = plan.days, plan.columns, plan.periodic
    zero = (0,) * len(columns)
    period_totals = [0] * len(columns)
    width = range(len(columns))
    daily = []
    quiet = None  # the metrics of a day without rows, computed once
    for day, text, status in days:
        totals = by_day.get(day)
        if created_on is not None and day < created_on:
            metrics, status = {}, BEFORE_PIN_CREATED
        elif totals is None:
            metrics = quiet if quiet is not None else (quiet := compute(zero))
        else:
            metrics = compute(totals)
        if totals is not None:
            for index in width:
                period_totals[index] += totals[index]
        daily.append({"date": text, "data_status": status, "metrics": metrics})
    result = {"daily_metrics": daily, "summary_metrics": compute(period_totals)}
    if plan.lifetime is not None:
        result["lifetime_metrics"] = plan.lifetime(lifetime_totals or zero)
    return result


def pin_series(query: AnalyticsQuery, rows: SeriesRows, created_on: Mapping[int, date], rules: AnalyticsRules) -> dict:
    """``{pin id: {series key: series}}`` for the query's pins, in their order; a pin's days
    before its creation day (``created_on``) are ``BEFORE_PIN_CREATED``."""
    assert isinstance(query.entity, Pins)
    plan = SeriesPlan(query, rows.columns, rules)
    keys = query.split_keys()
    by_day, lifetime = rows.by_day, rows.lifetime
    return {
        str(pin_id): {
            key: build_series(plan, created_on[pin_id], by_day.get((pin_id, key), {}), lifetime.get((pin_id, key)))
            for key in keys
        }
        for pin_id in query.entity.ids
    }


def account_series(query: AnalyticsQuery, rows: SeriesRows, rules: AnalyticsRules) -> dict:
    """``{series key: series}`` for an account: every key the split allows, zero or not."""
    plan = SeriesPlan(query, rows.columns, rules)
    return {key: build_series(plan, None, rows.by_day.get((None, key), {})) for key in query.split_keys()}


def latest_available_timestamp(today: date, processing_days: int) -> int:
    """Epoch milliseconds of the last second of the latest READY day (UTC)."""
    latest = today - timedelta(days=processing_days)
    moment = datetime.combine(latest, time(23, 59, 59), tzinfo=timezone.utc)
    return int(moment.timestamp()) * 1000


def top_pins(query: AnalyticsQuery, ranked: Sequence[tuple[int, Sequence[int]]], columns: Sequence[str],
             rules: AnalyticsRules) -> dict:
    """A top Pins list: ``ranked`` is (pin id, column totals in ``columns`` order), best first.
    Each reported metric is PROCESSING when the period reaches into the days still being
    counted, READY otherwise."""
    assert query.ranking is not None
    names = query.columns
    compute = evaluator(names, columns)
    status = data_status(query.period.end, query.today, None, rules)
    return {
        "date_availability": {
            "is_realtime": False,
            "latest_available_timestamp": latest_available_timestamp(query.today, rules.processing_days),
        },
        "pins": [
            {"pin_id": str(pin_id), "metrics": compute(totals), "data_status": dict.fromkeys(names, status)}
            for pin_id, totals in ranked
        ],
        "sort_by": query.ranking.sort_by,
    }
