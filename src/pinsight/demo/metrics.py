"""Deterministic, realistic daily metrics for demo pins.

Shape of the data, as Pinterest accounts tend to look:
- popularity is long-tailed across pins (a few pins get most impressions);
- a pin ramps up over its first week, then slowly decays;
- weekends are busier than weekdays;
- saves, Pin clicks and outbound clicks are plausible fractions of impressions, each
  pin with its own rates; outbound clicks only where the pin has a link;
- video metrics only on video pins; comments and reactions are rare;
- promoted pins also get paid traffic; nothing exists before a pin was created.
The same seed and "today" give the same rows.

Randomness is drawn once per seed into two tables (multiplicative noise and fractions
used to round counts up or down) that every row cycles through: a year of 10,000 pins
is about 12 million rows, and drawing fresh random numbers for each of their fifteen
columns would cost several times the database's own work.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from pinsight.catalog.metrics import STORED_COLUMNS

APP_SHARES = (("MOBILE", 0.68), ("WEB", 0.22), ("TABLET", 0.10))
WEEKDAY_FACTOR = (0.92, 0.95, 0.97, 1.0, 1.02, 1.15, 1.18)  # Monday .. Sunday
_TABLE_SIZE = 65_521  # prime, so the cursors' strides never line up with it
_LOOK_AHEAD = 8
_VIDEO_TYPES = ("VIDEO", "MAX_VIDEO")
# The order in which a row's amounts are computed below; rows are emitted in STORED_COLUMNS order.
_ORDER = ("impression", "save", "pin_click", "outbound_click", "closeup", "profile_visit", "user_follow",
          "total_comments", "total_reactions", "repin", "video_start", "video_mrc_view", "video_10s_view",
          "quartile_95_percent_view", "video_v50_watch_time")
if sorted(_ORDER) != sorted(STORED_COLUMNS):
    raise RuntimeError("demo.metrics must generate every stored metric column")
_POSITIONS = None if _ORDER == STORED_COLUMNS else tuple(_ORDER.index(name) for name in STORED_COLUMNS)


@dataclass(frozen=True)
class DemoPin:
    id: int
    owner_id: int
    created_on: date
    creative_type: str
    has_link: bool
    promoted: bool


@lru_cache(maxsize=4)
def _tables(seed: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Per seed: noise around 1 (never negative) and uniform fractions in [0, 1)."""
    rng = random.Random(f"demo-noise:{seed}")
    noise = tuple(max(0.0, rng.gauss(1.0, 0.3)) for _ in range(_TABLE_SIZE))
    fractions = [rng.random() for _ in range(_TABLE_SIZE)]
    # A row reads the fractions just after its cursor: repeat the start at the end, so
    # those reads never wrap around.
    return noise, tuple(fractions + fractions[:_LOOK_AHEAD])


def metric_rows(pins: Sequence[DemoPin], today: date, days: int, seed: int) -> Iterator[tuple]:
    """One tuple per pin, day, app type and traffic with impressions:
    ``(pin_id, owner_id, day, app_type, traffic, amounts in STORED_COLUMNS order)``,
    for the ``days`` days up to ``today`` (none before a pin was created)."""
    noise, fractions = _tables(seed)
    size = _TABLE_SIZE
    first_day = today - timedelta(days=days - 1)
    one_day = timedelta(days=1)
    for pin in pins:
        rng = random.Random(f"{seed}:{pin.id}")
        popularity = 15 * rng.paretovariate(1.3)  # impressions per day at peak
        save_rate = rng.uniform(0.008, 0.04)
        click_rate = rng.uniform(0.01, 0.05)
        outbound_share = rng.uniform(0.25, 0.6) if pin.has_link else 0.0
        watch_ms = rng.uniform(2500, 9000)
        cursor = rng.randrange(size)
        is_video = pin.creative_type in _VIDEO_TYPES
        kinds = (("ORGANIC", 1.0), ("PAID", 0.6)) if pin.promoted else (("ORGANIC", 1.0),)
        pin_id, owner_id, created_on = pin.id, pin.owner_id, pin.created_on
        day = max(first_day, created_on)
        age = (day - created_on).days
        while day <= today:
            lifecycle = min(1.0, (age + 1) / 7) * (0.35 + 0.65 * math.exp(-age / 150))
            expected = popularity * lifecycle * WEEKDAY_FACTOR[day.weekday()]
            for traffic, scale in kinds:
                for app_type, share in APP_SHARES:
                    cursor = (cursor + 11) % size
                    impressions = int(expected * scale * share * noise[cursor] + fractions[cursor])
                    if impressions == 0:
                        continue
                    f1, f2, f3, f4, f5, f6, f7, f8 = fractions[cursor + 1 : cursor + 1 + _LOOK_AHEAD]
                    clicks = int(impressions * click_rate + f1)
                    saves = int(impressions * save_rate + f2)
                    if is_video:
                        starts = int(impressions * 0.35 + f7)
                        video = (starts, int(starts * 0.6 + f8), int(starts * 0.35 + f1), int(starts * 0.12 + f2),
                                 round(starts * watch_ms))
                    else:
                        video = (0, 0, 0, 0, 0)
                    computed = (
                        impressions,
                        saves,
                        clicks,
                        int(clicks * outbound_share + f3),
                        int(clicks * 0.8 + f4),
                        int(impressions * 0.004 + f5),
                        int(impressions * 0.0008 + f6),
                        int(impressions * 0.0015 + f7),
                        int(impressions * 0.004 + f8),
                        # Most saves of a popular pin are other people's (repins).
                        saves * 3 // 5,
                        *video,
                    )
                    if _POSITIONS is not None:
                        computed = tuple(computed[p] for p in _POSITIONS)
                    yield pin_id, owner_id, day, app_type, traffic, computed
            day += one_day
            age += 1


def daily_rows(pins: Sequence[DemoPin], today: date, days: int, seed: int) -> Iterator[dict]:
    """``metric_rows`` as rows for /api/v1/daily_metrics's table (dicts keyed by column)."""
    for pin_id, owner_id, day, app_type, traffic, amounts in metric_rows(pins, today, days, seed):
        yield {"pin_id": pin_id, "owner_id": owner_id, "day": day, "app_type": app_type, "traffic": traffic,
               **dict(zip(STORED_COLUMNS, amounts))}


def pin_days(pins: Sequence[DemoPin], today: date, days: int) -> int:
    """How many pin-days ``metric_rows`` walks through (for progress reports)."""
    first_day = today - timedelta(days=days - 1)
    return sum(max(0, (today - max(first_day, pin.created_on)).days + 1) for pin in pins)
