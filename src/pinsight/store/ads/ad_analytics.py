"""SQL for sync ads analytics: sums of the daily rollups per entity and day.

Both reads are bounded by the query (an ad account's ads, narrowed by the query's ids, a
zone and a range of days) and read each ad's days through the rollups' primary keys
(ad, zone, day, ...): their cost does not grow with the archive's other days or accounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple
from datetime import date

from sqlalchemy import BigInteger, Connection, Float, String, and_, case, cast, func, literal, literal_column, or_, select, union_all

from pinsight.catalog.ad_actions import ActionKind
from pinsight.domain.ads.column_plan import ColumnPlan, Computed, Figure, Linear
from pinsight.store.bulk import one_of
from pinsight.store.tables import (
    DELIVERY_COUNTS, ad_accounts, ad_actions, ad_conversion_daily, ad_delivery_daily, ad_groups, ads, campaigns,
)

# The entity a row is reported for, by level.
LEVEL_COLUMNS = {"AD_ACCOUNT": "ad_account_id", "CAMPAIGN": "campaign_id", "AD_GROUP": "ad_group_id", "AD": "ad_id"}
DELIVERY_SUMS = (*DELIVERY_COUNTS, "spend_micro_dollar")


def account_conditions(table, ad_account_id: int, zone: str, start: date, end: date, filters: dict[str, Sequence[int]]):
    conditions = [table.c.ad_account_id == ad_account_id, table.c.zone == zone, table.c.day >= start, table.c.day <= end]
    for column, ids in filters.items():
        conditions.append(table.c[column].in_(sorted(set(ids))))
    return conditions


def by_ads_conditions(conn: Connection, table, zone: str, start: date, end: date, owned: Sequence[int]):
    """The rollup rows of ``owned`` (ads of the account, all the query's filters met) in
    the zone and days, found by the rollup's primary key (ad, zone, day): each ad's days
    are one run of it. The account condition is left out, so no planner (SQLite's has no
    statistics) can prefer the account's index and read every ad's days to keep a few."""
    return [one_of(conn, table.c.ad_id, owned), table.c.zone == zone, table.c.day >= start, table.c.day <= end]


def owned_ads(conn: Connection, ad_account_id: int, filters: dict[str, Sequence[int]]) -> list[int]:
    """The account's ads meeting ``filters`` (by ad, campaign or ad group id), in id order;
    [0] (no ad) where none does."""
    if "ad_id" in filters:
        owned = ad_parents(conn, ad_account_id, filters["ad_id"])
        columns = {"campaign_id": 0, "ad_group_id": 1}
        kept = [ad_id for ad_id, parents in owned.items()
                if all(parents[columns[column]] in set(ids) for column, ids in filters.items() if column != "ad_id")]
    else:
        query = select(ads.c.id).where(ads.c.ad_account_id == ad_account_id,
                                       *(one_of(conn, ads.c[column], sorted(set(ids))) for column, ids in filters.items()))
        kept = list(conn.execute(query).scalars())
    return sorted(kept) or [0]


# Where each conversion measure is summed in the conversion rollup.
_MEASURE_COLUMNS = {"COUNT": "conversions", "VALUE": "value_micro", "QUANTITY": "quantity"}


@dataclass(frozen=True)
class Credit:
    """Which conversions of the rollup count: the query's report time, attribution type
    and windows (``domain.ads.conversion_rollup``'s rule, as SQL in ``credited``)."""

    report_time: str
    attribution_type: str
    click_days: int
    engagement_days: int
    view_days: int


def credited(table, credit: Credit):
    return and_(
        table.c.report_time == credit.report_time, table.c.attribution_type == credit.attribution_type,
        or_(
            and_(table.c.kind == ActionKind.CLICK.value, table.c.reach_days <= credit.click_days),
            and_(table.c.kind == ActionKind.ENGAGEMENT.value, table.c.reach_days <= credit.engagement_days,
                 table.c.click_reach_days > credit.click_days),
            and_(table.c.kind == ActionKind.VIEW.value, table.c.reach_days <= credit.view_days,
                 table.c.click_reach_days > credit.click_days, table.c.engagement_reach_days > credit.engagement_days),
        ),
    )


def figure_value(table, figure: Figure):
    """One figure's value in one rollup row of ``table`` (None where the table has none of
    it): a delivery rollup's or a conversion rollup's (per ad, or per account and
    targeting slice)."""
    conversions = "conversions" in table.c  # a conversion rollup (per ad, or per account and slice)
    if figure.delivery is not None:
        return None if conversions else table.c[figure.delivery.lower()]
    if not conversions:
        return None
    conditions = [table.c.kind.in_(figure.kinds), table.c.action_source.in_(figure.sources)]
    if figure.events is not None:
        conditions.append(table.c.event_name.in_(figure.events))
    return case((and_(*conditions), table.c[_MEASURE_COLUMNS[figure.measure]]), else_=literal_column("0"))


def bucket_label(table, bucket_starts: Sequence[date] | None):
    """The DATE text of the bucket a rollup row's day counts in: the day itself, or the
    latest of ``bucket_starts`` (ascending, the first being the range's start) on or before it."""
    if bucket_starts is None:
        return cast(table.c.day, String)
    if len(bucket_starts) == 1:
        return literal(bucket_starts[0].isoformat(), String)
    newest_first = sorted(bucket_starts, reverse=True)
    return case(*((table.c.day >= first, literal(first.isoformat(), String)) for first in newest_first[:-1]),
                else_=literal(newest_first[-1].isoformat(), String))


def _sum(linear: Linear, sums):
    terms = [sums[index] if coefficient == 1 else sums[index] * coefficient for index, coefficient in linear.terms]
    if not terms:
        return literal_column("0")
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def _answer(computed: Computed, sums):
    """A column's answer from the row's summed figures, as ``column_plan.evaluate`` computes it."""
    numerator = _sum(computed.numerator, sums)
    if computed.denominator is None:
        if computed.whole:
            return cast(numerator, BigInteger)
        as_float = cast(numerator, Float)
        return as_float if computed.numerator.divisor == 1 else as_float / computed.numerator.divisor
    top = computed.scale.numerator * computed.denominator.divisor
    bottom = computed.scale.denominator * computed.numerator.divisor
    denominator = cast(func.nullif(_sum(computed.denominator, sums), 0), Float)
    return (cast(numerator, Float) * top) / (denominator * bottom)


def computed_rows(conn: Connection, ad_account_id: int, zone: str, start: date, end: date, level: str,
                  filters: dict[str, Sequence[int]], credit: Credit, bucket_starts: Sequence[date] | None,
                  plan: ColumnPlan) -> list[tuple]:
    """``(entity id, bucket DATE text, answer of each plan column...)`` for every entity and
    bucket with any delivery or credited conversion, in entity then time order. ENTITY
    columns answer None (the service fills them in). ``level`` is a LEVEL_COLUMNS key, PIN
    (the ads' Pins) or None (one entity, 0: the rows of ``aggregate_report_rows``)."""
    # The rows are read ad by ad even for a campaign or the whole account: through the
    # account's index (ad account, zone, day), SQLite looked up each of a campaign report's
    # 450,000 rows in the table apart, 3 times slower than reading each ad's 90 days as one
    # run of the primary key (2-million-action benchmark account, 50 campaigns, 90 days).
    owned = owned_ads(conn, ad_account_id, filters)  # looked up once, for both rollups
    arms = []
    for table in (ad_delivery_daily, ad_conversion_daily):
        conditions = by_ads_conditions(conn, table, zone, start, end, owned)
        if table is ad_conversion_daily:
            conditions.append(credited(table, credit))
        if level is None:
            entity = literal_column("0")
        elif level == "PIN":
            entity = ads.c.pin_id
        else:
            entity = table.c[LEVEL_COLUMNS[level]]
        bucket = bucket_label(table, bucket_starts)
        values = [figure_value(table, figure) for figure in plan.figures]
        # Rows that fold into fewer groups (coarser levels or buckets than an ad's day) are
        # summed within each rollup first: the union then holds a row per group, and
        # PostgreSQL hashes a few thousand groups in memory where sorting every row of a
        # campaign's 90 days spilled to disk. An ad's days are already one row each.
        keys = [key for key, varies in ((entity, level is not None), (bucket, bucket_starts is None or len(bucket_starts) > 1))
                if varies]
        # (With no key at all, an aggregate would answer a row of nulls for no rows.)
        folds = bool(keys) and (level != "AD" or bucket_starts is not None)
        if folds:
            values = [None if value is None else cast(func.sum(value), BigInteger) for value in values]
        arm = select(entity.label("entity"), bucket.label("bucket"),
                     *((literal_column("0") if value is None else value).label(f"f{n}") for n, value in enumerate(values)))
        if level == "PIN":
            arm = arm.join_from(table, ads, ads.c.id == table.c.ad_id)
        arm = arm.where(*conditions)
        arms.append(arm.group_by(*keys) if folds else arm)
    rollups = union_all(*arms).subquery("rollups")
    # One level: the answers read the sums directly (both databases compute a repeated
    # aggregate once), and the groups come out in the order asked for, with no second sort.
    sums = [cast(func.sum(rollups.c[f"f{n}"]), BigInteger) for n in range(len(plan.figures))]
    answers = [literal_column("NULL").label(f"c{n}") if computed.is_entity else _answer(computed, sums).label(f"c{n}")
               for n, computed in enumerate(plan.columns)]
    query = (select(rollups.c.entity, rollups.c.bucket, *answers).group_by(rollups.c.entity, rollups.c.bucket)
             .order_by(rollups.c.entity, rollups.c.bucket))
    return conn.execute(query).all()


def conversion_sums(conn: Connection, ad_account_id: int, zone: str, start: date, end: date, level: str,
                    filters: dict[str, Sequence[int]], credit: Credit
                    ) -> dict[tuple[int, date], dict[tuple[str, str, str, str], int]]:
    """``{(entity id, day): {(kind, event_name, action_source, measure): sum}}`` of the
    conversions credited for ``credit``: the rollup as ``computed_rows`` reads it, spelled
    out (the attribution tests compare it with the plain rules)."""
    table = ad_conversion_daily
    entity = table.c[LEVEL_COLUMNS[level]]
    query = (
        select(entity, table.c.day, table.c.kind, table.c.event_name, table.c.action_source,
               func.sum(table.c.conversions), func.sum(table.c.value_micro), func.sum(table.c.quantity))
        .where(*account_conditions(table, ad_account_id, zone, start, end, filters), credited(table, credit))
        .group_by(entity, table.c.day, table.c.kind, table.c.event_name, table.c.action_source)
    )
    found: dict[tuple[int, date], dict] = {}
    for entity_id, day, kind, event, source, count, value, quantity in conn.execute(query):
        sums = found.setdefault((entity_id, day), {})
        sums[(kind, event, source, "COUNT")] = int(count)
        sums[(kind, event, source, "VALUE")] = int(value)
        sums[(kind, event, source, "QUANTITY")] = int(quantity)
    return found


def hourly_actions(conn: Connection, ad_account_id: int, since, until, filters: dict[str, Sequence[int]]):
    """(ad id, campaign id, ad group id, pin id, occurred_at, type, spend) of the account's
    actions in [since, until): HOUR answers read these (a few days at most, by rule)."""
    query = (
        select(ads.c.id, ads.c.campaign_id, ads.c.ad_group_id, ads.c.pin_id, ad_actions.c.occurred_at,
               ad_actions.c.type, ad_actions.c.spend_micro_dollar)
        .join(ads, ads.c.id == ad_actions.c.ad_id)
        .where(ad_actions.c.ad_account_id == ad_account_id, ad_actions.c.occurred_at >= since,
               ad_actions.c.occurred_at < until)
    )
    for column, ids in filters.items():
        # The filters name the rollups' columns; an ad's own id is ``id`` in the ads table.
        query = query.where(ads.c["id" if column == "ad_id" else column].in_(sorted(set(ids))))
    return conn.execute(query).all()


def ads_of_pins(conn: Connection, ad_account_id: int, pin_ids: Sequence[int]) -> dict[int, int]:
    """The account's ads promoting one of ``pin_ids``: ``{ad id: pin id}``."""
    query = select(ads.c.id, ads.c.pin_id).where(ads.c.ad_account_id == ad_account_id, ads.c.pin_id.in_(sorted(set(pin_ids))))
    return {ad_id: pin_id for ad_id, pin_id in conn.execute(query)}


def entity_rows(conn: Connection, ad_account_id: int, ad_ids: Sequence[int], campaign_ids: Sequence[int],
                ad_group_ids: Sequence[int]) -> dict[str, dict[int, dict]]:
    """The stored rows of the account's ads, campaigns and ad groups asked for, and the
    account's own: ``{"AD": {id: row}, "CAMPAIGN": ..., "AD_GROUP": ..., "AD_ACCOUNT": ...}``."""
    found: dict[str, dict[int, dict]] = {}
    for level, table, ids in (("AD", ads, ad_ids), ("CAMPAIGN", campaigns, campaign_ids), ("AD_GROUP", ad_groups, ad_group_ids)):
        rows: dict[int, dict] = {}
        wanted = sorted(set(ids))
        for offset in range(0, len(wanted), 5000):
            query = select(table).where(table.c.ad_account_id == ad_account_id, table.c.id.in_(wanted[offset : offset + 5000]))
            rows.update((row["id"], dict(row)) for row in conn.execute(query).mappings())
        found[level] = rows
    account = conn.execute(select(ad_accounts).where(ad_accounts.c.id == ad_account_id)).mappings().first()
    found["AD_ACCOUNT"] = {ad_account_id: dict(account)} if account is not None else {}
    return found


def ad_parents(conn: Connection, ad_account_id: int, ad_ids: Sequence[int]) -> dict[int, tuple[int, int, int]]:
    """``{ad id: (campaign id, ad group id, pin id)}`` for the account's ads among ``ad_ids``."""
    found = {}
    wanted = sorted(set(ad_ids))
    for offset in range(0, len(wanted), 5000):
        query = select(ads.c.id, ads.c.campaign_id, ads.c.ad_group_id, ads.c.pin_id).where(
            ads.c.ad_account_id == ad_account_id, ads.c.id.in_(wanted[offset : offset + 5000]))
        found.update((row[0], tuple(row[1:])) for row in conn.execute(query))
    return found


class ReportEntity(NamedTuple):
    """An ad of the account and what an async report's filters read of it and its parents."""

    ad_id: int
    ad_status: str
    ad_group_id: int
    ad_group_status: str
    ad_group_start: int | None
    ad_group_end: int | None
    campaign_id: int
    campaign_status: str
    campaign_start: int | None
    campaign_end: int | None
    objective_type: str


def report_entities(conn: Connection, ad_account_id: int) -> list[ReportEntity]:
    """Every ad of the account with its parents' facts (``ReportEntity``), in ad id order.
    An account's ads number in the thousands at most; entities without ads have no figures
    to report."""
    query = (select(ads.c.id, ads.c.status, ad_groups.c.id, ad_groups.c.status, ad_groups.c.start_time,
                    ad_groups.c.end_time, campaigns.c.id, campaigns.c.status, campaigns.c.start_time,
                    campaigns.c.end_time, campaigns.c.objective_type)
             .select_from(ads.join(ad_groups, ad_groups.c.id == ads.c.ad_group_id)
                          .join(campaigns, campaigns.c.id == ads.c.campaign_id))
             .where(ads.c.ad_account_id == ad_account_id).order_by(ads.c.id))
    return [ReportEntity(*row) for row in conn.execute(query).all()]
