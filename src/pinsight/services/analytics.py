"""Organic analytics for pins: daily series, period summaries and lifetime totals,
computed from the stored daily rows (rates as ratios of sums)."""

from __future__ import annotations

from collections import defaultdict

from pinsight.catalog.metrics import (
    LIFETIME_METRICS,
    PIN_ANALYTICS_METRICS,
    base_columns_for,
    evaluator,
    parse_metric_types,
)
from pinsight.domain.analytics_period import BEFORE_PIN_CREATED, data_status, validate_period
from pinsight.errors import Forbidden, InvalidParameters, PinNotFound
from pinsight.services.access import Actor, parse_id
from pinsight.services.pins import load_visible_pin, load_visible_pins
from pinsight.services.runtime import Runtime
from pinsight.store import metrics as metrics_store
from pinsight.store.tables import APP_TYPES

MAX_PINS = 100
ALL = "all"


def _app_types(app_types: str) -> tuple[str, ...]:
    return APP_TYPES if app_types == "ALL" else (app_types,)


def _own_pin(conn, actor: Actor, pin_id: str):
    return _owned(actor, load_visible_pin(conn, actor, pin_id))


def _owned(actor: Actor, pin):
    if pin["owner_id"] != actor.user_id:
        raise Forbidden("Not authorized to access board or Pin: analytics are for the Pin's owner.")
    return pin


def calendar(period, today, rules) -> list[tuple]:
    """The period's days as (date, ISO text, status ignoring pin creation), shared by every
    series of a request."""
    return [(day, day.isoformat(), data_status(day, today, None, rules)) for day in period.days()]


class SeriesPlan:
    """What every series of one request shares: its days, metrics and columns, and the
    compiled evaluators."""

    def __init__(self, period, today, rules, metric_names, columns):
        self.days = calendar(period, today, rules)
        self.columns = columns
        self.periodic = evaluator([name for name in metric_names if name not in LIFETIME_METRICS], columns)
        lifetime = [name for name in metric_names if name in LIFETIME_METRICS]
        self.lifetime = evaluator(lifetime, columns) if lifetime else None


def build_series(plan: SeriesPlan, created_on, by_day: dict, lifetime_totals=None) -> dict:
    """One series: ``by_day`` maps a date to its column totals (a sequence in the plan's
    column order); ``lifetime_totals`` likewise for the lifetime metrics (None: zero)."""
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


def _pins_analytics(conn, rt: Runtime, pins: list, start_date, end_date, app_types, metric_types, split_field) -> dict:
    rules, today = rt.analytics_rules, rt.clock.today()
    period = validate_period(start_date, end_date, today, rules)
    names = parse_metric_types(metric_types or [], PIN_ANALYTICS_METRICS)
    if not names:
        raise InvalidParameters("Invalid pins analytics parameters: metric_types is required.")
    split = split_field == "APP_TYPE"
    types = _app_types(app_types)
    columns = base_columns_for(names)
    pin_ids = [pin["id"] for pin in pins]
    by_key: dict = defaultdict(dict)
    for pin_id, day, app_type, totals in metrics_store.sum_by_pin_day(
        conn, pin_ids, period.start, period.end, types, columns, split_app_type=split
    ):
        by_key[(pin_id, app_type if split else ALL)][day] = totals
    lifetime_columns = base_columns_for([n for n in names if n in LIFETIME_METRICS])
    lifetime: dict = {}
    if lifetime_columns:
        for row in metrics_store.sum_lifetime(conn, pin_ids, today, types, columns, split_app_type=split):
            key = (row["pin_id"], row["app_type"] if split else ALL)
            lifetime[key] = tuple(int(row[column] or 0) for column in columns)
    keys = types if split else (ALL,)
    plan = SeriesPlan(period, today, rules, names, columns)
    result = {}
    for pin in pins:
        created_on = pin["created_at"].date()
        result[str(pin["id"])] = {
            key: build_series(plan, created_on, by_key.get((pin["id"], key), {}), lifetime.get((pin["id"], key)))
            for key in keys
        }
    return result


def pin_analytics(rt: Runtime, actor: Actor, pin_id: str, *, start_date, end_date, app_types, metric_types,
                  split_field) -> dict:
    with rt.engine.connect() as conn:
        pin = _own_pin(conn, actor, pin_id)
        return _pins_analytics(conn, rt, [pin], start_date, end_date, app_types, metric_types, split_field)[str(pin["id"])]


def multi_pin_analytics(rt: Runtime, actor: Actor, pin_ids: list[str], *, start_date, end_date, app_types,
                        metric_types) -> dict:
    ids = list(dict.fromkeys(part for value in pin_ids or [] for part in value.split(",") if part))
    if not 1 <= len(ids) <= MAX_PINS:
        raise InvalidParameters(f"Invalid multi_pins analytics parameters: give 1 to {MAX_PINS} pin_ids.")
    for value in ids:
        parse_id(value, "Pin", PinNotFound)
    with rt.engine.connect() as conn:
        pins = [_owned(actor, pin) for pin in load_visible_pins(conn, actor, ids)]
        per_pin = _pins_analytics(conn, rt, pins, start_date, end_date, app_types, metric_types, "NO_SPLIT")
    return per_pin
