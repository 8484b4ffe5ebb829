"""SQL for ad actions (``ad_actions``) and their daily delivery rollup (``ad_delivery_daily``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import Connection, select, text

from pinsight.domain.ads.ad_events import AdAction
from pinsight.store.bulk import (
    adding_upsert, bind_value, chunks, copy_rows, datetime_binder, dialect_of, executemany, one_of,
)
from pinsight.store.locks import require_locked
from pinsight.domain.ads.action_profiles import SLICE_COLUMNS, Profile
from pinsight.store.tables import (
    DELIVERY_COUNTS, ad_action_profiles, ad_actions, ad_delivery_daily, ad_household_members, ad_targeting_daily, ads,
)

# Values per IN query: far below SQLite's (32,766) and PostgreSQL's (65,535) parameter limits.
CHUNK = 5000
ACTION_KEYS = ("ad_account_id", "id", "ad_id", "type", "occurred_at", "person_key", "household_id",
               "spend_micro_dollar", "app_type", "dimensions", "received_at")
DELIVERY_KEYS = ("ad_id", "zone", "day")
DELIVERY_SUMS = (*DELIVERY_COUNTS, "spend_micro_dollar")




def ads_brief(conn: Connection, ad_ids: Iterable[int]) -> dict[int, dict]:
    """The ads among ``ad_ids``: their ad account, campaign, ad group, pin and creation instant."""
    wanted = sorted(set(ad_ids))
    found: dict[int, dict] = {}
    columns = (ads.c.id, ads.c.ad_account_id, ads.c.campaign_id, ads.c.ad_group_id, ads.c.pin_id, ads.c.created_at)
    for chunk in chunks(wanted, CHUNK):
        for row in conn.execute(select(*columns).where(one_of(conn, ads.c.id, chunk))).mappings():
            found[row["id"]] = dict(row)
    return found


# On PostgreSQL each id is probed in the primary key on its own (a LATERAL with LIMIT keeps
# the planner from turning the lookup into a scan of the account's rows): with statistics
# older than an account's growth (a new account in a 20-million-row table, before the next
# ANALYZE) the plain ``= ANY`` read all 1.2 million of the account's rows per 5,000 ids,
# 285 ms, where the probes take 25 ms (EXPLAIN ANALYZE on the benchmark database).
_EXISTING_ACTIONS_PG = text(
    "SELECT wanted.id FROM unnest(CAST(:ids AS varchar[])) AS wanted(id) CROSS JOIN LATERAL "
    "(SELECT 1 FROM ad_actions WHERE ad_actions.ad_account_id = :account AND ad_actions.id = wanted.id LIMIT 1) AS hit"
)


def existing_action_ids(conn: Connection, ad_account_id: int, action_ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in chunks(list(action_ids), CHUNK):
        if conn.dialect.name == "postgresql":
            found.update(conn.execute(_EXISTING_ACTIONS_PG, {"ids": list(chunk), "account": ad_account_id}).scalars())
            continue
        query = select(ad_actions.c.id).where(ad_actions.c.ad_account_id == ad_account_id, one_of(conn, ad_actions.c.id, chunk))
        found.update(conn.execute(query).scalars())
    return found


def insert_actions(conn: Connection, ad_account_id: int, actions: Sequence[AdAction], received_at: datetime) -> None:
    """Append the account's actions (naive UTC instants). The caller holds the account's
    lock and left out the ids already stored: these are plain appends."""
    if not actions:
        return
    moment = datetime_binder(conn, ad_actions.c.occurred_at)
    received = moment(received_at)
    rows = [(ad_account_id, a.id, a.ad_id, a.type, moment(a.at), a.person_key, a.household_id, a.spend_micro_dollar,
             a.app_type, a.dimensions, received) for a in actions]
    copy_rows(conn, ad_actions, ACTION_KEYS, rows)


def add_delivery(conn: Connection, sums: Mapping[tuple[int, str, date], Sequence[int]], ads_by_id: Mapping[int, Mapping]) -> None:
    """Add amounts (in ``DELIVERY_SUMS`` order) to the rows keyed (ad, zone, day), inserting missing ones."""
    if not sums:
        return
    require_locked(conn, {ads_by_id[ad_id]["ad_account_id"] for ad_id, _, _ in sums})
    statement = adding_upsert(conn, ad_delivery_daily, DELIVERY_KEYS, DELIVERY_SUMS)
    days: dict = {}
    values = []
    for (ad_id, zone, day), amounts in sums.items():
        bound = days.get(day)
        if bound is None:
            bound = days[day] = bind_value(conn, ad_delivery_daily.c.day, day)
        ad = ads_by_id[ad_id]
        values.append((ad_id, zone, bound, ad["ad_account_id"], ad["campaign_id"], ad["ad_group_id"], *amounts))
    keys = (*DELIVERY_KEYS, "ad_account_id", "campaign_id", "ad_group_id", *DELIVERY_SUMS)
    executemany(conn, statement, keys, values)


class ProfileClash(RuntimeError):
    """Two sets of targeting facts whose profile ids agree (60 bits of SHA-256): never
    merged, refused loudly instead."""


def add_profiles(conn: Connection, profiles: Iterable[Profile]) -> None:
    """Store the profiles not stored yet (in id order, so that concurrent writers of
    overlapping sets wait on each other in one order and never deadlock)."""
    wanted = {profile.id: profile for profile in profiles}
    if not wanted:
        return
    known: dict[int, str] = {}
    for chunk in chunks(sorted(wanted), CHUNK):
        query = select(ad_action_profiles.c.id, ad_action_profiles.c.digest).where(one_of(conn, ad_action_profiles.c.id, chunk))
        known.update(conn.execute(query).all())
    for profile_id, digest in known.items():
        if digest != wanted[profile_id].digest:
            raise ProfileClash(f"profile {profile_id} holds other facts than {wanted[profile_id].dimensions!r}")
    missing = [wanted[profile_id] for profile_id in sorted(wanted) if profile_id not in known]
    if not missing:
        return
    keys = ("id", "digest", "app_type", "dimensions", *SLICE_COLUMNS.values())
    statement = dialect_of(conn).insert(ad_action_profiles).on_conflict_do_nothing()
    executemany(conn, statement, keys, [(p.id, p.digest, p.app_type, p.dimensions, *p.slices) for p in missing])


TARGETING_KEYS = ("ad_account_id", "zone", "targeting_type", "day", "targeting_value")


def add_targeting_delivery(conn: Connection, sums: Mapping[tuple, Sequence[int]]) -> None:
    """Add amounts (``DELIVERY_SUMS`` order) to the account rows keyed as ``TARGETING_KEYS``."""
    if not sums:
        return
    require_locked(conn, {key[0] for key in sums})
    statement = adding_upsert(conn, ad_targeting_daily, TARGETING_KEYS, DELIVERY_SUMS)
    days: dict = {}
    values = []
    for (account_id, zone, targeting_type, day, value), amounts in sums.items():
        bound = days.get(day)
        if bound is None:
            bound = days[day] = bind_value(conn, ad_targeting_daily.c.day, day)
        values.append((account_id, zone, targeting_type, bound, value, *amounts))
    executemany(conn, statement, (*TARGETING_KEYS, *DELIVERY_SUMS), values)


# ---- what attribution reads ---------------------------------------------------------------


def add_household_members(conn: Connection, ad_account_id: int, members: Iterable[tuple[str, str]]) -> None:
    """Record (household, person key) pairs of the account, those already known ignored."""
    rows = sorted(set(members))
    if not rows:
        return
    statement = dialect_of(conn).insert(ad_household_members).on_conflict_do_nothing()
    executemany(conn, statement, ("ad_account_id", "household_id", "person_key"),
                [(ad_account_id, household, person) for household, person in rows])


def households_of(conn: Connection, ad_account_id: int, person_keys: Sequence[str], action_ids: Sequence[str]
                  ) -> dict[str, set[str]]:
    """The households each person (by key) and each named action's person belong to:
    ``{person_key or action id: {household, ...}}``."""
    found: dict[str, set[str]] = {}
    members = ad_household_members
    for chunk in chunks(sorted(set(person_keys)), CHUNK):
        query = select(members.c.person_key, members.c.household_id).where(
            members.c.ad_account_id == ad_account_id, one_of(conn, members.c.person_key, chunk))
        for key, household in conn.execute(query):
            found.setdefault(key, set()).add(household)
    for chunk in chunks(sorted(set(action_ids)), CHUNK):
        # A click named by click_id: its person's households too.
        query = (
            select(ad_actions.c.id, members.c.household_id)
            .join(members, (members.c.ad_account_id == ad_actions.c.ad_account_id)
                  & (members.c.person_key == ad_actions.c.person_key))
            .where(ad_actions.c.ad_account_id == ad_account_id, one_of(conn, ad_actions.c.id, chunk))
        )
        for action_id, household in conn.execute(query):
            found.setdefault(action_id, set()).add(household)
    return found


_CANDIDATE_COLUMNS = (ad_actions.c.id, ad_actions.c.ad_id, ad_actions.c.type, ad_actions.c.occurred_at,
                      ad_actions.c.person_key, ad_actions.c.household_id, ad_actions.c.app_type,
                      ad_actions.c.dimensions)


def candidate_actions(conn: Connection, ad_account_id: int, person_keys: Sequence[str], action_ids: Sequence[str],
                      households: Sequence[str], since: datetime, until: datetime) -> dict[str, tuple]:
    """The account's actions in [since, until) by one of ``person_keys``, by a member of one
    of ``households`` (those actions carrying that household), or named by id:
    ``{id: (id, ad_id, type, occurred_at, person_key, household_id, app_type, dimensions)}``."""
    found: dict[str, tuple] = {}
    person_keys, action_ids = set(person_keys), set(action_ids)
    in_time = (ad_actions.c.ad_account_id == ad_account_id, ad_actions.c.occurred_at >= since,
               ad_actions.c.occurred_at < until)
    wanted_households = set(households)
    members = persons_in_households(conn, ad_account_id, sorted(wanted_households)) - person_keys
    for column, values in ((ad_actions.c.person_key, person_keys), (ad_actions.c.person_key, members),
                           (ad_actions.c.id, action_ids)):
        for chunk in chunks(sorted(set(values)), CHUNK):
            for row in conn.execute(select(*_CANDIDATE_COLUMNS).where(*in_time, one_of(conn, column, chunk))):
                found[row[0]] = tuple(row)
    # A member's actions count for a household only when they carry it (matches() says so).
    return {action_id: row for action_id, row in found.items()
            if row[4] in person_keys or row[0] in action_ids or row[5] in wanted_households}


def persons_in_households(conn: Connection, ad_account_id: int, households: Sequence[str]) -> set[str]:
    """The person keys of everyone in one of ``households``."""
    found: set[str] = set()
    members = ad_household_members
    for chunk in chunks(sorted(set(households)), CHUNK):
        query = select(members.c.person_key).where(members.c.ad_account_id == ad_account_id,
                                                   one_of(conn, members.c.household_id, chunk))
        found.update(conn.execute(query).scalars())
    return found


# ---- the rebuild oracle -------------------------------------------------------------------


def all_actions(conn: Connection, ad_account_id: int) -> list[tuple]:
    """Every action of the account, as ``candidate_actions`` gives them, plus spend."""
    query = select(*_CANDIDATE_COLUMNS, ad_actions.c.spend_micro_dollar).where(ad_actions.c.ad_account_id == ad_account_id)
    return [tuple(row) for row in conn.execute(query)]


def stored_delivery(conn: Connection, ad_account_id: int) -> dict[tuple, tuple]:
    query = select(ad_delivery_daily).where(ad_delivery_daily.c.ad_account_id == ad_account_id)
    return {(row["ad_id"], row["zone"], row["day"]): tuple(row[name] for name in DELIVERY_SUMS)
            for row in conn.execute(query).mappings()}



def stored_targeting(conn: Connection, ad_account_id: int) -> dict[tuple, tuple]:
    query = select(ad_targeting_daily).where(ad_targeting_daily.c.ad_account_id == ad_account_id)
    return {tuple(row[key] for key in TARGETING_KEYS): tuple(row[name] for name in DELIVERY_SUMS)
            for row in conn.execute(query).mappings()}

