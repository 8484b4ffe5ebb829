"""Helpers for the job tests: fresh databases, an owner for jobs, jobs stored straight in
the table, small test-only job kinds (importable, so spawned processes can run them),
PostgreSQL's deadlock counter and a moto S3 server.

The kinds here are the tests' own: a ``Worker(rt, kinds={...})`` built with them claims
only their jobs, so they never meet the real kinds other parts of pinsight register.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, text

from pinsight.domain.ids import new_id
from pinsight.services.jobs.kinds import JobContext, JobKind
from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
from pinsight.store import jobs as store
from pinsight.store.content import content
from pinsight.store.db import make_engine, migrate, writing
from pinsight.store.tables import jobs as jobs_table

NOW = datetime(2026, 6, 1, 12, 0, 0)


def database_url(backend: str, request, tmp_path_factory, name: str) -> str:
    """A fresh, empty database of ``backend`` (not yet migrated)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp(name) / 'jobs.sqlite3'}"
    return request.getfixturevalue("postgres_server").create_database(f"{name}_{uuid.uuid4().hex[:8]}")


def job_runtime(url: str, files_url: str, **settings) -> Runtime:
    """Migrate the database at ``url``; its runtime, job files under ``files_url``."""
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()  # no session left behind (``deadlocks`` waits for the others to end)
    return open_runtime(url, files_url, **settings)


def open_runtime(url: str, files_url: str, **settings) -> Runtime:
    """The runtime of an already migrated database (what a worker process opens)."""
    return Runtime.build(make_engine(url), Settings(database_url=url, files_url=files_url, log_requests=False,
                                                    **settings))


def make_owner(rt: Runtime) -> int:
    """A user to own jobs (jobs.user_id references users)."""
    user_id = new_id()
    with writing(rt.engine) as conn:
        content.insert_user(conn, id=user_id, username=f"jobs_{uuid.uuid4().hex[:10]}", account_type="BUSINESS",
                            business_name=None, about="", website_url="", profile_image="", follower_count=0,
                            following_count=0, monthly_views=0, created_at=NOW)
    return user_id


def new_kind_name() -> str:
    """A kind of this test's alone (kinds are at most 32 characters)."""
    return f"t_{uuid.uuid4().hex[:12]}"


def add_jobs(rt: Runtime, kind: str, owner: int, scopes: list[int], params: dict | None = None) -> list[int]:
    """One queued job per entry of ``scopes`` (its scope id), in that order: ids increase."""
    ids = []
    with writing(rt.engine) as conn:
        for scope in scopes:
            job_id = new_id()
            store.insert_job(conn, job_id=job_id, token=uuid.uuid4().hex, kind=kind, user_id=owner, ad_account_id=None,
                             scope_id=scope, params=json.dumps(params or {}), created_at=NOW)
            ids.append(job_id)
    assert ids == sorted(ids), "new_id() is expected to increase"
    return ids


def all_jobs(rt: Runtime, kind: str | None = None) -> dict[int, store.Job]:
    query = select(jobs_table.c.id).order_by(jobs_table.c.id)
    if kind is not None:
        query = query.where(jobs_table.c.kind == kind)
    with rt.engine.connect() as conn:
        return {job_id: store.job_by_id(conn, job_id) for job_id in conn.execute(query).scalars()}


def table_rows(rt: Runtime) -> list[tuple]:
    """Every column of every job row, for 'nothing changed' checks."""
    with rt.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(jobs_table).order_by(jobs_table.c.id)).all()]


def deadlocks(engine) -> int | None:
    """The deadlocks PostgreSQL detected in the database so far (None on SQLite), read once
    no other session is left on it (a session reports its counts when it ends, at the latest)."""
    if engine.dialect.name != "postgresql":
        return None
    engine.dispose()
    others = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
    deadline = time.monotonic() + 30
    while True:
        with engine.connect() as conn:
            if conn.execute(others).scalar_one() == 0 or time.monotonic() > deadline:
                conn.execute(text("SELECT pg_stat_clear_snapshot()"))
                return conn.execute(text(
                    "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")).scalar_one()
        time.sleep(0.2)


# -- Test kinds ----------------------------------------------------------------------------


def file_name(params: dict) -> str:
    return params.get("file_name", "out.txt")


class _Counter:
    """A number in a file shared by processes, changed under an exclusive flock: how many
    writers are inside a job (or a scope) right now, and the most there ever were."""

    def __init__(self, path: Path):
        self.path = path

    def change(self, by: int) -> None:
        with open(self.path, "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            now, most = (int(part) for part in (handle.read().split() or ["0", "0"]))
            now += by
            most = max(most, now)
            handle.seek(0)
            handle.truncate()
            handle.write(f"{now} {most}")
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)

    def read(self) -> tuple[int, int]:
        """(inside now, most ever)."""
        if not self.path.exists():
            return 0, 0
        now, most = self.path.read_text().split()
        return int(now), int(most)


def scope_counter(log_dir: Path, scope_id: int) -> _Counter:
    return _Counter(Path(log_dir) / f"scope-{scope_id}.count")


def job_counter(log_dir: Path, job_id: int) -> _Counter:
    return _Counter(Path(log_dir) / f"job-{job_id}.count")


def recording_write(ctx: JobContext, sink) -> int:
    """Writes ``job <id> worker <name> attempt <n>`` lines; meanwhile counts itself inside
    its job and its scope (``_Counter``) and appends its name to the job's log. Params:
    ``log_dir``, ``rows`` (lines), ``pause`` (seconds between lines), ``worker`` (its name)."""
    params, job = ctx.params, ctx.job
    log_dir = Path(params["log_dir"])
    worker = params.get("worker_name") or os.environ.get("PINSIGHT_TEST_WORKER", f"pid{os.getpid()}")
    with open(log_dir / f"job-{job.id}.log", "a") as log:
        log.write(f"{worker} {job.attempts}\n")
    inside = [job_counter(log_dir, job.id), scope_counter(log_dir, job.scope_id)]
    for counter in inside:
        counter.change(+1)
    try:
        for _ in range(params.get("rows", 1)):
            sink.write(f"job {job.id} worker {worker} attempt {job.attempts}\n".encode())
            if params.get("pause"):
                time.sleep(params["pause"])
            ctx.progress(1)
    finally:
        for counter in inside:
            counter.change(-1)
    return params.get("rows", 1)


def recording_kind(name: str) -> JobKind:
    return JobKind(name=name, file_name=file_name, write=recording_write)


def slow_write(ctx: JobContext, sink) -> int:
    """``rows`` lines, ``pause`` seconds apart, flushed as they go; a ``started`` marker file
    in ``log_dir`` once the first line is written (the crash test waits for it)."""
    params, job = ctx.params, ctx.job
    rows = params.get("rows", 10)
    for row in range(rows):
        sink.write(f"job {job.id} attempt {job.attempts} row {row}\n".encode())
        sink.flush()
        if row == 0:
            (Path(params["log_dir"]) / f"started-{job.id}-{job.attempts}").touch()
        time.sleep(params.get("pause", 0.0))
        ctx.progress(1)
    return rows


def slow_kind(name: str) -> JobKind:
    return JobKind(name=name, file_name=file_name, write=slow_write)


def failing_write(ctx: JobContext, sink) -> int:
    sink.write(b"half a file")
    raise RuntimeError("the test kind fails on purpose")


def failing_kind(name: str) -> JobKind:
    return JobKind(name=name, file_name=file_name, write=failing_write)


# -- Worker processes ------------------------------------------------------------------------


def claim_loop(database_url: str, files_url: str, kind: str, worker_name: str, settings: dict) -> int:
    """A worker process's life in the race test: claim and run jobs of ``kind`` until none
    is pending. Returns how many it ran."""
    os.environ["PINSIGHT_TEST_WORKER"] = worker_name
    from pinsight.services.jobs.worker import Worker

    rt = open_runtime(database_url, files_url, **settings)
    worker = Worker(rt, name=worker_name, kinds={kind: recording_kind(kind)})
    ran = 0
    try:
        while True:
            if worker.run_once():
                ran += 1
                continue
            with rt.engine.connect() as conn:
                pending = conn.execute(select(jobs_table.c.id).where(
                    jobs_table.c.kind == kind, jobs_table.c.state.in_(["queued", "running"])).limit(1)).first()
            if pending is None:
                return ran
            time.sleep(0.05)
    finally:
        rt.engine.dispose()


def writers_of(log_dir: Path, job_id: int) -> list[str]:
    """The writers that started on a job (recording_write's log), in order."""
    path = Path(log_dir) / f"job-{job_id}.log"
    return path.read_text().split("\n")[:-1] if path.exists() else []


WORKER_SCRIPT = """
import sys, json
from tests.support.jobs import run_slow_worker
run_slow_worker(*json.loads(sys.argv[1]))
"""


def run_slow_worker(database_url: str, files_url: str, kind: str, worker_name: str, settings: dict) -> None:
    """A worker process running ``slow_kind`` jobs until killed (the crash test's)."""
    import logging
    import threading

    from pinsight.services.jobs.worker import Worker

    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    rt = open_runtime(database_url, files_url, **settings)
    Worker(rt, name=worker_name, kinds={kind: slow_kind(kind)}).run_forever(threading.Event())


def start_slow_worker(database_url: str, files_url: str, kind: str, worker_name: str, settings: dict,
                      log_path: Path) -> subprocess.Popen:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root)])}
    log = open(log_path, "ab")
    return subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT,
                             json.dumps([database_url, files_url, kind, worker_name, settings])],
                            cwd=str(root), env=env, stdout=log, stderr=subprocess.STDOUT)


# -- S3 --------------------------------------------------------------------------------------


class MotoS3:
    """moto's S3 server in a subprocess on a free port (a real HTTP endpoint)."""

    def __init__(self):
        from tests.support.server import free_port

        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen | None = None

    def start(self) -> MotoS3:
        import httpx

        self._process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError("moto_server exited")
            try:
                httpx.get(self.endpoint, timeout=1)
                return self
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto_server did not start")

    def options(self) -> dict:
        return {"endpoint_url": self.endpoint, "key": "test", "secret": "test",
                "client_kwargs": {"region_name": "us-east-1"}}

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id="test", aws_secret_access_key="test",
                            region_name="us-east-1")

    def create_bucket(self) -> str:
        bucket = f"jobs-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=bucket)
        return bucket

    def keys(self, bucket: str) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()


def sigv4_query_valid(url: str, secret: str, now: datetime) -> bool:
    """Whether a presigned S3 GET link carries a valid Signature Version 4 for its path,
    its query and its host, and has not expired at ``now`` (naive UTC): S3's own check,
    done here because moto's server accepts any signature."""
    import hashlib
    import hmac
    from datetime import timedelta
    from urllib.parse import parse_qsl, quote, urlsplit

    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    signature = query.pop("X-Amz-Signature", "")
    if query.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" or query.get("X-Amz-SignedHeaders") != "host":
        return False
    canonical_query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(query.items()))
    canonical = "\n".join(["GET", parts.path, canonical_query, f"host:{parts.netloc}", "", "host", "UNSIGNED-PAYLOAD"])
    _key, date, region, service, _ = query["X-Amz-Credential"].split("/")
    scope = f"{date}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", query["X-Amz-Date"], scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    signed_at = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
    in_time = now <= signed_at + timedelta(seconds=int(query["X-Amz-Expires"]))
    return hmac.compare_digest(expected, signature) and in_time


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
