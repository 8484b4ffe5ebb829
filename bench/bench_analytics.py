#!/usr/bin/env python3
"""Latency of pinsight's analytics reads on a year of daily rows, next to a DuckDB floor.

One run, per backend (SQLite always; PostgreSQL when its binaries exist and it is asked
for with --backends sqlite,postgresql):

1. Migrates a fresh database, creates ONE user with one board and N pins (--pins,
   default 10,000) created 400 days before the fixed "today" (--today, passed to the
   server as PINSIGHT_TODAY), and appends --days (365) days of daily rows per pin with
   pinsight.store.bulk.copy_rows (COPY on PostgreSQL), then builds the derived tables
   with pinsight.store.rollups.rebuild, as an archive import would (timed apart). The
   rows have the demo generator's shape (pinsight.demo.metrics: long-tailed popularity,
   decay, weekday factor, 3 app types, PAID rows for promoted pins, video metrics for
   video pins, no row for zero impressions) but come from a cheaper table-driven
   generator, so loading is bounded by the database, not by random.gauss. Loading stops
   at --load-budget seconds (the pins reached are reported).
2. Measures (a) multi-pin analytics (100 pins x 90 days, IMPRESSION, SAVE, SAVE_RATE,
   PIN_CLICK, OUTBOUND_CLICK), (b) user account analytics 90 days NO_SPLIT, (c) the same
   split by APP_TYPE, (d) top 50 pins by SAVE over 90 days, (e) account analytics split
   by OWNED_CONTENT (claimed content: a third of the pins link elsewhere), (f) top 50 pins
   by SAVE with app_types=WEB:
   - in-process: the service functions called with a Runtime and the Principal from
     pinsight.services.auth.authenticate (median of --repeats calls after a warm-up);
   - over HTTP: ONE uvicorn server in a child process (bench_pins.py's server, the same
     uvicorn.run() as `pinsight serve`), --http-requests sequential httpx requests on
     one keep-alive connection per endpoint, p50 / p99.
3. The floor: the same rows loaded into an in-memory DuckDB table (from a CSV written
   while loading; only the aggregate queries are timed), computing the same aggregates.
   Prints in-process / DuckDB ratio (target <= 3x) and HTTP p50 (target <= 50 ms).
4. --scale-pins M (default 0 = off): adds pins up to M in total, each with rows for the
   90-day window only, rebuilds the derived tables and re-times top pins and its floor.

Every loop is bounded in count and time; only 127.0.0.1 is used. A benchmark, not a
test: it asserts nothing about timing. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(ROOT))

import bench_pins  # noqa: E402  (free_port, wait_ready, stop, the server entry point)

HOST = "127.0.0.1"
TARGET_RATIO = 3.0
TARGET_P50_MS = 50.0
WINDOW_DAYS = 90
MULTI_PINS = 100
TOP_N = 50
MULTI_METRICS = ["IMPRESSION", "SAVE", "SAVE_RATE", "PIN_CLICK", "OUTBOUND_CLICK"]
APP_SHARES = (("MOBILE", 0.68), ("WEB", 0.22), ("TABLET", 0.10))
WEEKDAY_FACTOR = (0.92, 0.95, 0.97, 1.0, 1.02, 1.15, 1.18)
BATCH = 20_000

ENDPOINTS = [
    ("a", "multi-pin analytics 100 pins x 90 d"),
    ("b", "account analytics 90 d NO_SPLIT"),
    ("c", "account analytics 90 d APP_TYPE"),
    ("d", "top 50 pins by SAVE, 90 d"),
    ("e", "account analytics 90 d OWNED_CONTENT"),
    ("f", "top 50 pins by SAVE, 90 d, WEB"),
]


# ---- data ---------------------------------------------------------------------------------


class Tables:
    """Pre-drawn random numbers, cycled through: the demo's shape at a fraction of its cost."""

    def __init__(self, seed: int, size: int = 65_521):  # prime, so the cycles do not line up
        rng = random.Random(seed)
        self.noise = [max(0.0, rng.gauss(1.0, 0.25)) for _ in range(size)]
        self.frac = [rng.random() for _ in range(size)]
        self.size = size


def pin_specs(n_from: int, n_to: int, seed: int):
    """Per pin: popularity and rates (deterministic per pin index)."""
    specs = []
    for i in range(n_from, n_to):
        rng = random.Random(f"{seed}:{i}")
        kind = rng.random()
        specs.append({
            "popularity": min(3000.0, 15 * rng.paretovariate(1.3)),
            "save_rate": rng.uniform(0.008, 0.04),
            "click_rate": rng.uniform(0.01, 0.05),
            "outbound_share": rng.uniform(0.25, 0.6) if rng.random() < 0.9 else 0.0,
            "video": kind < 0.10,
            "creative_type": "VIDEO" if kind < 0.10 else ("SHOPPING" if kind < 0.15 else "REGULAR"),
            "promoted": rng.random() < 0.10,
            "watch_ms": rng.uniform(2500, 9000),
        })
    return specs


def rows_for_pin(pin_id: int, owner_id: int, spec: dict, created_on: date, first_day: date, today: date, tables: Tables, k: int):
    """Yield (pin_id, day, app_type, traffic, {column: value}) for one pin; k seeds the table cursor."""
    noise, frac, size = tables.noise, tables.frac, tables.size
    pop, sr, cr, osh, video, wm = (spec["popularity"], spec["save_rate"], spec["click_rate"], spec["outbound_share"],
                                    spec["video"], spec["watch_ms"])
    kinds = (("ORGANIC", 1.0), ("PAID", 0.6)) if spec["promoted"] else (("ORGANIC", 1.0),)
    day = max(first_day, created_on)
    one = timedelta(days=1)
    while day <= today:
        age = (day - created_on).days
        expected = pop * min(1.0, (age + 1) / 7) * (0.35 + 0.65 * math.exp(-age / 150)) * WEEKDAY_FACTOR[day.weekday()]
        for traffic, scale in kinds:
            for app_type, share in APP_SHARES:
                k = (k + 7) % size
                imp = int(expected * scale * share * noise[k] + frac[k])
                if imp == 0:
                    continue
                f1, f2, f3, f4 = frac[(k + 1) % size], frac[(k + 2) % size], frac[(k + 3) % size], frac[(k + 4) % size]
                clicks = int(imp * cr + f1)
                values = {
                    "impression": imp,
                    "save": int(imp * sr + f2),
                    "pin_click": clicks,
                    "outbound_click": int(clicks * osh + f3),
                    "closeup": int(clicks * 0.8 + f4),
                    "profile_visit": int(imp * 0.004 + f1),
                    "user_follow": int(imp * 0.0008 + f2),
                    "total_comments": int(imp * 0.0015 + f3),
                    "total_reactions": int(imp * 0.004 + f4),
                }
                if video:
                    starts = int(imp * 0.35 + f1)
                    values.update(video_start=starts, video_mrc_view=int(starts * 0.6 + f2),
                                  video_10s_view=int(starts * 0.35 + f3), quartile_95_percent_view=int(starts * 0.12 + f4),
                                  video_v50_watch_time=round(starts * wm))
                yield pin_id, day, app_type, traffic, values
        day += one


def setup_database(db_url: str, today: date):
    from pinsight.catalog.scopes import ALL_SCOPES
    from pinsight.domain.ids import new_id
    from pinsight.services.auth import create_user_token
    from pinsight.services.runtime import Runtime
    from pinsight.settings import Settings
    from pinsight.store import content as content_store
    from pinsight.store.db import make_engine, migrate

    engine = make_engine(db_url)
    migrate(engine)
    runtime = Runtime.build(engine, Settings(database_url=db_url, log_requests=False, today=today.isoformat()))
    user_id, board_id = new_id(), new_id()
    created = datetime.combine(today - timedelta(days=400), datetime.min.time())
    with engine.begin() as conn:
        content_store.insert_user(conn, id=user_id, username="bench_analytics", account_type="BUSINESS", business_name=None,
                                  about="", website_url="https://bench.example", profile_image="", follower_count=0,
                                  following_count=0, monthly_views=0, created_at=created)
        content_store.insert_board(conn, id=board_id, owner_id=user_id, name="Bench analytics", description="",
                                   privacy="PUBLIC", is_ads_only=False, follower_count=0, collaborator_count=0,
                                   created_at=created, pins_modified_at=created)
    token = create_user_token(runtime, "bench_analytics", frozenset(ALL_SCOPES))
    return engine, runtime, user_id, board_id, token


def pin_link(n: int) -> str:
    """Two pins in three link to the user's website (https://bench.example): CLAIMED."""
    return f"https://bench.example/p/{n}" if n % 3 else f"https://other.example/{n}"


def owned_content(pin_ids: list[int]) -> dict[int, str]:
    """Each pin's claimed-content class, as ``pin_link`` made it (for the DuckDB floor)."""
    return {pin_id: "CLAIMED" if n % 3 else "OTHER" for n, pin_id in enumerate(pin_ids)}


def insert_pins(engine, user_id: int, board_id: int, specs: list[dict], created: datetime) -> list[int]:
    from sqlalchemy import insert

    from pinsight.domain.ids import new_id
    from pinsight.store.tables import pins

    ids = []
    values = []
    for n, spec in enumerate(specs):
        pin_id = new_id()
        ids.append(pin_id)
        values.append({
            "id": pin_id, "owner_id": user_id, "board_id": board_id, "section_id": None, "title": f"Bench pin {n}",
            "description": "", "link": pin_link(n),
            "alt_text": "", "dominant_color": "#e60023", "creative_type": spec["creative_type"], "source_type": "image_url",
            "media": '{"media_type": "image"}', "is_standard": True, "has_been_promoted": spec["promoted"],
            "parent_pin_id": None, "created_at": created + timedelta(seconds=n),
        })
    with engine.begin() as conn:
        for start in range(0, len(values), 5000):
            conn.execute(insert(pins), values[start:start + 5000])
    return ids


def load_rows(engine, user_id: int, pin_ids: list[int], specs: list[dict], first_day: date, today: date, created_on: date,
              tables: Tables, budget: float, csv_path: Path | None, pin_offset: int = 0) -> tuple[int, int, float]:
    """Append every pin's rows in batches (COPY on PostgreSQL, executemany on SQLite); stop
    (after a whole pin) when the budget is spent. The derived tables are NOT updated here:
    call ``build_rollups`` after loading, as an archive import would.

    Returns (pins loaded, rows loaded, seconds)."""
    from pinsight.catalog.metrics import STORED_COLUMNS
    from pinsight.store.bulk import bind_value, copy_rows
    from pinsight.store.tables import pin_daily_metrics

    keys = ("pin_id", "day", "app_type", "traffic", "owner_id", *STORED_COLUMNS)
    started = time.perf_counter()
    out = csv_path.open("a", newline="") if csv_path else None
    writer = csv.writer(out) if out else None
    batch: list[tuple] = []
    rows = pins_done = 0
    days: dict = {}
    postgres = engine.dialect.name == "postgresql"

    def flush():
        with engine.begin() as conn:
            copy_rows(conn, pin_daily_metrics, keys, batch)

    try:
        for n, (pin_id, spec) in enumerate(zip(pin_ids, specs)):
            if time.perf_counter() - started > budget:
                break
            for pid, day, app_type, traffic, values in rows_for_pin(pin_id, user_id, spec, created_on, first_day, today,
                                                                     tables, (pin_offset + n) * 7919):
                bound = days.get(day)
                if bound is None:
                    with engine.connect() as conn:
                        bound = days[day] = day if postgres else bind_value(conn, pin_daily_metrics.c.day, day)
                row = (pid, bound, app_type, traffic, user_id, *(values.get(c, 0) for c in STORED_COLUMNS))
                batch.append(row)
                if writer:
                    writer.writerow((pid, day.isoformat(), app_type, traffic, user_id, *row[5:]))
            if len(batch) >= BATCH:
                flush()
                rows += len(batch)
                batch = []
            pins_done += 1
        if batch:
            flush()
            rows += len(batch)
    finally:
        if out:
            out.close()
    return pins_done, rows, time.perf_counter() - started


def build_rollups(engine, user_id: int) -> float:
    """Rebuild the user's derived tables from the loaded rows; returns seconds."""
    from pinsight.store import rollups

    from pinsight.store.db import STATEMENT_TIMEOUT, writing
    from pinsight.store.locks import lock_owners

    started = time.perf_counter()
    # A bulk rebuild, as an archive import: no per-statement time limit.
    with writing(engine.execution_options(**{STATEMENT_TIMEOUT: 0})) as conn:
        lock_owners(conn, [user_id])
        rollups.rebuild(conn, user_id)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    return time.perf_counter() - started


# ---- the four reads -----------------------------------------------------------------------


def calls(runtime, principal, multi_ids: list[int], start: date, end: date):
    from pinsight.services import account_analytics, analytics

    s, e = start.isoformat(), end.isoformat()
    account = dict(start_date=s, end_date=e, from_claimed_content="BOTH", pin_format="ALL", app_types="ALL",
                   content_type="ALL", source="ALL", metric_types=None, ad_account_id=None)
    return {
        "a": lambda: analytics.multi_pin_analytics(runtime, principal, [",".join(map(str, multi_ids))], start_date=s, end_date=e,
                                                   app_types="ALL", metric_types=MULTI_METRICS, ad_account_id=None),
        "b": lambda: account_analytics.user_account_analytics(runtime, principal, split_field="NO_SPLIT", **account),
        "c": lambda: account_analytics.user_account_analytics(runtime, principal, split_field="APP_TYPE", **account),
        "d": lambda: account_analytics.top_pins(runtime, principal, sort_by="SAVE", num_of_pins=TOP_N,
                                                created_in_last_n_days=None, **account),
        "e": lambda: account_analytics.user_account_analytics(runtime, principal, split_field="OWNED_CONTENT", **account),
        "f": lambda: account_analytics.top_pins(runtime, principal, sort_by="SAVE", num_of_pins=TOP_N,
                                                created_in_last_n_days=None, **{**account, "app_types": "WEB"}),
    }


def http_paths(multi_ids: list[int], start: date, end: date) -> dict[str, str]:
    period = f"start_date={start.isoformat()}&end_date={end.isoformat()}"
    metrics = "&".join(f"metric_types={m}" for m in MULTI_METRICS)
    return {
        "a": f"/v5/pins/analytics?pin_ids={','.join(map(str, multi_ids))}&{period}&{metrics}",
        "b": f"/v5/user_account/analytics?{period}",
        "c": f"/v5/user_account/analytics?{period}&split_field=APP_TYPE",
        "d": f"/v5/user_account/analytics/top_pins?{period}&sort_by=SAVE&num_of_pins={TOP_N}",
        "e": f"/v5/user_account/analytics?{period}&split_field=OWNED_CONTENT",
        "f": f"/v5/user_account/analytics/top_pins?{period}&sort_by=SAVE&num_of_pins={TOP_N}&app_types=WEB",
    }


def time_calls(fn, repeats: int, warmup: int = 2, max_seconds: float = 60) -> list[float]:
    for _ in range(warmup):
        fn()
    times = []
    deadline = time.perf_counter() + max_seconds
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if time.perf_counter() > deadline and len(times) >= 5:
            break
    return times


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def duckdb_floor(csv_path: Path, user_id: int, multi_ids: list[int], start: date, end: date, repeats: int,
                 owned: dict[int, str], endpoints: str):
    """Load the CSV into an in-memory DuckDB table (and the pins' claimed-content classes
    into another), then time only the aggregate queries."""
    import duckdb

    from pinsight.catalog.metrics import STORED_COLUMNS, TOP_PINS_METRICS, USER_ACCOUNT_METRICS, base_columns_for

    con = duckdb.connect(":memory:")
    columns = ", ".join(f"{c} BIGINT" for c in STORED_COLUMNS)
    con.execute(f"CREATE TABLE daily (pin_id BIGINT, day DATE, app_type VARCHAR, traffic VARCHAR, owner_id BIGINT, {columns})")
    t0 = time.perf_counter()
    names = ["pin_id", "day", "app_type", "traffic", "owner_id", *STORED_COLUMNS]
    types = "{" + ", ".join(f"'{n}': '{'DATE' if n == 'day' else 'VARCHAR' if n in ('app_type', 'traffic') else 'BIGINT'}'"
                            for n in names) + "}"
    con.execute(f"INSERT INTO daily SELECT * FROM read_csv('{csv_path}', header=false, columns={types})")
    load_s = time.perf_counter() - t0
    n_rows = con.execute("SELECT count(*) FROM daily").fetchone()[0]
    con.execute("CREATE TABLE pin_class (pin_id BIGINT PRIMARY KEY, owned VARCHAR)")
    con.executemany("INSERT INTO pin_class VALUES (?, ?)", list(owned.items()))

    def sums(cols):
        return ", ".join(f"sum({c}) AS {c}" for c in cols)

    multi_cols = base_columns_for(MULTI_METRICS)
    account_cols = base_columns_for(list(USER_ACCOUNT_METRICS))
    top_cols = base_columns_for(list(TOP_PINS_METRICS))
    window = f"day BETWEEN DATE '{start}' AND DATE '{end}'"
    ids = ",".join(map(str, multi_ids))
    apps = "app_type IN ('MOBILE','TABLET','WEB')"
    queries = {
        "a": f"SELECT pin_id, day, {sums(multi_cols)} FROM daily WHERE pin_id IN ({ids}) AND {window} AND {apps} "
             "GROUP BY pin_id, day",
        "b": f"SELECT day, {sums(account_cols)} FROM daily WHERE owner_id = {user_id} AND {window} AND {apps} "
             "AND traffic IN ('ORGANIC','PAID') GROUP BY day",
        "c": f"SELECT day, app_type, {sums(account_cols)} FROM daily WHERE owner_id = {user_id} AND {window} AND {apps} "
             "AND traffic IN ('ORGANIC','PAID') GROUP BY day, app_type",
        "d": f"SELECT pin_id, sum(save) AS score, {sums(top_cols)} FROM daily WHERE owner_id = {user_id} AND {window} "
             f"AND {apps} AND traffic IN ('ORGANIC','PAID') GROUP BY pin_id ORDER BY score DESC, pin_id LIMIT {TOP_N}",
        "e": f"SELECT day, c.owned, {sums(account_cols)} FROM daily JOIN pin_class c USING (pin_id) "
             f"WHERE owner_id = {user_id} AND {window} AND {apps} AND traffic IN ('ORGANIC','PAID') GROUP BY day, c.owned",
        "f": f"SELECT pin_id, sum(save) AS score, {sums(top_cols)} FROM daily WHERE owner_id = {user_id} AND {window} "
             f"AND app_type = 'WEB' AND traffic IN ('ORGANIC','PAID') GROUP BY pin_id ORDER BY score DESC, pin_id LIMIT {TOP_N}",
    }
    results = {}
    for key, sql in queries.items():
        if key not in endpoints:
            continue
        results[key] = time_calls(lambda sql=sql: con.execute(sql).fetchall(), repeats)
    con.close()
    return results, load_s, n_rows


@contextlib.contextmanager
def served(db_url: str, today: date, workdir: Path, label: str):
    """ONE uvicorn server (bench_pins.py's, as `pinsight serve` runs it) on ``db_url`` in a
    child process, with PINSIGHT_TODAY=today; yields its base URL and stops it after."""
    port = bench_pins.free_port()
    base = f"http://{HOST}:{port}"
    env = {**os.environ, "PINSIGHT_DATABASE_URL": db_url, "PINSIGHT_TODAY": today.isoformat(),
           "PINSIGHT_LOG_REQUESTS": "false", **bench_pins.rate_limit_env(),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH_DIR), os.environ.get("PYTHONPATH")]))}
    log = workdir / f"server-{label}.log"
    cmd = [sys.executable, str(BENCH_DIR / "bench_pins.py"), "--serve-port", str(port), "--workers", "1"]
    with log.open("wb") as log_file:
        server = subprocess.Popen(cmd, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        bench_pins.wait_ready(base, server, log)
        yield base
    finally:
        bench_pins.stop(server)


def run_http(db_url: str, today: date, token: str, paths: dict[str, str], n: int, workdir: Path, label: str):
    import httpx

    out: dict[str, tuple[list[float], int]] = {}
    with served(db_url, today, workdir, label) as base:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
            for key, path in paths.items():
                for _ in range(3):  # warm-up, and check the answer
                    response = client.get(path)
                    if response.status_code != 200:
                        raise SystemExit(f"{path[:80]}... -> {response.status_code}: {response.text[:300]}")
                size = len(response.content)
                times = []
                deadline = time.perf_counter() + 120
                for _ in range(n):
                    t0 = time.perf_counter()
                    client.get(path).raise_for_status()
                    times.append(time.perf_counter() - t0)
                    if time.perf_counter() > deadline and len(times) >= 20:
                        break
                out[key] = (times, size)
    return out


def profile_calls(fns: dict, keys: str) -> None:
    import cProfile
    import pstats

    for key in keys:
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(3):
            fns[key]()
        prof.disable()
        print(f"\n--- profile ({key}) {dict(ENDPOINTS)[key]}: 3 calls, top 12 by own time ---")
        stats = pstats.Stats(prof)
        stats.sort_stats("tottime").print_stats(12)


# ---- one backend --------------------------------------------------------------------------


def run_backend(backend: str, args, workdir: Path, floor_cache: dict) -> dict:
    from pinsight.services.auth import authenticate

    today = date.fromisoformat(args.today)
    first_day = today - timedelta(days=args.days - 1)
    start, end = today - timedelta(days=WINDOW_DAYS - 1), today
    created = datetime.combine(today - timedelta(days=400), datetime.min.time())
    with bench_database(backend, workdir, "bench_analytics") as db_url:
        if db_url is None:
            return {}
        return _run_backend(backend, db_url, args, workdir, floor_cache, today, first_day, start, end, created, authenticate)


@contextlib.contextmanager
def bench_database(backend: str, workdir: Path, name: str):
    """A fresh database URL: a SQLite file in ``workdir``, or a PostgreSQL server started as
    the tests start one (None when its binaries are missing), stopped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / (name + '.sqlite3')}"
        return
    from tests.support.postgres import PostgresServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        print("PostgreSQL binaries not found: skipping postgresql", file=sys.stderr)
        yield None
        return
    server = PostgresServer(bindir)
    server.start()
    try:
        yield server.create_database(name)
    finally:
        server.stop()


def _run_backend(backend, db_url, args, workdir, floor_cache, today, first_day, start, end, created, authenticate):
    res: dict = {"backend": backend}
    print(f"[{backend}] migrating and creating {args.pins} pins ...", file=sys.stderr, flush=True)
    engine, runtime, user_id, board_id, token = setup_database(db_url, today)
    specs = pin_specs(0, args.pins, args.seed)
    pin_ids = insert_pins(engine, user_id, board_id, specs, created)
    tables = Tables(args.seed)
    csv_path = workdir / f"rows-{backend}.csv"
    csv_path.unlink(missing_ok=True)
    print(f"[{backend}] loading {args.days} days of rows (budget {args.load_budget:g}s) ...", file=sys.stderr, flush=True)
    pins_done, rows, seconds = load_rows(engine, user_id, pin_ids, specs, first_day, today, created.date(), tables,
                                          args.load_budget, csv_path)
    res.update(pins_loaded=pins_done, rows=rows, load_s=seconds)
    print(f"[{backend}] loaded {rows:,} rows for {pins_done:,} pins in {seconds:.1f}s ({rows / seconds:,.0f} rows/s)",
          file=sys.stderr, flush=True)
    res["rollup_s"] = build_rollups(engine, user_id)
    print(f"[{backend}] derived tables rebuilt in {res['rollup_s']:.1f}s", file=sys.stderr, flush=True)
    from pinsight.api.asgi import tune_garbage_collector

    tune_garbage_collector()  # as the server does at start-up (pinsight.api.asgi.build)
    principal = authenticate(runtime, f"Bearer {token}")
    multi_ids = pin_ids[:MULTI_PINS]
    fns = calls(runtime, principal, multi_ids, start, end)
    sizes = {}
    res["inproc"] = {}
    for key in args.endpoints:
        sizes[key] = len(str(fns[key]()))
        res["inproc"][key] = time_calls(fns[key], args.repeats)
        print(f"[{backend}] in-process ({key}) median {statistics.median(res['inproc'][key]) * 1000:.1f} ms", file=sys.stderr, flush=True)
    cache_key = (pins_done, rows)
    if cache_key not in floor_cache:
        print(f"[{backend}] DuckDB floor ...", file=sys.stderr, flush=True)
        floor_cache[cache_key] = duckdb_floor(csv_path, user_id, multi_ids, start, end, args.repeats,
                                              owned_content(pin_ids), args.endpoints)
    res["duck"], res["duck_load_s"], res["duck_rows"] = floor_cache[cache_key]
    if args.http_requests > 0:
        print(f"[{backend}] HTTP ...", file=sys.stderr, flush=True)
        paths = {key: path for key, path in http_paths(multi_ids, start, end).items() if key in args.endpoints}
        res["http"] = run_http(db_url, today, token, paths, args.http_requests, workdir, backend)
    if args.profile:
        profile_calls(fns, args.profile)
    # ---- scale: more pins, window rows only, top pins again
    res["scale"] = []
    if args.scale_pins and args.scale_pins > pins_done and "d" in args.endpoints:
        top = fns["d"]
        res["scale"].append((pins_done, rows, statistics.median(res["inproc"]["d"]), statistics.median(res["duck"]["d"])))
        extra = args.scale_pins - len(pin_ids)
        if extra > 0:
            print(f"[{backend}] scale: {extra:,} more pins, {WINDOW_DAYS}-day rows only ...", file=sys.stderr, flush=True)
            more_specs = pin_specs(args.pins, args.scale_pins, args.seed)
            more_ids = insert_pins(engine, user_id, board_id, more_specs, created)
            scale_csv = workdir / f"rows-{backend}-scale.csv"
            shutil.copyfile(csv_path, scale_csv)
            p2, r2, s2 = load_rows(engine, user_id, more_ids, more_specs, start, today, created.date(), tables,
                                   args.load_budget, scale_csv, pin_offset=args.pins)
            res["scale_rollup_s"] = build_rollups(engine, user_id)
            times = time_calls(top, args.repeats)
            duck, _, _ = duckdb_floor(scale_csv, user_id, multi_ids, start, end, args.repeats,
                                      owned_content(pin_ids) | owned_content(more_ids), "d")
            res["scale"].append((pins_done + p2, rows + r2, statistics.median(times), statistics.median(duck["d"])))
            res["scale_load"] = (p2, r2, s2)
            scale_csv.unlink(missing_ok=True)
    res["sizes"] = sizes
    engine.dispose()
    return res


# ---- report -------------------------------------------------------------------------------


def report(results: list[dict], args, wall: float) -> None:
    import duckdb
    import sqlalchemy

    print()
    print("pinsight analytics benchmark")
    print("=" * 100)
    print(f"machine   : {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}, "
          f"SQLAlchemy {sqlalchemy.__version__}, DuckDB {duckdb.__version__}; loadavg now {bench_pins.loadavg()}")
    print(f"data      : ONE user, {args.pins:,} pins x {args.days} days (created 400 days before today), "
          f"PINSIGHT_TODAY={args.today}, window {WINDOW_DAYS} days, seed {args.seed}")
    print(f"timing    : in-process = median of {args.repeats} calls of the service function (after 2 warm-up calls); "
          f"DuckDB = median of {args.repeats} queries on an in-memory table;")
    print(f"            HTTP = {args.http_requests} sequential requests, one keep-alive httpx connection, 1 uvicorn worker")
    for res in results:
        if not res:
            continue
        b = res["backend"]
        print()
        print(f"[{b}] load: {res['rows']:,} rows for {res['pins_loaded']:,} pins appended (store.bulk.copy_rows, "
              f"batches of {BATCH:,}) in {res['load_s']:.1f}s = {res['rows'] / res['load_s']:,.0f} rows/s"
              + ("" if res["pins_loaded"] == args.pins else
                 f"  -- STOPPED at the {args.load_budget:g}s budget: {res['pins_loaded']:,} of {args.pins:,} pins"))
        print(f"[{b}] derived tables (store.rollups.rebuild) built in {res['rollup_s']:.1f}s")
        print(f"[{b}] DuckDB floor table: {res['duck_rows']:,} rows, loaded from CSV into memory in {res['duck_load_s']:.1f}s (not timed)")
        print()
        print(f"{'endpoint':<40}{'in-proc ms':>11}{'DuckDB ms':>10}{'ratio':>8}  {'<=3x':<8}"
              f"{'HTTP p50':>9}{'p99':>8}  {'<=50ms':<8}{'body B':>9}")
        for key, label in ENDPOINTS:
            if key not in args.endpoints:
                continue
            inproc = statistics.median(res["inproc"][key]) * 1000
            duck = statistics.median(res["duck"][key]) * 1000
            ratio = inproc / duck if duck else float("inf")
            line = f"({key}) {label:<36}{inproc:>11.1f}{duck:>10.2f}{ratio:>7.1f}x  {'MET' if ratio <= TARGET_RATIO else 'NOT MET':<8}"
            if "http" in res:
                times, size = res["http"][key]
                p50, p99 = pct(times, 50) * 1000, pct(times, 99) * 1000
                line += f"{p50:>9.1f}{p99:>8.1f}  {'MET' if p50 <= TARGET_P50_MS else 'NOT MET':<8}{size:>9,}"
            print(line)
        if res.get("scale"):
            print()
            print(f"[{b}] top 50 pins by SAVE as the pin count grows (extra pins carry {WINDOW_DAYS}-day rows only):")
            print(f"    {'pins':>9}{'rows':>13}{'in-proc ms':>12}{'DuckDB ms':>11}{'ratio':>8}")
            base = res["scale"][0]
            for pins, rows, t, d in res["scale"]:
                print(f"    {pins:>9,}{rows:>13,}{t * 1000:>12.1f}{d * 1000:>11.2f}{t / d:>7.1f}x   "
                      f"(x{pins / base[0]:.1f} pins -> x{t / base[2]:.1f} in-proc, x{d / base[3]:.1f} DuckDB)")
            if "scale_load" in res:
                p2, r2, s2 = res["scale_load"]
                print(f"    scale load: {r2:,} rows for {p2:,} pins in {s2:.1f}s, derived tables rebuilt in "
                      f"{res['scale_rollup_s']:.1f}s")
    print()
    print(f"(total wall time {wall:.0f}s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default="sqlite", help="comma-separated: sqlite,postgresql (default sqlite)")
    parser.add_argument("--pins", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--today", default="2025-06-30", help="PINSIGHT_TODAY (fixed, so the window is deterministic)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=20, help="timed calls per endpoint, in-process and DuckDB")
    parser.add_argument("--http-requests", type=int, default=30, help="sequential HTTP requests per endpoint (0: skip HTTP)")
    parser.add_argument("--load-budget", type=float, default=420, help="seconds of loading per backend before stopping")
    parser.add_argument("--scale-pins", type=int, default=0, help="re-time top pins at this many pins (0: off)")
    parser.add_argument("--profile", default="", help="cProfile these endpoints in-process, e.g. 'abcd'")
    parser.add_argument("--endpoints", default="".join(key for key, _ in ENDPOINTS),
                        help="which endpoints to time, e.g. 'ef' (default: all)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")

    args = parser.parse_args()
    if args.days < WINDOW_DAYS:
        parser.error(f"--days must be >= {WINDOW_DAYS}")
    if not 1 <= args.pins or args.pins < MULTI_PINS:
        parser.error(f"--pins must be >= {MULTI_PINS}")
    if not args.endpoints or set(args.endpoints) - set(dict(ENDPOINTS)):
        parser.error(f"--endpoints takes letters among {''.join(dict(ENDPOINTS))}")

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="pinsight-bench-analytics-"))
    results, floor_cache = [], {}
    try:
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            if backend not in ("sqlite", "postgresql"):
                parser.error(f"unknown backend {backend!r}")
            results.append(run_backend(backend, args, workdir, floor_cache))
    finally:
        if args.keep:
            print(f"kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    report(results, args, time.monotonic() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
