"""SQL for report templates: saved async report requests of an ad account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select

from pinsight.store.tables import report_templates


def insert_template(conn: Connection, *, template_id: int, ad_account_id: int, user_id: int, name: str,
                    definition: str, at: datetime) -> None:
    conn.execute(insert(report_templates).values(id=template_id, ad_account_id=ad_account_id, user_id=user_id,
                                                 name=name, definition=definition, created_at=at, updated_at=at))


def get_template(conn: Connection, ad_account_id: int, template_id: int):
    return conn.execute(select(report_templates).where(report_templates.c.id == template_id,
                                                       report_templates.c.ad_account_id == ad_account_id)
                        ).mappings().first()


def list_templates(conn: Connection, ad_account_id: int, ascending: bool, after: int | None, limit: int):
    """An account's templates in id order, after the keyset cursor ``after``."""
    query = select(report_templates).where(report_templates.c.ad_account_id == ad_account_id)
    if after is not None:
        query = query.where(report_templates.c.id > after if ascending else report_templates.c.id < after)
    order = report_templates.c.id.asc() if ascending else report_templates.c.id.desc()
    return conn.execute(query.order_by(order).limit(limit)).mappings().all()

