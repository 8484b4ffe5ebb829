"""The audience rollup rebuilt from the stored ad actions and organic events by the plain
rules, to compare with what the write paths kept (``store.ads.audiences.stored_rollup``).

The rules: everyone an action or an event named is a person; a person's stored facts are
those of one of their actions or events (the first one stored: which one that was depends
on the order writers committed in, so the rebuild checks membership, not the choice); an
ad account's audience holds the people of its actions and the organic viewers of its
owner's pins; a pin owner's holds its pins' organic viewers; a member is engaged once any
of their actions (a click or an engagement) or events (anything but an impression) in
that audience engaged; counts per audience, facet and value follow from the members and
the stored facts; an audience's day is the newest of its actions' and events' UTC days.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from pinsight.catalog.audiences import ENGAGED_ACTION_TYPES, ENGAGED_EVENT_TYPES, EVERYONE, FACETS
from pinsight.catalog.events import EVENT_TYPES
from pinsight.domain.ads.audience_facts import person_facts
from pinsight.store.ads.audiences import stored_rollup
from pinsight.store.tables import ad_accounts, ad_actions, ingested_events

_ENGAGED_COLUMNS = {EVENT_TYPES[name].column for name in ENGAGED_EVENT_TYPES}
assert EVENT_TYPES["IMPRESSION"].column not in _ENGAGED_COLUMNS, "an event's column must tell whether it engaged"


def _day(value):
    return (datetime.fromisoformat(value) if isinstance(value, str) else value).date()


def rebuild(conn) -> dict:
    """What the rollup must hold, with ``candidates``: each person's possible facts."""
    candidates: dict[str, set] = defaultdict(set)
    members: dict[tuple[int, str], bool] = {}
    days: dict[int, object] = {}

    def join(scope: int, key: str, engaged: bool, day) -> None:
        members[(scope, key)] = members.get((scope, key), False) or engaged
        days[scope] = max(days.get(scope, day), day)
        days[EVERYONE] = max(days.get(EVERYONE, day), day)

    query = select(ad_actions.c.ad_account_id, ad_actions.c.person_key, ad_actions.c.type, ad_actions.c.occurred_at,
                   ad_actions.c.app_type, ad_actions.c.dimensions)
    for account, key, action_type, at, app_type, dimensions in conn.execute(query):
        candidates[key].add(person_facts(app_type, dimensions))
        join(account, key, action_type in ENGAGED_ACTION_TYPES, _day(at))
    owned: dict[int, list[int]] = defaultdict(list)
    for account, owner in conn.execute(select(ad_accounts.c.id, ad_accounts.c.owner_id)):
        owned[owner].append(account)
    query = (select(ingested_events.c.owner_id, ingested_events.c.person_key, ingested_events.c.metric,
                    ingested_events.c.occurred_at, ingested_events.c.dimensions)
             .where(ingested_events.c.person_key.is_not(None)))
    for owner, key, metric, at, dimensions in conn.execute(query):
        candidates[key].add(person_facts(None, dimensions))
        for scope in (owner, *owned[owner]):
            join(scope, key, metric in _ENGAGED_COLUMNS, _day(at))
    return {"candidates": dict(candidates), "members": members, "days": days,
            "counted": {account for accounts in owned.values() for account in accounts}}


def differences(conn) -> list[str]:
    """How the stored rollup differs from the rebuild (empty when it is equal)."""
    stored = stored_rollup(conn)
    rebuilt = rebuild(conn)
    found = []
    if set(stored["people"]) != set(rebuilt["candidates"]):
        found.append(f"people: {len(stored['people'])} stored, {len(rebuilt['candidates'])} rebuilt")
    for key, facts in stored["people"].items():
        if facts not in rebuilt["candidates"].get(key, ()):
            found.append(f"{key}: facts {facts} are none of its actions' or events'")
    if stored["members"] != rebuilt["members"]:
        extra = set(stored["members"].items()) ^ set(rebuilt["members"].items())
        found.append(f"members differ in {len(extra)} entries, e.g. {sorted(extra)[:3]}")
    slices: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for key, facts in stored["people"].items():
        for facet, value in zip(FACETS, facts):
            slices[(EVERYONE, facet, value)][0] += 1
    for (scope, key), engaged in rebuilt["members"].items():
        if scope in rebuilt["counted"] and key in stored["people"]:
            for facet, value in zip(FACETS, stored["people"][key]):
                slices[(scope, facet, value)][0] += 1
                slices[(scope, facet, value)][1] += engaged
    expected = {key: tuple(counts) for key, counts in slices.items()}
    if stored["slices"] != expected:
        extra = set(stored["slices"].items()) ^ set(expected.items())
        found.append(f"slices differ in {len(extra)} entries, e.g. {sorted(extra)[:4]}")
    if stored["days"] != rebuilt["days"]:
        found.append(f"days: {stored['days']} stored, {rebuilt['days']} rebuilt")
    return found
