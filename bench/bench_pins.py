#!/usr/bin/env python3
"""Throughput and latency of pinsight's pin reads, next to a bare-FastAPI floor.

One run: seeds a fresh demo database (plus enough pins for a full page of 250), starts
ONE uvicorn server (bench/bench_app.py: the pinsight app with a constant-1KB floor route
mounted on it), then measures, at the same concurrency and in interleaved rounds:

  (a) GET /v5/pins/{id}
  (b) GET /v5/pins?page_size=250
  (c) GET /bench/floor   (async def endpoint returning a constant 1 KB JSON body)

and prints requests/s, p50 and p99 latency for each, the ratio (a)/(c) of requests/s,
and whether the target is met: (a) >= 60% of (c)'s requests/s with p99 < 25 ms.

Load generator: wrk if it is on PATH, else a pure-Python asyncio generator (keep-alive
HTTP/1.1 on raw sockets). Every load loop is bounded in time and in request count, and
only ever talks to 127.0.0.1. This is a benchmark, not a test: it asserts nothing about
timing; `make bench` runs it. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
HOST = "127.0.0.1"  # loopback only, always

TARGET_RATIO = 0.60
TARGET_P99_MS = 25.0
PAGE = 250
MAX_REQUESTS_PER_RUN = 500_000  # count bound for one load run (far above what one run can do)

# wrk's Lua hooks: a request-count bound, and a done() that prints the run's summary and
# its latency quantile function (1000 points, each standing for 0.1% of the requests) so
# that rounds can be pooled into one distribution.
WRK_LUA = r"""
local max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "500000")
local seen = 0
response = function(status, headers, body)
  seen = seen + 1
  if seen >= max_requests then wrk.thread:stop() end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"q":[',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout))
  for i = 1, 1000 do
    if i > 1 then io.write(",") end
    io.write(string.format("%d", latency:percentile((i - 0.5) / 10)))
  end
  io.write("]}\n")
end
"""


# ---- results ----------------------------------------------------------------------


@dataclass
class Run:
    requests: int
    seconds: float
    errors: int
    quantiles_us: list[float]  # equally weighted points of the latency distribution
    server_cpu: float | None = None  # CPU seconds the server's process tree used during the run

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Target:
    key: str
    label: str
    path: str
    runs: list[Run] = field(default_factory=list)

    @property
    def rps(self) -> float:
        seconds = sum(r.seconds for r in self.runs)
        return sum(r.requests for r in self.runs) / seconds if seconds else 0.0

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.runs)

    @property
    def cpu_us_per_request(self) -> float:
        """Server CPU time per request: robust to a noisy machine, unlike req/s."""
        runs = [r for r in self.runs if r.server_cpu is not None]
        requests = sum(r.requests for r in runs)
        return sum(r.server_cpu for r in runs) / requests * 1e6 if requests else float("nan")

    def percentile_ms(self, p: float) -> float:
        """Percentile of all rounds pooled (each run weighted by its request count)."""
        points: list[tuple[float, float]] = []
        for run in self.runs:
            if run.quantiles_us:
                weight = run.requests / len(run.quantiles_us)
                points.extend((value, weight) for value in run.quantiles_us)
        if not points:
            return float("nan")
        points.sort()
        total = sum(w for _, w in points)
        rank, acc = p / 100.0 * total, 0.0
        for value, weight in points:
            acc += weight
            if acc >= rank:
                return value / 1000.0
        return points[-1][0] / 1000.0


# ---- load generators --------------------------------------------------------------


class Wrk:
    name = "wrk"

    def __init__(self, binary: str, workdir: Path, threads: int):
        self.binary = binary
        self.threads = threads
        self.script = workdir / "bench_done.lua"
        self.script.write_text(WRK_LUA)
        version = subprocess.run([binary, "-v"], capture_output=True, text=True, timeout=10)
        first = (version.stdout + version.stderr).strip().splitlines()
        self.version = first[0].split(" Copyright")[0] if first else "wrk"

    def describe(self) -> str:
        return f"{self.version}; {self.threads} thread(s); latency = request sent -> response read"

    def run(self, url: str, headers: dict[str, str], connections: int, seconds: float) -> Run:
        cmd = [self.binary, f"-t{self.threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "5s",
               "--latency", "-s", str(self.script)]
        for name, value in headers.items():
            cmd += ["-H", f"{name}: {value}"]
        cmd.append(url)
        env = {**os.environ, "BENCH_MAX_REQUESTS": str(MAX_REQUESTS_PER_RUN)}
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30, env=env)
        line = next((l for l in out.stdout.splitlines() if l.startswith("BENCH_JSON ")), None)
        if out.returncode != 0 or line is None:
            raise RuntimeError(f"wrk failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
        data = json.loads(line[len("BENCH_JSON "):])
        errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
        return Run(data["requests"], data["duration_us"] / 1e6, errors, [float(v) for v in data["q"]])


class PyLoad:
    """Pure-Python fallback: N keep-alive connections on raw asyncio sockets.

    It shares the machine's cores with the server and is far slower per request than
    wrk, so its absolute figures are lower; compare targets with each other only.
    """

    name = "python-asyncio"

    def describe(self) -> str:
        loop = "uvloop" if _uvloop() else "asyncio"
        return f"pure-Python generator ({loop}, raw sockets, HTTP/1.1 keep-alive); latency = request sent -> response read"

    def run(self, url: str, headers: dict[str, str], connections: int, seconds: float) -> Run:
        path = url.split(HOST, 1)[1].split("/", 1)[1]
        port = int(url.split(HOST + ":", 1)[1].split("/", 1)[0])
        head = f"GET /{path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        request = (head + "\r\n").encode()
        runner = _uvloop().run if _uvloop() else asyncio.run
        latencies, errors, elapsed = runner(_py_load(port, request, connections, seconds, MAX_REQUESTS_PER_RUN))
        latencies.sort()
        n = len(latencies)
        quantiles = [latencies[min(n - 1, int((i + 0.5) / 1000 * n))] * 1e6 for i in range(1000)] if n else []
        return Run(n, elapsed, errors, quantiles)


def _uvloop():
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop


async def _py_load(port: int, request: bytes, connections: int, seconds: float, max_requests: int):
    latencies: list[float] = []
    errors = 0
    budget = {"left": max_requests}
    deadline = time.perf_counter() + seconds

    async def worker():
        nonlocal errors
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            while time.perf_counter() < deadline and budget["left"] > 0:
                budget["left"] -= 1
                started = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                if length:
                    await reader.readexactly(length)
                latencies.append(time.perf_counter() - started)
                if not head.startswith((b"HTTP/1.1 2", b"HTTP/1.0 2")):
                    errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(connections))), timeout=seconds + 30)
    return latencies, errors, time.perf_counter() - started


# ---- server and data ------------------------------------------------------------------


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def tree_cpu_seconds(root: int) -> float | None:
    """utime+stime of a process and all its descendants (Linux /proc); None elsewhere."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    try:
        stats = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))  # ppid, utime+stime
    except OSError:
        return None
    if root not in stats:
        return None
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += stats[pid][1]
        todo.extend(child for child, (ppid, _) in stats.items() if ppid == pid)
    return total / tick


def serve_main(port: int, workers: int) -> None:
    """The server process: the same uvicorn.run() call as `pinsight serve`, app from bench_app."""
    import logging

    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    uvicorn.run("bench_app:build", factory=True, host=HOST, port=port, workers=workers, access_log=False, log_level="info")


def seed(db_url: str) -> dict:
    cmd = [sys.executable, "-m", "pinsight.cli", "demo", "--db", db_url, "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise SystemExit(f"`{' '.join(cmd)}` failed:\n{out.stderr}")
    return json.loads(out.stdout)


def fill_pins(base: str, token: str, board_id: str, want: int) -> tuple[int, int]:
    """Create pins through the API until GET /v5/pins?page_size=250 is a full page. Returns (before, created)."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        before = len(client.get("/v5/pins", params={"page_size": PAGE}).raise_for_status().json()["items"])
        missing = max(0, want - before)
        for n in range(missing):  # bounded: at most `want` requests
            body = {
                "board_id": board_id,
                "title": f"Bench pin {n:04d}: a mid-length title",
                "description": "A pin created by bench/bench_pins.py so that a page of 250 is really full. " * 2,
                "link": f"https://example.com/bench/{n}",
                "alt_text": f"Bench image {n}",
                "dominant_color": "#e60023",
                "media_source": {"source_type": "image_url", "url": f"https://images.pinsight.example/bench-{n:06d}.jpg"},
            }
            client.post("/v5/pins", json=body).raise_for_status()
    return before, missing


def wait_ready(base: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server not ready after {timeout}s:\n{log.read_text()[-3000:]}")


def check_responses(base: str, token: str, targets: list[Target]) -> dict[str, int]:
    """One request per target before measuring: 200, and the body really is what we think."""
    import httpx

    sizes = {}
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        for target in targets:
            response = client.get(target.path)
            if response.status_code != 200:
                raise SystemExit(f"{target.path} -> {response.status_code}: {response.text[:300]}")
            if target.key == "b" and len(response.json()["items"]) != PAGE:
                raise SystemExit(f"{target.path} holds {len(response.json()['items'])} pins, not {PAGE}")
            sizes[target.key] = len(response.content)
    return sizes


# ---- main -------------------------------------------------------------------------


def rate_limit_env(on: bool = False) -> dict[str, str]:
    """Rate limits off for benchmarks (one token at thousands of requests a second), or on
    with limits no run reaches, to measure what counting costs."""
    if not on:
        return {"PINSIGHT_RATE_LIMITS_ENABLED": "false"}
    huge = str(10**12)
    return {"PINSIGHT_RATE_LIMITS_ENABLED": "true", "PINSIGHT_RATE_LIMIT_PER_SECOND": huge,
            "PINSIGHT_RATE_LIMITS": json.dumps({"org_read": int(huge), "org_write": int(huge)})}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1, as `pinsight serve`)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved measurement rounds (default 3)")
    parser.add_argument("--duration", type=float, default=5, help="seconds per target per round (default 5)")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up seconds per target (default 2)")
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file in a temp dir); must be empty or demo-only")
    parser.add_argument("--access-log", action="store_true", help="turn pinsight's JSON access log ON for all targets (default OFF)")
    parser.add_argument("--rate-limits", action="store_true",
                        help="serve with rate limits ON, raised so that nothing is refused: measures the check's cost (default OFF)")
    parser.add_argument("--ad-account", action="store_true",
                        help="also measure (e): the pin read through the demo user's ad account (?ad_account_id=)")
    parser.add_argument("--python-load", action="store_true", help="use the pure-Python load generator even if wrk is present")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (DB, server log)")
    parser.add_argument("--serve-port", type=int, help=argparse.SUPPRESS)  # internal: run as the server process
    args = parser.parse_args()

    if args.serve_port:
        serve_main(args.serve_port, args.workers)
        return 0

    started = time.monotonic()
    load_before = loadavg()
    workdir = Path(tempfile.mkdtemp(prefix="pinsight-bench-"))
    db_url = args.db or f"sqlite:///{workdir / 'bench.sqlite3'}"

    wrk = shutil.which("wrk")
    if args.python_load or not wrk:
        if not wrk:
            print("NOTE: wrk not found on PATH (Debian: apt-get install -y wrk); falling back to the pure-Python "
                  "asyncio load generator. It competes with the server for CPU, so absolute figures are lower "
                  "than with wrk: compare the targets with each other within one run.", file=sys.stderr)
        loadgen = PyLoad()
    else:
        loadgen = Wrk(wrk, workdir, args.wrk_threads)

    print(f"seeding demo data into {db_url} ...", file=sys.stderr, flush=True)
    demo = seed(db_url)
    token = demo["access_token"]

    port = free_port()
    base = f"http://{HOST}:{port}"
    env = {
        **os.environ,
        "PINSIGHT_DATABASE_URL": db_url,
        "PINSIGHT_LOG_REQUESTS": "true" if args.access_log else "false",
        **rate_limit_env(args.rate_limits),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH_DIR), os.environ.get("PYTHONPATH")])),
    }
    log = workdir / "server.log"
    server_cmd = [sys.executable, str(Path(__file__).resolve()), "--serve-port", str(port), "--workers", str(args.workers)]
    with log.open("wb") as log_file:
        server = subprocess.Popen(server_cmd, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_ready(base, server, log)
        before, created = fill_pins(base, token, demo["board_id"], PAGE + 20)
        targets = [
            Target("a", "GET /v5/pins/{id}", f"/v5/pins/{demo['pin_id']}"),
            Target("b", f"GET /v5/pins?page_size={PAGE}", f"/v5/pins?page_size={PAGE}"),
            Target("c", "floor: bare FastAPI, const 1 KB", "/bench/floor"),
            Target("d", "floor, FastAPI-serialized dict", "/bench/floor-dict"),
        ]
        if args.ad_account:
            # The owner acting through their own ad account: the actor costs one lookup.
            targets.append(Target("e", "GET /v5/pins/{id}?ad_account_id=",
                                  f"/v5/pins/{demo['pin_id']}?ad_account_id={demo['ad_account_id']}"))
        sizes = check_responses(base, token, targets)
        headers = {"Authorization": f"Bearer {token}"}

        print(f"warm-up: {args.warmup:g}s per target ...", file=sys.stderr, flush=True)
        for target in targets:
            loadgen.run(base + target.path, headers, args.connections, args.warmup)
        for rnd in range(args.rounds):
            shift = rnd % len(targets)
            order = targets[shift:] + targets[:shift]  # rotate so no target always goes first
            for target in order:
                cpu_before = tree_cpu_seconds(server.pid)
                run = loadgen.run(base + target.path, headers, args.connections, args.duration)
                cpu_after = tree_cpu_seconds(server.pid)
                if cpu_before is not None and cpu_after is not None:
                    run.server_cpu = cpu_after - cpu_before
                target.runs.append(run)
                print(f"  round {rnd + 1}/{args.rounds} ({target.key}) {run.rps:9.1f} req/s", file=sys.stderr, flush=True)
        alive = server.poll() is None
    finally:
        stop(server)

    a, b, c, d = targets[:4]
    import fastapi
    import uvicorn

    print()
    print("pinsight pin-read benchmark")
    print("=" * 78)
    print(f"machine      : {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}")
    print(f"server       : ONE uvicorn {uvicorn.__version__} process tree, {args.workers} worker(s), loop=auto (uvloop), "
          f"http=auto (httptools), FastAPI {fastapi.__version__}; app = bench/bench_app.py:build "
          "(pinsight app + floor route)")
    print(f"access log   : {'ON' if args.access_log else 'OFF'} for all targets (PINSIGHT_LOG_REQUESTS, uvicorn access_log=False)")
    print(f"rate limits  : {'ON (raised: every request counted, none refused)' if args.rate_limits else 'OFF'} "
          "(PINSIGHT_RATE_LIMITS_ENABLED)")
    print(f"database     : {db_url.split('://')[0]} ({'temp file' if not args.db else 'given'}); demo user has "
          f"{before} public pins before seeding, {created} created via POST /v5/pins")
    print(f"load         : {loadgen.describe()}")
    print(f"schedule     : {args.connections} connections; warm-up {args.warmup:g}s/target; {args.rounds} interleaved "
          f"rounds x {args.duration:g}s/target (order rotated each round); percentiles pooled over rounds")
    print("body sizes   : " + ", ".join(f"({key}) {size} B" for key, size in sizes.items()))
    print(f"machine load : loadavg before {load_before}, after {loadavg()} (other processes share these cores: "
          "compare targets within this run only)")
    print()
    print(f"{'target':<36}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>7}{'CPU us/req':>12}   per-round req/s")
    for t in targets:
        rounds = " ".join(f"{r.rps:.0f}" for r in t.runs)
        print(f"({t.key}) {t.label:<32}{t.rps:>9.1f}{t.percentile_ms(50):>9.2f}{t.percentile_ms(99):>9.2f}{t.errors:>7}"
              f"{t.cpu_us_per_request:>12.0f}   {rounds}")
    print()
    ratio = a.rps / c.rps if c.rps else 0.0
    per_round = " ".join(f"{ra.rps / rc.rps:.2f}" for ra, rc in zip(a.runs, c.runs) if rc.rps)
    print(f"ratio (a)/(c) requests/s : {ratio:.3f}  ({ratio * 100:.1f}% of floor; per round: {per_round})")
    print(f"ratio (b)/(c) requests/s : {b.rps / c.rps if c.rps else 0:.3f}")
    print(f"ratio (a)/(d) requests/s : {a.rps / d.rps if d.rps else 0:.3f}  (against the floor written the FastAPI-default "
          "way: `return {...}`; the target below is judged against the stricter (c))")
    print(f"CPU/req ratio (c)/(a)    : {c.cpu_us_per_request / a.cpu_us_per_request:.3f}  (server CPU time per request, "
          "floor over pin: the req/s ratio if the server's CPU were the only bottleneck)")
    p99 = a.percentile_ms(99)
    met_ratio, met_p99 = ratio >= TARGET_RATIO, p99 < TARGET_P99_MS
    print(f"target: (a) >= {TARGET_RATIO:.0%} of floor req/s  -> {'yes' if met_ratio else 'NO'} ({ratio:.1%})")
    print(f"target: (a) p99 < {TARGET_P99_MS:g} ms           -> {'yes' if met_p99 else 'NO'} ({p99:.2f} ms)")
    print(f"TARGET {'MET' if met_ratio and met_p99 else 'NOT MET'}")
    problems = []
    if any(t.errors for t in targets):
        problems.append("some requests failed (errors column): figures are suspect")
    if not alive:
        problems.append("the server died during the run")
    for problem in problems:
        print(f"WARNING: {problem}")
    print(f"(total wall time {time.monotonic() - started:.0f}s)")
    if args.keep:
        print(f"kept: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if problems else 0


def stop(server: subprocess.Popen) -> None:
    """Stop the server we started (its own process group: uvicorn and its workers)."""
    if server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        server.wait(timeout=5)


if __name__ == "__main__":
    sys.exit(main())
