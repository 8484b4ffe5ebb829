"""Organic analytics for pins (``pins/analytics``, ``multi_pins/analytics``): daily series,
period summaries and lifetime totals, computed from the stored daily rows (rates as ratios
of sums).

Each operation: authorize the pins (they must be the operation user's), parse the
parameters into a query (``domain.organic.analytics_query``; the pins are checked first, as the
operations always have), run it (``store.organic.metrics.run_pins``), shape it
(``services.organic.shapes``).
"""

from __future__ import annotations

from pinsight.domain.organic.analytics_query import AnalyticsQuery, SeriesRows, parse_pin_id_list, parse_pins_query
from pinsight.errors import Forbidden, PinNotFound
from pinsight.services.organic import shapes
from pinsight.services.identity.access import Actor, parse_id
from pinsight.services.content.pins import load_visible_pin, load_visible_pins
from pinsight.services.runtime import Runtime
from pinsight.store.organic import metrics as metrics_store

def _owned(actor: Actor, pin):
    if pin["owner_id"] != actor.user_id:
        raise Forbidden("Not authorized to access board or Pin: analytics are for the Pin's owner.")
    return pin


def _run(conn, rt: Runtime, pins: list, **params) -> tuple[AnalyticsQuery, SeriesRows]:
    query = parse_pins_query(tuple(pin["id"] for pin in pins), today=rt.clock.today(), rules=rt.analytics_rules, **params)
    return query, metrics_store.run_pins(conn, query)


def _shape(rt: Runtime, pins: list, query: AnalyticsQuery, rows: SeriesRows) -> dict:
    created_on = {pin["id"]: pin["created_at"].date() for pin in pins}
    return shapes.pin_series(query, rows, created_on, rt.analytics_rules)


def _pin_analytics(conn, rt: Runtime, actor: Actor, pin_id: str, **params) -> dict:
    pin = _owned(actor, load_visible_pin(conn, actor, pin_id))
    query, rows = _run(conn, rt, [pin], **params)
    return _shape(rt, [pin], query, rows)[str(pin["id"])]


def pin_analytics(rt: Runtime, actor: Actor, pin_id: str, *, start_date, end_date, app_types, metric_types,
                  split_field) -> dict:
    with rt.engine.connect() as conn:
        return _pin_analytics(conn, rt, actor, pin_id, start_date=start_date, end_date=end_date, app_types=app_types,
                              metric_types=metric_types, split_field=split_field)


def _parse_pin_ids(pin_ids: list[str]) -> list[str]:
    """Checked before anything else: how many ids, and that each can name a pin (404)."""
    ids = parse_pin_id_list(pin_ids)
    for value in ids:
        parse_id(value, "Pin", PinNotFound)
    return ids


def _multi_pin_analytics(conn, rt: Runtime, actor: Actor, ids: list[str], **params) -> dict:
    pins = [_owned(actor, pin) for pin in load_visible_pins(conn, actor, ids)]
    query, rows = _run(conn, rt, pins, **params)
    return _shape(rt, pins, query, rows)


def multi_pin_analytics(rt: Runtime, actor: Actor, pin_ids: list[str], *, start_date, end_date, app_types,
                        metric_types) -> dict:
    ids = _parse_pin_ids(pin_ids)
    with rt.engine.connect() as conn:
        return _multi_pin_analytics(conn, rt, actor, ids, start_date=start_date, end_date=end_date,
                                    app_types=app_types, metric_types=metric_types)
