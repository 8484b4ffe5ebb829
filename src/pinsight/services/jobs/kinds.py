"""What each kind of job does: the file it makes and how it writes it, declared once.

A kind's ``write`` gets the job's context and a binary file to fill; it returns the
number of rows written. It reports progress as it goes (``JobContext.progress``), which
is also where it learns that it lost the job (``LeaseLost``) and must stop.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from pinsight.services.runtime import Runtime
from pinsight.store.jobs import Job


class LeaseLost(Exception):
    """This worker no longer holds the job (its lease lapsed and another took it, or it was
    cancelled): whatever it was writing must be dropped."""


@dataclass
class JobContext:
    rt: Runtime
    job: Job
    params: dict
    rows: int = 0
    # Set by the worker's heartbeat when a renewal finds the job no longer this worker's.
    lost: Callable[[], bool] = field(default=lambda: False)

    def progress(self, rows: int) -> None:
        """Count ``rows`` more written; stop the job (LeaseLost) if it is no longer ours.
        Pauses as ``PINSIGHT_JOB_PAUSE_SECONDS`` asks, to leave the database to the server."""
        self.rows += rows
        if self.lost():
            raise LeaseLost()
        if self.rt.settings.job_pause_seconds:
            time.sleep(self.rt.settings.job_pause_seconds)


@dataclass(frozen=True)
class JobKind:
    name: str
    # The downloaded file's name, from the job's parameters.
    file_name: Callable[[dict], str]
    write: Callable[[JobContext, BinaryIO], int]


def registry() -> dict[str, JobKind]:
    """Every kind, by name (imported here, not at module load, so that the services that
    submit jobs and the kinds that run them do not import each other)."""
    from pinsight.services.organic import exports

    kinds: tuple[JobKind, ...] = (JobKind(exports.KIND, exports.file_name, exports.write_export),)
    return {kind.name: kind for kind in kinds}
