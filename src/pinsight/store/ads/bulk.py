"""SQL for bulk downloads: an ad account's campaigns, ad groups and ads that a request
selects (``domain.ads.bulk_request``), one keyset page at a time, by id.

Pages, not one query: a download of a large account is written while it is read, a page
in memory at a time, and a page's query ends before the next begins, so no transaction
stays open for the whole download (entities changed meanwhile are read as they are when
their page is read).

Each read carries what the services' renderers need, as the list operations' reads do:
an ad group its campaign's schedule (``campaign_start_time``, ``campaign_end_time``), an
ad what it shows of its pin (``pin_found``, ``pin_link``, ``pin_creative_type``).
The campaign filter is applied in SQL to the campaigns, and through them to their ad
groups and ads, so a download never gathers the ids of the campaigns that match.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, and_, false, func, not_, or_, select

from pinsight.domain.ads.bulk_request import BulkDownload, CampaignFilter
from pinsight.store.tables import ad_groups, ads, campaigns, pins

# The summary statuses that an active campaign's schedule decides; every other one is
# the campaign's status itself (``domain.ads.campaigns.summary_status``).
_SCHEDULED = ("RUNNING", "COMPLETED", "NOT_STARTED")
_ACTIVE = "ACTIVE"


def _instant(seconds: int) -> datetime:
    """Unix seconds as the store keeps instants: naive UTC."""
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


def _summary_status_in(statuses: tuple[str, ...], now: int):
    """Campaigns whose summary status at ``now`` is one of ``statuses``: the rule of
    ``domain.ads.campaigns.summary_status``, as SQL (COMPLETED from the end on, NOT_STARTED
    before the start, RUNNING in between, for an ACTIVE campaign)."""
    c = campaigns.c
    active = c.status == _ACTIVE
    ended = and_(c.end_time.is_not(None), c.end_time <= now)
    not_started = and_(c.start_time.is_not(None), c.start_time > now)
    matches = []
    plain = [status for status in statuses if status not in _SCHEDULED]
    if plain:
        matches.append(c.status.in_(plain))
    if "COMPLETED" in statuses:
        matches.append(and_(active, ended))
    if "NOT_STARTED" in statuses:
        matches.append(and_(active, not_(ended), not_started))
    if "RUNNING" in statuses:
        matches.append(and_(active, not_(ended), not_(not_started)))
    return or_(*matches) if matches else false()


def _name_contains(conn: Connection, part: str):
    """A case-sensitive part of the name, alike on both databases (LIKE is not: SQLite's
    ignores ASCII case, PostgreSQL's does not)."""
    if conn.dialect.name == "postgresql":
        return func.strpos(campaigns.c.name, part) > 0
    return func.instr(campaigns.c.name, part) > 0


def _campaign_conditions(conn: Connection, chosen: CampaignFilter | None, now: int) -> list:
    if chosen is None:
        return []
    c = campaigns.c
    conditions = []
    if chosen.statuses:
        conditions.append(_summary_status_in(chosen.statuses, now))
    if chosen.objective_types:
        conditions.append(c.objective_type.in_(chosen.objective_types))
    if chosen.name:
        conditions.append(_name_contains(conn, chosen.name))
    if chosen.start_time is not None:
        conditions.append(and_(c.start_time.is_not(None), c.start_time >= chosen.start_time))
    if chosen.end_time is not None:
        conditions.append(and_(c.end_time.is_not(None), c.end_time <= chosen.end_time))
    return conditions


def _common(conn: Connection, table, request: BulkDownload, now: int, id_columns: list) -> list:
    """What every entity's read filters on: the account, the ids (the entity's own or an
    ancestor's), the update time, and its campaign."""
    conditions = []
    if request.entity_ids is not None:
        ids = list(request.entity_ids)
        conditions.append(or_(*(column.in_(ids) for column in id_columns)))
    if request.updated_since is not None:
        conditions.append(table.c.updated_at >= _instant(request.updated_since))
    return conditions + _campaign_conditions(conn, request.campaign_filter, now)


def _page(conn: Connection, query, table, after_id: int | None, limit: int):
    if after_id is not None:
        query = query.where(table.c.id > after_id)
    return conn.execute(query.order_by(table.c.id).limit(limit)).mappings().all()


def campaigns_page(conn: Connection, ad_account_id: int, request: BulkDownload, now: int, after_id: int | None,
                   limit: int):
    """The next ``limit`` campaigns the request selects, by id, past ``after_id``."""
    query = select(campaigns).where(campaigns.c.ad_account_id == ad_account_id,
                                    *_common(conn, campaigns, request, now, [campaigns.c.id]))
    return _page(conn, query, campaigns, after_id, limit)


def ad_groups_page(conn: Connection, ad_account_id: int, request: BulkDownload, now: int, after_id: int | None,
                   limit: int):
    """The next ``limit`` ad groups the request selects, by id, past ``after_id``, with
    their campaign's schedule."""
    query = select(
        ad_groups,
        campaigns.c.start_time.label("campaign_start_time"),
        campaigns.c.end_time.label("campaign_end_time"),
    ).select_from(ad_groups.join(campaigns, campaigns.c.id == ad_groups.c.campaign_id)).where(
        ad_groups.c.ad_account_id == ad_account_id,
        *_common(conn, ad_groups, request, now, [ad_groups.c.id, ad_groups.c.campaign_id]))
    return _page(conn, query, ad_groups, after_id, limit)


def ads_page(conn: Connection, ad_account_id: int, request: BulkDownload, now: int, after_id: int | None, limit: int):
    """The next ``limit`` ads the request selects, by id, past ``after_id``, with what
    they show of their pin."""
    query = select(
        ads, pins.c.id.label("pin_found"), pins.c.link.label("pin_link"),
        pins.c.creative_type.label("pin_creative_type"),
    ).select_from(
        ads.join(campaigns, campaigns.c.id == ads.c.campaign_id).outerjoin(pins, pins.c.id == ads.c.pin_id)
    ).where(ads.c.ad_account_id == ad_account_id,
            *_common(conn, ads, request, now, [ads.c.id, ads.c.ad_group_id, ads.c.campaign_id]))
    return _page(conn, query, ads, after_id, limit)
