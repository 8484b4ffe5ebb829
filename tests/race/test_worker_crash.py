"""A worker process killed (SIGKILL) in the middle of a job, on PostgreSQL: another
worker takes the job over once the lease lapses, runs it again from the start and
finishes it once; the dead worker's partial output is never visible and not left behind.

The workers are real processes (``tests.support.jobs.run_slow_worker``: a ``Worker`` with
a slow test kind that sleeps between rows), with a short lease.
"""

from __future__ import annotations

import time

import pytest

from pinsight.domain.ids import new_id
from pinsight.services.jobs import queue
from tests.support.jobs import add_jobs, all_jobs, database_url, job_runtime, make_owner, new_kind_name, start_slow_worker

ROWS = 40
SETTINGS = {"job_lease_seconds": 1.5, "worker_poll_seconds": 0.1, "job_attempts": 3}
# A safety net against a hung test, never an assertion about speed.
PATIENCE = 120


def wait_for(condition, what: str):
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture
def crash_queue(request, tmp_path_factory, tmp_path):
    url = database_url("postgresql", request, tmp_path_factory, "worker_crash")
    files = tmp_path / "files"
    rt = job_runtime(url, str(files), **SETTINGS)
    yield url, files, rt
    rt.engine.dispose()


def test_a_killed_worker_s_job_is_finished_once_by_another(crash_queue, tmp_path):
    url, files, rt = crash_queue
    kind = new_kind_name()
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    (job_id,) = add_jobs(rt, kind, make_owner(rt), [new_id()],
                         {"log_dir": str(log_dir), "rows": ROWS, "pause": 0.05, "file_name": "report.csv"})
    job_dir = files / kind / str(job_id)
    processes = []
    try:
        doomed = start_slow_worker(url, str(files), kind, "doomed", SETTINGS, tmp_path / "doomed.log")
        processes.append(doomed)
        # Mid-job: the first attempt has written rows to its temporary file.
        wait_for(lambda: (log_dir / f"started-{job_id}-1").exists(), "the first attempt to start")
        partial = wait_for(lambda: [p for p in job_dir.rglob("*") if ".part-" in p.name], "the temporary file")
        doomed.kill()
        doomed.wait()
        job = all_jobs(rt, kind)[job_id]
        assert (job.state, job.attempts, job.lease_owner, job.file_key) == ("running", 1, "doomed", None)
        assert [p.relative_to(job_dir).parts[0] for p in partial] == ["1"]
        assert not (job_dir / "1" / "report.csv").exists()  # nothing complete of the dead attempt
        assert queue.download(rt, job) is None

        heir = start_slow_worker(url, str(files), kind, "heir", SETTINGS, tmp_path / "heir.log")
        processes.append(heir)
        taken = wait_for(lambda: (job := all_jobs(rt, kind)[job_id]).lease_owner == "heir" and job, "the takeover")
        assert (taken.state, taken.attempts, taken.file_key) == ("running", 2, None)
        assert queue.download(rt, taken) is None  # running again: no link to anything yet
        done = wait_for(lambda: (job := all_jobs(rt, kind)[job_id]).state not in ("queued", "running") and job,
                        "the job to end")
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    logs = "".join((tmp_path / name).read_text() for name in ("doomed.log", "heir.log"))
    assert (done.state, done.attempts, done.lease_owner, done.message) == ("finished", 2, None, None), logs
    assert done.file_key == f"{kind}/{job_id}/2/report.csv"
    expected = "".join(f"job {job_id} attempt 2 row {row}\n" for row in range(ROWS)).encode()
    assert (files / done.file_key).read_bytes() == expected
    assert done.file_size == len(expected) and done.row_count == ROWS
    # One file in the job's directory, the finished one: the dead attempt's partial output
    # (and its temporary name) is gone.
    left = sorted(str(p.relative_to(files)) for p in files.rglob("*") if p.is_file())
    assert left == [done.file_key], logs
    link = queue.download(rt, done)
    assert link is not None and link.size == len(expected)
    assert b"".join(rt.files.chunks(done.file_key)) == expected
