"""The jobs' state machine (``domain.jobs``), and ``store.jobs`` held to it.

First the table itself: every (state, move) pair, final states, the API enums. Then a
hypothesis state machine drives ``store.jobs`` on a real SQLite database through random
claims, renewals, finishes, fails, cancels, lease lapses and expiries: after each step
every stored job is where a model built on ``domain.jobs.after`` says it is, and a move
the store refused changed nothing.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import delete

from pinsight.domain import jobs as domain
from pinsight.domain.jobs import (BULK_STATUS, FINAL_STATES, PENDING_STATES, REPORT_STATUS, TRANSITIONS, IllegalMove,
                                  JobState, Move, after)
from pinsight.store import jobs as store
from pinsight.store.db import make_engine, migrate, writing
from pinsight.store.tables import jobs as jobs_table
from tests.support.jobs import NOW, make_owner, table_rows

# -- The table ----------------------------------------------------------------------------

EXPECTED = {
    # (state, move) -> the state entered; every pair not listed is illegal.
    (JobState.QUEUED, Move.CLAIM): JobState.RUNNING,
    (JobState.RUNNING, Move.CLAIM): JobState.RUNNING,  # a lapsed lease, taken over
    (JobState.RUNNING, Move.FINISH): JobState.FINISHED,
    (JobState.RUNNING, Move.FAIL): JobState.FAILED,
    (JobState.QUEUED, Move.CANCEL): JobState.CANCELLED,
    (JobState.RUNNING, Move.CANCEL): JobState.CANCELLED,
    (JobState.FINISHED, Move.EXPIRE): JobState.EXPIRED,
}


@pytest.mark.parametrize("state,move", list(itertools.product(JobState, Move)))
def test_every_state_and_move(state, move):
    sources, target = TRANSITIONS[move]
    if (state, move) in EXPECTED:
        assert state in sources
        assert after(state, move) is EXPECTED[state, move] is target
        assert after(state.value, move) is target  # the stored text works too
    else:
        assert state not in sources
        with pytest.raises(IllegalMove, match=f"{state.value} job cannot {move.value}"):
            after(state, move)


def test_the_table_is_exactly_the_expected_one():
    allowed = {(state, move): target for move, (sources, target) in TRANSITIONS.items() for state in sources}
    assert allowed == EXPECTED
    assert set(TRANSITIONS) == set(Move)


def test_final_states_have_no_way_out():
    assert FINAL_STATES == {JobState.FAILED, JobState.CANCELLED, JobState.EXPIRED}
    for state in FINAL_STATES:
        for move in Move:
            with pytest.raises(IllegalMove):
                after(state, move)
    # And every other state has one: nothing gets stuck but the final states.
    for state in set(JobState) - FINAL_STATES:
        assert any((state, move) in EXPECTED for move in Move), state


def test_every_state_is_reachable_from_queued():
    reached, frontier = {JobState.QUEUED}, [JobState.QUEUED]
    while frontier:
        state = frontier.pop()
        for move in Move:
            try:
                nxt = after(state, move)
            except IllegalMove:
                continue
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    assert reached == set(JobState)


def test_pending_states_and_the_api_enums():
    assert PENDING_STATES == {JobState.QUEUED, JobState.RUNNING}
    assert set(REPORT_STATUS) == set(JobState) == set(BULK_STATUS)
    assert {REPORT_STATUS[s] for s in PENDING_STATES} == {"IN_PROGRESS"}
    assert {BULK_STATUS[s] for s in PENDING_STATES} == {"RUNNING"}
    assert domain.sources(Move.FINISH) == {JobState.RUNNING} and domain.target(Move.EXPIRE) is JobState.EXPIRED


def test_an_unknown_state_is_refused():
    with pytest.raises(ValueError):
        after("paused", Move.CLAIM)


# -- store.jobs held to the table ----------------------------------------------------------

LEASE = 10.0
RETENTION = 50.0
SCOPE_LIMIT = 1  # 1, so that random runs meet full scopes often
MAX_ATTEMPTS = 2
KIND = "machine"
WORKERS = ("w1", "w2", "w3")
SCOPES = (1, 2)

_DATABASE: dict = {}


def _database(tmp_path_factory):
    """One migrated SQLite database for every example (each example empties the job table)."""
    if "engine" not in _DATABASE:
        path = tmp_path_factory.mktemp("job_machine") / "jobs.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        migrate(engine)

        class _Rt:  # make_owner needs only .engine
            pass

        rt = _Rt()
        rt.engine = engine
        _DATABASE.update(engine=engine, rt=rt, owner=make_owner(rt))
    return _DATABASE


@dataclass(frozen=True)
class Model:
    """What the store should hold for one job."""

    id: int
    scope: int
    state: JobState = JobState.QUEUED
    attempts: int = 0
    owner: str | None = None
    lease_until: float | None = None
    expires_at: float | None = None


class JobMachine(RuleBasedStateMachine):
    """Random moves on a few jobs of two scopes; the model follows ``domain.jobs.after``."""

    def __init__(self):
        super().__init__()
        db = _DATABASE
        self.engine, self.rt, self.owner = db["engine"], db["rt"], db["owner"]
        with writing(self.engine) as conn:
            conn.execute(delete(jobs_table))
        self.jobs: dict[int, Model] = {}
        self.ids = itertools.count(1)
        self.now = 1000.0

    # -- helpers

    def _write(self, fn):
        with writing(self.engine) as conn:
            return fn(conn)

    def _refused(self, before):
        assert table_rows(self.rt) == before, "a refused move changed the table"

    def _moved(self, job_id: int, move: Move, **changes) -> None:
        model = self.jobs[job_id]
        self.jobs[job_id] = replace(model, state=after(model.state, move), **changes)

    def _allowed(self, job_id: int, move: Move, holder: str | None = None) -> bool:
        model = self.jobs[job_id]
        try:
            after(model.state, move)
        except IllegalMove:
            return False
        return holder is None or model.owner == holder

    job_ids = st.integers(min_value=0, max_value=7)

    def _pick(self, index: int) -> int | None:
        if not self.jobs:
            return None
        ordered = sorted(self.jobs)
        return ordered[index % len(ordered)]

    # -- rules

    @initialize()
    def start(self):
        pass

    @precondition(lambda self: len(self.jobs) < 12)
    @rule(scope=st.sampled_from(SCOPES))
    def submit(self, scope):
        job_id = next(self.ids)
        self._write(lambda conn: store.insert_job(
            conn, job_id=job_id, token=f"tok{job_id}", kind=KIND, user_id=self.owner, ad_account_id=None,
            scope_id=scope, params="{}", created_at=NOW))
        self.jobs[job_id] = Model(job_id, scope)

    @rule(worker=st.sampled_from(WORKERS))
    def claim(self, worker):
        now = self.now
        # The model's claim: the oldest claimable job whose scope has room; on the way, a
        # lapsed job with no attempt left fails.
        expected_claim, expected_given_up, full = None, [], set()
        for model in sorted(self.jobs.values(), key=lambda m: m.id):
            lapsed = model.state is JobState.RUNNING and model.lease_until < now
            if not (model.state is JobState.QUEUED or lapsed) or model.scope in full:
                continue
            if lapsed and model.attempts >= MAX_ATTEMPTS:
                expected_given_up.append(model.id)
                continue
            live = sum(1 for other in self.jobs.values() if other.scope == model.scope
                       and other.state is JobState.RUNNING and other.lease_until >= now)
            if live >= SCOPE_LIMIT:
                full.add(model.scope)
                continue
            expected_claim = model.id
            break
        before = table_rows(self.rt)
        claimed = self._write(lambda conn: store.claim(
            conn, worker=worker, now=now, started_at=NOW, lease_seconds=LEASE, scope_limit=SCOPE_LIMIT,
            max_attempts=MAX_ATTEMPTS, kinds=[KIND]))
        assert [given_up.id for given_up in claimed.given_up] == expected_given_up
        for job_id in expected_given_up:
            self._moved(job_id, Move.FAIL, owner=None, lease_until=None)
        if expected_claim is None:
            assert claimed.job is None
            if not expected_given_up:
                self._refused(before)
            return
        assert claimed.job is not None and claimed.job.id == expected_claim
        model = self.jobs[expected_claim]
        self._moved(expected_claim, Move.CLAIM, attempts=model.attempts + 1, owner=worker, lease_until=now + LEASE)
        assert claimed.job.attempts == model.attempts + 1 and claimed.job.lease_owner == worker

    @rule(index=job_ids, worker=st.sampled_from(WORKERS))
    def renew(self, index, worker):
        job_id = self._pick(index)
        if job_id is None:
            return
        allowed = self._allowed(job_id, Move.FINISH, holder=worker)  # a renewal needs what a finish does
        before = table_rows(self.rt)
        done = self._write(lambda conn: store.renew(conn, job_id, worker, self.now + LEASE, 3))
        assert done == allowed
        if done:
            self.jobs[job_id] = replace(self.jobs[job_id], lease_until=self.now + LEASE)
        else:
            self._refused(before)

    @rule(index=job_ids, worker=st.sampled_from(WORKERS))
    def finish(self, index, worker):
        job_id = self._pick(index)
        if job_id is None:
            return
        allowed = self._allowed(job_id, Move.FINISH, holder=worker)
        before = table_rows(self.rt)
        done = self._write(lambda conn: store.finish(
            conn, job_id, worker, file_key=f"k/{job_id}", file_name="f.csv", file_size=3, row_count=1,
            finished_at=NOW, expires_at=self.now + RETENTION))
        assert done == allowed
        if done:
            self._moved(job_id, Move.FINISH, owner=None, lease_until=None, expires_at=self.now + RETENTION)
        else:
            self._refused(before)

    @rule(index=job_ids, worker=st.sampled_from(WORKERS))
    def fail(self, index, worker):
        job_id = self._pick(index)
        if job_id is None:
            return
        allowed = self._allowed(job_id, Move.FAIL, holder=worker)
        before = table_rows(self.rt)
        done = self._write(lambda conn: store.fail(conn, job_id, worker, "broken", NOW))
        assert done == allowed
        if done:
            self._moved(job_id, Move.FAIL, owner=None, lease_until=None)
        else:
            self._refused(before)

    @rule(index=job_ids)
    def cancel(self, index):
        job_id = self._pick(index)
        if job_id is None:
            return
        allowed = self._allowed(job_id, Move.CANCEL)
        before = table_rows(self.rt)
        done = self._write(lambda conn: store.cancel(conn, job_id, NOW))
        assert done == allowed
        if done:
            self._moved(job_id, Move.CANCEL, owner=None, lease_until=None)
        else:
            self._refused(before)

    @rule()
    def lapse(self):
        """Time passes beyond every lease (the workers died)."""
        self.now += LEASE + 1

    @rule(seconds=st.floats(min_value=0.5, max_value=LEASE / 2))
    def tick(self, seconds):
        self.now += seconds

    @rule()
    def expire(self):
        due = sorted(m.id for m in self.jobs.values() if m.state is JobState.FINISHED and m.expires_at < self.now)
        before = table_rows(self.rt)
        expired = self._write(lambda conn: store.expire_due(conn, self.now))
        assert [job.id for job in expired] == due
        for job_id in due:
            self._moved(job_id, Move.EXPIRE)
        if not due:
            self._refused(before)

    @precondition(lambda self: self.jobs)
    @rule(index=job_ids, move=st.sampled_from([Move.FINISH, Move.FAIL, Move.CANCEL]))
    def illegal_moves_change_nothing(self, index, move):
        """A move the table forbids from a job's state is refused by the store, even when
        asked by the job's last holder."""
        job_id = self._pick(index)
        model = self.jobs[job_id]
        if self._allowed(job_id, move):
            return
        holder = model.owner or "w1"
        before = table_rows(self.rt)
        done = self._write({
            Move.FINISH: lambda c: store.finish(c, job_id, holder, file_key="x", file_name="x", file_size=1,
                                                row_count=1, finished_at=NOW, expires_at=self.now),
            Move.FAIL: lambda c: store.fail(c, job_id, holder, "x", NOW),
            Move.CANCEL: lambda c: store.cancel(c, job_id, NOW),
        }[move])
        assert not done
        self._refused(before)

    # -- the invariant

    @invariant()
    def stored_equals_model(self):
        with self.engine.connect() as conn:
            stored = {job_id: store.job_by_id(conn, job_id) for job_id in self.jobs}
        for job_id, model in self.jobs.items():
            job = stored[job_id]
            assert (job.state, job.attempts, job.lease_owner, job.scope_id) == (
                model.state.value, model.attempts, model.owner, model.scope), f"job {job_id}"
            if model.state is JobState.FINISHED:
                assert job.expires_at == model.expires_at and job.file_key == f"k/{job_id}"
            if model.state in FINAL_STATES or model.state is JobState.FINISHED:
                assert job.lease_owner is None


def _run_machine(examples: int, shrink: bool = True) -> None:
    phases = list(Phase) if shrink else [Phase.generate]
    JobMachine.TestCase.settings = settings(max_examples=examples, stateful_step_count=50, deadline=None,
                                            report_multiple_bugs=False, phases=phases,
                                            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
                                            database=None)
    JobMachine.TestCase().runTest()


def test_store_follows_the_state_machine(tmp_path_factory):
    _database(tmp_path_factory)
    _run_machine(60)


@pytest.mark.parametrize("broken", ["cancel a final job", "claim ignores the scope limit"])
def test_guard_the_machine_catches_a_store_off_the_table(tmp_path_factory, monkeypatch, broken):
    """The machine is able to fail: a store that lets a cancelled/failed job be cancelled
    again, or that claims past the scope limit, is caught."""
    _database(tmp_path_factory)
    if broken == "cancel a final job":
        real = store.sources
        monkeypatch.setattr(store, "sources", lambda move: frozenset(JobState) if move is Move.CANCEL else real(move))
    else:
        monkeypatch.setattr(store, "_live_leases", lambda conn, scope_id, now: 0)
    with pytest.raises(AssertionError):
        _run_machine(200, shrink=False)
