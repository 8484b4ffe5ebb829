"""Deterministic demo data: the same seed, size and day give the same users, boards,
sections, pins and metrics.

Two users: ``DEMO_USER`` owns boards of every privacy, sections, and pins of varied
creative types (some saved from the other user, some promoted, two in three linking to
the demo website and so claimed content) and an ad account; ``FRIEND_USER`` has public
and secret content of their own and an Analyst role on the demo user's ad account, so
Business Access and privacy rules can be seen.

Time: everything happens within the ``days`` days before today. The users and boards come
first, then the demo user's pins, spread over the span, and daily metrics for every day
of it from each pin's creation on. With ``full_history`` everything is created on the
span's first day instead, so every pin has metrics for all the days (the largest archive
for a pin count, which the analytics benchmarks measure).

Size: the default (``DEFAULT_PINS`` pins over ``DEFAULT_DAYS`` days) is the data set the
tests and the README's examples use; ``pins`` scales it up. Large sets are loaded in
bulk (``store.loading``): pins and daily rows appended, the derived tables then rebuilt
from the daily rows in SQL, all in one transaction, so nothing is ever half-written.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from pinsight.demo.metrics import DemoPin, metric_rows, pin_days
from pinsight.demo.ads import DEMO as DEMO_ADS
from pinsight.demo.ads import AdsPlan, seed_ads
from pinsight.domain.ids import IdGenerator
from pinsight.domain.content.media import image_sizes
from pinsight.store.ads import ads as ads_store
from pinsight.store.content import content as store
from pinsight.store import loading
from pinsight.store.db import STATEMENT_TIMEOUT, writing

if TYPE_CHECKING:  # the engine is made by the store (store.db); the demo only passes it on
    from sqlalchemy import Engine

DEMO_USER = "pinsight_demo"
FRIEND_USER = "pinsight_friend"
DEFAULT_DAYS = 180
SAVED_PINS = 2  # of the friend's, saved by the demo user
DEFAULT_PINS = 75 + SAVED_PINS
# The plan below is laid out on a 180-day timeline, stretched or squeezed to the span.
_PLAN_DAYS = 180

_TOPICS = {
    "Summer Recipes": ["Grilled peach salad", "Lemon basil pasta", "Watermelon feta bites", "Cold brew tonic", "Corn fritters"],
    "Small Space Living": ["Fold-away desk", "Balcony herb wall", "Under-bed storage", "Studio room divider", "Mirror gallery"],
    "Trail Running": ["Hill repeats plan", "Ultralight vest", "Trail shoe guide", "Recovery stretches", "Sunrise loop"],
    "Wedding Ideas": ["Dried flower bouquet", "Table name cards", "Barn venue lights", "Two-tier lemon cake", "Guest book tree"],
    "Product Launch": ["Spring collection", "Ceramic mug set", "Linen tote", "Gift card design", "Store window display"],
    "Watercolor Practice": ["Wet on wet skies", "Botanical leaves", "Color mixing chart", "Loose roses", "Ink and wash city"],
}
_BOARD_PLAN = [
    # (topic, privacy, sections)
    ("Summer Recipes", "PUBLIC", ["Salads", "Drinks"]),
    ("Small Space Living", "PUBLIC", ["Bedroom", "Balcony", "Office"]),
    ("Trail Running", "PUBLIC", []),
    ("Wedding Ideas", "SECRET", ["Flowers"]),
    ("Product Launch", "PROTECTED", []),
]
_CREATIVE_MIX = ["REGULAR"] * 6 + ["VIDEO"] * 2 + ["CAROUSEL", "SHOPPING", "IDEA"]
_COLORS = ["#e60023", "#6b8e23", "#4682b4", "#daa520", "#8b4513", "#2f4f4f", "#ff7f50"]
WEBSITE = "https://demo.pinsight.example"
_ELSEWHERE = "https://ideas.elsewhere.example"  # where one demo pin in three links to

# progress(stage, completed, total): reported as the work goes (total None: unknown), in
# the order of these stages.
ProgressReport = Callable[[str, int, int | None], None]
STAGE_PINS = "Creating pins"
STAGE_METRICS = "Generating daily metrics (pin-days)"
STAGE_DERIVED = "Building derived tables"


@dataclass(frozen=True)
class DemoSummary:
    username: str
    friend_username: str
    board_id: str
    pin_id: str
    secret_board_id: str
    section_id: str
    ad_account_id: str
    friend_board_id: str
    friend_pin_id: str


def _image_url(rng: random.Random, slug: str) -> str:
    return f"https://images.pinsight.example/{slug}-{rng.randrange(10**6):06d}.jpg"


def _media(rng: random.Random, creative_type: str, slug: str) -> tuple[str, dict]:
    if creative_type == "VIDEO":
        cover = _image_url(rng, slug + "-cover")
        return "video_id", {
            "media_type": "video",
            "cover_image_url": cover,
            "images": image_sizes(cover, 1080, 1920),  # the cover is the video's first frame
            "video_url": f"https://videos.pinsight.example/{slug}.mp4",
            "duration": float(rng.randrange(6, 60)),
            "height": 1920,
            "width": 1080,
        }
    if creative_type == "CAROUSEL":
        items = [
            {"item_type": "image", "images": image_sizes(_image_url(rng, f"{slug}-{n}")), "link": None}
            for n in range(rng.randrange(2, 6))
        ]
        return "multiple_image_urls", {"media_type": "multiple_images", "items": items}
    return "image_url", {"media_type": "image", "images": image_sizes(_image_url(rng, slug))}


def _slug(text: str) -> str:
    return "-".join(text.lower().split())


def _roman(number: int) -> str:
    numerals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = []
    for value, letters in numerals:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def _pin_schedule(rng: random.Random, native_pins: int, topics: set[str]) -> list[tuple[str, str]]:
    """(topic, title) of each native pin of the demo user, in a shuffled order: each
    board's titles, then again as "II", "III", ... as often as the count needs."""
    per_round = sum(len(titles) for topic, titles in _TOPICS.items() if topic in topics)
    rounds = max(3, -(-native_pins // per_round))
    schedule = []
    for topic, titles in _TOPICS.items():
        if topic not in topics:
            continue
        for round_number in range(rounds):
            for title in titles:
                schedule.append((topic, title if round_number == 0 else f"{title} {_roman(round_number + 1)}"))
    rng.shuffle(schedule)
    return schedule[:native_pins]


def seed_demo(
    engine: Engine,
    now: datetime,
    seed: int = 42,
    days: int = DEFAULT_DAYS,
    pins: int = DEFAULT_PINS,
    *,
    full_history: bool = False,
    progress: ProgressReport | None = None,
    ads_plan: AdsPlan | None = DEMO_ADS,
) -> DemoSummary | None:
    """Create the demo users and content in one transaction (nothing is half-written).

    ``days``: the span, ending today, over which content is created and metrics run.
    ``pins``: how many pins the demo user has (``SAVED_PINS`` of them saved from the friend).
    ``ads_plan``: the size of the ad account's history (``demo.ads``); None for none.
    """
    if days < 1 or pins < SAVED_PINS + 1:
        raise ValueError(f"the demo needs at least 1 day and {SAVED_PINS + 1} pins")
    report = progress or (lambda description, completed, total: None)
    rng = random.Random(seed)
    # Anchored to the start of the day, so a seed gives identical data (ids included) all day.
    today_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    started = today_start - timedelta(days=days)
    # The plan's offsets scale with the span (exactly 1 at the default 180 days).
    stretch = (timedelta(days=1) if full_history else timedelta(days=days)) / timedelta(days=_PLAN_DAYS)

    def stretched(offset: timedelta) -> timedelta:
        return timedelta(seconds=round((offset * stretch).total_seconds()))  # whole seconds, as timestamps are stored

    def plan(**offset) -> datetime:
        return started + stretched(timedelta(**offset))

    clock_value = [started.timestamp()]
    ids = IdGenerator(tag=seed % 1024, clock=lambda: clock_value[0])

    def at(moment: datetime) -> int:
        clock_value[0] = moment.timestamp()
        return ids.next_id()

    demo_pins: list[DemoPin] = []
    pin_rows: list[dict] = []
    board_touched: dict[int, datetime] = {}
    with writing(engine.execution_options(**{STATEMENT_TIMEOUT: 0})) as conn:  # a bulk load: no time limit
        user_id = at(started)
        friend_id = at(started + timedelta(seconds=1))
        store.insert_user(
            conn,
            id=user_id,
            username=DEMO_USER,
            account_type="BUSINESS",
            business_name="Pinsight Demo Studio",
            about="Recipes, small homes and trail miles. Demo data generated by pinsight.",
            website_url=WEBSITE,
            profile_image="https://images.pinsight.example/avatars/pinsight-demo.jpg",
            follower_count=rng.randrange(1500, 5000),
            following_count=rng.randrange(80, 400),
            monthly_views=rng.randrange(50_000, 250_000),
            created_at=started,
        )
        store.insert_user(
            conn,
            id=friend_id,
            username=FRIEND_USER,
            account_type="PINNER",
            business_name=None,
            about="A second demo account: shares an ad account with pinsight_demo.",
            website_url="",
            profile_image="https://images.pinsight.example/avatars/pinsight-friend.jpg",
            follower_count=rng.randrange(50, 500),
            following_count=rng.randrange(50, 300),
            monthly_views=rng.randrange(1_000, 9_000),
            created_at=started,
        )

        def make_board(owner_id: int, name: str, privacy: str, created: datetime) -> int:
            board_id = at(created)
            store.insert_board(
                conn,
                id=board_id,
                owner_id=owner_id,
                name=name,
                description=f"{name}: ideas collected by the pinsight demo.",
                privacy=privacy,
                is_ads_only=privacy == "PROTECTED",
                follower_count=rng.randrange(0, 900),
                collaborator_count=0,
                created_at=created,
                pins_modified_at=created,
            )
            return board_id

        native_count = [0]

        def make_pin(owner_id, board_id, section_id, title, creative_type, created, parent_id=None) -> int:
            pin_id = at(created)
            slug = _slug(title)
            source_type, media = _media(rng, creative_type, slug)
            promoted = creative_type == "SHOPPING" or rng.random() < 0.1
            link = f"{WEBSITE}/{slug}"
            if owner_id == user_id and parent_id is None:
                native_count[0] += 1
                if native_count[0] % 3 == 0:  # the others link to the demo website: claimed content
                    link = f"{_ELSEWHERE}/{slug}"
            pin_rows.append(dict(
                id=pin_id,
                owner_id=owner_id,
                board_id=board_id,
                section_id=section_id,
                title=title,
                description=f"{title}: a demo pin. #{slug.replace('-', '')}",
                link=link,
                alt_text=f"Photo: {title.lower()}",
                dominant_color=rng.choice(_COLORS),
                creative_type=creative_type,
                source_type=source_type,
                media=json.dumps(media),
                is_standard=True,
                has_been_promoted=promoted,
                parent_pin_id=parent_id,
                created_at=created,
            ))
            board_touched[board_id] = max(created, board_touched.get(board_id, created))
            demo_pins.append(DemoPin(pin_id, owner_id, created.date(), creative_type, True, promoted))
            return pin_id

        # The friend's content first, so the demo user can have saved (repinned) some of it.
        friend_board = make_board(friend_id, "Weekend Projects", "PUBLIC", plan(days=1))
        friend_secret = make_board(friend_id, "Gift Ideas", "SECRET", plan(days=1, hours=1))
        friend_pins = [
            make_pin(friend_id, friend_board, None, title, rng.choice(_CREATIVE_MIX), plan(days=2, hours=n))
            for n, title in enumerate(["Pallet bench", "Painted planters", "Rope shelf", "Tile coasters"])
        ]
        make_pin(friend_id, friend_secret, None, "Anniversary surprise", "REGULAR", plan(days=3))

        board_ids: dict[str, int] = {}
        section_ids: dict[str, list[int]] = {}
        for index, (topic, privacy, section_names) in enumerate(_BOARD_PLAN):
            created = plan(days=5 + index)
            board_ids[topic] = make_board(user_id, topic, privacy, created)
            section_ids[topic] = []
            for offset, section_name in enumerate(section_names):
                section_id = at(created + timedelta(minutes=offset + 1))
                store.insert_section(conn, id=section_id, board_id=board_ids[topic], name=section_name, created_at=created)
                section_ids[topic].append(section_id)

        # The demo user's pins, spread over the rest of the span, oldest first so ids grow with time.
        schedule = _pin_schedule(rng, pins - SAVED_PINS, set(board_ids))
        moments = sorted(plan(days=10) + stretched(timedelta(minutes=rng.randrange(0, 170 * 24 * 60))) for _ in schedule)
        for (topic, title), created in zip(schedule, moments):
            sections_here = section_ids[topic]
            section_id = rng.choice(sections_here) if sections_here and rng.random() < 0.6 else None
            make_pin(user_id, board_ids[topic], section_id, title, rng.choice(_CREATIVE_MIX), created)
            if len(pin_rows) % 1000 == 0:
                report(STAGE_PINS, len(pin_rows), pins + len(friend_pins) + 1)

        # Two of the friend's pins saved by the demo user.
        saved_at = moments[-1] + timedelta(minutes=5)
        for n, parent in enumerate(friend_pins[:SAVED_PINS]):
            make_pin(user_id, board_ids["Small Space Living"], None, f"Saved idea {n + 1}", "REGULAR", saved_at, parent)
            saved_at += timedelta(minutes=1)
        loading.append_pins(conn, pin_rows)
        for board_id, moment in board_touched.items():
            store.touch_board(conn, board_id, moment)
        report(STAGE_PINS, len(pin_rows), len(pin_rows))

        clock_value[0] = plan(days=4).timestamp()
        ad_account_id = ids.next_short_id()
        ads_store.insert_ad_account(
            conn,
            id=ad_account_id,
            owner_id=user_id,
            name="Pinsight Demo Studio — Ads",
            country="US",
            currency="USD",
            created_at=plan(days=4),
            updated_at=plan(days=4),
        )
        ads_store.grant_role(conn, ad_account_id, friend_id, "ANALYST")
        if ads_plan is not None:
            promoted = [(pin.id, pin.creative_type) for pin in demo_pins if pin.promoted and pin.owner_id == user_id]
            promoted = promoted or [(pin.id, pin.creative_type) for pin in demo_pins if pin.owner_id == user_id][:5]
            # No ads before the ad account: the history spans at most the days since it opened.
            span = max(1, min(ads_plan.days, (now - plan(days=4)).days))
            seed_ads(conn, ad_account_id, promoted, now, seed, replace(ads_plan, days=span), ids.next_short_id, report)

        _load_metrics(conn, demo_pins, now, days, seed, report)
        report(STAGE_DERIVED, 0, None)
        loading.rebuild_derived(conn, [user_id, friend_id], now)
        report(STAGE_DERIVED, 1, 1)

    return describe_demo(engine)


def _load_metrics(conn, demo_pins: list[DemoPin], now: datetime, days: int, seed: int, report: ProgressReport) -> None:
    """Daily metrics for every pin-day of the span, appended a few hundred pins at a time."""
    today = now.date()
    total = pin_days(demo_pins, today, days)
    done = 0
    report(STAGE_METRICS, 0, total)
    for offset in range(0, len(demo_pins), 200):
        chunk = demo_pins[offset : offset + 200]
        loading.append_daily_rows(conn, metric_rows(chunk, today, days, seed))
        done += pin_days(chunk, today, days)
        report(STAGE_METRICS, done, total)


def describe_demo(engine: Engine) -> DemoSummary | None:
    """The demo's handles (ids to try the API with), read back from the database.

    ``pin_id`` is the demo user's oldest public pin of their own: it has metrics for (nearly)
    the whole span, so analytics of any recent period show data."""
    with engine.connect() as conn:
        user = store.get_user_by_username(conn, DEMO_USER)
        friend = store.get_user_by_username(conn, FRIEND_USER)
        if user is None or friend is None:
            return None
        boards = store.list_boards(conn, user["id"], ("PUBLIC", "SECRET", "PROTECTED"), None, 1000)
        public = [b for b in boards if b["privacy"] == "PUBLIC"]
        secret = [b for b in boards if b["privacy"] == "SECRET"]
        board = next((b for b in public if b["name"] == "Summer Recipes"), public[-1] if public else None)
        sections = store.list_sections(conn, board["id"], None, 1) if board else []
        pin_id = store.oldest_pin_id(conn, user["id"], ["PUBLIC"], only_native=True)
        friend_boards = store.list_boards(conn, friend["id"], ("PUBLIC",), None, 1)
        friend_pins = store.list_pins(conn, owner_id=friend["id"], board_privacies=["PUBLIC"], before_id=None, limit=1)
        accounts = ads_store.list_ad_accounts(conn, user["id"], False, None, 1)

    def text(rows):
        return str(rows[0]["id"]) if rows else ""

    return DemoSummary(
        username=DEMO_USER,
        friend_username=FRIEND_USER,
        board_id=str(board["id"]) if board else "",
        pin_id=str(pin_id) if pin_id is not None else "",
        secret_board_id=text(secret),
        section_id=text(sections),
        ad_account_id=text(accounts),
        friend_board_id=text(friend_boards),
        friend_pin_id=text(friend_pins),
    )
