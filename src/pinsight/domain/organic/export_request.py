"""What an organic export asks for (``POST /api/v1/exports``), and the checks that need no
database: pinsight's own API, since Pinterest offers no export of organic analytics.

The body is a Pydantic model, so FastAPI refuses a malformed one (a missing or unknown
field, a bad date, an unknown format or dataset) with a 400 that names the field; the
checks between fields and against the clock (``parse``) raise ``InvalidParameters`` naming
the field too. Unlike the v5 analytics, no 90-day window applies: an export covers any
period up to today, whatever the archive holds.

Datasets (their columns: ``services.organic.export_columns``):

* ``daily_metrics``: one row per pin and day with stored rows in the period, every stored
  metric summed over app types and traffic kinds (what pin analytics answers per day
  with ``app_types=ALL``);
* ``pins``: one row per pin, its fields;
* ``totals``: one row per pin, every metric over the whole period (rates as ratios of
  the period's sums, as the analytics summaries and the overview API compute them).

Every dataset covers the same pins: the account's pins created on or before ``end_date``
that the caller may read (``services.identity.access.readable_privacies``), or those of
``pin_ids`` among them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from pinsight.errors import InvalidParameters

FORMATS = ("csv.gz", "ndjson.gz", "parquet")
DATASETS = ("daily_metrics", "pins", "totals")
# The most pins one export may name; without pin_ids it covers every pin of the account.
MAX_PIN_IDS = 10_000


def _iso_day(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a date as YYYY-MM-DD") from None
    return value


Day = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", examples=["2025-01-31"]),
                AfterValidator(_iso_day)]
PinId = Annotated[str, Field(pattern=r"^[0-9]+$", max_length=19)]


class ExportRequest(BaseModel):
    """The body of ``POST /api/v1/exports``."""

    model_config = ConfigDict(extra="forbid")

    start_date: Day = Field(description="The first day (UTC) of the period, YYYY-MM-DD.")
    end_date: Day = Field(description="The last day (UTC) of the period, YYYY-MM-DD: on or after start_date, "
                                      "no later than today. Any length: no 90-day limit.")
    format: Literal[FORMATS] = Field(  # type: ignore[valid-type]
        description="csv.gz: gzip-compressed CSV with a header line; ndjson.gz: gzip-compressed JSON, one object "
                    "a line; parquet: an Apache Parquet file.")
    dataset: Literal[DATASETS] = Field(  # type: ignore[valid-type]
        default="daily_metrics",
        description="daily_metrics: one row per pin and day with metrics, every stored metric summed over app "
                    "types and traffic; pins: one row per pin with its fields; totals: one row per pin with every "
                    "metric over the period (rates as ratios of the period's sums).")
    pin_ids: list[PinId] | None = Field(
        default=None, min_length=1, max_length=MAX_PIN_IDS,
        description="Only these pins (each must be one of the account's that the caller may read); all of them "
                    "when absent.")


@dataclass(frozen=True)
class ExportParams:
    """A checked request: what the job is given (``as_job_params``) and runs from."""

    dataset: str
    format: str
    start: date
    end: date
    pin_ids: tuple[int, ...] | None

    def as_job_params(self, owner_id: int, privacies: tuple[str, ...]) -> dict:
        """The job's parameters: the request, whose account, and the board privacies the
        requester could read when asking (the worker acts on them, not on a live actor)."""
        return {
            "dataset": self.dataset, "format": self.format, "start_date": self.start.isoformat(),
            "end_date": self.end.isoformat(), "owner_id": owner_id, "privacies": list(privacies),
            "pin_ids": None if self.pin_ids is None else [str(pin_id) for pin_id in self.pin_ids],
        }


def parse(request: ExportRequest, today: date) -> ExportParams:
    """The request's checks between fields and against today; InvalidParameters names the field."""
    start, end = date.fromisoformat(request.start_date), date.fromisoformat(request.end_date)
    if end < start:
        raise InvalidParameters("end_date: must be on or after start_date.")
    if end > today:
        raise InvalidParameters(f"end_date: must be no later than today ({today.isoformat()}).")
    pin_ids = None
    if request.pin_ids is not None:
        if any(int(value) >= 2**63 for value in request.pin_ids):
            raise InvalidParameters("pin_ids: a pin id is out of range.")
        pin_ids = tuple(sorted({int(value) for value in request.pin_ids}))
    return ExportParams(request.dataset, request.format, start, end, pin_ids)


def from_job_params(params: dict) -> tuple[ExportParams, int, tuple[str, ...]]:
    """A job's parameters (``ExportParams.as_job_params``) read back: the request, the
    account's owner and the readable privacies."""
    pin_ids = params.get("pin_ids")
    request = ExportParams(params["dataset"], params["format"], date.fromisoformat(params["start_date"]),
                           date.fromisoformat(params["end_date"]),
                           None if pin_ids is None else tuple(int(value) for value in pin_ids))
    return request, int(params["owner_id"]), tuple(params["privacies"])


def file_name(params: dict) -> str:
    """The downloaded file's name: the dataset and the period, e.g. daily_metrics_2025-01-01_2025-03-31.csv.gz."""
    return f"{params['dataset']}_{params['start_date']}_{params['end_date']}.{params['format']}"
