"""SQL for the audience rollup: the people seen (``audience_people``), who is in which
audience (``audience_members``), people per audience, facet and value (``audience_slices``)
and each audience's newest day (``audience_scopes``).

Counts move only by what an insert or an update reports it changed (``bulk.insert_new``,
``UPDATE ... RETURNING``) or by what was read under the people's row locks
(``lock_people``), so two writers that meet the same person count them once; the order
of the locks is ``services.ads.audiences``'s to keep.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import Connection, bindparam, case, func, select, update

from pinsight.catalog.audiences import EVERYONE, FACETS
from pinsight.domain.ads.audience_facts import PersonFacts
from pinsight.store.bulk import (adding_upsert, bind_value, chunks, datetime_binder, dialect_of, executemany,
                                 insert_new, one_of)
from pinsight.store.locks import require_locked
from pinsight.store.tables import ad_accounts, audience_members, audience_people, audience_scopes, audience_slices

CHUNK = 5000
SLICE_KEYS = ("scope_id", "facet", "value")
SLICE_SUMS = ("people", "engaged")
FIRST = ("first_at", "first_id", "first_source")
# A sighting's place in time: (instant (naive UTC), id, the ad account's or pin owner's id).
First = tuple[datetime, str, int]


def take_people(conn: Connection, people: Mapping[str, tuple[First, PersonFacts]]
                ) -> tuple[set[str], dict[str, tuple[First, PersonFacts]]]:
    """Store the people not stored yet (key -> (earliest sighting, its facts)) and lock
    the rows of the others until the transaction ends: (the keys this call stored, the
    others' stored sighting and facts). The rows are inserted in key order (``INSERT ...
    ON CONFLICT DO NOTHING RETURNING``: one a concurrent writer is inserting is waited
    for, then skipped), then the others locked in the same order (``lock_people``)."""
    keys = sorted(people)
    moment = datetime_binder(conn, audience_people.c.first_at)
    rows = []
    for key in keys:
        (at, action_id, source), facts = people[key]
        rows.append((key, *facts, moment(at), action_id, source))
    inserted = insert_new(conn, audience_people, ("person_key", *FACETS, *FIRST), rows, ("person_key",))
    new = {key for (key,) in inserted}
    return new, lock_people(conn, [key for key in keys if key not in new])


def lock_people(conn: Connection, person_keys: Iterable[str]) -> dict[str, tuple[First, PersonFacts]]:
    """The stored earliest sighting and facts of these (stored) people, their rows locked
    until the transaction ends (PostgreSQL: ``FOR UPDATE``, in key order by bytes, which
    is Python's order of the keys, so that chunks and writers all lock in one order;
    SQLite's writer already holds the database)."""
    found: dict[str, tuple[First, PersonFacts]] = {}
    table = audience_people
    columns = [table.c[name] for name in (*FIRST, *FACETS)]
    for chunk in chunks(sorted(set(person_keys)), CHUNK):
        query = select(table.c.person_key, *columns).where(one_of(conn, table.c.person_key, chunk))
        if conn.dialect.name == "postgresql":
            query = query.order_by(table.c.person_key.collate("C")).with_for_update()
        for key, at, action_id, source, *facts in conn.execute(query):
            found[key] = ((at, action_id, source), PersonFacts(*facts))
    return found


def set_earliest(conn: Connection, people: Mapping[str, tuple[First, PersonFacts]]) -> None:
    """Give these people (whose rows this transaction locked) a new earliest sighting and its facts."""
    if not people:
        return
    table = audience_people
    names = (*FIRST, *FACETS)
    statement = (update(table).where(table.c.person_key == bindparam("b_key"))
                 .values({name: bindparam(f"b_{name}") for name in names}))
    moment = datetime_binder(conn, table.c.first_at)
    rows = [(key, moment(at), action_id, source, *facts)
            for key, ((at, action_id, source), facts) in sorted(people.items())]
    executemany(conn, statement, ("b_key", *(f"b_{name}" for name in names)), rows)


def memberships(conn: Connection, person_keys: Iterable[str]) -> list[tuple[int, str, bool]]:
    """(scope, person key, engaged) of every audience these people are in."""
    table = audience_members
    found: list[tuple[int, str, bool]] = []
    for chunk in chunks(sorted(set(person_keys)), CHUNK):
        query = select(table.c.scope_id, table.c.person_key, table.c.engaged).where(
            one_of(conn, table.c.person_key, chunk))
        found.extend((scope, key, bool(engaged)) for scope, key, engaged in conn.execute(query))
    return found


def ad_account_ids(conn: Connection, ids: Collection[int]) -> set[int]:
    """Those of ``ids`` that are ad accounts (the audiences with slice counts)."""
    if not ids:
        return set()
    return set(conn.execute(select(ad_accounts.c.id).where(one_of(conn, ad_accounts.c.id, sorted(ids)))).scalars())


def add_members(conn: Connection, scope_id: int, members: Mapping[str, bool]) -> dict[str, bool]:
    """Put these people (key -> engaged) in the audience; those who were not in it yet."""
    rows = [(scope_id, key, members[key]) for key in sorted(members)]
    inserted = insert_new(conn, audience_members, ("scope_id", "person_key", "engaged"), rows, ("person_key",))
    return {key: members[key] for (key,) in inserted}


def mark_engaged(conn: Connection, scope_id: int, person_keys: Iterable[str]) -> list[str]:
    """Mark these members of the audience engaged; those who were not yet."""
    table = audience_members
    changed: list[str] = []
    for chunk in chunks(sorted(set(person_keys)), CHUNK):
        statement = (update(table)
                     .where(table.c.scope_id == scope_id, one_of(conn, table.c.person_key, chunk),
                            table.c.engaged.is_(False))
                     .values(engaged=True).returning(table.c.person_key))
        changed.extend(conn.execute(statement).scalars())
    return changed


def add_slices(conn: Connection, additions: Mapping[tuple[int, str, str], Sequence[int]],
               moved: Collection[int] = ()) -> None:
    """Add (people, engaged) to the rows keyed (scope, facet, value), in key order (the
    whole population's rows, scope 0, are shared by every writer: they go last, so that
    they stay locked for the shortest time). The caller holds the lock of every audience
    added to but those of ``moved``: audiences whose counts move only for people whose
    rows the caller locked (``lock_people``), by additions that commute with any other
    writer's."""
    changes = [key for key, sums in additions.items() if any(sums)]  # a move within one value changes nothing
    if not changes:
        return
    require_locked(conn, {key[0] for key in changes if key[0] != EVERYONE} - set(moved))
    ordered = sorted(changes, key=lambda key: (key[0] == EVERYONE, key))
    statement = adding_upsert(conn, audience_slices, SLICE_KEYS, SLICE_SUMS)
    executemany(conn, statement, (*SLICE_KEYS, *SLICE_SUMS), [(*key, *additions[key]) for key in ordered])


def note_days(conn: Connection, days: Mapping[int, date]) -> None:
    """Move each audience's newest day to the given one where that is later."""
    if not days:
        return
    table = audience_scopes
    statement = dialect_of(conn).insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=["scope_id"],
        set_={"last_day": case((statement.excluded.last_day > table.c.last_day, statement.excluded.last_day),
                               else_=table.c.last_day)})
    ordered = sorted(days, key=lambda scope: (scope == EVERYONE, scope))
    executemany(conn, statement, ("scope_id", "last_day"),
                [(scope, bind_value(conn, table.c.last_day, days[scope])) for scope in ordered])


def owned_ad_accounts(conn: Connection, owner_id: int) -> list[int]:
    return sorted(conn.execute(select(ad_accounts.c.id).where(ad_accounts.c.owner_id == owner_id)).scalars())


def members(conn: Connection, scope_id: int) -> list[tuple[str, bool]]:
    """Every member of an audience, (person key, engaged), in key order (a new ad account
    adopting its owner's organic audience reads this once)."""
    query = (select(audience_members.c.person_key, audience_members.c.engaged)
             .where(audience_members.c.scope_id == scope_id).order_by(audience_members.c.person_key))
    return [(key, bool(engaged)) for key, engaged in conn.execute(query)]


# ---- what insights read ---------------------------------------------------------------------


def slice_counts(conn: Connection, scope_ids: Sequence[int]) -> dict[int, dict[str, dict[str, tuple[int, int]]]]:
    """scope -> facet -> value -> (people, engaged), rows with nobody left out. One
    statement, so that the audiences compared (an account's and everyone's) are read in
    one snapshot on PostgreSQL too."""
    table = audience_slices
    found = {scope: {facet: {} for facet in FACETS} for scope in scope_ids}
    query = (select(table.c.scope_id, table.c.facet, table.c.value, table.c.people, table.c.engaged)
             .where(table.c.scope_id.in_(list(scope_ids))))
    for scope, facet, value, people, engaged in conn.execute(query):
        if people and facet in found[scope]:
            found[scope][facet][value] = (people, engaged)
    return found


def last_day(conn: Connection, scope_id: int) -> date | None:
    return conn.execute(select(audience_scopes.c.last_day).where(audience_scopes.c.scope_id == scope_id)).scalar()


# ---- the rebuild oracle ---------------------------------------------------------------------


def stored_rollup(conn: Connection) -> dict[str, object]:
    """Every row of the four tables, as plain values (slice rows with nobody left out:
    they may stay behind when people's facts move)."""
    table = audience_people
    people = {key: ((at, action_id, source), PersonFacts(*facts)) for key, at, action_id, source, *facts
              in conn.execute(select(table.c.person_key, *[table.c[name] for name in (*FIRST, *FACETS)]))}
    members = {(scope, key): bool(engaged) for scope, key, engaged in conn.execute(select(audience_members))}
    slices = {(scope, facet, value): (people_count, engaged) for scope, facet, value, people_count, engaged
              in conn.execute(select(audience_slices)) if people_count or engaged}
    days = dict(conn.execute(select(audience_scopes.c.scope_id, audience_scopes.c.last_day)).all())
    return {"people": people, "members": members, "slices": slices, "days": days}


def people_count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(audience_people)).scalar_one()
