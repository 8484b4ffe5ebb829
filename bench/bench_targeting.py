#!/usr/bin/env python3
"""Targeting analytics and targeting dictionaries on the ads benchmark's account, next to
a DuckDB floor.

Per backend:

1. The account of ``bench_ads.py`` (50 campaigns, 5,000 ads, 365 days, 20,000,000 ad
   actions, 1,000,000 conversions by default), built by its ``build`` (the product's own
   generator through the write paths), or, with --keep, the one an earlier run of either
   script kept in --workdir (migrated to this checkout first).
2. Over HTTP (one uvicorn worker, PINSIGHT_TODAY fixed), --http-requests each:
   (g) ad-account targeting analytics for GEO, 90 days, DAY, 10 columns with conversions;
   (h) the same for AGE_BUCKET;
   (i) the same for GEO at campaign level, 5 campaigns (every slice summed from the
       campaigns' raw actions: no targeting issue target, measured to show its cost);
   (j) the GEO dictionary (the largest: every country with its regions, every metro) and
   (k) the LOCATION dictionary.
3. The floor for (g) and (h): the account's targeting rollup rows (ad_targeting_daily)
   and its conversion rollup rows with their profiles' slices, in an in-memory DuckDB,
   summed per day and slice as pinsight sums them.

A benchmark, not a test: it prints figures and asserts nothing about time.
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(ROOT))

import bench_ads  # noqa: E402  (build, reopen, PG_OPTIONS, KEPT)
import bench_analytics  # noqa: E402  (served, bench_database, pct)

COLUMNS = ["SPEND_IN_MICRO_DOLLAR", "PAID_IMPRESSION", "CLICKTHROUGH_1", "CTR", "CPC_IN_MICRO_DOLLAR", "ENGAGEMENT_1",
           "TOTAL_CONVERSIONS", "TOTAL_CHECKOUT", "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR", "CHECKOUT_ROAS"]
DAYS = 90
TARGETS = {"g": "target p50 <= 300 ms", "h": "target p50 <= 300 ms", "j": "target <= 5 ms", "k": "target <= 5 ms"}


def paths(built: dict, start: date, end: date) -> dict[str, str]:
    account = built["account"]
    common = f"start_date={start}&end_date={end}&granularity=DAY&columns={','.join(COLUMNS)}"
    report = f"/v5/ad_accounts/{account}/targeting_analytics?{common}"
    campaigns = ",".join(str(campaign) for campaign in built["campaigns"][:5])
    return {
        "g": f"{report}&targeting_types=GEO",
        "h": f"{report}&targeting_types=AGE_BUCKET",
        "i": f"/v5/ad_accounts/{account}/campaigns/targeting_analytics?{common}&targeting_types=GEO"
             f"&campaign_ids={campaigns}",
        "j": "/v5/resources/targeting/GEO",
        "k": "/v5/resources/targeting/LOCATION",
    }


def campaigns_of(built: dict) -> list[int]:
    from sqlalchemy import select

    from pinsight.store.tables import campaigns

    with built["engine"].connect() as conn:
        return list(conn.execute(select(campaigns.c.id).where(campaigns.c.ad_account_id == built["account"])
                                 .order_by(campaigns.c.id)).scalars())


def run_http(db_url: str, today: date, built: dict, wanted: dict[str, str], n: int, workdir: Path, label: str) -> dict:
    import httpx

    out = {}
    with bench_analytics.served(db_url, today, workdir, label) as base:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {built['token']}"}, timeout=600) as client:
            for key, path in wanted.items():
                first = client.get(path)
                if first.status_code != 200:
                    raise SystemExit(f"{path[:100]}... -> {first.status_code}: {first.text[:300]}")
                body = first.json()
                rows = len(body["data"]) if isinstance(body, dict) and "data" in body else len(body)
                times = []
                deadline = time.perf_counter() + 120
                for _ in range(n):
                    t0 = time.perf_counter()
                    client.get(path).raise_for_status()
                    times.append(time.perf_counter() - t0)
                    if time.perf_counter() > deadline and len(times) >= 5:
                        break
                out[key] = (times, rows, len(first.content))
    return out


def duckdb_floor(built: dict, start: date, end: date, repeats: int, workdir: Path) -> dict:
    """(g) and (h)'s aggregates over the same rollup rows in an in-memory DuckDB."""
    import duckdb
    from sqlalchemy import select

    from pinsight.store.db import STATEMENT_TIMEOUT
    from pinsight.store.tables import DELIVERY_COUNTS, ad_action_profiles, ad_conversion_daily, ad_targeting_daily

    con = duckdb.connect()
    account = built["account"]
    exports = {
        ad_targeting_daily: select(ad_targeting_daily).where(ad_targeting_daily.c.ad_account_id == account,
                                                             ad_targeting_daily.c.zone == "UTC"),
        ad_conversion_daily: select(ad_conversion_daily).where(ad_conversion_daily.c.ad_account_id == account,
                                                               ad_conversion_daily.c.zone == "UTC"),
        ad_action_profiles: select(ad_action_profiles),
    }
    with built["engine"].execution_options(**{STATEMENT_TIMEOUT: 0}).connect() as conn:
        for table, query in exports.items():
            path = workdir / f"targeting-{table.name}.csv"  # exported once; only the aggregates are timed
            with path.open("w", newline="") as out:
                writer = csv.writer(out)
                writer.writerow([column.name for column in table.columns])
                for part in conn.execute(query, execution_options={"yield_per": 50_000}).partitions():
                    writer.writerows(part)
            con.execute(f"CREATE TABLE {table.name} AS SELECT * FROM read_csv_auto('{path}', header = true, "
                        f"all_varchar = {str(table is ad_action_profiles).lower()})")
    sums = ", ".join(f"sum({name})" for name in (*DELIVERY_COUNTS, "spend_micro_dollar"))
    results = {}
    for key, kind in (("g", "GEO"), ("h", "AGE_BUCKET")):
        delivery = (f"SELECT day, targeting_value, {sums} FROM ad_targeting_daily WHERE ad_account_id = {account} "
                    f"AND zone = 'UTC' AND targeting_type = '{kind}' AND day BETWEEN '{start}' AND '{end}' "
                    f"GROUP BY day, targeting_value")
        conversions = (
            f"SELECT day, p.{kind.lower()}, event_name, sum(conversions), sum(value_micro) FROM ad_conversion_daily c "
            f"JOIN ad_action_profiles p ON p.id = CAST(c.profile_id AS VARCHAR) WHERE ad_account_id = {account} "
            f"AND zone = 'UTC' AND report_time = 'TIME_OF_AD_ACTION' AND attribution_type = 'HOUSEHOLD' "
            f"AND day BETWEEN '{start}' AND '{end}' AND ((kind = 'CLICK' AND reach_days <= 30) OR "
            f"(kind = 'ENGAGEMENT' AND reach_days <= 30 AND click_reach_days > 30) OR (kind = 'VIEW' AND "
            f"reach_days <= 1 AND click_reach_days > 30 AND engagement_reach_days > 30)) "
            f"GROUP BY day, p.{kind.lower()}, event_name")
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            for sql in (delivery, conversions):
                con.execute(sql).fetchall()
            times.append(time.perf_counter() - t0)
        results[key] = times
    con.close()
    return results


def median_ms(values) -> float:
    return statistics.median(values) * 1000


def run_backend(backend: str, args, workdir: Path) -> None:
    today = date.fromisoformat(args.today)
    start, end = today - timedelta(days=DAYS - 1), today
    with bench_analytics.bench_database(backend, workdir, "bench_ads", keep=args.keep,
                                        pg_options=bench_ads.PG_OPTIONS) as db_url:
        if db_url is None:
            return
        built, _, kept = bench_ads.kept_or_built(backend, db_url, today, args, workdir)
        if not kept:
            print(f"[{backend}] built in {built['load_s']:.0f} s (actions {built['actions_s']:.0f} s, conversions "
                  f"{built['conversions_s']:.0f} s)", flush=True)
        built["campaigns"] = campaigns_of(built)
        http = run_http(db_url, today, built, paths(built, start, end), args.http_requests, workdir, backend)
        floor = duckdb_floor(built, start, end, args.repeats, workdir)
        labels = {"g": "ad-account targeting analytics GEO, 90 d DAY, 10 columns",
                  "h": "ad-account targeting analytics AGE_BUCKET, 90 d DAY, 10 columns",
                  "i": "campaign targeting analytics GEO, 5 campaigns, 90 d DAY, 10 columns",
                  "j": "targeting dictionary GEO",
                  "k": "targeting dictionary LOCATION"}
        for key, label in labels.items():
            times, rows, size = http[key]
            line = (f"[{backend}] ({key}) {label}: p50 {median_ms(times):.1f} ms, p99 "
                    f"{bench_analytics.pct(times, 99) * 1000:.1f} ms over {len(times)} ({rows:,} rows, {size:,} bytes)")
            if key in floor:
                duck = median_ms(floor[key])
                line += f"; DuckDB floor {duck:.1f} ms, ratio {median_ms(times) / duck:.1f}x"
            if key in TARGETS:
                line += f" ({TARGETS[key]})"
            print(line, flush=True)
        built["engine"].dispose()


def main() -> int:
    args, workdir = bench_ads.parse_account_args(bench_ads.account_parser(__doc__.split("\n\n")[0]),
                                                 "bench_targeting_")
    for backend in args.backends.split(","):
        run_backend(backend.strip(), args, workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
