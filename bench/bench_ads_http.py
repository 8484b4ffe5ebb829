#!/usr/bin/env python3
"""bench_ads.py's analytics requests (a), (b) and (d) over HTTP, on a database bench_ads.py
already built (its --workdir keeps the SQLite file), without building it again.

    .venv/bin/python bench/bench_ads_http.py sqlite:////tmp/bench_ads_run/bench_ads.sqlite3 [requests]

One uvicorn worker, PINSIGHT_TODAY 2026-12-01 as bench_ads.py; prints p50 and min per
request. A benchmark, not a test: it asserts nothing about time.
"""
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import bench_ads  # noqa: E402
import bench_analytics  # noqa: E402
from sqlalchemy import select, func
from pinsight.store.db import make_engine
from pinsight.store.tables import ads
from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.services.identity.auth import create_user_token
from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
import httpx

url = sys.argv[1]; today = date(2026, 12, 1)
eng = make_engine(url)
rt = Runtime.build(eng, Settings(database_url=url, log_requests=False, today=today.isoformat()))
with eng.connect() as conn:
    acct = conn.execute(select(ads.c.ad_account_id, func.count()).group_by(ads.c.ad_account_id).order_by(func.count().desc())).first()[0]
    ad_ids = sorted(conn.execute(select(ads.c.id).where(ads.c.ad_account_id == acct)).scalars().all())
token = create_user_token(rt, "bench_ads", frozenset(ALL_SCOPES))
built = {"account": acct, "ads": ad_ids, "engine": eng}
start, end = today - timedelta(days=89), today
paths = bench_ads.http_paths(built, start, end)
paths["d"] = [bench_ads.campaign_path(built, start, end)]
with bench_analytics.served(url, today, Path(url.split("///")[-1]).parent, "http") as base:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=600) as client:
        for key in ("a", "b", "d"):
            path = paths[key][0]
            first = client.get(path); first.raise_for_status()
            times = []
            for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 10):
                t = time.perf_counter(); client.get(path).raise_for_status(); times.append(time.perf_counter() - t)
            print(f"({key}) p50 {statistics.median(times)*1000:.0f} ms, min {min(times)*1000:.0f} ms, rows {len(first.json()):,}, {len(first.content):,} bytes")
