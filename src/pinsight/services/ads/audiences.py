"""Counting people into audiences on the write paths: ad actions (``services.ads.ad_events``),
organic events (``services.organic.events``) and a new ad account adopting its owner's
organic audience (``services.ads.ad_accounts``).

Each call runs in the writer's transaction, under the locks of the ad accounts it counts
for, and moves the counts only by the rows its inserts and updates report they changed
(``store.ads.audiences``): the people first seen here count in the whole population, the
members new to an audience count in it, and so do members whose first engagement this is.
A person's facts are those first stored for them, the same in every audience.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import NamedTuple

from pinsight.catalog.audiences import EVERYONE, FACETS
from pinsight.domain.ads.audience_facts import PersonFacts
from pinsight.store.ads import audiences as store


# The columns of a slice's additions (``store.ads.audiences.SLICE_SUMS``).
PEOPLE, ENGAGED = 0, 1


class Sighting(NamedTuple):
    """A person as a batch saw them in one audience: the facts of their first action or
    event there (by instant, then id: ``first``), and whether any of them engaged."""

    first: tuple
    facts: PersonFacts
    engaged: bool


def sightings(seen: Iterable[tuple[str, tuple, PersonFacts, bool]]) -> dict[str, Sighting]:
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
    people: dict[str, Sighting] = {}
    for seen in audiences.values():
        for key, sighting in seen.items():
            known = people.get(key)
            if known is None or sighting.first < known.first:
                people[key] = sighting
    new_people = store.add_people(conn, {key: sighting.facts for key, sighting in people.items()})
    facts = store.facts_of(conn, set(people) - set(new_people)) | new_people
    additions: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    _count(additions, EVERYONE, new_people.values(), PEOPLE)
    for scope in sorted(audiences):
        seen = audiences[scope]
        joined = store.add_members(conn, scope, {key: sighting.engaged for key, sighting in seen.items()})
        newly_engaged = store.mark_engaged(conn, scope, [key for key, sighting in seen.items()
                                                         if sighting.engaged and key not in joined])
        if scope in counted:
            _count(additions, scope, (facts[key] for key in joined), PEOPLE)
            _count(additions, scope, (facts[key] for key, engaged in joined.items() if engaged), ENGAGED)
            _count(additions, scope, (facts[key] for key in newly_engaged), ENGAGED)
    store.add_slices(conn, additions)
    store.note_days(conn, {**days, EVERYONE: max(days.values())})


def adopt_owner_audience(conn, ad_account_id: int, owner_id: int) -> None:
    """A new ad account's audience starts with its owner's pins' organic viewers (the
    caller holds the owner's and the account's locks, so no organic event slips between)."""
    members = store.members_with_facts(conn, owner_id)
    if not members:
        return
    joined = store.add_members(conn, ad_account_id, {key: engaged for key, engaged, _ in members})
    additions: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    _count(additions, ad_account_id, (facts for key, _, facts in members if key in joined), PEOPLE)
    _count(additions, ad_account_id, (facts for key, engaged, facts in members if key in joined and engaged), ENGAGED)
    store.add_slices(conn, additions)
    day = store.last_day(conn, owner_id)
    if day is not None:
        store.note_days(conn, {ad_account_id: day})


def _count(additions: dict, scope: int, people: Iterable[PersonFacts], column: int) -> None:
    """Add one to ``column`` (PEOPLE or ENGAGED) of each person's facet values in ``scope``."""
    for facts in people:
        for facet, value in zip(FACETS, facts):
            additions[(scope, facet, value)][column] += 1
