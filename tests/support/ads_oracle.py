"""What the ads rollups must hold, computed here from the raw stored rows by the plain rules.

Delivery: the count of each action type and the spend, per ad and reporting day in each zone.
Conversions: each conversion credited by ``domain.ads.attribution.credit`` (the plain
definition, checked against hand-written cases in tests/domain/test_attribution.py) for the
given windows. Candidates are looked up by person, click and household first, which the
rule's own ``matches`` would keep anyway, so the oracle stays fast on the demo's data.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta

from pinsight.catalog.ad_actions import TIME_OF_AD_ACTION
from pinsight.catalog.ad_targeting import ACTION_TARGETING_TYPES, BY_NAME
from pinsight.domain.ads.attribution import Action, Conversion, Windows, credit
from pinsight.domain.ads.reporting_days import day_in
from pinsight.store.ads import ad_analytics, activity, conversions


def raw(conn, ad_account_id: int) -> tuple[list[Action], dict[str, int], dict[int, dict]]:
    actions, spend = [], {}
    for action_id, ad_id, action_type, at, person_key, household, _app, _dims, spent in activity.all_actions(conn, ad_account_id):
        actions.append(Action(action_id, ad_id, action_type, at, frozenset({person_key}), household))
        spend[action_id] = spent or 0
    return actions, spend, conversions.all_conversions(conn, ad_account_id)


def facts(conn, ad_account_id: int) -> dict[str, dict[str, str]]:
    """Each action's targeting facts: its dimensions and, under "app_type", its app."""
    found = {}
    for action_id, *_rest, app_type, dimensions, _spent in activity.all_actions(conn, ad_account_id):
        found[action_id] = {**(json.loads(dimensions) if dimensions else {}),
                            **({"app_type": app_type} if app_type else {})}
    return found


def slice_value(targeting_type: str, action_facts: dict[str, str]) -> str:
    """The plain rule (README, "Targeting analytics"): the first of the type's facts the
    action carries, "unknown" without any; AGE_BUCKET_AND_GENDER joins both."""
    kind = BY_NAME[targeting_type]
    if targeting_type == "AGE_BUCKET_AND_GENDER":
        return f"{action_facts.get('age_bucket', 'unknown')}_{action_facts.get('gender', 'unknown')}"
    return next((action_facts[fact] for fact in kind.reads if fact in action_facts), "unknown")


def expected_targeting(actions: list[Action], spend: dict[str, int], action_facts: dict[str, dict], ad_account_id: int,
                       zones) -> dict[tuple, dict[str, int]]:
    """The account's delivery per (account, zone, targeting type, day, slice)."""
    found: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for action in actions:
        for kind in ACTION_TARGETING_TYPES:
            value = slice_value(kind.name, action_facts[action.id])
            for zone in zones:
                row = found[(ad_account_id, zone, kind.name, day_in(action.at, zone), value)]
                row[action.type.lower()] += 1
                row["spend_micro_dollar"] += spend[action.id]
    return found


def expected_delivery(actions: list[Action], spend: dict[str, int], zones) -> dict[tuple, dict[str, int]]:
    found: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for action in actions:
        for zone in zones:
            row = found[(action.ad_id, zone, day_in(action.at, zone))]
            row[action.type.lower()] += 1
            row["spend_micro_dollar"] += spend[action.id]
    return found


def credited_actions(actions: list[Action], stored: dict[int, dict], windows: Windows, attribution_type: str
                     ) -> list[tuple[Action, dict]]:
    """Each stored conversion that some action takes the credit for, with that action."""
    by_key, by_household, by_id = defaultdict(list), defaultdict(list), {}
    for action in actions:
        for key in action.person_keys:
            by_key[key].append(action)
        if action.household:
            by_household[action.household].append(action)
        by_id[action.id] = action
    found = []
    for conversion in stored.values():
        mine = [a for key in conversion["person_keys"] for a in by_key.get(key, ())]
        if conversion["click_id"] in by_id:
            mine.append(by_id[conversion["click_id"]])
        households = frozenset(a.household for a in mine if a.household)
        candidates = {a.id: a for a in mine}
        for household in households:
            candidates.update((a.id, a) for a in by_household[household])
        seen = Conversion(conversion["occurred_at"], conversion["person_keys"], conversion["click_id"], households)
        credited = credit(seen, candidates.values(), windows, attribution_type)
        if credited is not None:
            found.append((credited, conversion))
    return found


def expected_conversions(actions: list[Action], stored: dict[int, dict], windows: Windows, attribution_type: str,
                         report_time: str, zone: str) -> dict[tuple, tuple[int, int, int]]:
    found: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for credited, conversion in credited_actions(actions, stored, windows, attribution_type):
        day = day_in(credited.at if report_time == TIME_OF_AD_ACTION else conversion["occurred_at"], zone)
        row = found[(credited.ad_id, day, credited.kind.value, conversion["event_name"], conversion["action_source"])]
        row[0] += 1
        row[1] += conversion["value_micro"] or 0
        row[2] += conversion["num_items"] or 0
    return {key: tuple(value) for key, value in found.items()}


def stored_conversions(conn, ad_account_id: int, today: date, windows: Windows, attribution_type: str,
                       report_time: str, zone: str) -> dict[tuple, tuple[int, int, int]]:
    sums = ad_analytics.conversion_sums(conn, ad_account_id, zone, today - timedelta(days=800), today + timedelta(days=1),
                                        "AD", {}, ad_analytics.Credit(report_time, attribution_type, windows.click_days,
                                                                      windows.engagement_days, windows.view_days))
    found = {}
    for (ad_id, day), values in sums.items():
        for (kind, event, source, measure), amount in values.items():
            if measure == "COUNT" and amount:
                found[(ad_id, day, kind, event, source)] = (amount, values[(kind, event, source, "VALUE")],
                                                            values[(kind, event, source, "QUANTITY")])
    return found
