#!/usr/bin/env python3
"""Throughput of POST /api/v1/events: engagement events ingested per second, over HTTP.

One run: migrates a fresh temporary SQLite database, seeds one user with a board and
100 pins (created through POST /v5/pins, then backdated 30 days so past days are
accepted), starts ONE uvicorn server the same way as `pinsight serve` (uvloop,
httptools, access log off, 1 worker) on 127.0.0.1 in a child process, then posts 10
batches of 10,000 random events (random pin, type, app type, traffic and time within
the last --spread-days days, 29 by default; fresh ids) one after another on one
keep-alive connection, and prints the wall-clock events/s over the 10 POSTs (JSON
encoding of the batches is done before timing). Finally it re-sends one batch (all ids known, nothing applied) and prints that
rate too. A benchmark, not a test: it asserts nothing about timing.

    .venv/bin/python bench/bench_ingest.py [--batches 10] [--size 10000] [--spread-days 29] [--db URL] [--keep]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pins import free_port, rate_limit_env, stop, wait_ready  # noqa: E402  (shared server helpers)

HOST = "127.0.0.1"  # loopback only
EVENT_TYPES = ("IMPRESSION", "IMPRESSION", "IMPRESSION", "SAVE", "PIN_CLICK", "OUTBOUND_CLICK", "CLOSEUP",
               "PROFILE_VISIT", "USER_FOLLOW", "COMMENT", "REACTION", "VIDEO_START", "VIDEO_MRC_VIEW",
               "VIDEO_10S_VIEW", "QUARTILE_95_PERCENT_VIEW", "VIDEO_WATCH_TIME")


def serve_main(port: int) -> None:
    """The server process: the same uvicorn.run() call as `pinsight serve`."""
    import uvicorn

    uvicorn.run("pinsight.api.asgi:build", factory=True, host=HOST, port=port, workers=1, access_log=False, log_level="warning")


def seed(db_url: str) -> tuple[str, str]:
    """Migrate, create a user as `pinsight user create` does and return (username, all-scopes token)."""
    from pinsight.catalog.scopes import ALL_SCOPES
    from pinsight.services.identity.auth import create_user_token
    from pinsight.services.runtime import Runtime
    from pinsight.services.content.users import create_user
    from pinsight.settings import Settings
    from pinsight.store.db import make_engine, migrate

    engine = make_engine(db_url)
    migrate(engine)
    runtime = Runtime.build(engine, Settings(database_url=db_url, log_requests=False))
    username = f"bench_{uuid.uuid4().hex[:8]}"
    create_user(runtime, username)
    token = create_user_token(runtime, username, frozenset(ALL_SCOPES))
    engine.dispose()
    return username, token


def make_pins(client: httpx.Client, db_url: str, count: int) -> list[str]:
    from sqlalchemy import update

    from pinsight.store.db import make_engine
    from pinsight.store.tables import pins

    board = client.post("/v5/boards", json={"name": "Bench events"}).raise_for_status().json()
    ids = []
    for n in range(count):
        body = {"board_id": board["id"], "title": f"Bench pin {n}",
                "media_source": {"source_type": "image_url", "url": f"https://img.example/bench-{n}.jpg"}}
        ids.append(client.post("/v5/pins", json=body).raise_for_status().json()["id"])
    engine = make_engine(db_url)
    with engine.begin() as conn:  # backdate: events may fall on the last 30 days
        conn.execute(update(pins).where(pins.c.id.in_([int(i) for i in ids])).values(created_at=datetime.now(UTC).replace(tzinfo=None) - timedelta(days=30)))
    engine.dispose()
    return ids


def make_batch(rng: random.Random, pin_ids: list[str], size: int, prefix: str, spread_days: int = 29) -> bytes:
    now = datetime.now(UTC).replace(microsecond=0)
    events = []
    for n in range(size):
        kind = rng.choice(EVENT_TYPES)
        moment = now - timedelta(seconds=rng.randrange(spread_days * 86_400))
        event = {"id": f"{prefix}-{n}", "pin_id": rng.choice(pin_ids), "type": kind,
                 "timestamp": moment.isoformat().replace("+00:00", "Z"), "app_type": rng.choice(("MOBILE", "TABLET", "WEB"))}
        if rng.random() < 0.2:
            event["traffic"] = "PAID"
        if kind == "VIDEO_WATCH_TIME":
            event["value"] = rng.randrange(1, 120_000)
        events.append(event)
    return orjson.dumps(events)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--size", type=int, default=10_000, help="events per batch (at most 50,000)")
    parser.add_argument("--pins", type=int, default=100)
    parser.add_argument("--spread-days", type=int, default=29,
                        help="events fall within this many days before now (1 to 29; 1: live traffic, "
                             "more: late events that rewrite later running totals)")
    parser.add_argument("--db", help="an empty database URL (default: a fresh SQLite file in a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (database, server log)")
    parser.add_argument("--serve-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not 1 <= args.spread_days <= 29:
        parser.error("--spread-days must be 1 to 29 (pins are created 30 days back)")
    if args.serve_port:
        serve_main(args.serve_port)
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="pinsight-bench-ingest-"))
    db_url = args.db or f"sqlite:///{workdir / 'bench.sqlite3'}"
    _, token = seed(db_url)
    port = free_port()
    base = f"http://{HOST}:{port}"
    env = {**os.environ, "PINSIGHT_DATABASE_URL": db_url, "PINSIGHT_LOG_REQUESTS": "false", **rate_limit_env()}
    log = workdir / "server.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--serve-port", str(port)], env=env,
                                  stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_ready(base, server, log)
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
            pin_ids = make_pins(client, db_url, args.pins)
            rng = random.Random(1)
            run = uuid.uuid4().hex[:8]
            bodies = [make_batch(rng, pin_ids, args.size, f"{run}-{b}", args.spread_days) for b in range(args.batches)]
            headers = {"Content-Type": "application/json"}
            # Warm-up: one small batch (imports, statement caches), not timed.
            client.post("/api/v1/events", content=make_batch(rng, pin_ids, 100, f"{run}-warm"), headers=headers).raise_for_status()
            times = []
            for body in bodies:
                started = time.perf_counter()
                response = client.post("/api/v1/events", content=body, headers=headers)
                times.append(time.perf_counter() - started)
                if response.status_code != 200 or response.json()["applied"] != args.size:
                    raise SystemExit(f"unexpected answer {response.status_code}: {response.text[:500]}")
            started = time.perf_counter()
            again = client.post("/api/v1/events", content=bodies[0], headers=headers)
            resend = time.perf_counter() - started
            again.raise_for_status()
        total = args.batches * args.size
        print(f"database     : {db_url.split('://')[0]} ({'temp file' if not args.db else 'given'}), {args.pins} pins")
        print("server       : one uvicorn process, 1 worker, started as `pinsight serve` does (HTTP on 127.0.0.1)")
        print(f"batches      : {args.batches} x {args.size:,} events over the last {args.spread_days} days, sequential, "
              "one keep-alive connection")
        print(f"per batch    : min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")
        print(f"throughput   : {total / sum(times):,.0f} events/s ({total:,} new events in {sum(times):.2f} s)")
        print(f"re-send      : {args.size / resend:,.0f} events/s (one batch of already applied events, {again.json()['applied']} applied)")
    finally:
        stop(server)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept {workdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
