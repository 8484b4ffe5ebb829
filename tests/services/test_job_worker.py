"""The worker in-process (SQLite, a test kind): what it leaves in the file store when a job
finishes after a dead attempt, fails, or is cancelled under it."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from pinsight.domain.ids import new_id
from pinsight.services.jobs.kinds import JobContext, JobKind
from pinsight.services.jobs.worker import Worker
from pinsight.store.db import writing
from pinsight.store.tables import jobs as jobs_table
from tests.support.jobs import (add_jobs, all_jobs, failing_kind, job_runtime, make_owner, new_kind_name,
                                recording_kind)


@pytest.fixture(scope="module")
def rt(tmp_path_factory):
    root = tmp_path_factory.mktemp("job_worker")
    runtime = job_runtime(f"sqlite:///{root / 'jobs.sqlite3'}", str(root / "files"), job_lease_seconds=30.0)
    yield runtime
    runtime.engine.dispose()


def put(rt, key: str, data: bytes) -> None:
    """A file at ``key``, as a worker that died would have left it."""
    path = f"{rt.files.root}/{key}"
    rt.files.fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
    with rt.files.fs.open(path, "wb") as sink:
        sink.write(data)


def files_of(rt, prefix: str) -> list[str]:
    root = rt.files.root
    return sorted(path[len(root) + 1:] for path in rt.files.fs.find(f"{root}/{prefix}"))


def test_finishing_deletes_what_a_dead_attempt_left(rt, tmp_path):
    kind = new_kind_name()
    (job_id,) = add_jobs(rt, kind, make_owner(rt), [new_id()], {"log_dir": str(tmp_path)})
    # Attempt 1 was claimed by a worker that died mid-write, and whose lease lapsed.
    with writing(rt.engine) as conn:
        conn.execute(update(jobs_table).where(jobs_table.c.id == job_id).values(
            state="running", attempts=1, lease_owner="dead", lease_expires_at=1.0))
    for leftover in ("1/out.txt.part-abc123", "1/out.txt"):
        put(rt, f"{kind}/{job_id}/{leftover}", b"stale")
    assert Worker(rt, name="heir", kinds={kind: recording_kind(kind)}).run_once()
    job = all_jobs(rt, kind)[job_id]
    assert (job.state, job.attempts, job.file_key) == ("finished", 2, f"{kind}/{job_id}/2/out.txt")
    assert files_of(rt, kind) == [job.file_key]


def test_a_failed_job_leaves_no_file(rt):
    kind = new_kind_name()
    (job_id,) = add_jobs(rt, kind, make_owner(rt), [new_id()])
    put(rt, f"{kind}/{job_id}/0/out.txt", b"an earlier attempt's")
    assert Worker(rt, name="w", kinds={kind: failing_kind(kind)}).run_once()
    job = all_jobs(rt, kind)[job_id]
    assert (job.state, job.message, job.lease_owner) == ("failed", "The job failed on an internal error.", None)
    assert not rt.files.fs.exists(f"{rt.files.root}/{kind}/{job_id}")


def test_a_job_cancelled_while_it_runs_keeps_no_file(rt):
    kind = new_kind_name()
    (job_id,) = add_jobs(rt, kind, make_owner(rt), [new_id()])

    def write(ctx: JobContext, sink) -> int:
        sink.write(b"row\n")
        with writing(rt.engine) as conn:  # its owner cancels it meanwhile
            conn.execute(update(jobs_table).where(jobs_table.c.id == job_id).values(state="cancelled",
                                                                                    lease_owner=None))
        return 1

    assert Worker(rt, name="w", kinds={kind: JobKind(kind, lambda params: "out.txt", write)}).run_once()
    job = all_jobs(rt, kind)[job_id]
    assert (job.state, job.file_key) == ("cancelled", None)
    assert not rt.files.fs.exists(f"{rt.files.root}/{kind}/{job_id}/1")


def test_a_job_given_up_after_its_attempts_leaves_no_file(rt, tmp_path):
    kind = new_kind_name()
    (job_id,) = add_jobs(rt, kind, make_owner(rt), [new_id()], {"log_dir": str(tmp_path)})
    # Every attempt was claimed by a worker that died; the last one's lease lapsed too.
    attempts = rt.settings.job_attempts
    with writing(rt.engine) as conn:
        conn.execute(update(jobs_table).where(jobs_table.c.id == job_id).values(
            state="running", attempts=attempts, lease_owner="dead", lease_expires_at=1.0))
    put(rt, f"{kind}/{job_id}/{attempts}/out.txt.part-abc123", b"stale")
    assert not Worker(rt, name="next", kinds={kind: recording_kind(kind)}).run_once()  # nothing else to run
    job = all_jobs(rt, kind)[job_id]
    assert (job.state, job.lease_owner) == ("failed", None)
    assert not rt.files.fs.exists(f"{rt.files.root}/{kind}/{job_id}")
