"""Targeting analytics (``ad_account_targeting_analytics/get``, ``campaign_targeting_analytics/get``,
``ad_groups_targeting_analytics/get``, ``ad_targeting_analytics/get``): the sync ads
analytics' figures split by the slices of targeting types.

The query is the sync analytics' (``domain.ads.analytics_query``) with its targeting types
and attribution type. For each type asked, the figures of the column plan
(``domain.ads.column_plan``) are summed per entity, bucket and slice, from the sources
``store.ads.targeting_analytics`` names, and each column is computed from those sums as
the untargeted report computes it (``column_plan.evaluate``), so a slice's additive
column is the sum of its days and every ratio is a ratio of sums. An action that carries
none of a type's facts counts in its ``unknown`` slice (``catalog.ad_targeting``): the
slices of one type add up to the untargeted report's row, column by additive column.

Rows: per type in the order asked, then by entity, slice and bucket; a row exists for
each entity, bucket and slice with any delivery or credited conversion. HOUR reads the
raw actions of its few days and, as the untargeted reports, answers no conversion
columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import orjson

from pinsight.catalog.ad_actions import ACTION_TYPES
from pinsight.catalog.ad_reporting import DAY, HOUR, REPORTING_TIME_ZONES
from pinsight.catalog.ad_targeting import AD_CREATIVE_TYPE, BY_NAME
from pinsight.domain.ads import buckets
from pinsight.domain.ads.action_profiles import profile_of
from pinsight.domain.ads.analytics_query import AdsAnalyticsQuery, parse_ads_analytics_query
from pinsight.domain.ads.analytics_rows import RowInput, TargetingRowInput, encode_targeting_rows
from pinsight.domain.ads.column_plan import ColumnPlan, evaluate, plan_columns
from pinsight.services.ads.analytics import credit_of, id_filters, with_entities
from pinsight.services.identity.access import Actor
from pinsight.services.runtime import Runtime
from pinsight.store.ads import ad_analytics
from pinsight.store.ads import targeting_analytics as store

_SPEND = "spend_micro_dollar"
# Where a raw action's figures go in a delivery vector: a count per action type, then spend.
_DELIVERY_INDEX = {**{name: n for n, name in enumerate(ACTION_TYPES)}, _SPEND: len(ACTION_TYPES)}

# (entity id, bucket key, slice) -> the plan's figures
Sums = dict[tuple[int, date, str], list[int]]


def targeting_analytics(rt: Runtime, actor: Actor, params: Mapping) -> orjson.Fragment:
    """The answer of the targeting analytics operation the actor calls, for ``params``:
    the spec's MetricsResponse, encoded here (``analytics_rows.encode_targeting_rows``)."""
    query = parse_ads_analytics_query(actor.operation.operation_id, **params, today=rt.clock.today(),
                                      lookback_days=rt.analytics_rules.lookback_days)
    with rt.engine.connect() as conn:
        rows = targeting_rows(conn, query, actor.ad_account_id)
    return orjson.Fragment(encode_targeting_rows(query, rows))


def targeting_rows(conn, query: AdsAnalyticsQuery, account_id: int) -> list[TargetingRowInput]:
    """The rows answering a targeting ``query`` for the ad account, type by type: what the
    sync operations encode, and what an async targeting report writes."""
    level = query.report.rows_per
    plan = plan_columns(query.columns)
    rows: list[TargetingRowInput] = []
    if level == "AD_ACCOUNT":
        owned = store.account_ads(conn, account_id) if query.granularity == HOUR else []
    else:
        owned = ad_analytics.owned_ads(conn, account_id, id_filters(query))
    delivery = ad_rows = None  # the ads' actions summed per (ad, bucket, facts): read once, on demand
    for kind in query.targeting_types:
        if query.granularity == HOUR or (level != "AD_ACCOUNT" and BY_NAME[kind].from_actions):
            if delivery is None:
                delivery = _delivery_by_facts(conn, query, owned)
                ad_rows = store.ad_rows(conn, account_id, owned)
            sums = _sliced_delivery(delivery, kind, plan, level, account_id, ad_rows)
        else:
            sums = {}
        if query.granularity != HOUR:
            for entity, bucket, slice_value, *figures in _stored_sums(conn, query, account_id, level, owned,
                                                                      kind, plan):
                _add(sums, (entity, date.fromisoformat(bucket), slice_value), figures)
        rows.extend(_rows(query, kind, plan, sums))
    if any(column.kind == "ENTITY" for column in query.columns):
        metrics = with_entities(conn, query, account_id, [row for _, _, row in rows])
        rows = [(kind, value, row) for (kind, value, _), row in zip(rows, metrics, strict=True)]
    return rows


def _bucket_starts(query: AdsAnalyticsQuery) -> tuple[date, ...] | None:
    if query.granularity == DAY:
        return None
    return buckets.bucket_keys(query.start, query.end, query.granularity, query.time_zone)


def _stored_sums(conn, query: AdsAnalyticsQuery, account_id: int, level: str, owned: Sequence[int], kind: str,
                 plan: ColumnPlan):
    """The rollups' part of a type's sums: everything at the account level; conversions
    elsewhere, and delivery too for an ad attribute (CREATIVE_TYPE)."""
    zone = REPORTING_TIME_ZONES[query.reporting_timezone]
    args = (zone, query.start, query.end)
    if level == "AD_ACCOUNT":
        return store.account_slices(conn, account_id, *args, kind, credit_of(query), _bucket_starts(query), plan)
    if not BY_NAME[kind].from_actions:
        return store.ad_attribute_slices(conn, owned, level, *args, credit_of(query), _bucket_starts(query), plan)
    return store.entity_conversion_slices(conn, owned, level, *args, kind, credit_of(query), _bucket_starts(query),
                                          plan)


def _delivery_by_facts(conn, query: AdsAnalyticsQuery, owned: Sequence[int]) -> dict[tuple, list[int]]:
    """The named ads' actions in the range summed per (ad, bucket key, app type,
    dimensions): a count per action type, then spend (``_DELIVERY_INDEX``)."""
    since, until = buckets.range_instants(query.start, query.end, query.time_zone)
    zone, granularity, start, end = query.time_zone, query.granularity, query.start, query.end
    # Every instant of a UTC hour falls in one bucket (the reporting zones' offsets are
    # whole hours): the bucket is worked out once per hour, not per action.
    bucket_of_hour: dict = {}
    sums: dict[tuple, list[int]] = {}
    spend_at = _DELIVERY_INDEX[_SPEND]
    for ad_id, occurred_at, action_type, spend, app_type, dimensions in store.delivery_actions(
            conn, owned, since.replace(tzinfo=None), until.replace(tzinfo=None)):
        hour = occurred_at.replace(minute=0, second=0, microsecond=0)
        bucket = bucket_of_hour.get(hour, _UNSEEN)
        if bucket is _UNSEEN:
            bucket = bucket_of_hour[hour] = buckets.bucket_key(hour, granularity, zone, start, end)
        if bucket is None:
            continue
        key = (ad_id, bucket, app_type, dimensions)
        row = sums.get(key)
        if row is None:
            row = sums[key] = [0] * len(_DELIVERY_INDEX)
        row[_DELIVERY_INDEX[action_type]] += 1
        row[spend_at] += spend or 0
    return sums


_UNSEEN = object()
_LEVEL_KEYS = {"CAMPAIGN": "campaign_id", "AD_GROUP": "ad_group_id", "AD": "id"}


def _sliced_delivery(delivery: Mapping[tuple, list[int]], kind: str, plan: ColumnPlan, level: str, account_id: int,
                     ad_rows: Mapping[int, Mapping]) -> Sums:
    """The delivery sums per (entity, bucket, slice of ``kind``), as the plan's figures:
    the slice of the action's facts, or of its ad's attribute (CREATIVE_TYPE)."""
    slots = [(n, _DELIVERY_INDEX[figure.delivery]) for n, figure in enumerate(plan.figures)
             if figure.delivery is not None]
    positions = [position for _, position in slots]
    entity_of = {ad_id: account_id if level == "AD_ACCOUNT" else ad[_LEVEL_KEYS[level]] for ad_id, ad in ad_rows.items()}
    from_actions = BY_NAME[kind].from_actions
    slice_of: dict[tuple, str] = {}
    summed: dict[tuple, list[int]] = {}  # only the figures the plan reads, in ``slots`` order
    for (ad_id, bucket, app_type, dimensions), counts in delivery.items():
        if from_actions:
            facts = (app_type, dimensions)
            slice_value = slice_of.get(facts)
            if slice_value is None:
                slice_value = slice_of[facts] = profile_of(app_type, dimensions).slice(kind)
        else:
            slice_value = ad_rows[ad_id][AD_CREATIVE_TYPE]
        key = (entity_of[ad_id], bucket, slice_value)
        row = summed.get(key)
        if row is None:
            summed[key] = [counts[position] for position in positions]
        else:
            for n, position in enumerate(positions):
                row[n] += counts[position]
    sums: Sums = {}
    for key, row in summed.items():
        figures = [0] * len(plan.figures)
        for (n, _), value in zip(slots, row):
            figures[n] = value
        sums[key] = figures
    return sums


def _add(sums: Sums, key: tuple, figures: Sequence[int]) -> None:
    row = sums.get(key)
    if row is None:
        sums[key] = [int(value or 0) for value in figures]
        return
    for n, value in enumerate(figures):
        row[n] += int(value or 0)


def _rows(query: AdsAnalyticsQuery, kind: str, plan: ColumnPlan, sums: Sums) -> list[TargetingRowInput]:
    """A type's rows, by entity, slice and bucket, each column computed from the sums
    (ENTITY columns None: ``with_entities`` fills them in)."""
    rows = []
    for (entity, bucket, slice_value), figures in sorted(sums.items(), key=lambda item: (item[0][0], item[0][2], item[0][1])):
        values = [None if computed.is_entity else evaluate(computed, figures) for computed in plan.columns]
        row: RowInput = (entity, buckets.date_label(bucket, query.granularity, query.time_zone), values)
        rows.append((kind, slice_value, row))
    return rows
