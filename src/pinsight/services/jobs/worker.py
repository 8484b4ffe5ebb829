"""The worker: claims jobs, runs them under a renewed lease, commits their files, and
deletes expired ones.

Any number of workers may run, as threads beside the server (``start_embedded``) or as
``pinsight worker`` processes on any machines sharing the database. A job is claimed by
one worker (``store.jobs.claim``); while it runs, a heartbeat thread renews the lease,
and a worker that dies (kill -9, a lost machine) stops renewing, so after
``PINSIGHT_JOB_LEASE_SECONDS`` another worker claims the job and runs it again from the
start. Each attempt writes its own file (under the job's directory and its attempt
number) and the job is finished by the one holder of the lease, once: a worker whose lease
was lost meanwhile finds its finish refused and deletes its file, so a client never reads
a file but the one the finished job names. A worker that died cannot clean up after
itself: the holder that finishes the job deletes the earlier attempts' directories (a
dead worker's temporary file, or a complete file it never got to commit), and the holder
that fails it deletes the job's whole directory (a failed job never expires).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable

from pinsight.errors import ApiError
from pinsight.services.jobs.kinds import JobContext, JobKind, LeaseLost
from pinsight.services.jobs.registry import registry
from pinsight.services.runtime import Runtime
from pinsight.store import db
from pinsight.store import jobs as store
from pinsight.store.jobs import Job

log = logging.getLogger("pinsight.jobs")

# How often, in leases, the heartbeat renews (three chances before the lease lapses).
RENEWALS_PER_LEASE = 3
# How often an idle worker looks for expired files, in seconds.
SWEEP_SECONDS = 60.0


def job_directory(job: Job | store.GivenUp) -> str:
    return f"{job.kind}/{job.id}"


class _Heartbeat:
    """Renews one job's lease until stopped; notes when a renewal is refused."""

    def __init__(self, rt: Runtime, job: Job, worker: str, rows: Callable[[], int]):
        self._rt, self._job, self._worker, self._rows = rt, job, worker, rows
        self._stop = threading.Event()
        self.lost = False
        self._thread = threading.Thread(target=self._run, name=f"lease-{job.id}", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        lease = self._rt.settings.job_lease_seconds
        while not self._stop.wait(lease / RENEWALS_PER_LEASE):
            try:
                with self._rt.write() as conn:
                    held = store.renew(conn, self._job.id, self._worker, self._rt.clock.timestamp() + lease,
                                       self._rows())
            except Exception as exc:  # the database is busy or away: try again at the next beat
                log.warning("job %s: lease renewal failed: %s", self._job.id, exc)
                continue
            if not held:
                self.lost = True
                return


class Worker:
    def __init__(self, rt: Runtime, name: str | None = None, kinds: dict[str, JobKind] | None = None):
        self.rt = rt
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.kinds = kinds or registry()
        self._last_sweep = 0.0

    def claim(self) -> Job | None:
        settings, now = self.rt.settings, self.rt.clock.timestamp()

        def attempt() -> store.Claimed:
            with self.rt.write() as conn:
                return store.claim(conn, worker=self.name, now=now, started_at=self.rt.clock.now(),
                                   lease_seconds=settings.job_lease_seconds, scope_limit=settings.jobs_per_scope,
                                   max_attempts=settings.job_attempts, kinds=self.kinds)

        claimed = self.rt.run(attempt)
        for given_up in claimed.given_up:
            log.warning("job %s failed: its workers were lost %s times", given_up.id, settings.job_attempts)
            self._delete_quietly(given_up, [job_directory(given_up)])  # what its dead attempts left
        return claimed.job

    def run_once(self) -> bool:
        """Claim one job and run it to its end; False when there was none to claim."""
        job = self.claim()
        if job is None:
            return False
        self.run(job)
        return True

    def run(self, job: Job) -> None:
        kind = self.kinds[job.kind]
        params = json.loads(job.params)
        attempt_key = f"{job_directory(job)}/{job.attempts}"
        file_name = kind.file_name(params)
        key = f"{attempt_key}/{file_name}"
        context = JobContext(self.rt, job, params)
        try:
            with _Heartbeat(self.rt, job, self.name, lambda: context.rows) as heartbeat:
                context.lost = lambda: heartbeat.lost
                with self.rt.files.writing(key) as sink:
                    rows = kind.write(context, sink)
                if heartbeat.lost:
                    raise LeaseLost()
            size = self.rt.files.size(key)
            now = self.rt.clock.timestamp()

            def finish() -> bool:
                with self.rt.write() as conn:
                    return store.finish(conn, job.id, self.name, file_key=key, file_name=file_name, file_size=size,
                                        row_count=rows, finished_at=self.rt.clock.now(),
                                        expires_at=now + self.rt.settings.file_retention_seconds)

            if not self.rt.run(finish):
                raise LeaseLost()
            log.info("job %s (%s) finished: %s rows, %s bytes", job.id, job.kind, rows, size)
            self._delete_quietly(job, [f"{job_directory(job)}/{attempt}" for attempt in range(1, job.attempts)])
        except LeaseLost:
            log.warning("job %s: lost to another worker; its file is dropped", job.id)
            self.rt.files.delete_tree(attempt_key)
        except Exception as exc:
            if db.failure_kind(exc) is not None:
                # The database refused for now (busy, a conflict): the lease lapses and the
                # job is tried again, by this worker or another.
                log.warning("job %s: stopped by the database (%s); it will be retried", job.id, exc)
                return
            message = exc.message if isinstance(exc, ApiError) else "The job failed on an internal error."
            if not isinstance(exc, ApiError):
                log.exception("job %s (%s) failed", job.id, job.kind)

            def fail() -> bool:
                with self.rt.write() as conn:
                    return store.fail(conn, job.id, self.name, message, self.rt.clock.now())

            if self.rt.run(fail):
                self._delete_quietly(job, [job_directory(job)])

    def _delete_quietly(self, job: Job | store.GivenUp, prefixes: list[str]) -> None:
        """Delete what earlier (or failed) attempts left; a failure here only leaves files behind."""
        for prefix in prefixes:
            try:
                self.rt.files.delete_tree(prefix)
            except OSError as exc:
                log.warning("job %s: %s could not be deleted: %s", job.id, prefix, exc)

    def sweep(self) -> int:
        """Expire the finished jobs whose files' time is up and delete those files."""
        def expire() -> list[Job]:
            with self.rt.write() as conn:
                return store.expire_due(conn, self.rt.clock.timestamp())

        expired = self.rt.run(expire)
        for job in expired:
            try:
                self.rt.files.delete_tree(job_directory(job))
            except OSError as exc:
                log.warning("job %s expired, but its files could not be deleted: %s", job.id, exc)
        return len(expired)

    def run_forever(self, stop: threading.Event) -> None:
        poll = self.rt.settings.worker_poll_seconds
        while not stop.is_set():
            worked = False
            try:
                now = self.rt.clock.timestamp()
                if now - self._last_sweep >= min(SWEEP_SECONDS, self.rt.settings.file_retention_seconds / 2):
                    self._last_sweep = now
                    self.sweep()
                worked = self.run_once()
            except Exception:
                log.exception("worker %s: a round failed", self.name)
            if not worked:
                stop.wait(poll)


def start_embedded(rt: Runtime, count: int) -> Callable[[], None]:
    """Run ``count`` workers as daemon threads; returns the function that stops them."""
    stop = threading.Event()
    threads = [threading.Thread(target=Worker(rt).run_forever, args=(stop,), name=f"pinsight-worker-{n}", daemon=True)
               for n in range(count)]
    for thread in threads:
        thread.start()

    def stop_all() -> None:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    return stop_all
