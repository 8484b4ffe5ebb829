from collections import defaultdict
from datetime import date, timedelta

from pinsight.demo.metrics import DemoPin, daily_rows

TODAY = date(2026, 6, 30)


def pins(n=60):
    kinds = ["REGULAR", "VIDEO", "CAROUSEL", "SHOPPING"]
    return [
        DemoPin(id=1000 + i, owner_id=1, created_on=TODAY - timedelta(days=10 + 3 * i), creative_type=kinds[i % 4], has_link=i % 5 != 0, promoted=i % 7 == 0)
        for i in range(n)
    ]


def test_same_seed_same_rows_other_seed_other_rows():
    assert list(daily_rows(pins(10), TODAY, 90, seed=1)) == list(daily_rows(pins(10), TODAY, 90, seed=1))
    assert list(daily_rows(pins(10), TODAY, 90, seed=1)) != list(daily_rows(pins(10), TODAY, 90, seed=2))


def test_rows_respect_creation_window_and_kinds():
    demo = {p.id: p for p in pins()}
    rows = list(daily_rows(list(demo.values()), TODAY, 120, seed=3))
    assert rows
    for row in rows:
        pin = demo[row["pin_id"]]
        assert pin.created_on <= row["day"] <= TODAY and row["day"] >= TODAY - timedelta(days=119)
        assert row["save"] <= row["impression"] and row["outbound_click"] <= row["pin_click"] <= row["impression"]
        if pin.creative_type != "VIDEO":
            assert row["video_start"] == row["video_v50_watch_time"] == 0
        if not pin.has_link:
            assert row["outbound_click"] == 0
        if row["traffic"] == "PAID":
            assert pin.promoted
    video_rows = [r for r in rows if demo[r["pin_id"]].creative_type == "VIDEO"]
    assert sum(r["video_start"] for r in video_rows) > 0


def test_popularity_is_long_tailed_and_weekends_are_busier():
    rows = list(daily_rows(pins(200), TODAY, 200, seed=4))
    per_pin = defaultdict(int)
    weekday, weekend = [], []
    for row in rows:
        per_pin[row["pin_id"]] += row["impression"]
    totals = sorted(per_pin.values(), reverse=True)
    top_tenth = sum(totals[: len(totals) // 10])
    assert top_tenth > 0.3 * sum(totals)  # a uniform spread would give the top tenth ~10%
    per_day = defaultdict(int)
    for row in rows:
        per_day[row["day"]] += row["impression"]
    for day, total in per_day.items():
        if day >= TODAY - timedelta(days=120):
            (weekend if day.weekday() >= 5 else weekday).append(total)
    assert sum(weekend) / len(weekend) > sum(weekday) / len(weekday)
