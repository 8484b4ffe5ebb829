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
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

APP_SHARES = (("MOBILE", 0.68), ("WEB", 0.22), ("TABLET", 0.10))
WEEKDAY_FACTOR = (0.92, 0.95, 0.97, 1.0, 1.02, 1.15, 1.18)  # Monday .. Sunday


@dataclass(frozen=True)
class DemoPin:
    id: int
    owner_id: int
    created_on: date
    creative_type: str
    has_link: bool
    promoted: bool


def _draw(rng: random.Random, n: int, p: float) -> int:
    """A binomial-like count: n trials at rate p (normal approximation, never negative)."""
    if n <= 0 or p <= 0:
        return 0
    mean = n * p
    if mean < 10:
        # Few expected events: count them one by one (cheap at these sizes).
        return sum(1 for _ in range(min(n, int(mean * 6) + 6)) if rng.random() < mean / (int(mean * 6) + 6))
    return max(0, round(rng.gauss(mean, math.sqrt(mean * (1 - min(p, 0.99))))))


def daily_rows(pins: list[DemoPin], today: date, days: int, seed: int) -> Iterator[dict]:
    """Rows for /api/v1/daily_metrics's table: one per pin, day, app type and traffic."""
    first_day = today - timedelta(days=days - 1)
    for pin in pins:
        rng = random.Random(f"{seed}:{pin.id}")
        popularity = 15 * rng.paretovariate(1.3)  # impressions per day at peak
        save_rate = rng.uniform(0.008, 0.04)
        click_rate = rng.uniform(0.01, 0.05)
        outbound_share = rng.uniform(0.25, 0.6) if pin.has_link else 0.0
        is_video = pin.creative_type in ("VIDEO", "MAX_VIDEO")
        watch_ms = rng.uniform(2500, 9000)
        day = max(first_day, pin.created_on)
        while day <= today:
            age = (day - pin.created_on).days
            lifecycle = min(1.0, (age + 1) / 7) * (0.35 + 0.65 * math.exp(-age / 150))
            expected = popularity * lifecycle * WEEKDAY_FACTOR[day.weekday()]
            for traffic, scale in (("ORGANIC", 1.0), ("PAID", 0.6)):
                if traffic == "PAID" and not pin.promoted:
                    continue
                for app_type, share in APP_SHARES:
                    impressions = max(0, round(rng.gauss(expected * scale * share, math.sqrt(expected * scale * share + 1))))
                    if impressions == 0:
                        continue
                    pin_clicks = _draw(rng, impressions, click_rate)
                    row = {
                        "pin_id": pin.id,
                        "owner_id": pin.owner_id,
                        "day": day,
                        "app_type": app_type,
                        "traffic": traffic,
                        "impression": impressions,
                        "save": _draw(rng, impressions, save_rate),
                        "pin_click": pin_clicks,
                        "outbound_click": _draw(rng, pin_clicks, outbound_share),
                        "closeup": _draw(rng, pin_clicks, 0.8),
                        "profile_visit": _draw(rng, impressions, 0.004),
                        "user_follow": _draw(rng, impressions, 0.0008),
                        "total_comments": _draw(rng, impressions, 0.0015),
                        "total_reactions": _draw(rng, impressions, 0.004),
                        "repin": 0,
                        "video_start": 0,
                        "video_mrc_view": 0,
                        "video_10s_view": 0,
                        "quartile_95_percent_view": 0,
                        "video_v50_watch_time": 0,
                    }
                    # Most saves of a popular pin are other people's (repins); derived, not
                    # drawn, so the other metrics keep their random sequence.
                    row["repin"] = row["save"] * 3 // 5
                    if is_video:
                        starts = _draw(rng, impressions, 0.35)
                        row["video_start"] = starts
                        row["video_mrc_view"] = _draw(rng, starts, 0.6)
                        row["video_10s_view"] = _draw(rng, starts, 0.35)
                        row["quartile_95_percent_view"] = _draw(rng, starts, 0.12)
                        row["video_v50_watch_time"] = round(starts * watch_ms)
                    yield row
            day += timedelta(days=1)
