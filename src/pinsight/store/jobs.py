"""The job table's SQL: submit, claim with a lease, renew, finish, fail, cancel, expire.

Every move is one conditional UPDATE whose WHERE names the states ``domain.jobs`` lets the
move leave (and, for the holder's moves, the holder's lease), so a move that lost a race
changes nothing and says so (False), whatever the number of workers and machines.

Claiming, in one write transaction:

* candidates: queued jobs and running ones whose lease lapsed, oldest first; on
  PostgreSQL ``FOR UPDATE SKIP LOCKED``, so claimers never wait on one another's rows;
* per candidate, its scope (ad account or user) is serialized with every other claimer of
  that scope (PostgreSQL: an advisory lock keyed by the negated scope id, a key space no
  other lock uses; SQLite: the write transaction holds the database's one write lock),
  then the scope's live leases are counted: at the limit, the scope's jobs wait. On
  PostgreSQL the lock is only *tried*: a scope another claimer is deciding about is
  skipped this round, like a locked row. A claimer never waits for a scope while it holds
  another (it keeps each scope it looked at until it commits), so two claimers that found
  scopes full in opposite orders cannot deadlock;
* a lapsed job whose attempts are spent fails instead of being claimed again.

Lease times are epoch seconds from the worker's clock (machines sharing a database are
expected to keep time; a lease is tens of seconds, far above any sane skew).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple
from datetime import datetime

from sqlalchemy import Connection, and_, func, insert, or_, select, text, update

from pinsight.domain.jobs import JobState, Move, sources, target
from pinsight.store.tables import jobs

# How many candidates one claim looks at before giving up for this round.
_CANDIDATES = 32


@dataclass(frozen=True)
class Job:
    id: int
    token: str
    kind: str
    user_id: int
    ad_account_id: int | None
    scope_id: int
    params: str
    state: str
    attempts: int
    lease_owner: str | None
    created_at: datetime
    finished_at: datetime | None
    progress_rows: int
    file_key: str | None
    file_name: str | None
    file_size: int | None
    row_count: int | None
    expires_at: float | None
    message: str | None


_FIELDS = [jobs.c[name] for name in Job.__dataclass_fields__]


def _job(row) -> Job | None:
    return None if row is None else Job(**row._mapping)


def insert_job(conn: Connection, *, job_id: int, token: str, kind: str, user_id: int, ad_account_id: int | None,
               scope_id: int, params: str, created_at: datetime) -> None:
    conn.execute(insert(jobs).values(
        id=job_id, token=token, kind=kind, user_id=user_id, ad_account_id=ad_account_id, scope_id=scope_id,
        params=params, state=JobState.QUEUED.value, attempts=0, created_at=created_at, progress_rows=0))


def job_by_token(conn: Connection, token: str, kind: str) -> Job | None:
    return _job(conn.execute(select(*_FIELDS).where(jobs.c.token == token, jobs.c.kind == kind)).first())


def job_by_id(conn: Connection, job_id: int) -> Job | None:
    return _job(conn.execute(select(*_FIELDS).where(jobs.c.id == job_id)).first())


def _claimable(now: float):
    return or_(jobs.c.state == JobState.QUEUED.value,
               and_(jobs.c.state == JobState.RUNNING.value, jobs.c.lease_expires_at < now))


def _lock_scope(conn: Connection, scope_id: int) -> bool:
    """Serialize this claim with the scope's other claimers; False (PostgreSQL) when another
    claimer holds the scope now: the caller skips it rather than wait (no deadlock)."""
    if conn.dialect.name == "postgresql":
        return bool(conn.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": -scope_id}).scalar_one())
    return True


def _live_leases(conn: Connection, scope_id: int, now: float) -> int:
    return conn.execute(select(func.count()).select_from(jobs).where(
        jobs.c.scope_id == scope_id, jobs.c.state == JobState.RUNNING.value, jobs.c.lease_expires_at >= now)).scalar_one()


class GivenUp(NamedTuple):
    """A lapsed job a claim failed because its attempts were spent (its files are the
    caller's to delete)."""

    id: int
    kind: str


@dataclass(frozen=True)
class Claimed:
    job: Job | None
    given_up: tuple[GivenUp, ...] = ()


def claim(conn: Connection, *, worker: str, now: float, started_at: datetime, lease_seconds: float,
          scope_limit: int, max_attempts: int, kinds: Iterable[str]) -> Claimed:
    """Claim the oldest job this worker may run (module docstring). Call in a write transaction."""
    assert JobState.QUEUED in sources(Move.CLAIM) and target(Move.CLAIM) is JobState.RUNNING
    candidates = select(jobs.c.id, jobs.c.kind, jobs.c.scope_id, jobs.c.state, jobs.c.attempts).where(
        _claimable(now), jobs.c.kind.in_(list(kinds))).order_by(jobs.c.id).limit(_CANDIDATES)
    if conn.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    full: set[int] = set()
    given_up: list[GivenUp] = []
    for job_id, kind, scope_id, state, attempts in conn.execute(candidates).all():
        if scope_id in full:
            continue
        if state == JobState.RUNNING.value and attempts >= max_attempts:
            if fail(conn, job_id, None, f"Stopped: its worker was lost {attempts} times.", started_at):
                given_up.append(GivenUp(job_id, kind))
            continue
        if not _lock_scope(conn, scope_id) or _live_leases(conn, scope_id, now) >= scope_limit:
            full.add(scope_id)
            continue
        claimed = conn.execute(
            update(jobs).where(jobs.c.id == job_id, _claimable(now)).values(
                state=JobState.RUNNING.value, lease_owner=worker, lease_expires_at=now + lease_seconds,
                attempts=jobs.c.attempts + 1, started_at=func.coalesce(jobs.c.started_at, started_at),
                progress_rows=0)
        ).rowcount
        if claimed:
            return Claimed(job_by_id(conn, job_id), tuple(given_up))
    return Claimed(None, tuple(given_up))


def _held(job_id: int, worker: str | None):
    held = and_(jobs.c.id == job_id, jobs.c.state == JobState.RUNNING.value)
    return held if worker is None else and_(held, jobs.c.lease_owner == worker)


def renew(conn: Connection, job_id: int, worker: str, until: float, progress_rows: int) -> bool:
    """Extend the holder's lease; False when the job is no longer this worker's."""
    return bool(conn.execute(update(jobs).where(_held(job_id, worker)).values(
        lease_expires_at=until, progress_rows=progress_rows)).rowcount)


def finish(conn: Connection, job_id: int, worker: str, *, file_key: str, file_name: str, file_size: int,
           row_count: int, finished_at: datetime, expires_at: float) -> bool:
    """The holder's file is complete: the job is finished, unless it is no longer this worker's."""
    assert sources(Move.FINISH) == {JobState.RUNNING}
    return bool(conn.execute(update(jobs).where(_held(job_id, worker)).values(
        state=target(Move.FINISH).value, lease_owner=None, lease_expires_at=None, file_key=file_key,
        file_name=file_name, file_size=file_size, row_count=row_count, progress_rows=row_count,
        finished_at=finished_at, expires_at=expires_at)).rowcount)


def fail(conn: Connection, job_id: int, worker: str | None, message: str, finished_at: datetime) -> bool:
    """The job failed (its holder's error, or ``worker`` None: a lapsed job given up)."""
    assert sources(Move.FAIL) == {JobState.RUNNING}
    return bool(conn.execute(update(jobs).where(_held(job_id, worker)).values(
        state=target(Move.FAIL).value, lease_owner=None, lease_expires_at=None, message=message[:2000],
        finished_at=finished_at)).rowcount)


def cancel(conn: Connection, job_id: int, finished_at: datetime) -> bool:
    return bool(conn.execute(update(jobs).where(
        jobs.c.id == job_id, jobs.c.state.in_([state.value for state in sources(Move.CANCEL)])).values(
        state=target(Move.CANCEL).value, lease_owner=None, lease_expires_at=None, finished_at=finished_at)).rowcount)


def expire_due(conn: Connection, now: float, limit: int = 100) -> list[Job]:
    """Finished jobs whose files' time is up, now expired; the caller deletes their files."""
    (state,) = sources(Move.EXPIRE)
    due = [_job(row) for row in conn.execute(select(*_FIELDS).where(
        jobs.c.state == state.value, jobs.c.expires_at < now).order_by(jobs.c.id).limit(limit)).all()]
    expired = []
    for job in due:
        if conn.execute(update(jobs).where(jobs.c.id == job.id, jobs.c.state == state.value).values(
                state=target(Move.EXPIRE).value)).rowcount:
            expired.append(job)
    return expired


def jobs_of_scope(conn: Connection, scope_id: int, kind: str, limit: int, before_id: int | None = None) -> list[Job]:
    """A scope's jobs of one kind, newest first (keyset pages by id)."""
    query = select(*_FIELDS).where(jobs.c.scope_id == scope_id, jobs.c.kind == kind)
    if before_id is not None:
        query = query.where(jobs.c.id < before_id)
    return [_job(row) for row in conn.execute(query.order_by(jobs.c.id.desc()).limit(limit)).all()]
