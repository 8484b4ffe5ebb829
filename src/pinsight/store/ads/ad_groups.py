"""SQL for ad groups: rows of one ad account, in id order (ids grow with time).

Reads for answers carry their campaign's schedule (``campaign_start_time``,
``campaign_end_time``): an ad group without times of its own runs on its campaign's.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, insert, select, update

from pinsight.store.tables import ad_groups, campaigns

_answered = select(
    ad_groups,
    campaigns.c.start_time.label("campaign_start_time"),
    campaigns.c.end_time.label("campaign_end_time"),
).select_from(ad_groups.join(campaigns, campaigns.c.id == ad_groups.c.campaign_id))


def insert_ad_groups(conn: Connection, rows: Sequence[dict]) -> None:
    if rows:
        conn.execute(insert(ad_groups), list(rows))


def update_ad_group(conn: Connection, ad_group_id: int, **values) -> None:
    conn.execute(update(ad_groups).where(ad_groups.c.id == ad_group_id).values(**values))


def get_ad_group(conn: Connection, ad_account_id: int, ad_group_id: int):
    query = _answered.where(ad_groups.c.ad_account_id == ad_account_id, ad_groups.c.id == ad_group_id)
    return conn.execute(query).mappings().first()


def ad_groups_by_id(conn: Connection, ad_account_id: int, ad_group_ids: Sequence[int], *,
                    shared: bool = False) -> dict[int, dict]:
    """The ad account's ad groups among ``ad_group_ids`` (others' and unknown ids are left
    out), held until the transaction ends on PostgreSQL: ``FOR UPDATE`` for an update of them
    (two updates of one ad group apply one after the other), ``FOR SHARE`` (``shared``) for
    writes that only need them unchanged (ads created in them). SQLite's write transaction
    holds the whole database."""
    if not ad_group_ids:
        return {}
    query = select(ad_groups).where(ad_groups.c.ad_account_id == ad_account_id, ad_groups.c.id.in_(set(ad_group_ids)))
    if conn.dialect.name == "postgresql":
        # Updates change no key: FOR NO KEY UPDATE lets concurrent inserts of rows that refer
        # to these (their foreign-key checks take FOR KEY SHARE) go on instead of deadlocking.
        lock = {"read": True} if shared else {"key_share": True}
        query = query.order_by(ad_groups.c.id).with_for_update(**lock)
    return {row["id"]: dict(row) for row in conn.execute(query).mappings()}


def list_ad_groups(
    conn: Connection,
    ad_account_id: int,
    campaign_ids: Sequence[int],
    ad_group_ids: Sequence[int],
    statuses: Sequence[str],
    ascending: bool,
    after_id: int | None,
    limit: int,
):
    """One page of the ad account's ad groups with one of ``statuses`` (and, when given, in
    one of ``campaign_ids`` or among ``ad_group_ids``), by id in the order asked, past
    ``after_id`` in that order."""
    query = _answered.where(ad_groups.c.ad_account_id == ad_account_id, ad_groups.c.status.in_(statuses))
    if campaign_ids:
        query = query.where(ad_groups.c.campaign_id.in_(set(campaign_ids)))
    if ad_group_ids:
        query = query.where(ad_groups.c.id.in_(set(ad_group_ids)))
    if after_id is not None:
        query = query.where(ad_groups.c.id > after_id if ascending else ad_groups.c.id < after_id)
    order = ad_groups.c.id.asc() if ascending else ad_groups.c.id.desc()
    return conn.execute(query.order_by(order).limit(limit)).mappings().all()
