"""SQL for the audience rollup: the people seen (``audience_people``), who is in which
audience (``audience_members``), people per audience, facet and value (``audience_slices``)
and each audience's newest day (``audience_scopes``).

Counts move only by what an insert or an update reports it changed (``bulk.insert_new``,
``UPDATE ... RETURNING``), so two writers that meet the same person count them once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from sqlalchemy import Connection, case, func, select, update

from pinsight.catalog.audiences import EVERYONE, FACETS
from pinsight.domain.ads.audience_facts import PersonFacts
from pinsight.store.bulk import adding_upsert, bind_value, chunks, dialect_of, executemany, insert_new, one_of
from pinsight.store.locks import require_locked
from pinsight.store.tables import ad_accounts, audience_members, audience_people, audience_scopes, audience_slices

CHUNK = 5000
SLICE_KEYS = ("scope_id", "facet", "value")
SLICE_SUMS = ("people", "engaged")


def add_people(conn: Connection, people: Mapping[str, PersonFacts]) -> dict[str, PersonFacts]:
    """Store the people not stored yet with these facts; those this call stored. A person
    stored before (or by a concurrent writer first) keeps the facts stored first."""
    rows = [(key, *people[key]) for key in sorted(people)]
    inserted = insert_new(conn, audience_people, ("person_key", *FACETS), rows, ("person_key",))
    return {key: people[key] for (key,) in inserted}


def facts_of(conn: Connection, person_keys: Iterable[str]) -> dict[str, PersonFacts]:
    """The stored facts of these people."""
    found: dict[str, PersonFacts] = {}
    columns = [audience_people.c[facet] for facet in FACETS]
    for chunk in chunks(sorted(set(person_keys)), CHUNK):
        query = select(audience_people.c.person_key, *columns).where(one_of(conn, audience_people.c.person_key, chunk))
        for key, *facts in conn.execute(query):
            found[key] = PersonFacts(*facts)
    return found


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


def add_slices(conn: Connection, additions: Mapping[tuple[int, str, str], Sequence[int]]) -> None:
    """Add (people, engaged) to the rows keyed (scope, facet, value), in key order (the
    whole population's rows, scope 0, are shared by every writer: they go last, so that
    they stay locked for the shortest time)."""
    if not additions:
        return
    require_locked(conn, {key[0] for key in additions if key[0] != EVERYONE})
    ordered = sorted(additions, key=lambda key: (key[0] == EVERYONE, key))
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


def members_with_facts(conn: Connection, scope_id: int) -> list[tuple[str, bool, PersonFacts]]:
    """Every member of an audience with their facts (a new ad account adopting its owner's
    organic audience reads this once)."""
    columns = [audience_people.c[facet] for facet in FACETS]
    query = (select(audience_members.c.person_key, audience_members.c.engaged, *columns)
             .join(audience_people, audience_people.c.person_key == audience_members.c.person_key)
             .where(audience_members.c.scope_id == scope_id).order_by(audience_members.c.person_key))
    return [(key, bool(engaged), PersonFacts(*facts)) for key, engaged, *facts in conn.execute(query)]


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
    """Every row of the four tables, as plain values."""
    people = {key: PersonFacts(*facts) for key, *facts in conn.execute(
        select(audience_people.c.person_key, *[audience_people.c[facet] for facet in FACETS]))}
    members = {(scope, key): bool(engaged) for scope, key, engaged in conn.execute(select(audience_members))}
    slices = {(scope, facet, value): (people_count, engaged) for scope, facet, value, people_count, engaged
              in conn.execute(select(audience_slices)) if people_count or engaged}
    days = dict(conn.execute(select(audience_scopes.c.scope_id, audience_scopes.c.last_day)).all())
    return {"people": people, "members": members, "slices": slices, "days": days}


def people_count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(audience_people)).scalar_one()
