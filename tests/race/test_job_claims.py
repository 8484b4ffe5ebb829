"""Several worker processes (not threads) claiming from one queue, on SQLite and
PostgreSQL.

Each process runs ``Worker(rt, kinds={kind: recording_kind})`` in a loop until no job of
the test's kind is pending. The kind's write logs its worker in a per-job log, and keeps
two flock-guarded counters of the writers inside each job and each scope (the most there
ever were at once). Afterwards:

* every job finished exactly once, on its first attempt, and its file names the one
  worker that logged it;
* no job ever had two writers at once, and no scope more than ``jobs_per_scope``;
* nothing is left under a temporary name;
* PostgreSQL detected no deadlock (its pg_stat_database counter did not move).
"""

from __future__ import annotations

import multiprocessing
import random

import pytest

from pinsight.domain.ids import new_id
from tests.support.jobs import (add_jobs, all_jobs, claim_loop, database_url, deadlocks, job_counter, job_runtime,
                                make_owner, new_kind_name, scope_counter, writers_of)

# More workers than the scopes' room (SCOPES * PER_SCOPE): some claimers always find
# every scope full, and look further down the queue while others do.
PROCESSES = 6
JOBS = 200
SCOPES = 2
PER_SCOPE = 2
# Long enough that no lease lapses on a loaded machine: each job is run exactly once.
SETTINGS = {"jobs_per_scope": PER_SCOPE, "job_lease_seconds": 60.0, "job_attempts": 3}


@pytest.fixture(params=["sqlite", "postgresql"])
def queue(request, tmp_path_factory, tmp_path):
    url = database_url(request.param, request, tmp_path_factory, "job_claims")
    files = tmp_path / "files"
    rt = job_runtime(url, str(files), **SETTINGS)
    yield url, files, rt
    rt.engine.dispose()


def check_one_writer_per_job(log_dir, finished: dict) -> None:
    """Every job logged by exactly one writer, never two inside it at once, and its file
    written by that writer."""
    for job_id, job in finished.items():
        writers = writers_of(log_dir, job_id)
        assert len(writers) == 1, f"job {job_id} was run by {writers}"
        assert job_counter(log_dir, job_id).read() == (0, 1), f"job {job_id} had writers at once"


def check_scope_cap(log_dir, scopes, limit: int) -> list[int]:
    """The most writers each scope ever had at once (none above ``limit``)."""
    most = [scope_counter(log_dir, scope).read()[1] for scope in scopes]
    assert max(most) <= limit, f"a scope had {max(most)} jobs running at once (limit {limit})"
    assert all(scope_counter(log_dir, scope).read()[0] == 0 for scope in scopes)
    return most


def test_workers_in_processes_run_each_job_once(queue, tmp_path):
    url, files, rt = queue
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    kind = new_kind_name()
    owner = make_owner(rt)
    scopes = [new_id() for _ in range(SCOPES)]
    # Runs of 16 jobs of a scope, the scopes in turn (X.., Y.., Y.., X.., …) with a random
    # job among them: claimers locking 32 candidates each meet the scopes in opposite orders.
    rng = random.Random(7)
    order = [scopes[(run // 2 + run % 2) % SCOPES] for run in range(JOBS // 16 + 1) for _ in range(16)][:JOBS]
    order = [rng.choice(scopes) if rng.random() < 0.1 else scope for scope in order]
    params = {"log_dir": str(log_dir), "rows": 3, "pause": 0.002}
    ids = add_jobs(rt, kind, owner, order, params)
    deadlocks_before = deadlocks(rt.engine)

    workers = [(url, str(files), kind, f"worker-{n}", SETTINGS) for n in range(PROCESSES)]
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        ran = pool.starmap(claim_loop, workers)

    assert sum(ran) == JOBS, f"jobs run per worker: {ran}"
    assert sum(1 for count in ran if count) >= 2, "the test needs several workers to have run jobs"
    finished = all_jobs(rt, kind)
    assert sorted(finished) == ids
    assert {job.state for job in finished.values()} == {"finished"}
    assert {job.attempts for job in finished.values()} == {1}
    check_one_writer_per_job(log_dir, finished)
    for job_id, job in finished.items():
        (writer,) = writers_of(log_dir, job_id)
        worker = writer.split()[0]
        assert job.file_key == f"{kind}/{job_id}/1/out.txt"
        assert (files / job.file_key).read_bytes() == f"job {job_id} worker {worker} attempt 1\n".encode() * 3
        assert job.file_size == (files / job.file_key).stat().st_size and job.row_count == 3
    most = check_scope_cap(log_dir, scopes, PER_SCOPE)
    assert PER_SCOPE in most, f"no scope ever reached its limit ({most}): the cap was not put to the test"
    leftovers = [path for path in files.rglob("*") if ".part-" in path.name]
    assert leftovers == []
    assert deadlocks(rt.engine) == deadlocks_before


def test_guard_the_checks_catch_two_writers_and_a_broken_cap(tmp_path):
    """The checks above can fail: a job logged by two writers, two writers inside a job at
    once, a scope above its limit."""
    job_id, scope = 1, 2
    (tmp_path / f"job-{job_id}.log").write_text("worker-0 1\nworker-1 2\n")
    with pytest.raises(AssertionError, match="was run by"):
        check_one_writer_per_job(tmp_path, {job_id: None})
    (tmp_path / f"job-{job_id}.log").write_text("worker-0 1\n")
    counter = job_counter(tmp_path, job_id)
    counter.change(+1)
    counter.change(+1)
    counter.change(-1)
    counter.change(-1)
    with pytest.raises(AssertionError, match="writers at once"):
        check_one_writer_per_job(tmp_path, {job_id: None})
    inside = scope_counter(tmp_path, scope)
    for _ in range(PER_SCOPE + 1):
        inside.change(+1)
    with pytest.raises(AssertionError, match="running at once"):
        check_scope_cap(tmp_path, [scope], PER_SCOPE)
