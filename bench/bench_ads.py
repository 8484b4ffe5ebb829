#!/usr/bin/env python3
"""Sync ads analytics and ad-action ingestion on the issue's benchmark account, next to a
DuckDB floor.

Per backend (SQLite; PostgreSQL too with --backends sqlite,postgresql, started as the tests
start one):

1. Builds the account with the product's own generator (``pinsight.demo.ads.seed_ads``,
   what ``pinsight demo --ads benchmark`` runs): by default 50 campaigns, 500 ad groups,
   5,000 ads, 365 days, 20,000,000 ad actions and 1,000,000 conversions, through the same
   write paths as the API (actions stored and rolled up per day and zone; conversions
   stored, their latest touches found, the conversion rollup kept). Times each stage.
2. Ingestion over HTTP: --ingest-batches batches of 50,000 ad actions (pre-serialised
   JSON) POSTed to /api/v1/ad_events of a served app, into a second account; actions/s,
   half of them from one client to one server worker, half from two clients at once to
   two workers (checking one batch overlaps writing another: the database's writer is one).
3. Analytics over HTTP (one uvicorn worker, PINSIGHT_TODAY fixed), --http-requests each:
   (a) ads/analytics for 250 ads (the spec's maximum per request), 90 days, DAY, 20
       columns including conversions, windows 30/30/1;
   (b) the same with windows 7/1/0;
   (c) all 5,000 ads: the 20 requests of 250 that cover them, summed;
   (d) campaigns/analytics for all 50 campaigns (every ad's figures), 90 days, DAY.
4. The floor: the same rollup rows (the account's ad_delivery_daily and
   ad_conversion_daily) in an in-memory DuckDB, the same aggregates for (a), (b), (d).

With --keep the databases stay in --workdir (PostgreSQL's data too, its server stopped
between runs) and a later run with the same --workdir measures them again without
building: the build of the full account takes most of an hour per backend.

PostgreSQL runs with shared_buffers 2GB and work_mem 64MB (a small production setting
for a 24 GiB machine; the tests' defaults are 128MB and 4MB), fsync off as in the tests.

A benchmark, not a test: it prints figures and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import orjson

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(ROOT))

import bench_analytics  # noqa: E402  (served, bench_database, pct)

COLUMNS = [
    "SPEND_IN_MICRO_DOLLAR", "PAID_IMPRESSION", "CLICKTHROUGH_1", "OUTBOUND_CLICK_1", "CTR", "CPC_IN_MICRO_DOLLAR",
    "CPM_IN_MICRO_DOLLAR", "ENGAGEMENT_1", "ENGAGEMENT_RATE", "VIDEO_MRC_VIEWS_1", "TOTAL_CONVERSIONS",
    "TOTAL_CHECKOUT", "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR", "TOTAL_CLICK_CHECKOUT", "TOTAL_VIEW_CHECKOUT",
    "TOTAL_ENGAGEMENT_CHECKOUT", "TOTAL_WEB_CHECKOUT", "TOTAL_LEAD", "TOTAL_PAGE_VISIT", "CHECKOUT_ROAS",
]
WINDOW_SETS = {"a": (30, 30, 1), "b": (7, 1, 0)}
DAYS = 90
PG_OPTIONS = "-c shared_buffers=2GB -c work_mem=64MB"
KEPT = ("account", "ads", "other_account", "other_ads", "load_s", "actions_s", "conversions_s")


def build(db_url: str, today: date, args) -> dict:
    """Migrate, create the owner and the ad account, and seed the benchmark history."""
    from pinsight.catalog.scopes import ALL_SCOPES
    from pinsight.demo.ads import STAGE_ACTIONS, STAGE_CONVERSIONS, AdsPlan, seed_ads
    from pinsight.domain.ids import IdGenerator
    from pinsight.services.identity.auth import create_user_token
    from pinsight.services.runtime import Runtime
    from pinsight.settings import Settings
    from pinsight.store.ads import ads as ads_store
    from pinsight.store.content import content
    from pinsight.store.db import STATEMENT_TIMEOUT, WRITE, make_engine, migrate, writing

    engine = make_engine(db_url)
    migrate(engine)
    runtime = Runtime.build(engine, Settings(database_url=db_url, log_requests=False, today=today.isoformat()))
    now = runtime.clock.now()
    ids = IdGenerator(tag=7)
    user_id, account_id, other_account = ids.next_id(), ids.next_short_id(), ids.next_short_id()
    with writing(engine) as conn:
        content.insert_user(conn, id=user_id, username="bench_ads", account_type="BUSINESS", business_name=None,
                            about="", website_url="", profile_image="", follower_count=0, following_count=0,
                            monthly_views=0, created_at=now - timedelta(days=400))
        for account in (account_id, other_account):
            ads_store.insert_ad_account(conn, id=account, owner_id=user_id, name="Bench ads", country="US",
                                        currency="USD", created_at=now - timedelta(days=400),
                                        updated_at=now - timedelta(days=400))
    plan = AdsPlan(campaigns=args.campaigns, ad_groups_per_campaign=args.ad_groups, ads_per_ad_group=args.ads,
                   days=args.days, actions=args.actions, conversions=args.conversions, people=args.people)
    pins = [(10**18 + n, "VIDEO" if n % 5 == 0 else "REGULAR") for n in range(1000)]
    marks: dict[str, float] = {}
    shown = [0.0]

    def report(stage: str, done: int, total: int | None) -> None:
        clock = time.perf_counter()
        marks.setdefault(stage, clock)
        marks[stage + " end"] = clock
        if clock - shown[0] > 30:
            shown[0] = clock
            print(f"    {stage}: {done:,} of {total:,}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    # Committed after each chunk (seed_ads's checkpoint): one transaction of 20 million
    # actions grew SQLite's write-ahead log past 10 GB and slowed every write.
    with engine.execution_options(**{STATEMENT_TIMEOUT: 0}).connect() as conn:
        conn.execution_options(**{WRITE: True})

        def checkpoint() -> None:
            conn.commit()
            conn.begin()

        conn.begin()
        ad_ids = seed_ads(conn, account_id, pins, now, 42, plan, ids.next_short_id, report, checkpoint)
        conn.commit()
    finished = time.perf_counter()
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    with writing(engine) as conn:
        other_ads = seed_ads(conn, other_account, pins[:5], now, 43,
                             AdsPlan(campaigns=1, ad_groups_per_campaign=1, ads_per_ad_group=5, days=30, actions=0,
                                     conversions=0, people=1), ids.next_short_id)
    token = create_user_token(runtime, "bench_ads", frozenset(ALL_SCOPES))
    actions_s = marks.get(STAGE_ACTIONS + " end", finished) - marks.get(STAGE_ACTIONS, started)
    conversions_s = marks.get(STAGE_CONVERSIONS + " end", finished) - marks.get(STAGE_CONVERSIONS, finished)
    return {"engine": engine, "account": account_id, "ads": ad_ids, "other_account": other_account,
            "other_ads": other_ads, "token": token, "load_s": finished - started, "actions_s": actions_s,
            "conversions_s": conversions_s}


def reopen(db_url: str, today: date, kept: dict) -> dict:
    """A database an earlier run built and kept: migrated to this checkout, a fresh token."""
    from pinsight.catalog.scopes import ALL_SCOPES
    from pinsight.services.identity.auth import create_user_token
    from pinsight.services.runtime import Runtime
    from pinsight.settings import Settings
    from pinsight.store.db import make_engine, migrate

    engine = make_engine(db_url)
    migrate(engine)
    runtime = Runtime.build(engine, Settings(database_url=db_url, log_requests=False, today=today.isoformat()))
    token = create_user_token(runtime, "bench_ads", frozenset(ALL_SCOPES))
    return {**kept, "engine": engine, "token": token}


def ingest_batches(ads: list[int], today: date, batches: int, run: str = "") -> list[bytes]:
    """Pre-serialised batches of 50,000 ad actions over the last 30 days (JSON arrays);
    ``run`` tags their ids, so that each run on a kept database sends new ones."""
    end = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    bodies = []
    for b in range(batches):
        items = []
        for n in range(50_000):
            moment = end - timedelta(seconds=(b * 50_000 + n) * 37 % (30 * 86400) + 1)
            person = hashlib.sha256(f"ingest-{n % 20_000}".encode()).hexdigest()
            items.append({"id": f"ingest{run}-{b}-{n}", "ad_id": str(ads[n % len(ads)]),
                          "type": "IMPRESSION" if n % 10 else "CLICK",
                          "timestamp": moment.isoformat().replace("+00:00", "Z"), "user": {"em": person},
                          "spend_micro_dollar": 4000, "app_type": "iphone"})
        bodies.append(orjson.dumps(items))
    return bodies


def http_paths(built: dict, start: date, end: date) -> dict[str, list[str]]:
    account, ads = built["account"], built["ads"]
    period = f"start_date={start}&end_date={end}&granularity=DAY&columns={','.join(COLUMNS)}"
    paths = {}
    for key, (click, engagement, view) in WINDOW_SETS.items():
        paths[key] = [f"/v5/ad_accounts/{account}/ads/analytics?{period}&ad_ids={','.join(map(str, ads[:250]))}"
                      f"&click_window_days={click}&engagement_window_days={engagement}&view_window_days={view}"]
    paths["c"] = [f"/v5/ad_accounts/{account}/ads/analytics?{period}&ad_ids={','.join(map(str, ads[n:n + 250]))}"
                  for n in range(0, len(ads), 250)]
    return paths


def campaign_path(built: dict, start: date, end: date) -> str:
    from sqlalchemy import select

    from pinsight.store.tables import campaigns

    with built["engine"].connect() as conn:
        ids = conn.execute(select(campaigns.c.id).where(campaigns.c.ad_account_id == built["account"])).scalars().all()
    return (f"/v5/ad_accounts/{built['account']}/campaigns/analytics?start_date={start}&end_date={end}"
            f"&granularity=DAY&columns={','.join(COLUMNS)}&campaign_ids={','.join(map(str, ids[:250]))}")


def post_batches(base: str, token: str, bodies: list[bytes], clients: int) -> float:
    """POST the batches from ``clients`` threads at once (each its own connection, taking
    the next batch when its last is answered); the seconds until all are applied."""
    import threading

    import httpx

    queue = list(reversed(bodies))
    failures: list[str] = []
    lock = threading.Lock()

    def client_loop():
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=600) as client:
            while True:
                with lock:
                    if not queue or failures:
                        return
                    body = queue.pop()
                answer = client.post("/api/v1/ad_events", content=body, headers={"Content-Type": "application/json"})
                if answer.status_code != 200:
                    failures.append(f"ingest -> {answer.status_code}: {answer.text[:300]}")

    started = time.perf_counter()
    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(failures[0])
    return time.perf_counter() - started


def run_http(db_url: str, today: date, built: dict, paths: dict, n: int, workdir: Path, label: str, bodies) -> dict:
    import httpx

    out: dict = {}
    half = len(bodies) // 2
    with bench_analytics.served(db_url, today, workdir, label) as base:
        out["ingest"] = (half * 50_000, post_batches(base, built["token"], bodies[:half], 1))
        headers = {"Authorization": f"Bearer {built['token']}"}
        with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
            for key, group in paths.items():
                first = client.get(group[0])
                if first.status_code != 200:
                    raise SystemExit(f"{group[0][:100]}... -> {first.status_code}: {first.text[:300]}")
                rows, size = len(first.json()), len(first.content)
                times = []
                deadline = time.perf_counter() + 180
                for _ in range(n if len(group) == 1 else max(3, n // 10)):
                    t0 = time.perf_counter()
                    for path in group:
                        client.get(path).raise_for_status()
                    times.append(time.perf_counter() - t0)
                    if time.perf_counter() > deadline and len(times) >= 5:
                        break
                out[key] = (times, rows, size)
    with bench_analytics.served(db_url, today, workdir, label + "-2", workers=2) as base:
        out["ingest2"] = ((len(bodies) - half) * 50_000, post_batches(base, built["token"], bodies[half:], 2))
    return out


def duckdb_floor(built: dict, start: date, end: date, repeats: int, workdir: Path) -> dict:
    """The same aggregates over the same rollup rows, in an in-memory DuckDB."""
    import csv

    import duckdb
    from sqlalchemy import select

    from pinsight.store.tables import DELIVERY_COUNTS, ad_conversion_daily, ad_delivery_daily

    from pinsight.store.db import STATEMENT_TIMEOUT

    con = duckdb.connect()
    # The export reads millions of rollup rows: past the server's statement time limit.
    with built["engine"].execution_options(**{STATEMENT_TIMEOUT: 0}).connect() as conn:
        for table in (ad_delivery_daily, ad_conversion_daily):
            path = workdir / f"{table.name}.csv"  # exported once; only the aggregates are timed
            with path.open("w", newline="") as out:
                writer = csv.writer(out)
                writer.writerow([column.name for column in table.columns])
                query = select(table).where(table.c.ad_account_id == built["account"])
                # (yield_per on the statement: on the connection it would stream the SET that
                # begins the transaction too, through a server-side cursor)
                for part in conn.execute(query, execution_options={"yield_per": 50_000}).partitions():
                    writer.writerows(part)
            con.execute(f"CREATE TABLE {table.name} AS SELECT * FROM read_csv_auto('{path}', header = true)")
    ads = ",".join(map(str, built["ads"][:250]))
    sums = ", ".join(f"sum({name})" for name in (*DELIVERY_COUNTS, "spend_micro_dollar"))

    def queries(click, engagement, view, level="ad_id", filter_sql=f"ad_id IN ({ads})"):
        delivery = (f"SELECT {level}, day, {sums} FROM ad_delivery_daily WHERE ad_account_id = {built['account']} "
                    f"AND zone = 'UTC' AND day BETWEEN '{start}' AND '{end}' AND {filter_sql} GROUP BY {level}, day")
        conversions = (
            f"SELECT {level}, day, kind, event_name, action_source, sum(conversions), sum(value_micro), sum(quantity) "
            f"FROM ad_conversion_daily WHERE ad_account_id = {built['account']} AND zone = 'UTC' "
            f"AND report_time = 'TIME_OF_AD_ACTION' AND attribution_type = 'HOUSEHOLD' "
            f"AND day BETWEEN '{start}' AND '{end}' AND {filter_sql} AND ("
            f"(kind = 'CLICK' AND reach_days <= {click}) OR (kind = 'ENGAGEMENT' AND reach_days <= {engagement} "
            f"AND click_reach_days > {click}) OR (kind = 'VIEW' AND reach_days <= {view} AND click_reach_days > {click} "
            f"AND engagement_reach_days > {engagement})) GROUP BY {level}, day, kind, event_name, action_source")
        return delivery, conversions

    results = {}
    for key, windows in (("a", WINDOW_SETS["a"]), ("b", WINDOW_SETS["b"]), ("d", WINDOW_SETS["a"])):
        pair = queries(*windows) if key != "d" else queries(*windows, level="campaign_id", filter_sql="TRUE")
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            for sql in pair:
                con.execute(sql).fetchall()
            times.append(time.perf_counter() - t0)
        results[key] = times
    con.close()
    return results


def median_ms(values) -> float:
    return statistics.median(values) * 1000


def account_parser(description: str, http_requests: int = 30) -> argparse.ArgumentParser:
    """The options every benchmark of this account takes (this script, bench_targeting.py,
    bench_audiences.py): backends, the account's size, repeats, today and --keep."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--backends", default="sqlite")
    parser.add_argument("--actions", type=int, default=20_000_000)
    parser.add_argument("--conversions", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=2_000_000)
    parser.add_argument("--campaigns", type=int, default=50)
    parser.add_argument("--ad-groups", type=int, default=10, help="per campaign")
    parser.add_argument("--ads", type=int, default=10, help="per ad group")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--http-requests", type=int, default=http_requests)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--today", default="2026-12-01")
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--keep", action="store_true",
                        help="keep the databases in --workdir (shared by the account's benchmarks); measure kept ones again")
    return parser


def parse_account_args(parser: argparse.ArgumentParser, prefix: str) -> tuple[argparse.Namespace, Path]:
    """The parsed options and the work directory (made if new)."""
    args = parser.parse_args()
    if args.keep and not args.workdir:
        parser.error("--keep needs --workdir")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix=prefix))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"{prefix.rstrip('_')}: {os.cpu_count()} CPUs; work in {workdir}", file=sys.stderr)
    return args, workdir


def kept_or_built(backend: str, db_url: str, today: date, args, workdir: Path) -> tuple[dict, dict, bool]:
    """The account kept in ``workdir`` by an earlier run (migrated to this checkout), or a
    new one built here (and kept with --keep): (built, its sizes, whether it was kept)."""
    record = workdir / f"bench_ads_{backend}.json"
    if args.keep and record.exists():
        kept = json.loads(record.read_text())
        print(f"[{backend}] measuring the account kept in {workdir} ({kept['actions']:,} ad actions, "
              f"{kept['conversions']:,} conversions); migrating it to this checkout ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        built = reopen(db_url, today, kept)
        print(f"[{backend}] migrated in {time.perf_counter() - t0:.0f} s", flush=True)
        return built, kept, True
    print(f"[{backend}] building: {args.actions:,} ad actions, {args.conversions:,} conversions ...",
          file=sys.stderr, flush=True)
    built = build(db_url, today, args)
    sizes = {"actions": args.actions, "conversions": args.conversions}
    if args.keep:
        record.write_text(json.dumps({**{key: built[key] for key in KEPT}, **sizes}))
    return built, sizes, False


def run_backend(backend: str, args, workdir: Path) -> None:
    today = date.fromisoformat(args.today)
    start, end = today - timedelta(days=DAYS - 1), today
    with bench_analytics.bench_database(backend, workdir, "bench_ads", keep=args.keep, pg_options=PG_OPTIONS) as db_url:
        if db_url is None:
            return
        built, kept_sizes, _ = kept_or_built(backend, db_url, today, args, workdir)
        print(f"\n[{backend}] account of {kept_sizes['actions']:,} ad actions and {kept_sizes['conversions']:,} "
              f"conversions built in {built['load_s']:.0f} s: ad actions {built['actions_s']:.0f} s "
              f"({kept_sizes['actions'] / max(built['actions_s'], 1e-9):,.0f} actions/s, generated and applied through "
              f"services.ads.ad_events.apply_actions), conversions {built['conversions_s']:.0f} s "
              f"({kept_sizes['conversions'] / max(built['conversions_s'], 1e-9):,.0f} conversions/s, stored and attributed)")
        paths = http_paths(built, start, end)
        paths["d"] = [campaign_path(built, start, end)]
        bodies = ingest_batches(built["other_ads"], today, args.ingest_batches, f"{time.time():.0f}" if args.keep else "")
        http = run_http(db_url, today, built, paths, args.http_requests, workdir, backend, bodies)
        for key, setting in (("ingest", "one client, one server worker"), ("ingest2", "two clients, two server workers")):
            count, seconds = http[key]
            print(f"[{backend}] ingestion over HTTP: {count:,} ad actions in {seconds:.1f} s = {count / seconds:,.0f} "
                  f"actions/s (batches of 50,000, {setting}; target >= 50,000)", flush=True)
        floor = duckdb_floor(built, start, end, args.repeats, workdir)
        labels = {"a": "ads/analytics 250 ads x 90 d DAY, 20 columns, windows 30/30/1",
                  "b": "ads/analytics 250 ads x 90 d DAY, 20 columns, windows 7/1/0",
                  "c": "all 5,000 ads: 20 requests of 250 (summed)",
                  "d": "campaigns/analytics all 50 campaigns x 90 d DAY"}
        for key, label in labels.items():
            times, rows, size = http[key]
            line = (f"[{backend}] ({key}) {label}: p50 {median_ms(times):.0f} ms, p99 "
                    f"{bench_analytics.pct(times, 99) * 1000:.0f} ms over {len(times)} ({rows:,} rows, {size:,} bytes "
                    f"in the first answer)")
            if key in floor:
                duck = median_ms(floor[key])
                line += f"; DuckDB floor {duck:.1f} ms, ratio {median_ms(times) / duck:.1f}x"
            if key in ("a", "b"):
                line += " (target p50 <= 200 ms)"
            print(line, flush=True)
        built["engine"].dispose()


def main() -> int:
    parser = account_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--ingest-batches", type=int, default=20, help="half sent by one client, half by two")
    args, workdir = parse_account_args(parser, "bench_ads_")
    for backend in args.backends.split(","):
        run_backend(backend.strip(), args, workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
