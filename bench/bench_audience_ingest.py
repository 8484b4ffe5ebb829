#!/usr/bin/env python3
"""What counting people into audiences costs one batch of ad actions, in process, on SQLite.

A fresh database with one ad account and 10 ads takes a first batch of 50,000 actions
naming 30,000 people (the "seen" people). Then, on copies of that database, one batch of
50,000 actions naming 30,000 people, 20,000 of them new and 10,000 of the seen ones, is
applied (``services.ads.ad_events.apply_actions`` in one write transaction, commit
included; checking the items is not timed; the part spent in ``services.ads.audiences.record``
is printed too), in two orders:

* ``in order``: the batch is newer than the first one (a client sending as things happen);
* ``backfill``: the batch is older than the first one, with other facts, so each of the
  10,000 seen people's earliest sighting, and so their facts, change.

Each is run --repeats times (a fresh copy each time); the median and every run are
printed, elapsed and in this process's CPU time.
A benchmark, not a test: it prints figures and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import insert  # noqa: E402

from pinsight.domain.ads.ad_events import check_actions  # noqa: E402
from pinsight.services.ads import audiences  # noqa: E402
from pinsight.services.ads.ad_events import apply_actions  # noqa: E402
from pinsight.store.ads import activity  # noqa: E402
from pinsight.store.db import make_engine, migrate, writing  # noqa: E402
from pinsight.store.locks import lock_owners  # noqa: E402
from pinsight.store.tables import ad_accounts, ad_groups, ads, campaigns, users  # noqa: E402

ACTIONS = 50_000
SEEN, NEW = 30_000, 20_000
ACCOUNT, OWNER = 7_000_001, 9_000_001
FACTS = ({"gender": "female", "age_bucket": "25-34", "country": "US", "metro": "501"},
         {"gender": "male", "age_bucket": "35-44", "country": "FR"}, {"age_bucket": "45-49"}, {})
TYPES = ("IMPRESSION", "IMPRESSION", "IMPRESSION", "CLICK", "SAVE")


def _setup(url: str, created: datetime) -> list[int]:
    engine = make_engine(url)
    migrate(engine)
    ad_ids = [8_000_001 + n for n in range(10)]
    with engine.begin() as conn:
        conn.execute(insert(users).values(id=OWNER, username="bench", account_type="BUSINESS", business_name=None,
                                          about="", website_url="", profile_image="", follower_count=0,
                                          following_count=0, monthly_views=0, created_at=created))
        conn.execute(insert(ad_accounts).values(id=ACCOUNT, owner_id=OWNER, name="Bench", country="US", currency="USD",
                                                created_at=created, updated_at=created))
        conn.execute(insert(campaigns).values(id=8_000_000, ad_account_id=ACCOUNT, name="C", status="ACTIVE",
                                              objective_type="AWARENESS", created_at=created, updated_at=created))
        conn.execute(insert(ad_groups).values(id=7_999_999, ad_account_id=ACCOUNT, campaign_id=8_000_000, name="G",
                                              status="ACTIVE", attributes="{}", created_at=created,
                                              updated_at=created))
        for ad_id in ad_ids:
            conn.execute(insert(ads).values(id=ad_id, ad_account_id=ACCOUNT, campaign_id=8_000_000,
                                            ad_group_id=7_999_999, pin_id=0, status="ACTIVE", creative_type="REGULAR",
                                            attributes="{}", created_at=created, updated_at=created))
    engine.dispose()
    return ad_ids


def _batch(prefix: str, people: list[int], ad_ids: list[int], start: datetime, shift: int, today: date) -> dict:
    items = []
    for n in range(ACTIONS):
        person = people[n % len(people)]
        facts = FACTS[(person + shift) % len(FACTS)]
        item = {"id": f"{prefix}-{n}", "ad_id": str(ad_ids[n % len(ad_ids)]), "type": TYPES[n % len(TYPES)],
                "timestamp": (start + timedelta(seconds=n)).replace(tzinfo=UTC).isoformat(),
                "user": {"em": hashlib.sha256(f"p{person}@example.com".encode()).hexdigest()},
                "app_type": ("iphone", "web", "android_mobile")[(person + shift) % 3]}
        if facts:
            item["dimensions"] = facts
        items.append(item)
    actions, problems = check_actions(items, {ad_id: start.date() - timedelta(days=400) for ad_id in ad_ids}, today)
    assert not problems, problems[:3]
    return actions


_RECORD = audiences.record
_IN_RECORD: list[tuple[float, float]] = []


def _timed_record(*args, **kwargs):
    started, cpu = time.perf_counter(), time.process_time()
    try:
        return _RECORD(*args, **kwargs)
    finally:
        _IN_RECORD.append((time.perf_counter() - started, time.process_time() - cpu))


audiences.record = _timed_record


def _apply(url: str, actions: dict, briefs: dict) -> tuple[float, float, float, float]:
    """Seconds of the whole write (commit included) and of its audiences' part
    (``services.ads.audiences.record``): (whole, part) elapsed, then (whole, part) of this
    process's CPU time (less disturbed by other work on the machine; SQLite runs in process)."""
    engine = make_engine(url)
    _IN_RECORD.clear()
    started, cpu = time.perf_counter(), time.process_time()
    with writing(engine) as conn:
        lock_owners(conn, [ACCOUNT])
        applied, _ = apply_actions(conn, datetime(2026, 12, 1), actions, briefs)
    took, took_cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    assert applied == ACTIONS, applied
    return took, sum(t for t, _ in _IN_RECORD), took_cpu, sum(c for _, c in _IN_RECORD)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_audience_ingest_"))
    today = date(2026, 12, 1)
    base = workdir / "base.sqlite3"
    base.unlink(missing_ok=True)
    ad_ids = _setup(f"sqlite:///{base}", datetime(2024, 1, 1))
    engine = make_engine(f"sqlite:///{base}")
    with engine.connect() as conn:
        briefs = activity.ads_brief(conn, ad_ids)
    engine.dispose()

    seen = list(range(SEEN))
    mixed = list(range(SEEN - 10_000, SEEN + NEW))  # 10,000 seen people, then 20,000 new ones
    first = _batch("first", seen, ad_ids, datetime(2026, 11, 10), 0, today)
    took, counting, _, _ = _apply(f"sqlite:///{base}", first, briefs)
    print(f"first batch (50,000 actions, {SEEN:,} people): {took:.2f} s, audiences {counting:.2f} s")
    runs = {"in order": _batch("later", mixed, ad_ids, datetime(2026, 11, 20), 0, today),
            "backfill": _batch("earlier", mixed, ad_ids, datetime(2026, 11, 1), 1, today)}
    for label, actions in runs.items():
        times = []
        for repeat in range(args.repeats):
            copy = workdir / f"run-{repeat}.sqlite3"
            shutil.copyfile(base, copy)
            times.append(_apply(f"sqlite:///{copy}", actions, briefs))
            copy.unlink()
        columns = list(zip(*times))

        def runs(n: int) -> str:
            return f"{statistics.median(columns[n]):.3f} s (runs {', '.join(f'{t:.3f}' for t in columns[n])})"

        print(f"{label}: 50,000 actions, 20,000 new people: elapsed {runs(0)}, of which audiences {runs(1)}; "
              f"CPU {runs(2)}, of which audiences {runs(3)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
