"""Keeping each conversion's latest touches, and the rollup they feed, equal to a rebuild.

A conversion's touches (``domain.ads.attribution.latest_touches``) depend on the ad
actions of its person, of the click it names, and of its households (which the person's
own actions reveal). They change when a conversion arrives and when an action arrives
that may be one of its candidates, whatever order the two come in. ``reattribute``
recomputes the touches of the conversions given, from stored actions, and moves the
rollup by the difference: what the old touches contributed comes out, what the new ones
contribute goes in. Callers hold the ad account's lock (``store.locks``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


from pinsight.catalog.ad_actions import ATTRIBUTION_TYPES, ActionKind
from pinsight.domain.ads.action_profiles import profile_of
from pinsight.domain.ads.attribution import LONGEST_WINDOW, Action, Conversion, Touch, latest_touches
from pinsight.domain.ads.conversion_rollup import contributions
from pinsight.store.ads import activity
from pinsight.store.ads import conversions as store

TouchesByType = dict[str, dict[ActionKind, Touch]]


def compute_touches(conn, ad_account_id: int, conversions: Mapping[int, Mapping]) -> dict[int, TouchesByType]:
    """Every conversion's latest touches per attribution type, from the stored actions."""
    if not conversions:
        return {}
    keys = {key for conversion in conversions.values() for key in conversion["person_keys"]}
    clicks = {conversion["click_id"] for conversion in conversions.values() if conversion["click_id"]}
    known = activity.households_of(conn, ad_account_id, sorted(keys), sorted(clicks))
    households: dict[int, frozenset[str]] = {}
    for conversion_id, conversion in conversions.items():
        named = [*conversion["person_keys"], *([conversion["click_id"]] if conversion["click_id"] else [])]
        households[conversion_id] = frozenset(h for name in named for h in known.get(name, ()))
    moments = [conversion["occurred_at"] for conversion in conversions.values()]
    rows = activity.candidate_actions(
        conn, ad_account_id, sorted(keys), sorted(clicks), sorted(set().union(*households.values())),
        min(moments) - LONGEST_WINDOW, max(moments),
    )
    by_key: dict[str, list[Action]] = {}
    by_household: dict[str, list[Action]] = {}
    by_id: dict[str, Action] = {}
    for action_id, ad_id, action_type, at, person_key, household, app_type, dimensions in rows.values():
        action = Action(action_id, ad_id, action_type, at, frozenset((person_key,)), household,
                        profile_of(app_type, dimensions).id)
        by_key.setdefault(person_key, []).append(action)
        if household is not None:
            by_household.setdefault(household, []).append(action)
        by_id[action_id] = action
    touches: dict[int, TouchesByType] = {}
    for conversion_id, conversion in conversions.items():
        candidates = {a.id: a for key in conversion["person_keys"] for a in by_key.get(key, ())}
        click = by_id.get(conversion["click_id"]) if conversion["click_id"] else None
        if click is not None:
            candidates[click.id] = click
        for household in households[conversion_id]:
            candidates.update((a.id, a) for a in by_household.get(household, ()))
        seen = Conversion(conversion["occurred_at"], conversion["person_keys"], conversion["click_id"],
                          households[conversion_id])
        found = {kind: latest_touches(seen, candidates.values(), kind) for kind in ATTRIBUTION_TYPES}
        touches[conversion_id] = {kind: by_kind for kind, by_kind in found.items() if by_kind}
    return touches


def _rows(conversion_id: int, touches: TouchesByType) -> set[tuple]:
    return {(conversion_id, attribution_type, kind.value, touch.action_id, touch.ad_id, touch.at, touch.reach_days,
             touch.profile_id)
            for attribution_type, by_kind in touches.items() for kind, touch in by_kind.items()}


def _decoded(rows: Iterable[tuple]) -> TouchesByType:
    touches: TouchesByType = {}
    for _, attribution_type, kind, action_id, ad_id, at, reach, profile_id in rows:
        touches.setdefault(attribution_type, {})[ActionKind(kind)] = Touch(action_id, ad_id, ActionKind(kind), at, reach,
                                                                           profile_id)
    return touches


def reattribute(conn, ad_account_id: int, conversion_ids: Iterable[int]) -> int:
    """Bring the touches of ``conversion_ids`` and the rollup up to date; the number of
    conversions whose touches changed."""
    conversions = store.load_conversions(conn, conversion_ids)
    if not conversions:
        return 0
    stored = store.touches_of(conn, conversions)
    fresh = compute_touches(conn, ad_account_id, conversions)
    removed: list[tuple] = []
    added: list[tuple] = []
    deltas: dict[tuple, list[int]] = {}
    for conversion_id, conversion in conversions.items():
        before = set(stored.get(conversion_id, ()))
        after = _rows(conversion_id, fresh.get(conversion_id, {}))
        if before == after:
            continue
        removed.extend(before - after)
        added.extend(after - before)
        for sign, touches in ((-1, _decoded(before)), (1, fresh.get(conversion_id, {}))):
            for key, amounts in contributions(conversion, touches).items():
                row = deltas.setdefault(key, [0, 0, 0])
                for n, amount in enumerate(amounts):
                    row[n] += sign * amount
    store.replace_touches(conn, removed, added)
    ads = activity.ads_brief(conn, {key[0] for key in deltas})
    store.add_to_rollup(conn, deltas, ads)
    return len({row[0] for row in removed} | {row[0] for row in added})
