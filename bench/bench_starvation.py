#!/usr/bin/env python3
"""Do heavy requests starve cheap ones? Pin reads on one server, idle and under load.

One run:

1. Loads an archive as bench_analytics.py does, with the product's demo generator
   (`pinsight demo --pins N --days D --full-history`: ONE user, --pins pins, --days days
   of daily rows each, derived tables rebuilt), on SQLite (or --db URL, an empty database).
2. Starts ONE server process as `pinsight serve` runs it (one worker; rate limits off).
3. Measures cheap reads, `GET /v5/pins/{id}` of another user's pin, from --connections
   keep-alive connections for --duration seconds (bench_pins.py's asyncio load
   generator, in this process), in phases:
   - idle: nothing else running;
   - one client looping, back to back, on each heavy request in turn: account analytics
     split by OWNED_CONTENT over 90 days, top 50 pins filtered to WEB, multi-pin
     analytics of 100 pins over 90 days;
   - one client posting batches of --batch (50,000) new events in a loop.
   For each phase it prints the cheap reads' rate, p50 and p99, their ratio to the idle
   phase, and how many heavy requests completed (with their median time).

Every loop is bounded in count and time and talks only to 127.0.0.1. A benchmark, not a
test: it asserts nothing about timing. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent))

import bench_analytics  # noqa: E402  (the archive loader and the served() helper)
import bench_pins  # noqa: E402  (the asyncio load generator)

EVENT_TYPES = ("IMPRESSION", "SAVE", "PIN_CLICK", "OUTBOUND_CLICK", "CLOSEUP")
MAX_HEAVY_REQUESTS = 10_000


@dataclass
class Phase:
    name: str
    reads: bench_pins.Run
    heavy_times: list[float] = field(default_factory=list)
    heavy_errors: int = 0


def heavy_paths(today: date, pin_ids: list[int]) -> dict[str, str]:
    start, end = (today - timedelta(days=89)).isoformat(), today.isoformat()
    period = f"start_date={start}&end_date={end}"
    ids = ",".join(str(pin_id) for pin_id in pin_ids[:100])
    return {
        "account analytics, OWNED_CONTENT split, 90 d": f"/v5/user_account/analytics?{period}&split_field=OWNED_CONTENT",
        "top 50 pins, app_types=WEB, 90 d": f"/v5/user_account/analytics/top_pins?{period}&sort_by=SAVE&num_of_pins=50&app_types=WEB",
        "multi-pin analytics, 100 pins x 90 d": f"/v5/pins/analytics?{period}&pin_ids={ids}&metric_types=IMPRESSION,SAVE,SAVE_RATE",
    }


def event_batches(pin_ids: list[int], size: int, count: int, today: date) -> list[bytes]:
    """``count`` batches of ``size`` new events (unique ids) on the user's pins, in the last 30 days."""
    import orjson

    rng = random.Random(5)
    noon = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    batches = []
    for b in range(count):
        events = [
            {"id": f"starve-{b}-{n}", "pin_id": str(rng.choice(pin_ids)), "type": rng.choice(EVENT_TYPES),
             "timestamp": (noon - timedelta(seconds=rng.randrange(29 * 86_400))).isoformat().replace("+00:00", "Z"),
             "app_type": rng.choice(("MOBILE", "TABLET", "WEB"))}
            for n in range(size)
        ]
        batches.append(orjson.dumps(events))
    return batches


def loop_requests(base: str, token: str, send, stop: threading.Event, phase: Phase) -> None:
    """Call ``send(client)`` back to back until ``stop``; record each call's time."""
    import httpx

    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=600) as client:
        while not stop.is_set() and len(phase.heavy_times) < MAX_HEAVY_REQUESTS:
            started = time.perf_counter()
            status = send(client)
            if status >= 400:
                phase.heavy_errors += 1
            phase.heavy_times.append(time.perf_counter() - started)


def measure(name: str, base: str, reader_token: str, read_path: str, args, token: str, send=None) -> Phase:
    load = bench_pins.PyLoad()
    headers = {"Authorization": f"Bearer {reader_token}"}
    phase = Phase(name, bench_pins.Run(0, 0.0, 0, []))
    stop = threading.Event()
    worker = None
    if send is not None:
        worker = threading.Thread(target=loop_requests, args=(base, token, send, stop, phase), daemon=True)
        worker.start()
        time.sleep(1.0)  # let the heavy client get going
    phase.reads = load.run(f"{base}{read_path}", headers, args.connections, args.duration)
    stop.set()
    if worker is not None:
        worker.join(timeout=600)
    return phase


def make_reader(engine, runtime) -> tuple[str, int]:
    """Another user with one public pin: the cheap read's caller and target."""
    from pinsight.catalog.scopes import ALL_SCOPES
    from pinsight.domain.ids import new_id
    from pinsight.services.identity.auth import create_user_token
    from pinsight.store.content import content
    from pinsight.store.db import writing

    user_id, board_id, pin_id = new_id(), new_id(), new_id()
    now = datetime.now(UTC).replace(tzinfo=None)
    with writing(engine) as conn:
        content.insert_user(conn, id=user_id, username="bench_reader", account_type="BUSINESS", business_name=None,
                            about="", website_url="", profile_image="", follower_count=0, following_count=0,
                            monthly_views=0, created_at=now)
        content.insert_board(conn, id=board_id, owner_id=user_id, name="Reader", description="", privacy="PUBLIC",
                             is_ads_only=False, follower_count=0, collaborator_count=0, created_at=now,
                             pins_modified_at=now)
        content.insert_pin(conn, id=pin_id, owner_id=user_id, board_id=board_id, creative_type="REGULAR",
                           source_type="image_url", media='{"media_type": "image"}', created_at=now, now=now)
    return create_user_token(runtime, "bench_reader", frozenset(ALL_SCOPES)), pin_id


def percentile_ms(run: bench_pins.Run, p: float) -> float:
    points = run.quantiles_us  # equally weighted points of the latency distribution
    return points[min(len(points) - 1, int(p * len(points)))] / 1000 if points else float("nan")


def report(phases: list[Phase], args, rows: int, pins: int) -> None:
    idle = phases[0].reads
    print()
    print(f"archive: {pins} pins, {rows} daily rows; cheap read: GET /v5/pins/{{id}} of another user, "
          f"{args.connections} connections, {args.duration:.0f} s per phase; ONE server worker")
    print(f"{'phase':58} {'reads/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'p50 x':>6} {'p99 x':>6} {'rate x':>7}   heavy: n, median s, errors")
    for phase in phases:
        run = phase.reads
        p50, p99 = percentile_ms(run, 0.5), percentile_ms(run, 0.99)
        base50, base99 = percentile_ms(idle, 0.5), percentile_ms(idle, 0.99)
        heavy = (f"{len(phase.heavy_times)}, {statistics.median(phase.heavy_times):.3f}, {phase.heavy_errors}"
                 if phase.heavy_times else "-")
        print(f"{phase.name:58} {run.rps:9.0f} {p50:8.1f} {p99:8.1f} {p50 / base50:6.1f} {p99 / base99:6.1f} "
              f"{idle.rps / run.rps if run.rps else float('inf'):7.2f}   {heavy}")
    print("(+ X: one more client sends X back to back during the phase; p50 x, p99 x: the phase's latency over the")
    print(" idle phase's; rate x: idle rate over the phase's rate)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="", help="an empty database URL (default: a temporary SQLite file)")
    parser.add_argument("--pins", type=int, default=3000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--today", default="2025-06-30", help="PINSIGHT_TODAY for the server")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of cheap reads per phase")
    parser.add_argument("--batch", type=int, default=50_000, help="events per ingestion batch")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = parser.parse_args()

    os.environ["PINSIGHT_RATE_LIMITS_ENABLED"] = "false"
    workdir = Path(tempfile.mkdtemp(prefix="pinsight-bench-starvation-"))
    today = date.fromisoformat(args.today)
    db_url = args.db or f"sqlite:///{workdir / 'starvation.sqlite3'}"
    try:
        print(f"pinsight demo --pins {args.pins} --days {args.days} --full-history ...", file=sys.stderr)
        archive = bench_analytics.seed_archive(db_url, today, args.pins, args.days, 7, full_history=True)
        engine, runtime, token, pin_ids = archive.engine, archive.runtime, archive.token, archive.pin_ids
        rows, pins_done = archive.rows, len(pin_ids)
        print(f"loaded {rows} rows for {pins_done} pins in {archive.load_s:.0f} s, derived tables rebuilt in "
              f"{archive.rollup_s:.0f} s", file=sys.stderr)
        reader_token, reader_pin = make_reader(engine, runtime)
        # Events are counted on pins that exist on their day: the archive's pins were created --days back.
        batches = event_batches(pin_ids, args.batch, 8, today)
        engine.dispose()

        read_path = f"/v5/pins/{reader_pin}"
        phases = []
        with bench_analytics.served(db_url, today, workdir, "starvation") as base:
            phases.append(measure("idle", base, reader_token, read_path, args, token))
            for name, path in heavy_paths(today, pin_ids).items():
                phases.append(measure(f"+ {name}", base, reader_token, read_path, args, token,
                                      lambda client, path=path: client.get(path).status_code))
            sent = iter(range(len(batches) * 1000))

            def ingest(client) -> int:
                body = batches[next(sent) % len(batches)]
                return client.post("/api/v1/events", content=body, headers={"Content-Type": "application/json"}).status_code

            phases.append(measure(f"+ ingesting {args.batch}-event batches", base, reader_token, read_path, args,
                                  token, ingest))
        report(phases, args, rows, pins_done)
    finally:
        if args.keep:
            print(f"kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
