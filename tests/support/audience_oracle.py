"""The audience rollup rebuilt from the stored ad actions and organic events by the plain
rules, to compare with what the write paths kept (``store.ads.audiences.stored_rollup``),
for exact equality.

The rules: everyone an action or an event named is a person; a person's facts are those
of their earliest sighting, the first of all their actions and events by (instant, id,
the ad account's or the pin owner's id), whose key is kept with them; an ad account's
audience holds the people of its actions and the organic viewers of its owner's pins; a
pin owner's holds its pins' organic viewers; a member is engaged once any of their
actions (a click or an engagement) or events (anything but an impression) in that
audience engaged; counts per ad account's audience (and everyone's, scope 0), facet and
value follow from the members and the people's facts (rows with nobody are not
compared: they may stay behind when facts move); an audience's day is the newest of its
actions' and events' UTC days.
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


def _instant(value) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def rebuild(conn) -> dict:
    """What the rollup must hold: ``people`` (key -> ((instant, id, source), facts)),
    ``members`` ((scope, key) -> engaged), ``slices`` ((scope, facet, value) -> (people,
    engaged), no empty rows) and ``days`` (scope -> newest day)."""
    people: dict[str, tuple] = {}
    members: dict[tuple[int, str], bool] = {}
    days: dict[int, object] = {}

    def sighted(key: str, first: tuple, facts) -> None:
        known = people.get(key)
        if known is None or first < known[0]:
            people[key] = (first, facts)

    def join(scope: int, key: str, engaged: bool, day) -> None:
        members[(scope, key)] = members.get((scope, key), False) or engaged
        days[scope] = max(days.get(scope, day), day)
        days[EVERYONE] = max(days.get(EVERYONE, day), day)

    query = select(ad_actions.c.ad_account_id, ad_actions.c.id, ad_actions.c.person_key, ad_actions.c.type,
                   ad_actions.c.occurred_at, ad_actions.c.app_type, ad_actions.c.dimensions)
    for account, action_id, key, action_type, at, app_type, dimensions in conn.execute(query):
        at = _instant(at)
        sighted(key, (at, action_id, account), person_facts(app_type, dimensions))
        join(account, key, action_type in ENGAGED_ACTION_TYPES, at.date())
    owned: dict[int, list[int]] = defaultdict(list)
    for account, owner in conn.execute(select(ad_accounts.c.id, ad_accounts.c.owner_id)):
        owned[owner].append(account)
    query = (select(ingested_events.c.owner_id, ingested_events.c.id, ingested_events.c.person_key,
                    ingested_events.c.metric, ingested_events.c.occurred_at, ingested_events.c.dimensions)
             .where(ingested_events.c.person_key.is_not(None)))
    for owner, event_id, key, metric, at, dimensions in conn.execute(query):
        at = _instant(at)
        sighted(key, (at, event_id, owner), person_facts(None, dimensions))
        for scope in (owner, *owned[owner]):
            join(scope, key, metric in _ENGAGED_COLUMNS, at.date())

    counted = {account for accounts in owned.values() for account in accounts}
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for _, facts in people.values():
        for facet, value in zip(FACETS, facts):
            sums[(EVERYONE, facet, value)][0] += 1
    for (scope, key), engaged in members.items():
        if scope in counted:
            for facet, value in zip(FACETS, people[key][1]):
                sums[(scope, facet, value)][0] += 1
                sums[(scope, facet, value)][1] += engaged
    slices = {key: tuple(counts) for key, counts in sums.items()}
    return {"people": people, "members": members, "slices": slices, "days": days}


def differences(conn) -> list[str]:
    """How the stored rollup differs from the rebuild (empty when it is equal)."""
    stored = stored_rollup(conn)
    rebuilt = rebuild(conn)
    found = []
    for part in ("people", "members", "slices", "days"):
        if stored[part] != rebuilt[part]:
            keys = sorted({*stored[part], *rebuilt[part]}, key=repr)
            unequal = [key for key in keys if stored[part].get(key) != rebuilt[part].get(key)]
            found.append(f"{part} differ in {len(unequal)} of {len(keys)} entries, e.g. "
                         + "; ".join(f"{key!r}: stored {stored[part].get(key)!r}, rebuilt {rebuilt[part].get(key)!r}"
                                     for key in unequal[:3]))
    return found
