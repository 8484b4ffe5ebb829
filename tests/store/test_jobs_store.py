"""``store.jobs`` on SQLite and PostgreSQL: claim order, the per-scope limit, leases that
lapse and are taken over, attempts spent, moves refused to a worker that is not the
holder, expiry; and (PostgreSQL) two claimers that each find a scope full never deadlock.

Each test has its own job kind, so the tests share one database per backend and never
claim one another's jobs. Times are passed in (epoch seconds), never read from a clock.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from pinsight.store import jobs as store
from pinsight.store.db import writing
from pinsight.domain.ids import new_id
from tests.support.jobs import NOW, add_jobs, all_jobs, database_url, job_runtime, make_owner, new_kind_name, table_rows

LEASE = 30.0
T0 = 1_000_000.0


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def rt(request, tmp_path_factory):
    url = database_url(request.param, request, tmp_path_factory, "jobs_store")
    runtime = job_runtime(url, str(tmp_path_factory.mktemp("jobs_store_files")))
    yield runtime
    runtime.engine.dispose()


@pytest.fixture(scope="module")
def owner(rt) -> int:
    return make_owner(rt)


def claim(rt, kind, worker="w1", now=T0, limit=2, attempts=3, kinds=None) -> store.Claimed:
    with writing(rt.engine) as conn:
        return store.claim(conn, worker=worker, now=now, started_at=NOW, lease_seconds=LEASE, scope_limit=limit,
                           max_attempts=attempts, kinds=kinds or [kind])


def job(rt, job_id) -> store.Job:
    with rt.engine.connect() as conn:
        return store.job_by_id(conn, job_id)


def finish(rt, job_id, worker, expires_at=T0 + 100) -> bool:
    with writing(rt.engine) as conn:
        return store.finish(conn, job_id, worker, file_key=f"k/{job_id}/1/f.csv", file_name="f.csv", file_size=10,
                            row_count=2, finished_at=NOW, expires_at=expires_at)


def renew(rt, job_id, worker, until) -> bool:
    with writing(rt.engine) as conn:
        return store.renew(conn, job_id, worker, until, 5)


def fail(rt, job_id, worker, message="boom") -> bool:
    with writing(rt.engine) as conn:
        return store.fail(conn, job_id, worker, message, NOW)


def test_claims_take_the_oldest_first(rt, owner):
    kind = new_kind_name()
    ids = add_jobs(rt, kind, owner, [new_id() for _ in range(5)])
    claimed = [claim(rt, kind, worker=f"w{n}").job for n in range(5)]
    assert [job.id for job in claimed] == ids
    assert all(job.state == "running" and job.attempts == 1 for job in claimed)
    assert [job.lease_owner for job in claimed] == [f"w{n}" for n in range(5)]
    assert claim(rt, kind).job is None


def test_a_claim_takes_only_its_kinds(rt, owner):
    mine, other = new_kind_name(), new_kind_name()
    scope = new_id()
    add_jobs(rt, other, owner, [scope])
    (wanted,) = add_jobs(rt, mine, owner, [scope])
    assert claim(rt, mine).job.id == wanted
    assert claim(rt, mine).job is None
    assert claim(rt, mine, kinds=[]).job is None  # a worker with no kinds claims nothing


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_the_per_scope_limit(rt, owner, limit):
    kind = new_kind_name()
    busy, other = new_id(), new_id()
    busy_ids = add_jobs(rt, kind, owner, [busy] * (limit + 2))
    (other_id,) = add_jobs(rt, kind, owner, [other])
    first = [claim(rt, kind, worker=f"w{n}", limit=limit).job.id for n in range(limit)]
    assert first == busy_ids[:limit]
    # The (limit+1)th of the busy scope waits; the other scope's job, younger, goes first.
    assert claim(rt, kind, limit=limit).job.id == other_id
    assert claim(rt, kind, limit=limit).job is None
    assert job(rt, busy_ids[limit]).state == "queued"
    # One running job finishes: the next of the busy scope may start, and only that one.
    assert finish(rt, first[0], "w0")
    assert claim(rt, kind, limit=limit).job.id == busy_ids[limit]
    assert claim(rt, kind, limit=limit).job is None
    # A lapsed lease no longer counts against the scope (its holder is presumed dead).
    # (the oldest claimable: the second of the busy scope, run by w1 or, at limit 1, the one
    # claimed after the finish)
    again = claim(rt, kind, worker="new", limit=limit, now=T0 + LEASE + 1).job
    assert (again.id, again.attempts) == (busy_ids[1], 2)


def test_a_lapsed_lease_is_taken_over_with_one_attempt_more(rt, owner):
    kind = new_kind_name()
    (job_id,) = add_jobs(rt, kind, owner, [new_id()])
    assert claim(rt, kind, worker="dead").job.attempts == 1
    # Still held: nobody else may take it, up to the lease's last moment.
    assert claim(rt, kind, worker="alive", now=T0 + LEASE).job is None
    later = T0 + LEASE + 0.5
    taken = claim(rt, kind, worker="alive", now=later).job
    assert (taken.id, taken.attempts, taken.lease_owner, taken.state) == (job_id, 2, "alive", "running")
    # The old holder lost it: its renewal, finish and failure are refused and change nothing.
    before = table_rows(rt)
    assert not renew(rt, job_id, "dead", later + LEASE)
    assert not finish(rt, job_id, "dead")
    assert not fail(rt, job_id, "dead")
    assert table_rows(rt) == before
    assert renew(rt, job_id, "alive", later + 2 * LEASE)
    assert claim(rt, kind, worker="third", now=later + LEASE + 1).job is None  # renewed: still held
    assert finish(rt, job_id, "alive")
    done = job(rt, job_id)
    assert (done.state, done.lease_owner, done.attempts, done.file_key) == ("finished", None, 2, f"k/{job_id}/1/f.csv")


def test_attempts_spent_the_job_fails_with_a_message(rt, owner):
    kind = new_kind_name()
    job_id, next_id = add_jobs(rt, kind, owner, [new_id(), new_id()])
    now = T0
    for attempt in (1, 2):
        got = claim(rt, kind, worker=f"w{attempt}", now=now, attempts=2, limit=1)
        assert got.job.id == job_id and got.job.attempts == attempt and got.given_up == ()
        now += LEASE + 1
    # Lapsed twice with 2 attempts allowed: the next claim fails it and takes the next job.
    got = claim(rt, kind, worker="w3", now=now, attempts=2, limit=1)
    assert got.given_up == ((job_id, kind),)
    assert got.job.id == next_id
    failed = job(rt, job_id)
    assert failed.state == "failed" and failed.lease_owner is None and failed.attempts == 2
    assert failed.message == "Stopped: its worker was lost 2 times."
    assert failed.finished_at is not None
    assert claim(rt, kind, worker="w4", now=now + 10 * LEASE, attempts=2).job.id == next_id  # next_id lapsed: attempt 2


def test_moves_of_a_worker_that_is_not_the_holder_are_refused(rt, owner):
    kind = new_kind_name()
    (job_id,) = add_jobs(rt, kind, owner, [new_id()])
    before = table_rows(rt)
    assert not renew(rt, job_id, "w1", T0 + LEASE)  # queued: nobody holds it
    assert not finish(rt, job_id, "w1")
    assert not fail(rt, job_id, "w1")
    assert table_rows(rt) == before
    claim(rt, kind, worker="holder")
    before = table_rows(rt)
    assert not renew(rt, job_id, "intruder", T0 + 5 * LEASE)
    assert not finish(rt, job_id, "intruder")
    assert not fail(rt, job_id, "intruder")
    assert table_rows(rt) == before
    assert fail(rt, job_id, "holder", "x" * 5000)
    failed = job(rt, job_id)
    assert failed.state == "failed" and len(failed.message) == 2000
    assert not finish(rt, job_id, "holder")  # failed is final


def test_a_cancelled_job_is_lost_to_its_holder(rt, owner):
    kind = new_kind_name()
    running, queued = add_jobs(rt, kind, owner, [new_id(), new_id()])
    claim(rt, kind, worker="holder")
    with writing(rt.engine) as conn:
        assert store.cancel(conn, running, NOW)
        assert store.cancel(conn, queued, NOW)
        assert not store.cancel(conn, queued, NOW)
    assert not renew(rt, running, "holder", T0 + LEASE)
    assert not finish(rt, running, "holder")
    assert [job(rt, i).state for i in (running, queued)] == ["cancelled", "cancelled"]
    assert claim(rt, kind, now=T0 + 10 * LEASE).job is None


def test_expire_due(rt, owner):
    kind = new_kind_name()
    soon, late, unfinished = add_jobs(rt, kind, owner, [new_id(), new_id(), new_id()])
    for job_id, worker in ((soon, "a"), (late, "b"), (unfinished, "c")):
        claim(rt, kind, worker=worker, limit=5)
    # expire_due sees every kind: these expiries are far past the other tests' (T0 + 100).
    base = T0 + 10_000
    assert finish(rt, soon, "a", expires_at=base + 10)
    assert finish(rt, late, "b", expires_at=base + 20)
    with writing(rt.engine) as conn:
        assert [j.id for j in store.expire_due(conn, base + 10) if j.kind == kind] == []  # not before its time
        expired = [j for j in store.expire_due(conn, base + 15) if j.kind == kind]
    assert [j.id for j in expired] == [soon]
    assert expired[0].file_key == f"k/{soon}/1/f.csv"  # what the caller needs to delete the file
    with writing(rt.engine) as conn:
        assert [j.id for j in store.expire_due(conn, base + 15) if j.kind == kind] == []  # once only
        assert [j.id for j in store.expire_due(conn, base + 10**6) if j.kind == kind] == [late]
    states = {i: j.state for i, j in all_jobs(rt, kind).items()}
    assert states == {soon: "expired", late: "expired", unfinished: "running"}


def _deadlock_count(rt) -> int:
    with rt.engine.connect() as conn:
        conn.execute(text("SELECT pg_stat_clear_snapshot()"))
        return conn.execute(text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")).scalar_one()


def test_claimers_finding_scopes_full_do_not_deadlock(rt, owner):
    """Two claimers each hold the scope they found full and move on to the next candidate
    (PostgreSQL): the first holds X and needs Y, the second holds Y and needs X. A claimer
    must never wait on another's scope while holding one (regression: both waited on the
    other's advisory lock, a deadlock PostgreSQL broke after deadlock_timeout)."""
    if rt.engine.dialect.name != "postgresql":
        pytest.skip("SQLite claimers are serialized by the database's write lock")
    kind = new_kind_name()
    x, y = new_id(), new_id()
    # Scopes X and Y full (limit 1, a live lease each); then 32 candidates X, Y, Y…
    # (what the first claimer locks), then 32 more Y, X, X… (the second's).
    add_jobs(rt, kind, owner, [x, y])
    claim(rt, kind, worker="holder-x", limit=1, now=T0, kinds=[kind])
    claim(rt, kind, worker="holder-y", limit=1, now=T0, kinds=[kind])
    add_jobs(rt, kind, owner, [x] + [y] * 31 + [y] + [x] * 31)
    before = _deadlock_count(rt)
    results: dict[str, object] = {}
    second = rt.engine.connect()
    second_tx = second.begin()
    try:
        # The second claimer's transaction has locked scope Y (as a claim in progress would)
        # before the first claimer starts.
        second.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": -y})
        first_pid = []

        def first_claimer():
            try:
                with writing(rt.engine) as conn:
                    first_pid.append(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
                    results["first"] = store.claim(conn, worker="first", now=T0 + 1, started_at=NOW,
                                                   lease_seconds=LEASE, scope_limit=1, max_attempts=3, kinds=[kind])
            except Exception as exc:  # noqa: BLE001 - reported below
                results["first"] = exc

        thread = threading.Thread(target=first_claimer)
        thread.start()
        # Wait (on a condition, not a duration) until the first claimer either finished or
        # is waiting for a lock: it has then locked its 32 candidates and passed scope X.
        while thread.is_alive():
            if first_pid:
                waiting = second.execute(text(
                    "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = :pid"),
                    {"pid": first_pid[0]}).scalar()
                if waiting:
                    break
            time.sleep(0.01)
        try:
            results["second"] = store.claim(second, worker="second", now=T0 + 1, started_at=NOW, lease_seconds=LEASE,
                                            scope_limit=1, max_attempts=3, kinds=[kind])
            second_tx.commit()
        except Exception as exc:  # noqa: BLE001 - reported below
            results["second"] = exc
            second_tx.rollback()
        thread.join()
    finally:
        second.close()
    errors = {name: result for name, result in results.items() if isinstance(result, Exception)}
    assert errors == {}, f"a claimer failed: {errors}"
    # Both scopes are full: neither claimer took anything, and nobody deadlocked.
    assert results["first"].job is None and results["second"].job is None
    rt.engine.dispose()
    assert _deadlock_count(rt) == before
