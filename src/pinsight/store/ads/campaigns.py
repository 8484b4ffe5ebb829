"""SQL for campaigns: rows of one ad account, in id order (ids grow with time)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, insert, select, update

from pinsight.store.tables import campaigns


def insert_campaign(conn: Connection, **values) -> None:
    conn.execute(insert(campaigns).values(**values))


def update_campaign(conn: Connection, campaign_id: int, **values) -> None:
    conn.execute(update(campaigns).where(campaigns.c.id == campaign_id).values(**values))


def get_campaign(conn: Connection, ad_account_id: int, campaign_id: int):
    query = select(campaigns).where(campaigns.c.ad_account_id == ad_account_id, campaigns.c.id == campaign_id)
    return conn.execute(query).mappings().first()


def campaigns_by_id(conn: Connection, ad_account_id: int, campaign_ids: Sequence[int], *,
                    shared: bool = False) -> dict[int, dict]:
    """The ad account's campaigns among ``campaign_ids`` (others' and unknown ids are left
    out), held until the transaction ends on PostgreSQL (``FOR UPDATE``; SQLite's write
    transaction holds the database), so two updates of one campaign apply one after the other.
    ``shared``: held against changes only (``FOR SHARE``), for writes that check their ad
    groups against the campaigns while other such writes read them too."""
    if not campaign_ids:
        return {}
    query = select(campaigns).where(campaigns.c.ad_account_id == ad_account_id, campaigns.c.id.in_(set(campaign_ids)))
    if conn.dialect.name == "postgresql":
        # Updates change no key: FOR NO KEY UPDATE lets concurrent inserts of rows that refer
        # to these (their foreign-key checks take FOR KEY SHARE) go on instead of deadlocking.
        lock = {"read": True} if shared else {"key_share": True}
        query = query.order_by(campaigns.c.id).with_for_update(**lock)
    return {row["id"]: dict(row) for row in conn.execute(query).mappings()}


def list_campaigns(
    conn: Connection,
    ad_account_id: int,
    campaign_ids: Sequence[int],
    statuses: Sequence[str],
    ascending: bool,
    after_id: int | None,
    limit: int,
):
    """One page of the ad account's campaigns with one of ``statuses`` (and, when given, one
    of ``campaign_ids``), by id in the order asked, past ``after_id`` in that order."""
    query = select(campaigns).where(campaigns.c.ad_account_id == ad_account_id, campaigns.c.status.in_(statuses))
    if campaign_ids:
        query = query.where(campaigns.c.id.in_(set(campaign_ids)))
    if after_id is not None:
        query = query.where(campaigns.c.id > after_id if ascending else campaigns.c.id < after_id)
    order = campaigns.c.id.asc() if ascending else campaigns.c.id.desc()
    return conn.execute(query.order_by(order).limit(limit)).mappings().all()
