"""Getting ad actions in: ``POST /api/v1/ad_events`` and ``pinsight ingest --ad-events``.

A batch is applied whole or rejected whole (every bad item reported by position), in one
transaction that holds the lock of every ad account it writes to. Actions are idempotent
by id within their ad account: one already stored is skipped. Applying new actions
stores them, adds them to the daily delivery rollups (``ad_delivery_daily`` per ad,
``ad_targeting_daily`` per account and targeting slice, with their facts' profiles), counts
their people into the account's audience and the whole population's
(``services.ads.audiences``), and re-attributes the conversions they may change
(``services.ads.attributing``): those of the same people or naming one of the actions as
their click, at any time (a new action can reveal a person's household), and those of the
actions' households' members within the longest window after the actions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from pinsight.catalog.ad_actions import ACTION_TYPES
from pinsight.catalog.ad_targeting import ACTION_TARGETING_TYPES
from pinsight.catalog.audiences import ENGAGED_ACTION_TYPES
from pinsight.catalog.operations import ADS_WRITE_ROLES
from pinsight.domain.ads.ad_events import MAX_ACTIONS, AdAction, ad_id_of, check_actions
from pinsight.domain.ads.action_profiles import Profile, profile_of
from pinsight.domain.ads.attribution import LONGEST_WINDOW
from pinsight.domain.ads.audience_facts import person_facts
from pinsight.domain.ads.reporting_days import days_of
from pinsight.errors import MAX_PROBLEMS, ApiError, BatchRejected, Problem
from pinsight.services.ads import audiences
from pinsight.services.ads.attributing import reattribute
from pinsight.services.identity.access import Actor
from pinsight.services.runtime import Runtime
from pinsight.store.ads import activity
from pinsight.store.ads import ads as accounts
from pinsight.store.ads import conversions as conversion_store
from pinsight.store.locks import lock_owners
from pinsight.store.tables import DELIVERY_COUNTS

_COUNT_INDEX = {name: n for n, name in enumerate(ACTION_TYPES)}
_SPEND_INDEX = len(DELIVERY_COUNTS)
ACTION_TARGETING_NAMES = tuple(kind.name for kind in ACTION_TARGETING_TYPES)


# The roles on an ad account that let a user send its ads' actions, over the API (the
# operations table declares them for pinsight/ingest_ad_events) or the CLI.
WRITING_ROLES = ADS_WRITE_ROLES


def writable_ads(conn, user_id: int, items: list) -> dict[int, dict]:
    """The ads the items name that sit in ad accounts the user owns or holds one of the
    writing roles on (others read as not found, like any resource one may not see)."""
    ads = activity.ads_brief(conn, {ad_id for ad_id in map(ad_id_of, items) if ad_id is not None})
    allowed: dict[int, bool] = {}
    for ad in ads.values():
        account_id = ad["ad_account_id"]
        if account_id not in allowed:
            access = accounts.access_to(conn, account_id, user_id)
            owner_id, roles = access if access is not None else (None, frozenset())
            allowed[account_id] = owner_id == user_id or bool(roles & WRITING_ROLES)
    return {ad_id: ad for ad_id, ad in ads.items() if allowed[ad["ad_account_id"]]}


def apply_actions(conn, now, actions: Mapping[str, AdAction], ads: Mapping[int, dict]) -> tuple[int, int]:
    """Store the checked actions not stored yet, add them to the delivery rollup and
    re-attribute the conversions they may change; (applied, already applied). The
    caller holds the lock of every ad account of ``ads`` (``store.locks``)."""
    by_account: dict[int, list[AdAction]] = defaultdict(list)
    for action in actions.values():
        by_account[ads[action.ad_id]["ad_account_id"]].append(action)
    applied = 0
    delivery: dict[tuple, list[int]] = {}
    targeting: dict[tuple, list[int]] = {}
    viewers: dict[int, dict] = {}
    days = {}
    for account_id, listed in sorted(by_account.items()):
        seen = activity.existing_action_ids(conn, account_id, [action.id for action in listed])
        new = [action for action in listed if action.id not in seen]
        applied += len(new)
        activity.insert_actions(conn, account_id, new, now)
        activity.add_household_members(conn, account_id,
                                       ((a.household_id, a.person_key) for a in new if a.household_id is not None))
        _sum_delivery(new, delivery)
        activity.add_profiles(conn, _sum_targeting(account_id, new, targeting))
        _reattribute_after(conn, account_id, new)
        if new:
            viewers[account_id] = audiences.sightings(
                (a.person_key, (a.at, a.id, account_id), person_facts(a.app_type, a.dimensions),
                 a.type in ENGAGED_ACTION_TYPES) for a in new)
            days[account_id] = max(action.at for action in new).date()
    activity.add_delivery(conn, delivery, ads)
    activity.add_targeting_delivery(conn, targeting)
    # Last: the whole population's counts are shared by every writer (``services.ads.audiences``).
    audiences.record(conn, viewers, days, counted=viewers.keys())
    return applied, len(actions) - applied


def _sum_delivery(actions: list[AdAction], delivery: dict[tuple, list[int]]) -> None:
    """Add the actions to the delivery rollup's additions, keyed (ad, zone, day): each
    type's count and the spend."""
    # Summed per (ad, UTC hour, type) first: a batch's actions share far fewer hours than
    # they are many, and all of an hour's instants fall on one day in each rollup zone.
    hourly: dict[tuple, list[int]] = {}
    for action in actions:
        key = (action.ad_id, action.at.replace(minute=0, second=0, microsecond=0), action.type)
        sums = hourly.get(key)
        if sums is None:
            sums = hourly[key] = [0, 0]
        sums[0] += 1
        sums[1] += action.spend_micro_dollar or 0
    for (ad_id, hour, action_type), (count, spend) in hourly.items():
        for zone, day in days_of(hour):
            row = delivery.get((ad_id, zone, day))
            if row is None:
                row = delivery[(ad_id, zone, day)] = [0] * (_SPEND_INDEX + 1)
            row[_COUNT_INDEX[action_type]] += count
            row[_SPEND_INDEX] += spend


def _sum_targeting(account_id: int, actions: list[AdAction], targeting: dict[tuple, list[int]]) -> list[Profile]:
    """Add the account's actions to the targeting rollup's additions, keyed (account, zone,
    targeting type, day, slice); the profiles of the actions."""
    # An action adds one to its type's count and its spend to one row per targeting type.
    # The rows of each (zone, day, facts) are looked up once: a batch's actions share few
    # days, and a person's facts recur, so each action then costs two additions per row.
    rows_of: dict[tuple, list[list[int]]] = {}
    profiles: dict[int, Profile] = {}
    for action in actions:
        count_at = _COUNT_INDEX[action.type]
        spend = action.spend_micro_dollar or 0
        for zone, day in days_of(action.at):
            key = (zone, day, action.app_type, action.dimensions)
            rows = rows_of.get(key)
            if rows is None:
                profile = profile_of(action.app_type, action.dimensions)
                profiles[profile.id] = profile
                rows = rows_of[key] = [_row(targeting, (account_id, zone, targeting_type, day, value))
                                       for targeting_type, value in zip(ACTION_TARGETING_NAMES, profile.slices)]
            for row in rows:
                row[count_at] += 1
                row[_SPEND_INDEX] += spend
    return list(profiles.values())


def _row(rows: dict[tuple, list[int]], key: tuple) -> list[int]:
    """The additions' row ``key``, started at zero if new."""
    row = rows.get(key)
    if row is None:
        row = rows[key] = [0] * (_SPEND_INDEX + 1)
    return row


def _reattribute_after(conn, account_id: int, new: list[AdAction]) -> None:
    if not new:
        return
    keys = {action.person_key for action in new}
    affected = conversion_store.conversions_of(conn, account_id, sorted(keys), [action.id for action in new])
    households = sorted({action.household_id for action in new if action.household_id is not None})
    if households:
        members = activity.persons_in_households(conn, account_id, households) - keys
        earliest = min(action.at for action in new)
        latest = max(action.at for action in new)
        affected |= conversion_store.conversions_of(conn, account_id, sorted(members), [],
                                                    since=earliest, until=latest + LONGEST_WINDOW)
    reattribute(conn, account_id, affected)


def ingest_ad_events(rt: Runtime, actor: Actor, items: list) -> dict:
    """The API's batch (``api.batches`` parsed it): applied whole, or rejected whole.

    The items are checked before the write transaction, against the ads as a read saw
    them, so that checking one batch overlaps another's writing; the write transaction
    looks the ads up again and checks again only if they changed meanwhile (an ad added, a
    role taken away), so what is applied is always what the ads allow when it is written.
    """
    if len(items) > MAX_ACTIONS:
        raise ApiError(f"A batch holds at most {MAX_ACTIONS} ad events; this one has {len(items)}.")
    with rt.engine.connect() as conn:
        seen = writable_ads(conn, actor.user_id, items)
    actions = _checked_batch(rt, items, seen)
    with rt.write() as conn:
        ads = writable_ads(conn, actor.user_id, items)
        lock_owners(conn, {ad["ad_account_id"] for ad in ads.values()})
        if ads != seen:
            actions = _checked_batch(rt, items, ads)
        applied, already = apply_actions(conn, rt.clock.now(), actions, ads)
    return {"received": len(items), "applied": applied, "already_applied": already}


def _checked_batch(rt: Runtime, items: list, ads: Mapping[int, dict]) -> dict[str, AdAction]:
    created = {ad_id: ad["created_at"].date() for ad_id, ad in ads.items()}
    actions, problems = check_actions(items, created, rt.clock.today(), stop_after=MAX_PROBLEMS)
    if problems:
        raise BatchRejected(problems, len(items), stopped=len(problems) >= MAX_PROBLEMS)
    return actions


def ingest_ad_event_chunk(rt: Runtime, user_id: int, items: list, first_position: int) -> tuple[int, int, list[Problem]]:
    """The CLI's chunk of a file: good actions applied (one transaction), bad ones reported."""
    with rt.write() as conn:
        ads = writable_ads(conn, user_id, items)
        lock_owners(conn, {ad["ad_account_id"] for ad in ads.values()})
        created = {ad_id: ad["created_at"].date() for ad_id, ad in ads.items()}
        actions, problems = check_actions(items, created, rt.clock.today())
        applied, already = apply_actions(conn, rt.clock.now(), actions, ads)
    return applied, already, [Problem(problem.position + first_position, problem.reason) for problem in problems]
