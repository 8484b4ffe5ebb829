#!/usr/bin/env python3
"""Latency of pinsight's analytics reads on a year of daily rows, next to a DuckDB floor.

One run, per backend (SQLite always; PostgreSQL when its binaries exist and it is asked
for with --backends sqlite,postgresql):

1. Migrates a fresh database and loads it with the product's own demo generator, as
   `pinsight demo --pins N --days D --full-history` does (pinsight.demo.generator.seed_demo;
   --pins default 10,000, --days 365, "today" fixed by --today and passed to the server
   as PINSIGHT_TODAY): ONE user whose pins all exist from the first day, so each has
   --days days of daily rows (long-tailed popularity, decay, weekday factor, 3 app types,
   PAID rows for promoted pins, video metrics for video pins, no row for zero
   impressions; two pins in three link to the user's website), appended in bulk, then
   the derived tables rebuilt with pinsight.store.organic.rollups.rebuild, as an archive import
   would (both timed apart).
2. Measures (a) multi-pin analytics (100 pins x 90 days, IMPRESSION, SAVE, SAVE_RATE,
   PIN_CLICK, OUTBOUND_CLICK), (b) user account analytics 90 days NO_SPLIT, (c) the same
   split by APP_TYPE, (d) top 50 pins by SAVE over 90 days, (e) account analytics split
   by OWNED_CONTENT (claimed content: a third of the pins link elsewhere), (f) top 50 pins
   by SAVE with app_types=WEB:
   - in-process: the service functions called with a Runtime and the Principal from
     pinsight.services.identity.auth.authenticate (median of --repeats calls after a warm-up);
   - over HTTP: ONE uvicorn server in a child process (bench_pins.py's server, the same
     uvicorn.run() as `pinsight serve`), --http-requests sequential httpx requests on
     one keep-alive connection per endpoint, p50 / p99.
3. The floor: the same rows loaded into an in-memory DuckDB table (from a CSV exported
   after loading; only the aggregate queries are timed), computing the same aggregates.
   Prints in-process / DuckDB ratio (target <= 3x) and HTTP p50 (target <= 50 ms).
4. --scale-pins M (default 0 = off): loads a second account of M pins with 90 days of
   rows each (the window only) and re-times top pins and its floor there.

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
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
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

ENDPOINTS = [
    ("a", "multi-pin analytics 100 pins x 90 d"),
    ("b", "account analytics 90 d NO_SPLIT"),
    ("c", "account analytics 90 d APP_TYPE"),
    ("d", "top 50 pins by SAVE, 90 d"),
    ("e", "account analytics 90 d OWNED_CONTENT"),
    ("f", "top 50 pins by SAVE, 90 d, WEB"),
]


# ---- data ---------------------------------------------------------------------------------


@dataclass
class Archive:
    """A benchmark's account, made by the product's own demo generator."""

    engine: object
    runtime: object
    user_id: int
    token: str
    pin_ids: list[int]  # the demo user's own pins, oldest first
    rows: int  # the demo user's daily rows
    load_s: float  # pins created and daily rows generated and appended
    rollup_s: float  # derived tables rebuilt from the daily rows (store.organic.rollups.rebuild)


def seed_archive(db_url: str, today: date, pins: int, days: int, seed: int, *, full_history: bool) -> Archive:
    """Migrate a fresh database and load it as `pinsight demo --pins N --days D [--full-history]`
    does (pinsight.demo.generator.seed_demo, "today" fixed), timing its stages."""
    from sqlalchemy import func, select

    from pinsight.catalog.scopes import ALL_SCOPES
    from pinsight.demo.generator import DEMO_USER, STAGE_DERIVED, seed_demo
    from pinsight.services.identity.auth import create_user_token
    from pinsight.services.runtime import Runtime
    from pinsight.settings import Settings
    from pinsight.store.db import make_engine, migrate
    from pinsight.store.tables import pin_daily_metrics, pins as pins_table, users

    engine = make_engine(db_url)
    migrate(engine)
    runtime = Runtime.build(engine, Settings(database_url=db_url, log_requests=False, today=today.isoformat()))
    marks: dict[str, float] = {}
    last_shown = [0.0]

    def progress(stage: str, completed: int, total: int | None) -> None:
        now = time.perf_counter()
        marks.setdefault(stage, now)
        if total and now - last_shown[0] > 15:
            last_shown[0] = now
            print(f"    {stage}: {completed:,} of {total:,}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    seed_demo(engine, runtime.clock.now(), seed=seed, days=days, pins=pins, full_history=full_history, progress=progress)
    finished = time.perf_counter()
    with engine.connect() as conn:
        user_id = conn.execute(select(users.c.id).where(users.c.username == DEMO_USER)).scalar_one()
        pin_ids = list(conn.execute(select(pins_table.c.id).where(pins_table.c.owner_id == user_id,
                                                                  pins_table.c.parent_pin_id.is_(None))
                                    .order_by(pins_table.c.id)).scalars())
        rows = conn.execute(select(func.count()).select_from(pin_daily_metrics)
                            .where(pin_daily_metrics.c.owner_id == user_id)).scalar_one()
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    token = create_user_token(runtime, DEMO_USER, frozenset(ALL_SCOPES))
    derived_from = marks.get(STAGE_DERIVED, finished)
    return Archive(engine, runtime, user_id, token, pin_ids, rows, derived_from - started, finished - derived_from)


def export_rows(engine, user_id: int, csv_path: Path) -> None:
    """The user's daily rows as CSV (pin_id, day, app_type, traffic, owner_id, stored columns), for DuckDB."""
    from sqlalchemy import text

    from pinsight.catalog.metrics import STORED_COLUMNS

    query = text(f"SELECT pin_id, day, app_type, traffic, owner_id, {', '.join(STORED_COLUMNS)} "
                 "FROM pin_daily_metrics WHERE owner_id = :owner")
    with engine.connect() as conn, csv_path.open("w", newline="") as out:
        writer = csv.writer(out)
        for part in conn.execute(query, {"owner": user_id}, execution_options={"yield_per": 50_000}).partitions():
            writer.writerows(part)


def owned_content(engine, user_id: int) -> dict[int, str]:
    """Each of the user's pins' claimed-content class (for the DuckDB floor)."""
    from sqlalchemy import select

    from pinsight.domain.organic.claimed_content import owned_content_of, website_host
    from pinsight.store.tables import pins, users

    with engine.connect() as conn:
        host = website_host(conn.execute(select(users.c.website_url).where(users.c.id == user_id)).scalar_one())
        links = conn.execute(select(pins.c.id, pins.c.link).where(pins.c.owner_id == user_id)).all()
    return {pin_id: owned_content_of(link, host) for pin_id, link in links}


# ---- the four reads -----------------------------------------------------------------------


def calls(runtime, principal, multi_ids: list[int], start: date, end: date):
    from pinsight.services.organic import account_analytics
    from pinsight.services.organic import analytics

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
def served(db_url: str, today: date, workdir: Path, label: str, workers: int = 1):
    """ONE uvicorn server (bench_pins.py's, as `pinsight serve` runs it; one worker unless
    told) on ``db_url`` in a child process, with PINSIGHT_TODAY=today; yields its base URL
    and stops it after."""
    port = bench_pins.free_port()
    base = f"http://{HOST}:{port}"
    env = {**os.environ, "PINSIGHT_DATABASE_URL": db_url, "PINSIGHT_TODAY": today.isoformat(),
           "PINSIGHT_LOG_REQUESTS": "false", **bench_pins.rate_limit_env(),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH_DIR), os.environ.get("PYTHONPATH")]))}
    log = workdir / f"server-{label}.log"
    cmd = [sys.executable, str(BENCH_DIR / "bench_pins.py"), "--serve-port", str(port), "--workers", str(workers)]
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
    today = date.fromisoformat(args.today)
    with bench_database(backend, workdir, "bench_analytics") as db_url:
        if db_url is None:
            return {}
        return _run_backend(backend, db_url, args, workdir, floor_cache, today)


@contextlib.contextmanager
def bench_database(backend: str, workdir: Path, name: str, keep: bool = False, pg_options: str = ""):
    """A database URL: a SQLite file in ``workdir``, or a PostgreSQL server started as the
    tests start one (None when its binaries are missing), stopped afterwards. With ``keep``
    the PostgreSQL server's data lives in ``workdir`` too and is used again next time."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / (name + '.sqlite3')}"
        return
    from tests.support.postgres import PostgresServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        print("PostgreSQL binaries not found: skipping postgresql", file=sys.stderr)
        yield None
        return
    server = PostgresServer(bindir, workdir / "postgresql" if keep else None, pg_options)
    server.start()
    try:
        yield server.create_database(name)
    finally:
        server.stop()


def _run_backend(backend, db_url, args, workdir, floor_cache, today):
    from pinsight.api.asgi import tune_garbage_collector
    from pinsight.services.identity.auth import authenticate

    start, end = today - timedelta(days=WINDOW_DAYS - 1), today
    res: dict = {"backend": backend}
    print(f"[{backend}] pinsight demo --pins {args.pins} --days {args.days} --full-history ...", file=sys.stderr, flush=True)
    archive = seed_archive(db_url, today, args.pins, args.days, args.seed, full_history=True)
    res.update(pins_loaded=len(archive.pin_ids), rows=archive.rows, load_s=archive.load_s, rollup_s=archive.rollup_s)
    print(f"[{backend}] {archive.rows:,} rows for {len(archive.pin_ids):,} pins in {archive.load_s:.1f}s; derived tables "
          f"rebuilt in {archive.rollup_s:.1f}s", file=sys.stderr, flush=True)
    tune_garbage_collector()  # as the server does at start-up (pinsight.api.asgi.build)
    principal = authenticate(archive.runtime, archive.token)
    multi_ids = archive.pin_ids[:MULTI_PINS]
    fns = calls(archive.runtime, principal, multi_ids, start, end)
    sizes = {}
    res["inproc"] = {}
    for key in args.endpoints:
        sizes[key] = len(str(fns[key]()))
        res["inproc"][key] = time_calls(fns[key], args.repeats)
        print(f"[{backend}] in-process ({key}) median {statistics.median(res['inproc'][key]) * 1000:.1f} ms", file=sys.stderr, flush=True)
    cache_key = (res["pins_loaded"], res["rows"])
    if cache_key not in floor_cache:
        print(f"[{backend}] DuckDB floor ...", file=sys.stderr, flush=True)
        csv_path = workdir / f"rows-{backend}.csv"
        export_rows(archive.engine, archive.user_id, csv_path)
        floor_cache[cache_key] = duckdb_floor(csv_path, archive.user_id, multi_ids, start, end, args.repeats,
                                              owned_content(archive.engine, archive.user_id), args.endpoints)
        csv_path.unlink(missing_ok=True)
    res["duck"], res["duck_load_s"], res["duck_rows"] = floor_cache[cache_key]
    if args.http_requests > 0:
        print(f"[{backend}] HTTP ...", file=sys.stderr, flush=True)
        paths = {key: path for key, path in http_paths(multi_ids, start, end).items() if key in args.endpoints}
        res["http"] = run_http(db_url, today, archive.token, paths, args.http_requests, workdir, backend)
    if args.profile:
        profile_calls(fns, args.profile)
    archive.engine.dispose()
    # ---- scale: a second account of --scale-pins pins with 90-day histories, top pins again
    res["scale"] = []
    if args.scale_pins and args.scale_pins > res["pins_loaded"] and "d" in args.endpoints:
        res["scale"].append((res["pins_loaded"], res["rows"], statistics.median(res["inproc"]["d"]),
                             statistics.median(res["duck"]["d"])))
        print(f"[{backend}] scale: pinsight demo --pins {args.scale_pins} --days {WINDOW_DAYS} --full-history ...",
              file=sys.stderr, flush=True)
        with bench_database(backend, workdir, "bench_analytics_scale") as scale_url:
            scaled = seed_archive(scale_url, today, args.scale_pins, WINDOW_DAYS, args.seed, full_history=True)
            principal = authenticate(scaled.runtime, scaled.token)
            times = time_calls(calls(scaled.runtime, principal, scaled.pin_ids[:MULTI_PINS], start, end)["d"], args.repeats)
            scale_csv = workdir / f"rows-{backend}-scale.csv"
            export_rows(scaled.engine, scaled.user_id, scale_csv)
            duck, _, _ = duckdb_floor(scale_csv, scaled.user_id, scaled.pin_ids[:MULTI_PINS], start, end, args.repeats,
                                      owned_content(scaled.engine, scaled.user_id), "d")
            scale_csv.unlink(missing_ok=True)
            res["scale"].append((len(scaled.pin_ids), scaled.rows, statistics.median(times), statistics.median(duck["d"])))
            res["scale_load"] = (len(scaled.pin_ids), scaled.rows, scaled.load_s)
            res["scale_rollup_s"] = scaled.rollup_s
            scaled.engine.dispose()
    res["sizes"] = sizes
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
    print(f"data      : ONE user, {args.pins:,} pins x {args.days} days (pinsight demo --full-history), "
          f"PINSIGHT_TODAY={args.today}, window {WINDOW_DAYS} days, seed {args.seed}")
    print(f"timing    : in-process = median of {args.repeats} calls of the service function (after 2 warm-up calls); "
          f"DuckDB = median of {args.repeats} queries on an in-memory table;")
    print(f"            HTTP = {args.http_requests} sequential requests, one keep-alive httpx connection, 1 uvicorn worker")
    for res in results:
        if not res:
            continue
        b = res["backend"]
        print()
        print(f"[{b}] load: {res['rows']:,} rows for {res['pins_loaded']:,} pins created and appended (pinsight.demo, "
              f"store.loading) in {res['load_s']:.1f}s = {res['rows'] / res['load_s']:,.0f} rows/s")
        print(f"[{b}] derived tables (store.organic.rollups.rebuild) built in {res['rollup_s']:.1f}s")
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
            print(f"[{b}] top 50 pins by SAVE as the pin count grows (the second account's pins carry {WINDOW_DAYS}-day rows only):")
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
    parser.add_argument("--scale-pins", type=int, default=0,
                        help="re-time top pins on an account of this many pins with 90-day histories (0: off)")
    parser.add_argument("--profile", default="", help="cProfile these endpoints in-process, e.g. 'abcd'")
    parser.add_argument("--endpoints", default="".join(key for key, _ in ENDPOINTS),
                        help="which endpoints to time, e.g. 'ef' (default: all)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")

    args = parser.parse_args()
    if args.days < WINDOW_DAYS:
        parser.error(f"--days must be >= {WINDOW_DAYS}")
    if args.pins < MULTI_PINS + 2:
        parser.error(f"--pins must be >= {MULTI_PINS + 2}")
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
