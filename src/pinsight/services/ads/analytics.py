"""Sync ads analytics: ``ad_account/analytics``, ``campaigns/analytics``,
``ad_groups/analytics``, ``ads/analytics`` and ``ad_pins/analytics``.

The query is checked by ``domain.ads.analytics_query``; the figures come from the daily
rollups (``store.ads.ad_analytics``): delivery per ad and day, and the conversions
credited for the query's windows and report time, per ad, day, kind, event and source.
Days are summed into the granularity's buckets and the entity's rows, then each column
is computed from those sums (``domain.ads.column_values``), so totals are the sum of days
and every ratio is a ratio of sums. HOUR reads the raw actions of its few days; it
carries no conversion columns, as the spec says. Conversions are credited to the
household (``catalog.ad_reporting.SYNC_ATTRIBUTION_TYPE``).

Rows exist for the entities and buckets with any figure, in entity then time order.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping

from pinsight.catalog.ad_reporting import HOUR, REPORTING_TIME_ZONES, SYNC_ATTRIBUTION_TYPE
from pinsight.domain.ads import buckets
from pinsight.domain.ads.analytics_query import AdsAnalyticsQuery, parse_ads_analytics_query
from pinsight.domain.ads.analytics_rows import shape_rows
from pinsight.domain.ads.column_values import compile_columns
from pinsight.services.identity.access import Actor
from pinsight.services.runtime import Runtime
from pinsight.store.ads import ad_analytics as store

# What each row level is keyed by in the stored rollups (PIN rows sum their ads' rows).
_LEVEL_COLUMN = {"AD_ACCOUNT": "AD_ACCOUNT", "CAMPAIGN": "CAMPAIGN", "AD_GROUP": "AD_GROUP", "AD": "AD", "PIN": "AD"}
_FILTER_COLUMNS = {"campaign_ids": "campaign_id", "ad_group_ids": "ad_group_id", "ad_ids": "ad_id"}


def ads_analytics(rt: Runtime, actor: Actor, params: Mapping) -> list[dict]:
    """The answer of the sync ads analytics operation the actor calls, for ``params``."""
    query = parse_ads_analytics_query(actor.operation.operation_id, **params, today=rt.clock.today(),
                                      lookback_days=rt.analytics_rules.lookback_days)
    account_id = actor.ad_account_id
    with rt.engine.connect() as conn:
        filters = {column: query_ids for name, column in _FILTER_COLUMNS.items()
                   if (query_ids := getattr(query, name)) is not None}
        pin_of: dict[int, int] = {}
        if query.pin_ids is not None:
            pin_of = store.ads_of_pins(conn, account_id, query.pin_ids)
            narrowed = set(pin_of) & set(filters.get("ad_id", pin_of))
            filters["ad_id"] = sorted(narrowed) or [0]  # no ad promotes those pins: nothing to report
        level = _LEVEL_COLUMN[query.report.rows_per]
        if query.granularity == HOUR:
            figures = _hourly(conn, query, account_id, level, filters)
        else:
            figures = _daily(conn, query, account_id, level, filters)
        if query.report.rows_per == "PIN":
            figures = _by_pin(conn, account_id, figures, pin_of)
        entities = _entities(conn, query, account_id, {entity for entity, _ in figures})
    values_of = compile_columns(query.columns)
    rows = []
    for (entity, key) in sorted(figures, key=lambda item: (item[0], str(item[1]))):
        delivery, conversions = figures[(entity, key)]
        values = values_of(delivery, conversions, entities.get(entity))
        label = buckets.date_label(key, query.granularity, query.time_zone)
        rows.append((None if query.aggregate_report_rows else entity, label, values))
    return shape_rows(query, rows)


def _zone(query: AdsAnalyticsQuery) -> str:
    return REPORTING_TIME_ZONES[query.reporting_timezone]


# A row's figures while they are summed: (delivery figures, conversion figures), plain
# dicts of whole numbers (``column_values.compile_columns`` reads them).
Figures = tuple[dict, dict]


def _add(into: dict, figures) -> None:
    for name, amount in figures.items():
        into[name] = into.get(name, 0) + amount


def _daily(conn, query: AdsAnalyticsQuery, account_id: int, level: str, filters) -> dict[tuple, Figures]:
    zone = _zone(query)
    delivery = store.delivery_sums(conn, account_id, zone, query.start, query.end, level, filters)
    windows = query.windows
    conversions = store.conversion_sums(conn, account_id, zone, query.start, query.end, level, filters,
                                        query.conversion_report_time, SYNC_ATTRIBUTION_TYPE, windows.click_days,
                                        windows.engagement_days, windows.view_days)
    figures: dict[tuple, Figures] = {}
    bucket_of: dict = {}
    for (entity, day) in delivery.keys() | conversions.keys():
        bucket = bucket_of.get(day)
        if bucket is None:
            bucket = bucket_of[day] = buckets.day_key(day, query.granularity, query.start, query.end)
        key = (0 if query.aggregate_report_rows else entity, bucket)
        row = figures.get(key)
        if row is None:
            row = figures[key] = ({}, {})
        _add(row[0], delivery.get((entity, day), {}))
        _add(row[1], conversions.get((entity, day), {}))
    return figures


def _hourly(conn, query: AdsAnalyticsQuery, account_id: int, level: str, filters) -> dict[tuple, Figures]:
    since, until = buckets.range_instants(query.start, query.end, query.time_zone)
    sums: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    index = {"AD": 0, "CAMPAIGN": 1, "AD_GROUP": 2}
    for row in store.hourly_actions(conn, account_id, since.replace(tzinfo=None), until.replace(tzinfo=None), filters):
        entity = account_id if level == "AD_ACCOUNT" else row[index[level]]
        key = (0 if query.aggregate_report_rows else entity, buckets.hour_key(row[4], query.time_zone))
        sums[key][row[5]] += 1
        sums[key]["spend_micro_dollar"] += row[6] or 0
    return {key: (dict(values), {}) for key, values in sums.items()}


def _by_pin(conn, account_id: int, figures: dict[tuple, Figures], pin_of: dict[int, int]) -> dict[tuple, Figures]:
    parents = store.ad_parents(conn, account_id, [ad for ad, _ in figures if ad not in pin_of])
    folded: dict[tuple, Figures] = {}
    for (ad, key), (delivery, conversions) in figures.items():
        pin = pin_of[ad] if ad in pin_of else parents[ad][2]
        row = folded.get((pin, key))
        if row is None:
            row = folded[(pin, key)] = ({}, {})
        _add(row[0], delivery)
        _add(row[1], conversions)
    return folded


def _as_entity(row: Mapping) -> dict:
    """A stored row as the spec's entity object reads for the ENTITY columns."""
    entity = {key: value for key, value in row.items() if key != "attributes"}
    entity.update(json.loads(row.get("attributes") or "{}"))
    for key in ("id", "ad_account_id", "campaign_id", "ad_group_id", "pin_id"):
        if entity.get(key) is not None:
            entity[key] = str(entity[key])
    return entity


def _entities(conn, query: AdsAnalyticsQuery, account_id: int, ids: set[int]) -> dict[int, dict[str, dict]]:
    """Per row entity, the spec objects its ENTITY columns read: itself and its parents."""
    if not any(column.kind == "ENTITY" for column in query.columns) or query.aggregate_report_rows:
        return {}
    rows_per = query.report.rows_per
    if rows_per == "PIN":
        return {}  # several ads may promote one Pin: no one ad's attributes describe its row
    ad_ids = ids if rows_per == "AD" else set()
    parents = store.ad_parents(conn, account_id, sorted(ad_ids))
    campaign_ids = ids if rows_per == "CAMPAIGN" else {p[0] for p in parents.values()}
    group_ids = ids if rows_per == "AD_GROUP" else {p[1] for p in parents.values()}
    stored = store.entity_rows(conn, account_id, sorted(ad_ids), sorted(campaign_ids), sorted(group_ids))
    if rows_per == "AD_GROUP":
        campaign_ids = {row["campaign_id"] for row in stored["AD_GROUP"].values()}
        stored["CAMPAIGN"] = store.entity_rows(conn, account_id, [], sorted(campaign_ids), [])["CAMPAIGN"]
    account = {"AD_ACCOUNT": _as_entity(stored["AD_ACCOUNT"][account_id])} if stored["AD_ACCOUNT"] else {}
    found: dict[int, dict[str, dict]] = {}
    for entity in ids:
        objects = dict(account)
        if rows_per == "AD" and entity in stored["AD"]:
            ad = stored["AD"][entity]
            objects["AD"] = _as_entity(ad)
            campaign_id, group_id = ad["campaign_id"], ad["ad_group_id"]
        elif rows_per == "AD_GROUP" and entity in stored["AD_GROUP"]:
            group = stored["AD_GROUP"][entity]
            campaign_id, group_id = group["campaign_id"], entity
        elif rows_per == "CAMPAIGN":
            campaign_id, group_id = entity, None
        else:
            campaign_id = group_id = None
        if group_id in stored["AD_GROUP"]:
            objects["AD_GROUP"] = _as_entity(stored["AD_GROUP"][group_id])
        if campaign_id in stored["CAMPAIGN"]:
            objects["CAMPAIGN"] = _as_entity(stored["CAMPAIGN"][campaign_id])
        found[entity] = objects
    return found
