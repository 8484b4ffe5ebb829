"""Async ads report benchmark: a 5,000-ad x 365-day DAY report as CSV, written by the job
worker, with its rows per second and the worker's peak memory, against DuckDB's
``COPY ... TO`` of the same rows as the floor.

The account is bench_ads.py's (5,000 ads over 365 days); keep it in a work directory with
``--keep`` and it is reopened here. An async report spans at most 186 days (the spec), so
the year is two reports: 186 days, then the 179 before them. Each report runs in a fresh
worker process (``services.jobs.worker.Worker``, as ``pinsight worker`` runs it), which
prints its own peak resident memory (``ru_maxrss``), so the figure is the worker's whole
footprint, interpreter and libraries included; like ``pinsight worker`` it maps no SQLite
pages (``PINSIGHT_SQLITE_MMAP_BYTES=0``), which would count in that figure as they are read.

    .venv/bin/python bench/bench_reports.py --backends sqlite --keep --workdir /work/benchdata/sqlite
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent))

import bench_ads  # noqa: E402  (account_parser, kept_or_built, PG_OPTIONS)
import bench_analytics  # noqa: E402  (bench_database, pct)

COLUMNS = ["SPEND_IN_MICRO_DOLLAR", "PAID_IMPRESSION", "CLICKTHROUGH_1", "CTR", "CPC_IN_MICRO_DOLLAR", "ENGAGEMENT_1",
           "TOTAL_CONVERSIONS", "TOTAL_CHECKOUT", "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR", "CHECKOUT_ROAS"]
SPANS = (186, 179)

# Runs in the worker process: submit the report as its account's owner, run it, report.
WORKER = r"""
import json, resource, sys, time
from sqlalchemy import select
from pinsight.services.ads.reports import REPORT_KIND
from pinsight.services.jobs import queue
from pinsight.services.jobs.worker import Worker
from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
from pinsight.store.tables import ad_accounts

db_url, files, today, account, body = sys.argv[1:6]
settings = Settings(database_url=db_url, files_url=files, today=today, log_requests=False, embedded_workers=0,
                    sqlite_mmap_bytes=0)  # as `pinsight worker` runs
runtime = Runtime.build(settings.engine(), settings)
with runtime.engine.connect() as conn:
    owner = conn.execute(select(ad_accounts.c.owner_id).where(ad_accounts.c.id == int(account))).scalar_one()
job = queue.submit(runtime, kind=REPORT_KIND, user_id=owner, ad_account_id=int(account),
                   params={"request": json.loads(body), "today": today})
worker = Worker(runtime)
started = time.perf_counter()
claimed = worker.claim()
assert claimed is not None and claimed.id == job.id
worker.run(claimed)
seconds = time.perf_counter() - started
done = queue.find(runtime, job.token, REPORT_KIND)
print(json.dumps({"state": done.state, "rows": done.row_count, "size": done.file_size, "seconds": seconds,
                  "key": done.file_key, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_report(db_url: str, files: Path, today: date, account: int, body: dict) -> dict:
    answer = subprocess.run([sys.executable, "-c", WORKER, db_url, str(files), today.isoformat(), str(account),
                             json.dumps(body)], capture_output=True, text=True, check=True)
    return json.loads(answer.stdout.strip().splitlines()[-1])


def duckdb_floor(csv_files: list[Path], repeats: int) -> list[float]:
    """DuckDB writing the same rows as CSV: the report's rows loaded into memory first
    (not timed), then ``COPY ... TO`` timed."""
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TABLE report AS SELECT * FROM read_csv_auto(?, union_by_name = true)",
                [[str(path) for path in csv_files]])
    times = []
    with tempfile.TemporaryDirectory() as out:
        for n in range(repeats):
            started = time.perf_counter()
            con.execute(f"COPY report TO '{out}/floor{n}.csv' (HEADER)")
            times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = bench_ads.account_parser(__doc__.splitlines()[0])
    args, workdir = bench_ads.parse_account_args(parser, "bench_reports_")
    today = date.fromisoformat(args.today)
    for backend in args.backends.split(","):
        with bench_analytics.bench_database(backend, workdir, "bench_ads", keep=args.keep,
                                            pg_options=bench_ads.PG_OPTIONS) as db_url:
            if db_url is None:
                continue
            built, sizes, _ = bench_ads.kept_or_built(backend, db_url, today, args, workdir)
            built["engine"].dispose()
            files = Path(tempfile.mkdtemp(prefix="bench_reports_files_", dir=workdir))
            end, results = today, []
            for span in SPANS:
                start = end - timedelta(days=span - 1)
                body = {"level": "PIN_PROMOTION", "granularity": "DAY", "columns": COLUMNS, "report_format": "CSV",
                        "start_date": start.isoformat(), "end_date": end.isoformat()}
                result = run_report(db_url, files, today, built["account"], body)
                assert result["state"] == "finished", result
                results.append(result)
                print(f"[{backend}] PIN_PROMOTION DAY CSV {start}..{end} ({span} d, {len(COLUMNS)} columns): "
                      f"{result['rows']:,} rows, {result['size'] / 1e6:,.0f} MB in {result['seconds']:.1f} s = "
                      f"{result['rows'] / result['seconds']:,.0f} rows/s; worker peak RSS {result['peak_mb']:.0f} MB",
                      flush=True)
                end = start - timedelta(days=1)
            rows = sum(result["rows"] for result in results)
            seconds = sum(result["seconds"] for result in results)
            floor = duckdb_floor([files / result["key"] for result in results], args.repeats)
            floor_s = bench_analytics.pct(floor, 50)
            print(f"[{backend}] the year, 5,000 ads x 365 days: {rows:,} rows in {seconds:.1f} s = "
                  f"{rows / seconds:,.0f} rows/s; peak worker RSS {max(r['peak_mb'] for r in results):.0f} MB "
                  f"(target < 300 MB)")
            print(f"[{backend}] floor: DuckDB COPY TO csv of the same {rows:,} rows (in memory): p50 {floor_s:.2f} s = "
                  f"{rows / floor_s:,.0f} rows/s; pinsight / floor = {seconds / floor_s:.1f}x", flush=True)


if __name__ == "__main__":
    main()
