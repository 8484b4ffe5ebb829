"""SQL for sync ads analytics: sums of the daily rollups per entity and day.

Both reads are bounded by the query (an ad account, a zone, a range of days, optionally
a list of entities) and use the rollups' (ad account, zone, ...) indexes: their cost does
not grow with the archive's other days or accounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, and_, func, or_, select

from pinsight.catalog.ad_actions import ActionKind
from pinsight.store.tables import (
    DELIVERY_COUNTS, ad_accounts, ad_actions, ad_conversion_daily, ad_delivery_daily, ad_groups, ads, campaigns,
)

# The entity a row is reported for, by level.
LEVEL_COLUMNS = {"AD_ACCOUNT": "ad_account_id", "CAMPAIGN": "campaign_id", "AD_GROUP": "ad_group_id", "AD": "ad_id"}
DELIVERY_SUMS = (*DELIVERY_COUNTS, "spend_micro_dollar")


def _filters(table, ad_account_id: int, zone: str, start: date, end: date, filters: dict[str, Sequence[int]]):
    conditions = [table.c.ad_account_id == ad_account_id, table.c.zone == zone, table.c.day >= start, table.c.day <= end]
    for column, ids in filters.items():
        conditions.append(table.c[column].in_(sorted(set(ids))))
    return conditions


def delivery_sums(conn: Connection, ad_account_id: int, zone: str, start: date, end: date, level: str,
                  filters: dict[str, Sequence[int]]) -> dict[tuple[int, date], dict[str, int]]:
    """``{(entity id, day): {action type or "spend_micro_dollar": sum}}`` over the days
    ``start``..``end`` in ``zone``, for entities of ``level``, narrowed by ``filters``
    (column name -> ids)."""
    table = ad_delivery_daily
    entity = table.c[LEVEL_COLUMNS[level]]
    query = (
        select(entity, table.c.day, *(func.sum(table.c[name]) for name in DELIVERY_SUMS))
        .where(*_filters(table, ad_account_id, zone, start, end, filters))
        .group_by(entity, table.c.day)
    )
    names = [name.upper() if name != "spend_micro_dollar" else name for name in DELIVERY_SUMS]
    return {(row[0], row[1]): dict(zip(names, (int(v) for v in row[2:]))) for row in conn.execute(query)}


def conversion_sums(conn: Connection, ad_account_id: int, zone: str, start: date, end: date, level: str,
                    filters: dict[str, Sequence[int]], report_time: str, attribution_type: str,
                    click_days: int, engagement_days: int, view_days: int
                    ) -> dict[tuple[int, date], dict[tuple[str, str, str, str], int]]:
    """``{(entity id, day): {(kind, event_name, action_source, measure): sum}}`` of the
    conversions credited for the windows (``domain.ads.conversion_rollup``'s rule)."""
    table = ad_conversion_daily
    entity = table.c[LEVEL_COLUMNS[level]]
    credited = or_(
        and_(table.c.kind == ActionKind.CLICK.value, table.c.reach_days <= click_days),
        and_(table.c.kind == ActionKind.ENGAGEMENT.value, table.c.reach_days <= engagement_days,
             table.c.click_reach_days > click_days),
        and_(table.c.kind == ActionKind.VIEW.value, table.c.reach_days <= view_days,
             table.c.click_reach_days > click_days, table.c.engagement_reach_days > engagement_days),
    )
    query = (
        select(entity, table.c.day, table.c.kind, table.c.event_name, table.c.action_source,
               func.sum(table.c.conversions), func.sum(table.c.value_micro), func.sum(table.c.quantity))
        .where(*_filters(table, ad_account_id, zone, start, end, filters), table.c.report_time == report_time,
               table.c.attribution_type == attribution_type, credited)
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
        query = query.where(ads.c[column].in_(sorted(set(ids))))
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
