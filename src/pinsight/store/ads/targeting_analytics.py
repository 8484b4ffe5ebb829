"""SQL for targeting analytics: the figures of a column plan summed per entity, bucket and
slice of one targeting type.

Where each part comes from:

* an ad account's delivery per slice: ``ad_targeting_daily``, kept per account, day and
  slice of every action targeting type on the write path (a few hundred rows a day);
* conversions per slice, at every level: the conversion rollup, whose rows keep the
  credited touch's profile, joined to ``ad_action_profiles``' column of the type (no
  rollup by account and slice: its rows would be as many as the conversion rollup's,
  since the windows need each row's reaches, event and source, and every conversion
  would write one per targeting type);
* ``CREATIVE_TYPE`` (campaigns), an attribute of the ad: both per-ad rollups joined to
  the ads;
* a campaign's, ad group's or ad's delivery per slice of an action targeting type: the
  named ads' raw actions in the range (``delivery_actions``), which the service sums; no
  rollup keeps delivery per ad and slice, whose rows would outnumber the actions.

Every read is bounded by the query: the account's rows of one zone, type and range of
days, or the named ads' rows (read ad by ad through the rollups' primary keys, as
``store.ads.ad_analytics`` does).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import BigInteger, Connection, cast, func, literal, literal_column, select, union_all

from pinsight.catalog.ad_targeting import AD_CREATIVE_TYPE
from pinsight.domain.ads.action_profiles import SLICE_COLUMNS
from pinsight.domain.ads.column_plan import ColumnPlan
from pinsight.store.ads.ad_analytics import (
    LEVEL_COLUMNS,
    Credit,
    account_conditions,
    bucket_label,
    by_ads_conditions,
    credited,
    figure_value,
)
from pinsight.store.bulk import one_of
from pinsight.store.tables import (
    ad_action_profiles,
    ad_actions,
    ad_conversion_daily,
    ad_delivery_daily,
    ad_targeting_daily,
    ads,
)

# (entity id, bucket DATE text, slice, each figure of the plan's, summed)
SliceSums = tuple


def _arm(table, entity, bucket, slice_value, plan: ColumnPlan, conditions, joins=()):
    """One source's rows summed per (entity, bucket, slice), a column per plan figure (0
    where the source has none of it)."""
    values = [figure_value(table, figure) for figure in plan.figures]
    summed = [literal_column("0") if value is None else cast(func.sum(value), BigInteger) for value in values]
    query = select(entity.label("entity"), bucket.label("bucket"), slice_value.label("slice"),
                   *(value.label(f"f{n}") for n, value in enumerate(summed)))
    for joined, on in joins:
        query = query.join_from(table, joined, on)
    return query.where(*conditions).group_by(entity, bucket, slice_value)


def _summed(conn: Connection, arms, plan: ColumnPlan) -> list[SliceSums]:
    rows = union_all(*arms).subquery("sliced")
    sums = [cast(func.sum(rows.c[f"f{n}"]), BigInteger) for n in range(len(plan.figures))]
    query = (select(rows.c.entity, rows.c.bucket, rows.c.slice, *sums)
             .group_by(rows.c.entity, rows.c.bucket, rows.c.slice))
    return [tuple(row) for row in conn.execute(query)]


def account_slices(conn: Connection, ad_account_id: int, zone: str, start: date, end: date, targeting_type: str,
                   credit: Credit, bucket_starts: Sequence[date] | None, plan: ColumnPlan) -> list[SliceSums]:
    """The ad account's figures per bucket and slice of an action targeting type (its
    entity is the account's id), for every bucket and slice with any delivery or credited
    conversion. ``bucket_starts``: as ``ad_analytics.computed_rows`` takes them."""
    entity = literal(ad_account_id, BigInteger)
    delivery = ad_targeting_daily
    delivery_arm = _arm(
        delivery, entity, bucket_label(delivery, bucket_starts), delivery.c.targeting_value, plan,
        [delivery.c.ad_account_id == ad_account_id, delivery.c.zone == zone,
         delivery.c.targeting_type == targeting_type, delivery.c.day >= start, delivery.c.day <= end])
    # The account's conversion rows of the zone, report time and attribution type are one
    # run of the covering account index (migration 0022); read ad by ad through the primary
    # key, every report time's and attribution type's rows were read too.
    conversions = ad_conversion_daily
    conversion_arm = _arm(
        conversions, entity, bucket_label(conversions, bucket_starts),
        ad_action_profiles.c[SLICE_COLUMNS[targeting_type]], plan,
        [*account_conditions(conversions, ad_account_id, zone, start, end, {}), credited(conversions, credit)],
        joins=[(ad_action_profiles, ad_action_profiles.c.id == conversions.c.profile_id)])
    return _summed(conn, [delivery_arm, conversion_arm], plan)


def entity_conversion_slices(conn: Connection, owned: Sequence[int], level: str, zone: str, start: date, end: date,
                             targeting_type: str, credit: Credit, bucket_starts: Sequence[date] | None,
                             plan: ColumnPlan) -> list[SliceSums]:
    """The credited conversions of ``owned`` (the account's ads the query names) per entity
    of ``level``, bucket and slice of an action targeting type. Delivery columns are 0:
    the service adds the delivery it sums from ``delivery_actions``."""
    table = ad_conversion_daily
    arm = _arm(table, table.c[LEVEL_COLUMNS[level]], bucket_label(table, bucket_starts),
               ad_action_profiles.c[SLICE_COLUMNS[targeting_type]], plan,
               [*by_ads_conditions(conn, table, zone, start, end, owned), credited(table, credit)],
               joins=[(ad_action_profiles, ad_action_profiles.c.id == table.c.profile_id)])
    return _summed(conn, [arm], plan)


def ad_attribute_slices(conn: Connection, owned: Sequence[int], level: str, zone: str, start: date, end: date,
                        credit: Credit, bucket_starts: Sequence[date] | None, plan: ColumnPlan) -> list[SliceSums]:
    """``CREATIVE_TYPE``: the figures of ``owned`` per entity, bucket and creative type of
    the ad, from both per-ad rollups."""
    arms = []
    for table in (ad_delivery_daily, ad_conversion_daily):
        conditions = by_ads_conditions(conn, table, zone, start, end, owned)
        if table is ad_conversion_daily:
            conditions.append(credited(table, credit))
        arms.append(_arm(table, table.c[LEVEL_COLUMNS[level]], bucket_label(table, bucket_starts),
                         ads.c[AD_CREATIVE_TYPE], plan, conditions, joins=[(ads, ads.c.id == table.c.ad_id)]))
    return _summed(conn, arms, plan)


def delivery_actions(conn: Connection, owned: Sequence[int], since: datetime, until: datetime):
    """(ad id, occurred_at, type, spend, app type, dimensions) of the actions of ``owned``
    in [since, until) (naive UTC instants), read ad by ad through (ad, occurred_at)."""
    query = (select(ad_actions.c.ad_id, ad_actions.c.occurred_at, ad_actions.c.type, ad_actions.c.spend_micro_dollar,
                    ad_actions.c.app_type, ad_actions.c.dimensions)
             .where(one_of(conn, ad_actions.c.ad_id, owned), ad_actions.c.occurred_at >= since,
                    ad_actions.c.occurred_at < until))
    return conn.execute(query).all()


def ad_rows(conn: Connection, ad_account_id: int, ad_ids: Sequence[int]) -> dict[int, dict]:
    """``{ad id: {"id", "campaign_id", "ad_group_id", "creative_type"}}`` for the account's
    ads among ``ad_ids``: what a row's entity and an ad attribute's slice are read from."""
    query = select(ads.c.id, ads.c.campaign_id, ads.c.ad_group_id, ads.c[AD_CREATIVE_TYPE]).where(
        ads.c.ad_account_id == ad_account_id, one_of(conn, ads.c.id, sorted(set(ad_ids))))
    return {row["id"]: dict(row) for row in conn.execute(query).mappings()}


def account_ads(conn: Connection, ad_account_id: int) -> list[int]:
    """Every ad of the account, in id order ([0]: none)."""
    found = conn.execute(select(ads.c.id).where(ads.c.ad_account_id == ad_account_id).order_by(ads.c.id)).scalars()
    return list(found) or [0]
