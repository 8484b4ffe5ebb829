"""SQL for the ad accounts' targeting slices (``ad_targeting_daily``)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from pinsight.store.tables import ad_targeting_daily

# Every slice is kept in each rollup zone: one zone lists them all.
_LISTING_ZONE = "UTC"


def seen_slices(conn: Connection, ad_account_id: int, targeting_type: str, limit: int) -> list[str]:
    """The first ``limit`` slices (by value) of ``targeting_type`` the account's actions carried."""
    table = ad_targeting_daily
    query = (select(table.c.targeting_value).distinct()
             .where(table.c.ad_account_id == ad_account_id, table.c.zone == _LISTING_ZONE,
                    table.c.targeting_type == targeting_type)
             .order_by(table.c.targeting_value).limit(limit))
    return list(conn.execute(query).scalars())
