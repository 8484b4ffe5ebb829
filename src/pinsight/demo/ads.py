"""The demo's ads history: campaigns, ad groups and ads over promoted demo pins, people who
see and act on them, and conversions that follow their clicks and views.

Deterministic for a seed. Everything goes in through the same write paths as the API's
(``services.ads.ad_events.apply_actions``, ``services.ads.conversions.store_events``), so
the delivery rollup, each conversion's touches and the conversion rollup are exactly what
ingesting the same data over HTTP would leave. ``AdsPlan`` sizes it: ``DEMO`` is small and
quick; ``BENCHMARK`` is the issue's benchmark account (50 campaigns, 500 ad groups, 5,000
ads, 365 days, 20 million ad actions, 1 million conversions).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from datetime import UTC, datetime, timedelta

from pinsight.catalog import targeting_dictionaries as dictionaries
from pinsight.catalog.ad_actions import AD_APP_TYPES, ActionKind, ACTION_TYPES
from pinsight.domain.ads.ad_events import AdAction
from pinsight.domain.ads.conversion_events import ConversionEvent
from pinsight.services.ads.ad_events import apply_actions
from pinsight.services.ads.conversions import store_events
from pinsight.store import loading
from pinsight.store.ads import activity
from pinsight.store.locks import lock_owners

Report = Callable[[str, int, int | None], None]
STAGE_ACTIONS = "Ads: ad actions"
STAGE_CONVERSIONS = "Ads: conversions"
ACTION_CHUNK = 50_000
CONVERSION_CHUNK = 5_000


@dataclass(frozen=True)
class AdsPlan:
    campaigns: int = 3
    ad_groups_per_campaign: int = 2
    ads_per_ad_group: int = 2
    days: int = 90
    actions: int = 24_000
    conversions: int = 800
    people: int = 3_000

    @property
    def ads(self) -> int:
        return self.campaigns * self.ad_groups_per_campaign * self.ads_per_ad_group


DEMO = AdsPlan()
BENCHMARK = AdsPlan(campaigns=50, ad_groups_per_campaign=10, ads_per_ad_group=10, days=365, actions=20_000_000,
                    conversions=1_000_000, people=2_000_000)

# The CLI's --ads choices.
ADS_PLANS: dict[str, AdsPlan | None] = {"demo": DEMO, "benchmark": BENCHMARK, "none": None}

_OBJECTIVES = ("AWARENESS", "CONSIDERATION", "WEB_CONVERSION")
# What people do with an ad they meet, by weight (impressions dominate, as in any ads report).
_REGULAR_MIX = (("IMPRESSION", 880), ("CLOSEUP", 40), ("SAVE", 25), ("CLICK", 30), ("OUTBOUND_CLICK", 25))
_VIDEO_MIX = (("IMPRESSION", 800), ("VIDEO_START", 60), ("VIDEO_3S_VIEW", 40), ("VIDEO_MRC_VIEW", 30),
              ("VIDEO_P25", 20), ("VIDEO_P50", 14), ("VIDEO_P75", 10), ("VIDEO_P95", 6), ("VIDEO_P100", 5),
              ("SAVE", 5), ("CLICK", 6), ("OUTBOUND_CLICK", 4))
_CONVERSION_MIX = (("checkout", 30), ("add_to_cart", 25), ("page_visit", 25), ("lead", 10), ("signup", 10))
_SOURCE_MIX = (("web", 70), ("app_ios", 15), ("app_android", 10), ("offline", 5))
_COUNTRIES = ("US", "US", "US", "CA", "GB", "FR", "DE", "AU")


# Who the demo's people are, by weight out of 1000 (Pinterest's audience leans female and
# under 45); US people live in the biggest metros (DMA codes), more in the bigger ones.
_GENDER_MIX = (("female", 600), ("male", 350), ("unknown", 50))
_AGE_MIX = (("18-24", 180), ("25-34", 300), ("35-44", 230), ("45-49", 90), ("50-54", 80), ("55-64", 80), ("65+", 40))
_US_METROS = (("501", 200), ("803", 150), ("602", 100), ("504", 80), ("623", 70), ("807", 70), ("511", 60),
              ("618", 50), ("506", 50), ("524", 40), ("753", 35), ("819", 35), ("613", 25), ("751", 20), ("528", 15))


def _pick(mix, draw: int) -> str:
    """The entry of ``mix`` (value, weight out of 1000) that ``draw`` (0..999) lands on."""
    for value, weight in mix:
        if draw < weight:
            return value
        draw -= weight
    return mix[-1][0]


@lru_cache(maxsize=None)
def _regions_of(country: str) -> tuple[str, ...]:
    """Three of the country's top-level regions (the first by code), where its people live."""
    regions = sorted(dictionaries.geo_options()[country]["regions"])
    return tuple((regions * 3)[:3])


@lru_cache(maxsize=1)
def _interest_mix() -> tuple[tuple[str, int], ...]:
    """Twelve top-level interests, the first ones most popular (weights out of 1000)."""
    tops = sorted((i for i in dictionaries.interests().values() if i.level == 1), key=lambda i: int(i.id))[:12]
    weights = (200, 150, 120, 100, 90, 80, 70, 60, 50, 40, 25, 15)
    return tuple((interest.id, weight) for interest, weight in zip(tops, weights))


def _cumulative(mix):
    names, weights = zip(*mix)
    return names, tuple(itertools.accumulate(weights))


class _People:
    """Person n: a hashed e-mail, maybe a household, targeting facts; all from n alone."""

    def __init__(self, count: int, seed: int):
        self.count = count
        self.seed = seed
        self._keys: dict[int, str] = {}
        self._facts: dict[tuple, str] = {}

    def key(self, n: int) -> str:
        known = self._keys.get(n)
        if known is None:
            digest = hashlib.sha256(f"person-{self.seed}-{n}@demo.pinsight.example".encode()).hexdigest()
            known = self._keys[n] = f"em:{digest}"
        return known

    def household(self, n: int) -> str | None:
        # Three in five people share a household with the two people numbered next to them.
        return f"household-{n // 3}" if (n * 2654435761) % 5 < 3 else None

    def facts(self, n: int) -> str:
        """Person n's targeting facts, skewed as a real audience is (more women than men,
        most in their twenties to forties, a few big metros and interests for most people),
        and consistent: a US person's region is the state of their metro."""
        picks = [((n + 1) * multiplier >> 7) % 1000 for multiplier in (2654435761, 40503, 69069, 1103515245, 134775813)]
        gender = _pick(_GENDER_MIX, picks[0])
        age = _pick(_AGE_MIX, picks[1])
        country = _COUNTRIES[picks[2] % len(_COUNTRIES)]
        if country == "US":
            metro = _pick(_US_METROS, picks[3])
            place = (metro, f"US-{dictionaries.dma_state(metro)}")
        else:
            place = (None, _regions_of(country)[picks[3] % 3])
        interest = _pick(_interest_mix(), picks[4])
        key = (gender, age, country, place, interest)
        known = self._facts.get(key)
        if known is None:
            facts = {"gender": gender, "age_bucket": age, "country": country, "region": place[1], "interest": interest}
            if place[0] is not None:
                facts["metro"] = place[0]
            known = self._facts[key] = json.dumps(facts, sort_keys=True, separators=(",", ":"))
        return known

    def app_type(self, n: int) -> str:
        return AD_APP_TYPES[(n * 7919) % len(AD_APP_TYPES)]


def seed_ads(conn, ad_account_id: int, pins: Sequence[tuple[int, str]], now: datetime, seed: int, plan: AdsPlan,
             next_id: Callable[[], int], report: Report | None = None,
             checkpoint: Callable[[], None] | None = None) -> list[int]:
    """Create the plan's entities in the ad account (over ``pins``: (pin id, creative
    type), reused round-robin) and its history up to ``now``; the ad ids. The caller's
    transaction must be a write transaction (``store.db.writing``). ``checkpoint``, when
    given, is called after each chunk of actions or conversions is applied (every derived
    table then equal to a rebuild): a caller building a large history commits there and
    begins the next write transaction, so
    that no single transaction holds the whole of it (SQLite's write-ahead log grew past
    10 GB and slowed every write for 20 million actions in one)."""
    report = report or (lambda stage, done, total: None)
    rng = random.Random(seed * 7 + 11)
    lock_owners(conn, [ad_account_id])

    def checkpoint_and_relock() -> None:
        if checkpoint is not None:
            checkpoint()  # the caller's commit: the next transaction takes the account's lock again
            lock_owners(conn, [ad_account_id])

    start = (now - timedelta(days=plan.days)).replace(hour=0, minute=0, second=0, microsecond=0)
    ads = _entities(conn, ad_account_id, pins, start, rng, plan, next_id)
    briefs = activity.ads_brief(conn, [ad_id for ad_id, _ in ads])
    people = _People(plan.people, seed)
    checkpoint_and_relock()
    samples = _actions(conn, ads, briefs, people, start, now, rng, plan, report, checkpoint_and_relock)
    _conversions(conn, ad_account_id, samples, people, start, now, rng, plan, report, checkpoint_and_relock)
    return [ad_id for ad_id, _ in ads]


def _entities(conn, ad_account_id: int, pins, start: datetime, rng: random.Random, plan: AdsPlan, next_id):
    campaigns, groups, ads = [], [], []
    begins = int(start.replace(tzinfo=UTC).timestamp())
    pin_cycle = 0
    for c in range(plan.campaigns):
        campaign_id = next_id()
        objective = _OBJECTIVES[c % len(_OBJECTIVES)]
        campaigns.append({"id": campaign_id, "ad_account_id": ad_account_id, "name": f"Demo campaign {c + 1} ({objective.lower()})",
                          "status": "ACTIVE" if c % 5 else "PAUSED", "objective_type": objective,
                          "daily_spend_cap": rng.choice([None, 50_000_000, 100_000_000]), "start_time": begins,
                          "is_flexible_daily_budgets": False, "is_automated_campaign": False,
                          "created_at": start, "updated_at": start})
        for g in range(plan.ad_groups_per_campaign):
            group_id = next_id()
            billable = "IMPRESSION" if objective == "AWARENESS" else "CLICKTHROUGH"
            attributes = {
                "budget_in_micro_currency": rng.choice([10_000_000, 20_000_000, 40_000_000]), "budget_type": "DAILY",
                "bid_in_micro_currency": rng.choice([500_000, 1_000_000, 2_000_000]), "billable_event": billable,
                "auto_targeting_enabled": True, "pacing_delivery_type": "STANDARD", "placement_group": "ALL",
                "targeting_spec": {"GENDER": ["female", "male"], "LOCATION": ["US", "CA", "GB"],
                                   "AGE_BUCKET": ["25-34", "35-44"]},
            }
            groups.append({"id": group_id, "ad_account_id": ad_account_id, "campaign_id": campaign_id,
                           "name": f"Demo ad group {c + 1}.{g + 1}", "status": "ACTIVE", "start_time": begins,
                           "attributes": json.dumps(attributes, sort_keys=True), "created_at": start, "updated_at": start})
            for a in range(plan.ads_per_ad_group):
                pin_id, creative = pins[pin_cycle % len(pins)]
                pin_cycle += 1
                ad_id = next_id()
                attributes = {"destination_url": f"https://pinsight.example/shop/{c + 1}/{g + 1}/{a + 1}",
                              "is_removable": False}
                ads.append({"id": ad_id, "ad_account_id": ad_account_id, "campaign_id": campaign_id,
                            "ad_group_id": group_id, "pin_id": pin_id, "name": f"Demo ad {c + 1}.{g + 1}.{a + 1}",
                            "status": "ACTIVE", "creative_type": "VIDEO" if creative == "VIDEO" else "REGULAR",
                            "attributes": json.dumps(attributes, sort_keys=True), "created_at": start, "updated_at": start})
    loading.append_ad_entities(conn, campaigns, groups, ads)
    loading.mark_pins_promoted(conn, [row["pin_id"] for row in ads])
    return [(row["id"], row["creative_type"]) for row in ads]


@dataclass
class _Seen:
    """A sample of actions that conversions may follow."""

    person: int
    at: datetime
    action_id: str
    kind: ActionKind


def _actions(conn, ads, briefs, people: _People, start: datetime, now: datetime, rng: random.Random, plan: AdsPlan,
             report: Report, checkpoint: Callable[[], None]) -> list[_Seen]:
    regular, video = _cumulative(_REGULAR_MIX), _cumulative(_VIDEO_MIX)
    span = (now - start).total_seconds()
    keep_every = max(1, plan.actions // max(1, plan.conversions * 4))  # enough samples for the conversions to follow
    samples: list[_Seen] = []
    chunk: dict[str, AdAction] = {}
    done = 0
    report(STAGE_ACTIONS, 0, plan.actions)
    for n, at in enumerate(_moments(rng, start, span, plan.actions)):
        # Some people are far more active than others.
        person = int(people.count * rng.random() ** 1.6)
        # People mostly meet the same few ads again; the rest is spread.
        ad_index = (person * 31 + rng.randrange(3)) % len(ads) if rng.random() < 0.7 else rng.randrange(len(ads))
        ad_id, creative = ads[ad_index]
        names, weights = video if creative == "VIDEO" else regular
        action_type = rng.choices(names, cum_weights=weights)[0]
        if at.weekday() >= 5 and rng.random() < 0.2:
            at = max(start, at - timedelta(days=1))
        spend = rng.randrange(2_000, 9_000) if action_type == "IMPRESSION" else (
            rng.randrange(300_000, 1_500_000) if action_type in ("CLICK", "OUTBOUND_CLICK") else None)
        action_id = f"demo-{n}"
        chunk[action_id] = AdAction(action_id, ad_id, action_type, at, people.key(person), people.household(person),
                                    spend, people.app_type(person), people.facts(person))
        if n % keep_every == 0 or action_type in ("CLICK", "OUTBOUND_CLICK") and rng.random() < 0.5:
            samples.append(_Seen(person, at, action_id, ACTION_TYPES[action_type]))
        if len(chunk) == ACTION_CHUNK:
            apply_actions(conn, now, chunk, briefs)
            checkpoint()
            done += len(chunk)
            chunk = {}
            report(STAGE_ACTIONS, done, plan.actions)
    if chunk:
        apply_actions(conn, now, chunk, briefs)
        checkpoint()
    report(STAGE_ACTIONS, plan.actions, plan.actions)
    return samples


def _moments(rng: random.Random, start: datetime, span: float, count: int) -> Iterator[datetime]:
    """``count`` instants in [start, start + span seconds), busier lately (the density grows
    linearly: an instant is ``span * sqrt(U)`` for U uniform), in order of time, a day at a
    time: actions arrive as they happen, so each batch adds to a day or two of the delivery
    rollup rather than to every day of the year."""
    slices = max(1, math.ceil(span / 86400))
    placed = 0
    for d in range(slices):
        low, high = (d / slices) ** 2, ((d + 1) / slices) ** 2  # the slice's share of U
        until = round(count * high)
        for u in sorted(rng.uniform(low, high) for _ in range(until - placed)):
            yield start + timedelta(seconds=int(span * math.sqrt(u)))
        placed = until


def _conversions(conn, ad_account_id: int, samples: list[_Seen], people: _People, start: datetime, now: datetime,
                 rng: random.Random, plan: AdsPlan, report: Report, checkpoint: Callable[[], None]) -> None:
    names, weights = _cumulative(_CONVERSION_MIX)
    sources, source_weights = _cumulative(_SOURCE_MIX)
    span = (now - start).total_seconds()
    events: list[ConversionEvent] = []
    report(STAGE_CONVERSIONS, 0, plan.conversions)
    for n in range(plan.conversions):
        click_id = None
        if samples and rng.random() < 0.8:
            # Most conversions follow something the person did: clicks sooner than views.
            seen = rng.choice(samples)
            mean_hours = {ActionKind.CLICK: 20, ActionKind.ENGAGEMENT: 60, ActionKind.VIEW: 40}[seen.kind]
            at = seen.at + timedelta(seconds=int(rng.expovariate(1 / (mean_hours * 3600))) + 1)
            person = seen.person
            if seen.kind is ActionKind.CLICK and rng.random() < 0.3:
                click_id = seen.action_id
            if at > now:
                at = now - timedelta(seconds=rng.randrange(1, 3600))
        else:
            person = rng.randrange(people.count)
            at = start + timedelta(seconds=int(span * rng.random()))
        name = rng.choices(names, cum_weights=weights)[0]
        value = round(rng.uniform(15, 220), 2) if name in ("checkout", "add_to_cart") else None
        items = rng.randrange(1, 5) if name == "checkout" else None
        events.append(ConversionEvent(f"demo-conversion-{n}", name, rng.choices(sources, cum_weights=source_weights)[0],
                                      at, frozenset({people.key(person)}), click_id, value, "USD" if value else None,
                                      items, f"order-{n}" if name == "checkout" else None))
    # Sent in order of time, as they happen: each batch then looks back over a few weeks
    # of its people's actions, not over the whole year.
    events.sort(key=lambda event: event.at)
    for offset in range(0, len(events), CONVERSION_CHUNK):
        store_events(conn, ad_account_id, events[offset : offset + CONVERSION_CHUNK], now)
        checkpoint()
        report(STAGE_CONVERSIONS, min(offset + CONVERSION_CHUNK, len(events)), plan.conversions)
    report(STAGE_CONVERSIONS, plan.conversions, plan.conversions)
