"""Background jobs (async reports, bulk downloads, exports): their states and the moves
between them, declared once. ``store.jobs`` performs each move in SQL and refuses any
other; ``tests/domain/test_jobs.py`` walks this table as a state machine.

A job is *queued* when asked for, *running* while a worker holds its lease, and ends
*finished* (its file complete and visible), *failed* or *cancelled*. A finished job's file
is kept for a while, after which the job is *expired* and the file deleted. A worker
that dies leaves its lease to lapse: the job is then claimed again (running → running,
by another worker, one attempt more) until its attempts are spent, when it fails.

Pinterest's clients read these states through two enums: the async reports'
``BulkReportingJobStatus`` and the bulk requests' ``BulkUpsertStatus``.
"""

from __future__ import annotations

from enum import StrEnum


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Move(StrEnum):
    """What happens to a job; each names the states it may leave and the one it enters."""

    CLAIM = "claim"  # a worker takes a queued job, or one whose holder's lease lapsed
    FINISH = "finish"  # the holder's file is complete and committed
    FAIL = "fail"  # the holder met an error, or a lapsed job has no attempt left
    CANCEL = "cancel"  # its owner no longer wants it
    EXPIRE = "expire"  # its file's time is up: the file is deleted


# (move) -> (states it may leave, state it enters)
TRANSITIONS: dict[Move, tuple[frozenset[JobState], JobState]] = {
    Move.CLAIM: (frozenset({JobState.QUEUED, JobState.RUNNING}), JobState.RUNNING),
    Move.FINISH: (frozenset({JobState.RUNNING}), JobState.FINISHED),
    Move.FAIL: (frozenset({JobState.RUNNING}), JobState.FAILED),
    Move.CANCEL: (frozenset({JobState.QUEUED, JobState.RUNNING}), JobState.CANCELLED),
    Move.EXPIRE: (frozenset({JobState.FINISHED}), JobState.EXPIRED),
}

# States a job never leaves.
FINAL_STATES = frozenset({JobState.FAILED, JobState.CANCELLED, JobState.EXPIRED})
# States in which the job's work is still to be done.
PENDING_STATES = frozenset({JobState.QUEUED, JobState.RUNNING})


class IllegalMove(ValueError):
    """A move the table does not allow from the job's state."""


def after(state: JobState | str, move: Move) -> JobState:
    """The state ``move`` takes a job in ``state`` to; IllegalMove if it may not be made."""
    sources, target = TRANSITIONS[move]
    if JobState(state) not in sources:
        raise IllegalMove(f"a {JobState(state).value} job cannot {move.value}")
    return target


def sources(move: Move) -> frozenset[JobState]:
    return TRANSITIONS[move][0]


def target(move: Move) -> JobState:
    return TRANSITIONS[move][1]


# Pinterest's BulkReportingJobStatus (async reports) for each state; a token that names no
# job of the account is DOES_NOT_EXIST.
REPORT_STATUS: dict[JobState, str] = {
    JobState.QUEUED: "IN_PROGRESS",
    JobState.RUNNING: "IN_PROGRESS",
    JobState.FINISHED: "FINISHED",
    JobState.FAILED: "FAILED",
    JobState.CANCELLED: "CANCELLED",
    JobState.EXPIRED: "EXPIRED",
}
REPORT_DOES_NOT_EXIST = "DOES_NOT_EXIST"

# Pinterest's BulkUpsertStatus (bulk requests) for each state: it has no word for a
# cancelled or expired request, which no longer has a result, so those read FAILED.
BULK_STATUS: dict[JobState, str] = {
    JobState.QUEUED: "RUNNING",
    JobState.RUNNING: "RUNNING",
    JobState.FINISHED: "SUCCEEDED",
    JobState.FAILED: "FAILED",
    JobState.CANCELLED: "FAILED",
    JobState.EXPIRED: "FAILED",
}
