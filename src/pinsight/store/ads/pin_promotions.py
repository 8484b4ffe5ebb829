"""SQL for ads (Pinterest's "pin promotions", its ``type`` says so): rows of one ad account,
in id order, and the pins they promote.

Reads for answers carry what the ad needs of its pin: whether it still exists
(``pin_found`` is null once it is deleted; the ad keeps its ``pin_id``), its link and its
creative type.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, insert, select, update

from pinsight.store.tables import ads, boards, pins

_answered = select(
    ads, pins.c.id.label("pin_found"), pins.c.link.label("pin_link"), pins.c.creative_type.label("pin_creative_type")
).select_from(ads.outerjoin(pins, pins.c.id == ads.c.pin_id))


def insert_ads(conn: Connection, rows: Sequence[dict]) -> None:
    if rows:
        conn.execute(insert(ads), list(rows))


def update_ad(conn: Connection, ad_id: int, **values) -> None:
    conn.execute(update(ads).where(ads.c.id == ad_id).values(**values))


def get_ad(conn: Connection, ad_account_id: int, ad_id: int):
    return conn.execute(_answered.where(ads.c.ad_account_id == ad_account_id, ads.c.id == ad_id)).mappings().first()


def ads_by_id(conn: Connection, ad_account_id: int, ad_ids: Sequence[int]) -> dict[int, dict]:
    """The ad account's ads among ``ad_ids`` (others' and unknown ids are left out), as
    answers read them, held until the transaction ends on PostgreSQL (``FOR UPDATE`` of the
    ads, not of their pins; SQLite's write transaction holds the database), so two updates of
    one ad apply one after the other."""
    if not ad_ids:
        return {}
    query = _answered.where(ads.c.ad_account_id == ad_account_id, ads.c.id.in_(set(ad_ids)))
    if conn.dialect.name == "postgresql":
        query = query.order_by(ads.c.id).with_for_update(of=ads, key_share=True)  # FOR NO KEY UPDATE, as above
    return {row["id"]: dict(row) for row in conn.execute(query).mappings()}


def list_ads(
    conn: Connection,
    ad_account_id: int,
    campaign_ids: Sequence[int],
    ad_group_ids: Sequence[int],
    ad_ids: Sequence[int],
    statuses: Sequence[str],
    ascending: bool,
    after_id: int | None,
    limit: int,
):
    """One page of the ad account's ads with one of ``statuses`` (and, when given, in one of
    ``campaign_ids`` or ``ad_group_ids``, or among ``ad_ids``), by id in the order asked, past
    ``after_id`` in that order."""
    query = _answered.where(ads.c.ad_account_id == ad_account_id, ads.c.status.in_(statuses))
    if campaign_ids:
        query = query.where(ads.c.campaign_id.in_(set(campaign_ids)))
    if ad_group_ids:
        query = query.where(ads.c.ad_group_id.in_(set(ad_group_ids)))
    if ad_ids:
        query = query.where(ads.c.id.in_(set(ad_ids)))
    if after_id is not None:
        query = query.where(ads.c.id > after_id if ascending else ads.c.id < after_id)
    order = ads.c.id.asc() if ascending else ads.c.id.desc()
    return conn.execute(query.order_by(order).limit(limit)).mappings().all()


def pins_to_promote(conn: Connection, pin_ids: Sequence[int]) -> dict[int, dict]:
    """The pins among ``pin_ids`` that exist: their owner, board privacy, creative type and link."""
    if not pin_ids:
        return {}
    query = (
        select(pins.c.id, pins.c.owner_id, pins.c.creative_type, pins.c.link, boards.c.privacy.label("board_privacy"))
        .join(boards, boards.c.id == pins.c.board_id)
        .where(pins.c.id.in_(set(pin_ids)))
    )
    return {row["id"]: dict(row) for row in conn.execute(query).mappings()}


def mark_promoted(conn: Connection, pin_ids: Sequence[int]) -> int:
    """Mark the pins promoted, in the caller's transaction; how many were not already.

    Only rows still unmarked are written, so concurrent ads of one pin never fight over it:
    on PostgreSQL a second writer waits for the first's row lock, then finds nothing left to
    change. One pin at a time in id order, so two writers of several pins take their row
    locks in the same order and cannot deadlock."""
    marked = 0
    for pin_id in sorted(set(pin_ids)):
        statement = update(pins).where(pins.c.id == pin_id, pins.c.has_been_promoted.is_(False))
        marked += conn.execute(statement.values(has_been_promoted=True)).rowcount
    return marked
