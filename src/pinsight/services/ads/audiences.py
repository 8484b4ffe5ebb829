"""Counting people into audiences on the write paths: ad actions (``services.ads.ad_events``),
organic events (``services.organic.events``) and a new ad account adopting its owner's
organic audience (``services.ads.ad_accounts``).

What is kept equals a rebuild from the stored ad actions and organic events
(``tests/support/audience_oracle.py``), whatever order they came in and however many
writers raced:

* a person's facts are those of their earliest sighting: of all the ad actions and organic
  events that name them, the first by (instant, id, ad account's or pin owner's id), a
  total order; ``audience_people`` keeps that sighting's key (``first_*``) with the facts;
* an audience's members are the people its actions and events name, engaged once any of
  those engaged; its slices count its members under their facts (ad accounts' audiences
  only; pin owners' keep members, for the ad accounts they create later); everyone's
  (scope 0) counts every person.

Each call runs in the writer's transaction, under the locks of the audiences it adds
members to (``store.locks``), in this order:

1. the batch's people not stored yet are inserted, in key order, with the batch's
   earliest sighting of each (``INSERT ... ON CONFLICT DO NOTHING RETURNING``); they count
   once in everyone's audience;
2. the others' rows are locked, in key order, and their stored sighting read
   (PostgreSQL: ``SELECT ... FOR UPDATE``; SQLite's writer holds the whole database from
   its first statement). Where the batch saw a person earlier than what is stored, the
   row takes the batch's sighting and facts and, if the facts differ, the person's counts
   MOVE: in every audience they are a member of (``audience_members`` by person) and in
   everyone's, one less under the old facts and one more under the new ones, for
   ``people`` and, where the member engaged, ``engaged``;
3. the batch's members new to an audience count in it, under the person's facts as they
   now are, and so do those whose first engagement this is;
4. the slice additions go in one statement in key order, everyone's rows last, then the
   audiences' days (everyone's last).

Why no writer counts anyone with stale facts, on PostgreSQL (READ COMMITTED): every
change to a person's memberships and every count of their facts is made by a
transaction holding their ``audience_people`` row, either inserted by it (others
inserting the same key wait for it to end, then skip the row and lock it in step 2) or
locked ``FOR UPDATE`` (others wait for it to end, then read the row as it committed). So
the transactions touching one person run one after the other, each reading the person's
row and, in later statements, their memberships as the previous one committed them:

* writers A (account 1) and B (account 2) meet new person p, A's sighting later. A
  inserts p with A's facts; B's insert waits, skips, B locks p and reads A's row: B's
  sighting is earlier, so B moves p's counts from A's facts to its own in account 1
  (whose membership B reads after A committed it) and in everyone's, then counts p in
  account 2 under its own facts. Had B inserted first, A would read B's earlier sighting
  and count p in account 1 under B's facts, moving nothing;
* B moves p's facts while A, which knew p before, adds p to account 1: whichever locks
  p's row first commits before the other reads p; a membership A adds after B's move
  uses B's facts (read under the lock), and one A added before is visible to B's read
  of p's memberships, so B moves it;
* a new ad account adopting its owner's organic audience locks the members' rows the
  same way before reading their facts: a writer moving one of them either committed
  before (the adoption reads the new facts) or waits and then sees the adopted
  membership, and moves it too;
* the moved counts of audiences the mover holds no lock on (another writer's account)
  are additions (``col = col + delta``), which commute with that account's own writer's.

No deadlock: every transaction takes its audiences' locks (advisory) before any person's
row, and never after; people rows are taken in one order, the keys' byte order (Python's
string order), inserts first, then ``FOR UPDATE``. A row a transaction waits for in step
2 is never one another transaction is still inserting (its own step 1 would have waited
for that insert to end), so step-2 waits follow the key order; a step-1 insert waits
either for another's insert of the same key (key order again) or for a transaction that
updated that row in step 2, which is past its people rows and waits, if at all, only for
slice and day rows. Those are taken after all of a transaction's people rows, slices in
one statement in key order with everyone's last, then days in the same order, so no
transaction holding one waits for a person's row. (One transaction calls ``record`` once;
the demo seeder, which calls it once per chunk, runs alone.)

The cost: a batch's people already stored are read with their sighting (and, on
PostgreSQL, locked) as their facts were read before; a move costs a read of the moved
people's memberships and one addition per slice it changes, and happens only when a
batch holds someone's earliest sighting so far.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import NamedTuple

from pinsight.catalog.audiences import EVERYONE, FACETS
from pinsight.domain.ads.audience_facts import PersonFacts
from pinsight.store.ads import audiences as store
from pinsight.store.ads.audiences import First


# The columns of a slice's additions (``store.ads.audiences.SLICE_SUMS``).
PEOPLE, ENGAGED = 0, 1


class Sighting(NamedTuple):
    """A person as a batch saw them in one audience: the facts of their earliest action or
    event there (``first``: instant (naive UTC), id, ad account's or pin owner's id), and
    whether any of them engaged."""

    first: First
    facts: PersonFacts
    engaged: bool


def sightings(seen: Iterable[tuple[str, First, PersonFacts, bool]]) -> dict[str, Sighting]:
    """Per person key, their sighting, from (person key, order key, facts, engaged) each."""
    found: dict[str, Sighting] = {}
    for key, first, facts, engaged in seen:
        known = found.get(key)
        if known is None:
            found[key] = Sighting(first, facts, engaged)
        elif first < known.first or (engaged and not known.engaged):
            earlier = first < known.first
            found[key] = Sighting(first if earlier else known.first, facts if earlier else known.facts,
                                  engaged or known.engaged)
    return found


def record(conn, audiences: Mapping[int, Mapping[str, Sighting]], days: Mapping[int, date],
           counted: Collection[int]) -> None:
    """Count the people of ``audiences`` (scope id -> person key -> sighting) in them; the
    scopes of ``counted`` (ad accounts) keep slice counts, the others (pin owners) only
    their members. ``days``: each scope's newest day in the batch."""
    if not any(audiences.values()):
        return
    earliest: dict[str, Sighting] = {}
    for seen in audiences.values():
        for key, sighting in seen.items():
            known = earliest.get(key)
            if known is None or sighting.first < known.first:
                earliest[key] = sighting
    additions: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    new_people, stored = store.take_people(conn, {key: (sighting.first, sighting.facts)
                                                  for key, sighting in earliest.items()})
    facts = {key: earliest[key].facts for key in new_people}
    _count(additions, EVERYONE, facts.values(), PEOPLE)
    known, moved = _settle_known(conn, earliest, stored, additions)
    facts.update(known)
    for scope in sorted(audiences):
        seen = audiences[scope]
        joined = store.add_members(conn, scope, {key: sighting.engaged for key, sighting in seen.items()})
        newly_engaged = store.mark_engaged(conn, scope, [key for key, sighting in seen.items()
                                                         if sighting.engaged and key not in joined])
        if scope in counted:
            _count(additions, scope, (facts[key] for key in joined), PEOPLE)
            _count(additions, scope, (facts[key] for key, engaged in joined.items() if engaged), ENGAGED)
            _count(additions, scope, (facts[key] for key in newly_engaged), ENGAGED)
    store.add_slices(conn, additions, moved=moved)
    store.note_days(conn, {**days, EVERYONE: max(days.values())})


def _settle_known(conn, earliest: Mapping[str, Sighting], stored: Mapping[str, tuple[First, PersonFacts]],
                  additions: dict) -> tuple[dict[str, PersonFacts], set[int]]:
    """Give each person stored before (``stored``: their sighting and facts, their rows
    locked) the earlier of the stored and the batch's sightings; where that changes their
    facts, move their counts (into ``additions``). Their facts as they now are, and the ad
    accounts whose counts moved."""
    facts: dict[str, PersonFacts] = {}
    earlier: dict[str, tuple[First, PersonFacts]] = {}
    moved: dict[str, tuple[PersonFacts, PersonFacts]] = {}
    for key, (first, old) in stored.items():
        sighting = earliest[key]
        if sighting.first < first:
            earlier[key] = (sighting.first, sighting.facts)
            if sighting.facts != old:
                moved[key] = (old, sighting.facts)
            facts[key] = sighting.facts
        else:
            facts[key] = old
    store.set_earliest(conn, earlier)
    if not moved:
        return facts, set()
    found = store.memberships(conn, moved)
    accounts = store.ad_account_ids(conn, {scope for scope, _, _ in found})
    for scope, key, engaged in found:
        if scope in accounts:
            _move(additions, scope, *moved[key], engaged)
    for old, new in moved.values():
        _move(additions, EVERYONE, old, new, False)
    return facts, accounts


def adopt_owner_audience(conn, ad_account_id: int, owner_id: int) -> None:
    """A new ad account's audience starts with its owner's pins' organic viewers (the
    caller holds the owner's and the account's locks, so no organic event slips between;
    the members' rows are locked before their facts are read, as ``record`` does)."""
    members = store.members(conn, owner_id)
    if not members:
        return
    facts = {key: person for key, (_, person) in store.lock_people(conn, [key for key, _ in members]).items()}
    joined = store.add_members(conn, ad_account_id, dict(members))
    additions: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    _count(additions, ad_account_id, (facts[key] for key in joined), PEOPLE)
    _count(additions, ad_account_id, (facts[key] for key, engaged in joined.items() if engaged), ENGAGED)
    store.add_slices(conn, additions)
    day = store.last_day(conn, owner_id)
    if day is not None:
        store.note_days(conn, {ad_account_id: day})


def _count(additions: dict, scope: int, people: Iterable[PersonFacts], column: int, amount: int = 1) -> None:
    """Add ``amount`` to ``column`` (PEOPLE or ENGAGED) of each person's facet values in ``scope``."""
    for facts in people:
        for facet, value in zip(FACETS, facts):
            additions[(scope, facet, value)][column] += amount


def _move(additions: dict, scope: int, old: PersonFacts, new: PersonFacts, engaged: bool) -> None:
    """Move one member of ``scope`` from the slices of ``old`` facts to those of ``new``."""
    for column in (PEOPLE, ENGAGED) if engaged else (PEOPLE,):
        _count(additions, scope, (old,), column, -1)
        _count(additions, scope, (new,), column)
