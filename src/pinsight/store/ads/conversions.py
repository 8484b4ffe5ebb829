"""SQL for Conversions API events, their latest touches, and the attributed rollup.

``ad_conversions`` and ``ad_conversion_keys`` hold the events and who made them;
``ad_conversion_touches`` each conversion's latest candidate action per kind and
attribution type (``domain.ads.attribution.latest_touches``); ``ad_conversion_daily``
their sums (``domain.ads.conversion_rollup``). Writers hold the ad account's lock
(``store.locks``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, tuple_

from pinsight.store.bulk import adding_upsert, bind_value, chunks, executemany, one_of
from pinsight.store.locks import require_locked
from pinsight.store.tables import ad_conversion_daily, ad_conversion_keys, ad_conversion_touches, ad_conversions

CHUNK = 5000
CONVERSION_KEYS = ("id", "ad_account_id", "event_id", "event_name", "action_source", "occurred_at", "click_id",
                   "value_micro", "currency", "num_items", "order_id", "received_at")
TOUCH_KEYS = ("conversion_id", "attribution_type", "kind", "action_id", "ad_id", "occurred_at", "reach_days",
              "profile_id")
ROLLUP_KEYS = ("ad_id", "zone", "day", "report_time", "attribution_type", "kind", "reach_days", "click_reach_days",
               "engagement_reach_days", "event_name", "action_source", "profile_id")
ROLLUP_SUMS = ("conversions", "value_micro", "quantity")
_CONVERSION_COLUMNS = (ad_conversions.c.id, ad_conversions.c.event_name, ad_conversions.c.action_source,
                       ad_conversions.c.occurred_at, ad_conversions.c.click_id, ad_conversions.c.value_micro,
                       ad_conversions.c.num_items)




def existing_event_ids(conn: Connection, ad_account_id: int, event_ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in chunks(sorted(set(event_ids)), CHUNK):
        query = select(ad_conversions.c.event_id).where(
            ad_conversions.c.ad_account_id == ad_account_id, one_of(conn, ad_conversions.c.event_id, chunk))
        found.update(conn.execute(query).scalars())
    return found


def insert_conversions(conn: Connection, rows: Sequence[tuple], keys: Sequence[tuple[int, str, int]]) -> None:
    """Append conversions (tuples in ``CONVERSION_KEYS`` order) and their person keys
    ``(conversion id, person key, ad account id)``."""
    require_locked(conn, {row[1] for row in rows})
    moments: dict = {}

    def moment(value: datetime):
        known = moments.get(value)
        if known is None:
            known = moments[value] = bind_value(conn, ad_conversions.c.occurred_at, value)
        return known

    at, received = CONVERSION_KEYS.index("occurred_at"), CONVERSION_KEYS.index("received_at")
    values = [tuple(moment(v) if n in (at, received) else v for n, v in enumerate(row)) for row in rows]
    executemany(conn, insert(ad_conversions), CONVERSION_KEYS, values)
    executemany(conn, insert(ad_conversion_keys), ("conversion_id", "person_key", "ad_account_id"), list(keys))


def conversions_of(conn: Connection, ad_account_id: int, person_keys: Sequence[str], click_ids: Sequence[str],
                   *, since: datetime | None = None, until: datetime | None = None) -> set[int]:
    """The ids of the account's conversions made by one of ``person_keys`` or naming one of
    ``click_ids``, optionally only those in (since, until]."""
    found: set[int] = set()
    timed = []
    if since is not None:
        timed.append(ad_conversions.c.occurred_at > since)
    if until is not None:
        timed.append(ad_conversions.c.occurred_at <= until)
    for chunk in chunks(sorted(set(person_keys)), CHUNK):
        query = (
            select(ad_conversion_keys.c.conversion_id)
            .join(ad_conversions, ad_conversions.c.id == ad_conversion_keys.c.conversion_id)
            .where(ad_conversion_keys.c.ad_account_id == ad_account_id, one_of(conn, ad_conversion_keys.c.person_key, chunk), *timed)
        )
        found.update(conn.execute(query).scalars())
    for chunk in chunks(sorted(set(click_ids)), CHUNK):
        query = select(ad_conversions.c.id).where(
            ad_conversions.c.ad_account_id == ad_account_id, one_of(conn, ad_conversions.c.click_id, chunk), *timed)
        found.update(conn.execute(query).scalars())
    return found


def load_conversions(conn: Connection, conversion_ids: Iterable[int]) -> dict[int, dict]:
    """The conversions by id, each with its ``person_keys`` (a frozenset)."""
    wanted = sorted(set(conversion_ids))
    found: dict[int, dict] = {}
    for chunk in chunks(wanted, CHUNK):
        for row in conn.execute(select(*_CONVERSION_COLUMNS).where(one_of(conn, ad_conversions.c.id, chunk))).mappings():
            found[row["id"]] = {**row, "person_keys": set()}
        query = select(ad_conversion_keys.c.conversion_id, ad_conversion_keys.c.person_key).where(
            one_of(conn, ad_conversion_keys.c.conversion_id, chunk))
        for conversion_id, key in conn.execute(query):
            found[conversion_id]["person_keys"].add(key)
    for conversion in found.values():
        conversion["person_keys"] = frozenset(conversion["person_keys"])
    return found


def touches_of(conn: Connection, conversion_ids: Iterable[int]) -> dict[int, list[tuple]]:
    """The stored touches of each conversion, as tuples in ``TOUCH_KEYS`` order."""
    found: dict[int, list[tuple]] = {}
    for chunk in chunks(sorted(set(conversion_ids)), CHUNK):
        query = select(*(ad_conversion_touches.c[key] for key in TOUCH_KEYS)).where(
            one_of(conn, ad_conversion_touches.c.conversion_id, chunk))
        for row in conn.execute(query):
            found.setdefault(row[0], []).append(tuple(row))
    return found


def replace_touches(conn: Connection, removed: Sequence[tuple], added: Sequence[tuple]) -> None:
    """Delete the touches ``removed`` (by key) and insert ``added`` (``TOUCH_KEYS`` tuples)."""
    for chunk in chunks(list(removed), 1000):
        keys = [(row[0], row[1], row[2]) for row in chunk]
        columns = (ad_conversion_touches.c.conversion_id, ad_conversion_touches.c.attribution_type,
                   ad_conversion_touches.c.kind)
        conn.execute(delete(ad_conversion_touches).where(tuple_(*columns).in_(keys)))
    if added:
        moments: dict = {}
        at = TOUCH_KEYS.index("occurred_at")
        values = []
        for row in added:
            bound = moments.get(row[at])
            if bound is None:
                bound = moments[row[at]] = bind_value(conn, ad_conversion_touches.c.occurred_at, row[at])
            values.append((*row[:at], bound, *row[at + 1 :]))
        executemany(conn, insert(ad_conversion_touches), TOUCH_KEYS, values)


def add_to_rollup(conn: Connection, deltas: Mapping[tuple, Sequence[int]], ads_by_id: Mapping[int, Mapping]) -> None:
    """Add signed amounts (``ROLLUP_SUMS`` order) to the rows keyed by ``ROLLUP_KEYS``,
    inserting missing rows and deleting the rows a removal brings to zero conversions."""
    deltas = {key: amounts for key, amounts in deltas.items() if any(amounts)}
    if not deltas:
        return
    require_locked(conn, {ads_by_id[key[0]]["ad_account_id"] for key in deltas})
    statement = adding_upsert(conn, ad_conversion_daily, ROLLUP_KEYS, ROLLUP_SUMS)
    days: dict = {}
    values = []
    day_at = ROLLUP_KEYS.index("day")
    for key, amounts in deltas.items():
        bound = days.get(key[day_at])
        if bound is None:
            bound = days[key[day_at]] = bind_value(conn, ad_conversion_daily.c.day, key[day_at])
        ad = ads_by_id[key[0]]
        values.append((*key[:day_at], bound, *key[day_at + 1 :], ad["ad_account_id"], ad["campaign_id"],
                       ad["ad_group_id"], *amounts))
    executemany(conn, statement, (*ROLLUP_KEYS, "ad_account_id", "campaign_id", "ad_group_id", *ROLLUP_SUMS), values)
    emptied = [key for key, amounts in deltas.items() if amounts[0] < 0]
    for chunk in chunks(emptied, 500):
        key_columns = [ad_conversion_daily.c[name] for name in ROLLUP_KEYS]
        conn.execute(delete(ad_conversion_daily).where(
            tuple_(*key_columns).in_(chunk), ad_conversion_daily.c.conversions == 0))


# ---- the rebuild oracle -------------------------------------------------------------------


def all_conversions(conn: Connection, ad_account_id: int) -> dict[int, dict]:
    ids = conn.execute(select(ad_conversions.c.id).where(ad_conversions.c.ad_account_id == ad_account_id)).scalars().all()
    return load_conversions(conn, ids)


def stored_rollup(conn: Connection, ad_account_id: int) -> dict[tuple, tuple]:
    query = select(ad_conversion_daily).where(ad_conversion_daily.c.ad_account_id == ad_account_id)
    return {tuple(row[key] for key in ROLLUP_KEYS): tuple(row[name] for name in ROLLUP_SUMS)
            for row in conn.execute(query).mappings()}

