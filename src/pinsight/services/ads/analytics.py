"""Sync ads analytics: ``ad_account/analytics``, ``campaigns/analytics``,
``ad_groups/analytics``, ``ads/analytics`` and ``ad_pins/analytics``.

The query is checked by ``domain.ads.analytics_query``; the figures come from the daily
rollups (``store.ads.ad_analytics``): delivery per ad and day, and the conversions
credited for the query's windows and report time. The database sums the rollups' days
into the granularity's buckets and the entities' rows and computes each column from
those sums, as ``domain.ads.column_plan`` lays out, so totals are the sum of days and
every ratio is a ratio of sums. HOUR reads the raw actions of its few days and computes
in Python (``domain.ads.column_values``); it carries no conversion columns, as the spec
says. ENTITY columns are filled in here. Conversions are credited to the household
(``catalog.ad_reporting.SYNC_ATTRIBUTION_TYPE``).

Rows exist for the entities and buckets with any figure, in entity then time order.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping

import orjson

from pinsight.catalog.ad_reporting import DAY, HOUR, REPORTING_TIME_ZONES, TOTAL
from pinsight.domain.ads import buckets
from pinsight.domain.ads.analytics_query import AdsAnalyticsQuery, parse_ads_analytics_query
from pinsight.domain.ads.analytics_rows import RowInput, encode_rows
from pinsight.domain.ads.column_plan import plan_columns
from pinsight.domain.ads.column_values import compile_columns, entity_value
from pinsight.services.identity.access import Actor
from pinsight.services.runtime import Runtime
from pinsight.store.ads import ad_analytics as store

# What each row level is keyed by in the stored rollups (PIN rows sum their ads' rows).
_LEVEL_COLUMN = {"AD_ACCOUNT": "AD_ACCOUNT", "CAMPAIGN": "CAMPAIGN", "AD_GROUP": "AD_GROUP", "AD": "AD", "PIN": "PIN"}
_FILTER_COLUMNS = {"campaign_ids": "campaign_id", "ad_group_ids": "ad_group_id", "ad_ids": "ad_id"}


def ads_analytics(rt: Runtime, actor: Actor, params: Mapping) -> orjson.Fragment:
    """The answer of the sync ads analytics operation the actor calls, for ``params``: a
    JSON array, encoded here (``analytics_rows.encode_rows``) because an answer holds up
    to tens of thousands of rows."""
    query = parse_ads_analytics_query(actor.operation.operation_id, **params, today=rt.clock.today(),
                                      lookback_days=rt.analytics_rules.lookback_days)
    with rt.engine.connect() as conn:
        rows = report_rows(conn, query, actor.ad_account_id)
    return orjson.Fragment(encode_rows(query, rows))


def report_rows(conn, query: AdsAnalyticsQuery, account_id: int) -> list[RowInput]:
    """The rows answering ``query`` for the ad account, in entity then time order: what the
    sync operations encode, and what an async report writes (``services.ads.reports``)."""
    filters = id_filters(query)
    if query.pin_ids is not None:
        pin_of = store.ads_of_pins(conn, account_id, query.pin_ids)
        narrowed = set(pin_of) & set(filters.get("ad_id", pin_of))
        filters["ad_id"] = sorted(narrowed) or [0]  # no ad promotes those pins: nothing to report
    level = None if query.aggregate_report_rows else _LEVEL_COLUMN[query.report.rows_per]
    if query.granularity == HOUR:
        rows = _hourly(conn, query, account_id, level, filters)
    else:
        rows = _daily(conn, query, account_id, level, filters)
    if any(column.kind == "ENTITY" for column in query.columns):
        rows = with_entities(conn, query, account_id, rows)
    return rows


def _zone(query: AdsAnalyticsQuery) -> str:
    return REPORTING_TIME_ZONES[query.reporting_timezone]


def id_filters(query: AdsAnalyticsQuery) -> dict[str, tuple[int, ...]]:
    """The query's id parameters as filters on the rollups' columns."""
    return {column: ids for name, column in _FILTER_COLUMNS.items() if (ids := getattr(query, name)) is not None}


def credit_of(query: AdsAnalyticsQuery) -> store.Credit:
    """Which stored conversions count for the query: its report time, attribution type
    (the sync reports': ``SYNC_ATTRIBUTION_TYPE``) and windows."""
    windows = query.windows
    return store.Credit(query.conversion_report_time, query.attribution_type, windows.click_days,
                        windows.engagement_days, windows.view_days)


def _daily(conn, query: AdsAnalyticsQuery, account_id: int, level: str | None, filters) -> list[RowInput]:
    """Rows summed, bucketed and computed by the database (``domain.ads.column_plan``)."""
    credit = credit_of(query)
    bucket_starts = None if query.granularity == DAY else buckets.bucket_keys(query.start, query.end,
                                                                              query.granularity, query.time_zone)
    found = store.computed_rows(conn, account_id, _zone(query), query.start, query.end, level, filters, credit,
                                bucket_starts, plan_columns(query.columns))
    dated = query.granularity != TOTAL
    return [(row[0] if level is not None else None, row[1] if dated else None, row[2:]) for row in found]


def _hourly(conn, query: AdsAnalyticsQuery, account_id: int, level: str | None, filters) -> list[RowInput]:
    """HOUR rows, from the raw actions of the range's few days (``column_values``)."""
    since, until = buckets.range_instants(query.start, query.end, query.time_zone)
    sums: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    index = {"AD": 0, "CAMPAIGN": 1, "AD_GROUP": 2, "PIN": 3}
    for row in store.hourly_actions(conn, account_id, since.replace(tzinfo=None), until.replace(tzinfo=None), filters):
        entity = None if level is None else account_id if level == "AD_ACCOUNT" else row[index[level]]
        key = (entity, buckets.hour_key(row[4], query.time_zone))
        sums[key][row[5]] += 1
        sums[key]["spend_micro_dollar"] += row[6] or 0
    values_of = compile_columns(query.columns)
    return [(entity, buckets.date_label(key, HOUR, query.time_zone), tuple(values_of(dict(figures), {}).values()))
            for (entity, key), figures in sorted(sums.items(), key=lambda item: (item[0][0] or 0, item[0][1]))]


def with_entities(conn, query: AdsAnalyticsQuery, account_id: int, rows: list[RowInput]) -> list[RowInput]:
    """The rows with their ENTITY columns' answers: the attributes of the row's entity and
    its parents (None where the row has no one entity: aggregated rows, Pins)."""
    entities = _entities(conn, query, account_id, {entity for entity, _, _ in rows if entity is not None})
    slots = [(n, column) for n, column in enumerate(query.columns) if column.kind == "ENTITY"]
    filled = []
    for entity, label, values in rows:
        objects = entities.get(entity) or {}
        values = list(values)
        for n, column in slots:
            values[n] = entity_value(column, objects)
        filled.append((entity, label, values))
    return filled


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
