#!/usr/bin/env python3
"""Throughput and memory of organic exports on a year of daily rows, next to a DuckDB floor.

One run, per backend (SQLite always; PostgreSQL too with --backends sqlite,postgresql):

1. The archive: a database loaded by the product's own demo generator, as
   `pinsight demo --pins N --days D --full-history` does (bench_analytics.seed_archive:
   --pins 10,000, --days 365, "today" fixed by --today), or with --db a SQLite file kept
   from an earlier run (built there first when missing: the build takes ~11 min on the
   2-core machine, the runs a minute or two).
2. Per --formats (default csv.gz and parquet): the `daily_metrics` export of every pin
   over the --days days up to --today (10,000 pins x 365 days = 3.65 million rows), run
   as the server runs it: a job submitted (services.jobs.queue.submit) and run to its
   end by services.jobs.worker.Worker, its file written through the file store, in a
   CHILD PROCESS of its own, so its memory is the export's alone. Reported: rows, the
   file's size, wall time and rows/s; peak memory two ways: ru_maxrss of the child
   (resource.getrusage; it also counts shared libraries' pages; the child maps no SQLite
   pages, as `pinsight worker` maps none) and the peak of RssAnon (/proc/self/status, sampled
   every 20 ms by a thread: the process's own heap, what the target is about).
3. The floor: DuckDB over the same raw daily rows (loaded into an in-memory table first,
   untimed), timing `COPY (SELECT pin, day, the sums ... GROUP BY pin, day ORDER BY pin,
   day) TO 'x.csv.gz'` (gzip CSV) and `TO 'x.parquet'` (zstd Parquet): the same rows, the
   same aggregation, on every core, from memory.

Targets: CSV >= 500,000 rows/s; peak worker memory < 300 MB. A benchmark, not a test: it
asserts nothing about timing. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(ROOT))

TARGET_CSV_ROWS_PER_S = 500_000
TARGET_PEAK_MB = 300
FORMATS = ("csv.gz", "ndjson.gz", "parquet")


# ---- the archive ------------------------------------------------------------------------------


def demo_owner(db_url: str) -> int:
    from sqlalchemy import select

    from pinsight.demo.generator import DEMO_USER
    from pinsight.store.db import make_engine
    from pinsight.store.tables import users

    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(users.c.id).where(users.c.username == DEMO_USER)).scalar_one()
    finally:
        engine.dispose()


def archive(db_url: str, args) -> int:
    """The demo user's id in ``db_url``, built with the demo generator when it is not there yet."""
    from sqlalchemy.exc import SQLAlchemyError

    with contextlib.suppress(SQLAlchemyError):
        return demo_owner(db_url)
    import bench_analytics

    print(f"  building the archive: {args.pins:,} pins x {args.days} days ...", file=sys.stderr, flush=True)
    built = bench_analytics.seed_archive(db_url, date.fromisoformat(args.today), args.pins, args.days, args.seed,
                                         full_history=True)
    print(f"  built: {built.rows:,} daily rows, load {built.load_s:.0f} s, rollups {built.rollup_s:.0f} s",
          file=sys.stderr, flush=True)
    built.engine.dispose()
    return built.user_id


# ---- one export, in a child process -------------------------------------------------------------


class AnonPeak:
    """The peak of the process's anonymous resident memory (heap, not mapped files), sampled."""

    def __init__(self, every: float = 0.02):
        self.peak_kb, self._every, self._stop = 0, every, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def now_kb() -> int:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
        return 0

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            self.peak_kb = max(self.peak_kb, self.now_kb())

    def __enter__(self) -> AnonPeak:
        self.peak_kb = self.now_kb()
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_kb = max(self.peak_kb, self.now_kb())


def child(db_url: str, owner_id: int, file_format: str, start: str, end: str, files: str) -> None:
    """Run one export job to its end here and print what it measured as JSON."""
    import resource

    from pinsight.catalog.roles import BOARD_PRIVACIES
    from pinsight.domain.organic.export_request import ExportRequest, parse
    from pinsight.services.jobs import queue
    from pinsight.services.jobs.worker import Worker
    from pinsight.services.organic.exports import EXPORT_KIND as KIND
    from pinsight.services.runtime import Runtime
    from pinsight.settings import Settings

    # As `pinsight worker` runs: no SQLite pages mapped (they would count in ru_maxrss as read).
    settings = Settings(database_url=db_url, log_requests=False, today=end, files_url=files, sqlite_mmap_bytes=0)
    engine = settings.engine()
    runtime = Runtime.build(engine, settings)
    request = parse(ExportRequest(start_date=start, end_date=end, format=file_format, dataset="daily_metrics"),
                    date.fromisoformat(end))
    job = queue.submit(runtime, kind=KIND, user_id=owner_id, ad_account_id=None,
                       params=request.as_job_params(owner_id, BOARD_PRIVACIES))
    baseline_kb = AnonPeak.now_kb()
    with AnonPeak() as peak:
        started = time.perf_counter()
        worker = Worker(runtime)
        assert worker.run_once(), "the job was not claimed"
        seconds = time.perf_counter() - started
    done = queue.find(runtime, job.token, KIND)
    assert done.state == "finished", (done.state, done.message)
    print(json.dumps({"rows": done.row_count, "bytes": done.file_size, "seconds": seconds,
                      "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "anon_peak_mb": peak.peak_kb / 1024, "anon_before_mb": baseline_kb / 1024}))


def run_export(db_url: str, owner_id: int, file_format: str, start: date, end: date, workdir: Path) -> dict:
    files = workdir / f"files-{file_format}"
    command = [sys.executable, __file__, "--child", db_url, str(owner_id), file_format, start.isoformat(),
               end.isoformat(), str(files)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])})
    if done.returncode != 0:
        raise RuntimeError(f"the export child failed:\n{done.stderr[-3000:]}")
    shutil.rmtree(files, ignore_errors=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- the DuckDB floor -----------------------------------------------------------------------------


def raw_rows_to_parquet(db_url: str, owner_id: int, path: Path) -> int:
    """The owner's raw daily rows, as stored, into a Parquet file (untimed: the floor's input)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from sqlalchemy import select

    from pinsight.catalog.metrics import STORED_COLUMNS
    from pinsight.store.db import make_engine
    from pinsight.store.tables import pin_daily_metrics as daily

    engine = make_engine(db_url, statement_timeout=0)  # one long read of every row
    names = ["pin_id", "day", *STORED_COLUMNS]
    schema = pa.schema([("pin_id", pa.int64()), ("day", pa.date32()), *((name, pa.int64()) for name in STORED_COLUMNS)])
    rows = 0
    with engine.connect() as conn, pq.ParquetWriter(path, schema) as writer:
        query = select(*(daily.c[name] for name in names)).where(daily.c.owner_id == owner_id)
        for part in conn.execution_options(yield_per=200_000).execute(query).partitions():
            columns = list(zip(*part))
            writer.write_batch(pa.RecordBatch.from_arrays(
                [pa.array(column, field.type) for column, field in zip(columns, schema)], schema=schema))
            rows += len(part)
    engine.dispose()
    return rows


def duckdb_floor(raw: Path, start: date, end: date, workdir: Path) -> dict:
    import duckdb

    from pinsight.catalog.metrics import CATALOGUE, STORED_COLUMNS

    con = duckdb.connect(":memory:")
    con.execute(f"CREATE TABLE daily AS SELECT * FROM read_parquet('{raw}')")
    names = {metric.stored_as: metric.name for metric in CATALOGUE if metric.is_base}
    sums = ", ".join(f"sum({column})::BIGINT AS {names[column]}" for column in STORED_COLUMNS)
    select = (f"SELECT pin_id::VARCHAR AS pin_id, day AS date, {sums} FROM daily "
              f"WHERE day BETWEEN DATE '{start}' AND DATE '{end}' GROUP BY pin_id, day ORDER BY pin_id, day")
    rows = con.execute(f"SELECT count(*) FROM ({select})").fetchone()[0]
    found = {"rows": rows, "threads": con.execute("SELECT current_setting('threads')").fetchone()[0]}
    for label, target, options in (("csv.gz", workdir / "floor.csv.gz", "FORMAT csv, HEADER, COMPRESSION gzip"),
                                   ("parquet", workdir / "floor.parquet", "FORMAT parquet, COMPRESSION zstd")):
        started = time.perf_counter()
        con.execute(f"COPY ({select}) TO '{target}' ({options})")
        found[label] = {"seconds": time.perf_counter() - started, "bytes": target.stat().st_size}
        target.unlink()
    con.close()
    return found


# ---- the run ----------------------------------------------------------------------------------------


def run_backend(backend: str, db_url: str, args, workdir: Path) -> dict:
    owner_id = archive(db_url, args)
    end = date.fromisoformat(args.today)
    start = end - timedelta(days=args.days - 1)
    results = {"backend": backend, "exports": {}}
    for file_format in args.formats:
        print(f"  {backend}: exporting daily_metrics as {file_format} ...", file=sys.stderr, flush=True)
        results["exports"][file_format] = run_export(db_url, owner_id, file_format, start, end, workdir)
    if not args.no_floor:
        raw = workdir / f"raw-{backend}.parquet"
        print(f"  {backend}: the DuckDB floor ...", file=sys.stderr, flush=True)
        results["raw_rows"] = raw_rows_to_parquet(db_url, owner_id, raw)
        results["floor"] = duckdb_floor(raw, start, end, workdir)
        raw.unlink()
    return results


def report(results: list[dict], args, elapsed: float) -> None:
    print(f"\norganic exports: daily_metrics, {args.pins:,} pins x {args.days} days up to {args.today}; "
          f"python {platform.python_version()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    for result in results:
        print(f"\n[{result['backend']}]" + (f"  raw daily rows: {result['raw_rows']:,}" if "raw_rows" in result else ""))
        print(f"{'format':<10} {'rows':>11} {'MB':>8} {'s':>7} {'rows/s':>11} {'maxrss MB':>10} {'anon peak MB':>13}"
              f" {'DuckDB s':>9} {'ratio':>6}")
        floor = result.get("floor", {})
        for file_format, measured in result["exports"].items():
            rate = measured["rows"] / measured["seconds"]
            floor_s = floor.get(file_format, {}).get("seconds")
            print(f"{file_format:<10} {measured['rows']:>11,} {measured['bytes'] / 1e6:>8.1f} {measured['seconds']:>7.2f}"
                  f" {rate:>11,.0f} {measured['maxrss_mb']:>10.0f} {measured['anon_peak_mb']:>13.0f}"
                  f" {floor_s if floor_s is not None else float('nan'):>9.2f}"
                  f" {measured['seconds'] / floor_s if floor_s else float('nan'):>6.1f}")
            if file_format == "csv.gz":
                verdict = "MET" if rate >= TARGET_CSV_ROWS_PER_S else "NOT MET"
                print(f"  target CSV >= {TARGET_CSV_ROWS_PER_S:,} rows/s: {verdict}")
            verdict = "MET" if measured["anon_peak_mb"] < TARGET_PEAK_MB else "NOT MET"
            print(f"  target peak worker memory (RssAnon) < {TARGET_PEAK_MB} MB: {verdict}")
        if floor:
            print(f"DuckDB floor ({floor['threads']} threads, in-memory table of the raw rows): {floor['rows']:,} rows")
    print(f"\nwall time {elapsed:.0f} s")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        db_url, owner, file_format, start, end, files = sys.argv[2:8]
        child(db_url, int(owner), file_format, start, end, files)
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default="sqlite", help="comma-separated: sqlite,postgresql (default sqlite)")
    parser.add_argument("--db", default="", help="a SQLite file to keep the archive in and reuse (built when missing)")
    parser.add_argument("--pins", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--today", default="2025-06-30", help="the export's last day, and the archive's today")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--formats", default="csv.gz,parquet", help=f"comma-separated among {', '.join(FORMATS)}")
    parser.add_argument("--no-floor", action="store_true", help="skip the DuckDB floor")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = parser.parse_args()
    args.formats = [name.strip() for name in args.formats.split(",") if name.strip()]
    if set(args.formats) - set(FORMATS):
        parser.error(f"--formats takes {', '.join(FORMATS)}")
    import bench_analytics

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="pinsight-bench-exports-"))
    results = []
    try:
        for backend in [name.strip() for name in args.backends.split(",") if name.strip()]:
            if backend == "sqlite" and args.db:
                results.append(run_backend(backend, f"sqlite:///{Path(args.db).resolve()}", args, workdir))
                continue
            with bench_analytics.bench_database(backend, workdir, "exports") as db_url:
                if db_url is not None:
                    from pinsight.store.db import make_engine, migrate

                    migrate(make_engine(db_url))
                    results.append(run_backend(backend, db_url, args, workdir))
    finally:
        if args.keep:
            print(f"kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    report(results, args, time.monotonic() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
