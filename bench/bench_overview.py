#!/usr/bin/env python3
"""Latency of the overview API (/api/pinterest/overview and /posts) on a year of data for
one account, next to a DuckDB floor computing the same aggregates in memory.

One run, per backend (--backends sqlite[,postgresql]):

1. Migrates a fresh database and loads it with the product's own demo generator, as
   `pinsight demo --pins N --days D` does (pinsight.demo.generator.seed_demo; --pins
   default 10,000, --days 365, "today" fixed by --today): ONE account whose pins are
   created over the days, each with daily rows from its creation on (long-tailed
   popularity, decay, weekday factor, app types, some paid and video pins), appended in
   bulk, then the derived tables rebuilt (store.organic.rollups.rebuild), as an archive import
   would. An API key is made with the service pinsight apikey uses.
2. Times, over HTTP (one uvicorn server in a child process, as bench_analytics does;
   --http-requests sequential requests each, p50 / p99) and in-process (the service
   function, median of --repeats calls):
   (o) overview, last 90 days, UNCACHED: every request asks for a different 90-day range
       (the end moves back a day each time), so each one is computed;
   (c) overview, last 90 days, CACHED: the same request again and again;
   (p) posts, last 30 days, first page of 25, uncached the same way.
3. Floor: the rows in an in-memory DuckDB table computing the same aggregates (the six
   totals for both periods, the post counts, per-post totals of the period's posts with
   the six rankings; for posts, the period's post totals). Targets: uncached p50 <= 40 ms,
   cached p50 <= 3 ms, posts p50 <= 40 ms, over HTTP.

A benchmark, not a test: it asserts nothing about timing. Loopback only.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import sys
import tempfile
import time
import zoneinfo
from datetime import date, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(ROOT))

import bench_analytics as ba  # noqa: E402  (the loader, timers and server helpers)

TARGETS_MS = {"o": 40.0, "c": 3.0, "p": 40.0}
LABELS = {"o": "overview last 90 d, uncached", "c": "overview last 90 d, cached", "p": "posts last 30 d, uncached"}


def export_pins(engine, user_id: int, csv_path: Path) -> None:
    """The user's pins (id, created_at) as CSV, for DuckDB."""
    from sqlalchemy import select

    from pinsight.store.tables import pins

    with engine.connect() as conn, csv_path.open("w", newline="") as out:
        rows = conn.execute(select(pins.c.id, pins.c.created_at).where(pins.c.owner_id == user_id)).all()
        csv.writer(out).writerows((pin_id, created.isoformat(sep=" ")) for pin_id, created in rows)


def duckdb_floor(workdir: Path, today: date, repeats: int) -> dict[str, list[float]]:
    """The same aggregates over the rows in memory (loading is not timed)."""
    import duckdb

    from pinsight.catalog.metrics import STORED_COLUMNS

    con = duckdb.connect(":memory:")
    names = ["pin_id", "day", "app_type", "traffic", "owner_id", *STORED_COLUMNS]
    types = "{" + ", ".join(f"'{n}': '{'DATE' if n == 'day' else 'VARCHAR' if n in ('app_type', 'traffic') else 'BIGINT'}'"
                            for n in names) + "}"
    con.execute(f"CREATE TABLE daily AS SELECT * FROM read_csv('{workdir / 'rows.csv'}', header=false, columns={types})")
    con.execute(f"CREATE TABLE pins AS SELECT * FROM read_csv('{workdir / 'pins.csv'}', header=false, "
                "columns={'id': 'BIGINT', 'created_at': 'TIMESTAMP'})")
    yesterday = today - timedelta(days=1)

    def overview_sql(days: int) -> list[str]:
        first, before = yesterday - timedelta(days=days - 1), yesterday - timedelta(days=2 * days - 1)
        totals = ("sum(impression), sum(save), sum(total_comments), sum(repin), sum(pin_click + outbound_click)")
        period = (f"CASE WHEN day >= DATE '{first}' THEN 'current' ELSE 'last' END")
        return [
            f"SELECT {period} AS p, {totals} FROM daily WHERE day BETWEEN DATE '{before}' AND DATE '{yesterday}' GROUP BY p",
            f"SELECT count(*) FILTER (WHERE created_at >= TIMESTAMP '{first}'), count(*) FILTER (WHERE created_at < "
            f"TIMESTAMP '{first}') FROM pins WHERE created_at >= TIMESTAMP '{before}' AND created_at < TIMESTAMP '{today}'",
            f"WITH posts AS (SELECT d.pin_id, sum(impression) AS views, sum(repin) AS repins, "
            f"CASE WHEN sum(impression) = 0 THEN 0 ELSE (sum(save) + sum(pin_click) + sum(outbound_click)) / sum(impression) END AS rate "
            f"FROM daily d JOIN pins p ON p.id = d.pin_id WHERE p.created_at >= TIMESTAMP '{first}' AND p.created_at < "
            f"TIMESTAMP '{today}' AND d.day BETWEEN DATE '{first}' AND DATE '{yesterday}' GROUP BY d.pin_id) "
            "SELECT * FROM (SELECT 'most_engaging', pin_id FROM posts ORDER BY rate DESC, pin_id LIMIT 3) UNION ALL "
            "SELECT * FROM (SELECT 'least_engaging', pin_id FROM posts ORDER BY rate, pin_id LIMIT 3) UNION ALL "
            "SELECT * FROM (SELECT 'most_views', pin_id FROM posts ORDER BY views DESC, pin_id LIMIT 3) UNION ALL "
            "SELECT * FROM (SELECT 'least_views', pin_id FROM posts ORDER BY views, pin_id LIMIT 3) UNION ALL "
            "SELECT * FROM (SELECT 'most_repinned', pin_id FROM posts ORDER BY repins DESC, pin_id LIMIT 3) UNION ALL "
            "SELECT * FROM (SELECT 'least_repinned', pin_id FROM posts ORDER BY repins, pin_id LIMIT 3)",
        ]

    def posts_sql() -> list[str]:
        first = yesterday - timedelta(days=29)
        page = (f"SELECT id FROM pins WHERE created_at >= TIMESTAMP '{first}' AND created_at < TIMESTAMP '{today}' "
                "ORDER BY created_at DESC, id DESC LIMIT 25")
        return overview_sql(30)[:2] + [
            f"SELECT pin_id, sum(impression), sum(save), sum(total_comments), sum(repin), sum(pin_click + outbound_click) "
            f"FROM daily WHERE pin_id IN ({page}) AND day BETWEEN DATE '{first}' AND DATE '{yesterday}' GROUP BY pin_id"
        ]

    def run(queries: list[str]):
        for sql in queries:
            con.execute(sql).fetchall()

    results = {
        "o": ba.time_calls(lambda: run(overview_sql(90)), repeats),
        "p": ba.time_calls(lambda: run(posts_sql()), repeats),
    }
    con.close()
    return results


def http_times(db_url: str, today: date, paths: list[str], label: str, workdir: Path) -> tuple[list[float], int]:
    """One request per path (the first three untimed), on one keep-alive connection."""
    import httpx

    with ba.served(db_url, today, workdir, label) as base, httpx.Client(base_url=base, timeout=60) as client:
        times, size = [], 0
        for n, path in enumerate(paths):
            t0 = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - t0
            if response.status_code != 200:
                raise SystemExit(f"{path[:100]} -> {response.status_code}: {response.text[:300]}")
            size = len(response.content)
            if n >= 3:
                times.append(elapsed)
        return times, size


def run_backend(backend: str, args, workdir: Path) -> dict:
    from pinsight.api.asgi import tune_garbage_collector
    from pinsight.catalog.operations import OPERATIONS
    from pinsight.demo.generator import DEMO_USER
    from pinsight.domain.overview.overview_query import OverviewParams
    from pinsight.services.overview import overview
    from pinsight.services.identity.api_keys import create_api_key

    overview_op, posts_op = OPERATIONS["pinsight/overview"], OPERATIONS["pinsight/posts"]

    today = date.fromisoformat(args.today)
    with ba.bench_database(backend, workdir, "bench_overview") as db_url:
        if db_url is None:
            return {}
        print(f"[{backend}] pinsight demo --pins {args.pins} --days {args.days} ...", file=sys.stderr, flush=True)
        archive = ba.seed_archive(db_url, today, args.pins, args.days, args.seed, full_history=False)
        engine, runtime, user_id = archive.engine, archive.runtime, archive.user_id
        rows, load_s, rollup_s = archive.rows, archive.load_s, archive.rollup_s
        print(f"[{backend}] {rows:,} rows in {load_s:.0f}s, derived tables in {rollup_s:.0f}s", file=sys.stderr, flush=True)
        ba.export_rows(engine, user_id, workdir / "rows.csv")
        export_pins(engine, user_id, workdir / "pins.csv")
        key = create_api_key(runtime, DEMO_USER)

        # Uncached requests differ by time zone only: the same preset, the same work (plus
        # the partial UTC days a zone's midnights create), and a new cache key each time.
        zones = sorted(zoneinfo.available_timezones())

        def params(preset: str, zone: str, **extra) -> dict:
            return {"apiKey": key, "social_network_id": str(user_id), "preset": preset, "timezone": zone, **extra}

        def parsed(query: dict) -> OverviewParams:
            return OverviewParams.from_mapping({name: str(value) for name, value in query.items()})

        def path(kind: str, query: dict) -> str:
            return f"/api/pinterest/{kind}?" + "&".join(f"{k}={v}" for k, v in query.items())

        tune_garbage_collector()
        counter = iter(range(10**6))
        def zone() -> str:
            return zones[next(counter) % len(zones)]

        inproc = {
            "o": ba.time_calls(lambda: overview.overview(runtime, overview_op, parsed(params("last_90_days", zone()))), args.repeats),
            "c": ba.time_calls(lambda: overview.overview(runtime, overview_op, parsed(params("last_90_days", "UTC"))), args.repeats),
            "p": ba.time_calls(lambda: overview.posts(runtime, posts_op, parsed(params("last_30_days", zone(), per_page=25))),
                               args.repeats),
        }
        n = args.http_requests + 3
        later = zones[len(zones) // 2:]  # zones the in-process run did not ask for (a fresh server anyway)
        http = {
            "o": http_times(db_url, today, [path("overview", params("last_90_days", later[i])) for i in range(n)], "o", workdir),
            "c": http_times(db_url, today, [path("overview", params("last_90_days", "UTC"))] * n, "c", workdir),
            "p": http_times(db_url, today, [path("posts", params("last_30_days", later[i], per_page=25)) for i in range(n)],
                            "p", workdir),
        }
        print(f"[{backend}] DuckDB floor ...", file=sys.stderr, flush=True)
        duck = duckdb_floor(workdir, today, args.repeats)
        engine.dispose()
        return {"backend": backend, "rows": rows, "load_s": load_s, "rollup_s": rollup_s, "inproc": inproc, "http": http,
                "duck": duck}


def report(results: list[dict], args) -> None:
    print("pinsight overview API benchmark")
    print("=" * 96)
    print(f"data: ONE account, {args.pins:,} pins created over {args.days} days, rows from each pin's creation; "
          f"PINSIGHT_TODAY={args.today}")
    print(f"HTTP: {args.http_requests} sequential requests per line, one keep-alive connection, 1 uvicorn worker")
    for res in results:
        if not res:
            continue
        b = res["backend"]
        print(f"\n[{b}] {res['rows']:,} rows appended in {res['load_s']:.0f}s; derived tables rebuilt in {res['rollup_s']:.0f}s")
        print(f"{'request':<34}{'in-proc ms':>11}{'DuckDB ms':>10}{'HTTP p50':>10}{'p99':>8}  {'target':<18}{'body B':>8}")
        for key, label in LABELS.items():
            inproc = statistics.median(res["inproc"][key]) * 1000
            duck = res["duck"].get("o" if key == "c" else key)
            duck_ms = f"{statistics.median(duck) * 1000:.2f}" if duck else "-"
            times, size = res["http"][key]
            p50, p99 = ba.pct(times, 50) * 1000, ba.pct(times, 99) * 1000
            verdict = "MET" if p50 <= TARGETS_MS[key] else "NOT MET"
            print(f"({key}) {label:<30}{inproc:>11.1f}{duck_ms:>10}{p50:>10.1f}{p99:>8.1f}  "
                  f"{'<= %g ms ' % TARGETS_MS[key] + verdict:<18}{size:>8,}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default="sqlite")
    parser.add_argument("--pins", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--today", default="2025-06-30")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--http-requests", type=int, default=40)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="pinsight-bench-overview-"))
    results = []
    try:
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            results.append(run_backend(backend, args, workdir))
    finally:
        if args.keep:
            print(f"kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    report(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
