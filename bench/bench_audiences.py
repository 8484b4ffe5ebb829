#!/usr/bin/env python3
"""Audience insights on the ads benchmark's account, next to DuckDB floors.

Per backend (SQLite; PostgreSQL too with --backends sqlite,postgresql):

1. The account of ``bench_ads.py`` (the same build, ``pinsight.demo.ads.seed_ads``: by
   default 20,000,000 ad actions of 2,000,000 people), or the one a ``bench_ads.py --keep``
   run left in --workdir (then migrated: migration 0021 fills the audience rollup from its
   actions, and the time that took is printed).
2. Over HTTP (one uvicorn worker, PINSIGHT_TODAY fixed), --http-requests each:
   GET /v5/ad_accounts/{id}/audience_insights for YOUR_TOTAL_AUDIENCE,
   YOUR_ENGAGED_AUDIENCE and PINTEREST_TOTAL_AUDIENCE, and .../insights/audiences.
3. Two floors in an in-memory DuckDB, only the queries timed:
   - the rollup's: the account's and everyone's rows of ``audience_slices`` (what
     pinsight reads), summed per facet and value;
   - the raw one: the same people per facet value (and engaged people) from the account's
     ad actions themselves, each person counted once with the facts of their earliest
     action: the aggregate without a rollup.

The issue's target: audience insights p50 <= 200 ms on the 20-million-action account.
A benchmark, not a test: it prints figures and asserts nothing about time.
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
from datetime import date
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(ROOT))

import bench_ads  # noqa: E402  (build, reopen, PG_OPTIONS, KEPT)
import bench_analytics  # noqa: E402  (served, bench_database, pct)

TYPES = ("YOUR_TOTAL_AUDIENCE", "YOUR_ENGAGED_AUDIENCE", "PINTEREST_TOTAL_AUDIENCE")


def measure_http(db_url: str, today: date, built: dict, n: int, workdir: Path, label: str) -> dict:
    import httpx

    account = built["account"]
    paths = {kind: f"/v5/ad_accounts/{account}/audience_insights?audience_insight_type={kind}" for kind in TYPES}
    paths["definitions"] = f"/v5/ad_accounts/{account}/insights/audiences"
    out = {}
    with bench_analytics.served(db_url, today, workdir, label) as base:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {built['token']}"}, timeout=600) as client:
            for key, path in paths.items():
                first = client.get(path)
                if first.status_code != 200:
                    raise SystemExit(f"{path} -> {first.status_code}: {first.text[:300]}")
                times = []
                for _ in range(n):
                    t0 = time.perf_counter()
                    client.get(path).raise_for_status()
                    times.append(time.perf_counter() - t0)
                out[key] = (times, first.json())
    return out


def _export(conn, query, path: Path, header: list[str]) -> None:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for part in conn.execute(query, execution_options={"yield_per": 50_000}).partitions():
            writer.writerows(part)


def duckdb_floors(built: dict, repeats: int, workdir: Path) -> dict:
    import duckdb
    from sqlalchemy import select

    from pinsight.catalog.audiences import ENGAGED_ACTION_TYPES, EVERYONE
    from pinsight.store.db import STATEMENT_TIMEOUT
    from pinsight.store.tables import ad_actions, audience_slices

    account = built["account"]
    slices_csv, actions_csv = workdir / "audience_slices.csv", workdir / "audience_actions.csv"
    with built["engine"].execution_options(**{STATEMENT_TIMEOUT: 0}).connect() as conn:
        _export(conn, select(audience_slices).where(audience_slices.c.scope_id.in_([account, EVERYONE])), slices_csv,
                [column.name for column in audience_slices.columns])
        columns = (ad_actions.c.person_key, ad_actions.c.type, ad_actions.c.occurred_at, ad_actions.c.id,
                   ad_actions.c.app_type, ad_actions.c.dimensions)
        _export(conn, select(*columns).where(ad_actions.c.ad_account_id == account), actions_csv,
                [column.name for column in columns])
    con = duckdb.connect()
    con.execute(f"CREATE TABLE slices AS SELECT * FROM read_csv_auto('{slices_csv}', header = true, "
                "types = {'value': 'VARCHAR'})")
    con.execute(f"CREATE TABLE actions AS SELECT * FROM read_csv_auto('{actions_csv}', header = true, "
                "types = {'dimensions': 'VARCHAR', 'app_type': 'VARCHAR', 'id': 'VARCHAR'})")
    rollup = (f"SELECT scope_id, facet, value, sum(people), sum(engaged) FROM slices "
              f"WHERE scope_id IN ({account}, {EVERYONE}) GROUP BY scope_id, facet, value")
    engaged = ", ".join(f"'{name}'" for name in sorted(ENGAGED_ACTION_TYPES))
    facts = {"device": "app_type", "gender": "json_extract_string(dimensions, '$.gender')",
             "age": "json_extract_string(dimensions, '$.age_bucket')",
             "country": "json_extract_string(dimensions, '$.country')",
             "metro": "json_extract_string(dimensions, '$.metro')",
             "interest": "json_extract_string(dimensions, '$.interest')"}
    people = (f"WITH people AS (SELECT person_key, arg_min(app_type, (occurred_at, id)) AS app_type, "
              f"arg_min(dimensions, (occurred_at, id)) AS dimensions, bool_or(type IN ({engaged})) AS engaged "
              f"FROM actions GROUP BY person_key) ")
    raw = people + " UNION ALL ".join(
        f"SELECT '{facet}' AS facet, {expression} AS value, count(*), sum(engaged::INT) FROM people GROUP BY value"
        for facet, expression in facts.items())
    results = {}
    for key, sql in (("rollup", rollup), ("raw", raw)):
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            con.execute(sql).fetchall()
            times.append(time.perf_counter() - t0)
        results[key] = times
    con.close()
    return results


def run_backend(backend: str, args, workdir: Path) -> None:
    today = date.fromisoformat(args.today)
    with bench_analytics.bench_database(backend, workdir, "bench_ads", keep=args.keep,
                                        pg_options=bench_ads.PG_OPTIONS) as db_url:
        if db_url is None:
            return
        built, sizes, kept = bench_ads.kept_or_built(backend, db_url, today, args, workdir)
        actions = sizes["actions"]
        if not kept:
            print(f"[{backend}] account of {actions:,} ad actions built in {built['load_s']:.0f} s", flush=True)
        http = measure_http(db_url, today, built, args.http_requests, workdir, backend)
        floors = duckdb_floors(built, args.repeats, workdir)
        rollup_ms, raw_ms = (statistics.median(floors[key]) * 1000 for key in ("rollup", "raw"))
        for key, (times, body) in http.items():
            p50 = statistics.median(times) * 1000
            if key == "definitions":
                print(f"[{backend}] insights/audiences: p50 {p50:.1f} ms ({len(body['items'])} audiences)")
                continue
            listed = sum(len(values) for values in body["demographics"].values()) + len(body["categories"])
            print(f"[{backend}] audience_insights {key}: p50 {p50:.1f} ms, p99 "
                  f"{bench_analytics.pct(times, 99) * 1000:.1f} ms over {len(times)} (size {body['size']:,}"
                  f"{' (upper bound)' if body['size_is_upper_bound'] else ''}, {listed} slices listed; "
                  f"target p50 <= 200 ms); DuckDB floor over the same rollup rows {rollup_ms:.2f} ms, "
                  f"over the account's {actions:,} actions {raw_ms:.0f} ms", flush=True)
        built["engine"].dispose()


def main() -> int:
    args, workdir = bench_ads.parse_account_args(
        bench_ads.account_parser(__doc__.split("\n\n")[0], http_requests=50), "bench_audiences_")
    for backend in args.backends.split(","):
        run_backend(backend.strip(), args, workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
