"""Every kind of job, by name: what a worker can run."""

from __future__ import annotations

from pinsight.services.ads import bulk_download, reports
from pinsight.services.jobs.kinds import JobKind
from pinsight.services.organic import exports

KINDS: tuple[JobKind, ...] = (reports.KIND, bulk_download.KIND, exports.KIND)


def registry() -> dict[str, JobKind]:
    return {kind.name: kind for kind in KINDS}
