"""The tables of API errors, one family per wire shape, each rendered by one handler
(``api.errors``):

* ``ApiError``: Pinterest's v5 (and pinsight's ingestion and OAuth) errors, with the HTTP
  status and Pinterest's numeric ``code``, rendered ``{"code": int, "message": str}``;
* ``OverviewError``: the overview API's, rendered ``{"message": str}`` (with ``errors``
  per field for bad parameters, 422). The overview routes answer a shared refusal (a rate
  limit, a busy database) in this shape too (``OverviewError.of``).
"""

from __future__ import annotations

from dataclasses import dataclass


class ApiError(Exception):
    status: int = 400
    code: int = 1
    message: str = "Invalid request."

    def __init__(self, message: str | None = None, *, code: int | None = None, status: int | None = None):
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        super().__init__(self.message)

    def body(self) -> dict:
        return {"code": self.code, "message": self.message}

    def headers(self) -> dict[str, str] | None:
        return None


class InvalidParameters(ApiError):
    status, code, message = 400, 1, "Invalid parameters."


class InvalidBookmark(ApiError):
    status, code, message = 400, 1, "Invalid bookmark."


class Unauthenticated(ApiError):
    status, code, message = 401, 2, "Authentication failed."


class MissingScope(ApiError):
    status, code, message = 403, 3, "Your application consumer type is not supported or the token lacks the required scope."


class Forbidden(ApiError):
    status, code, message = 403, 29, "You are not permitted to access that resource."


class NotFound(ApiError):
    status, code, message = 404, 404, "Not found."


class BoardNotFound(NotFound):
    code, message = 40, "Board not found."


class PinNotFound(NotFound):
    code, message = 50, "Pin not found."


class SectionNotFound(NotFound):
    code, message = 2031, "Sorry! We couldn't find this board section."


class AdAccountNotFound(NotFound):
    code, message = 2715, "Ad account not found."


class CampaignNotFound(NotFound):
    code, message = 404, "Campaign not found."


class AdGroupNotFound(NotFound):
    code, message = 404, "Ad group not found."


class AdNotFound(NotFound):
    code, message = 404, "Ad not found."


class BulkRequestNotFound(NotFound):
    code, message = 404, "Bulk request not found."


class MediaNotFound(NotFound):
    code, message = 404, "Media upload not found."


class UserNotFound(NotFound):
    code, message = 404, "User not found."


class ExportNotFound(NotFound):
    """An export id that names none of the caller's exports (another user's included)."""

    code, message = 404, "Export not found."


class Conflict(ApiError):
    status, code, message = 409, 409, "Conflict."


class MethodNotAllowed(ApiError):
    status, code, message = 405, 405, "Method not allowed."


class PayloadTooLarge(ApiError):
    status, code, message = 413, 413, "The request body is too large."


class UnsupportedMediaType(ApiError):
    status, code, message = 415, 415, "Unsupported content type."


class TooManyRequests(ApiError):
    status, code, message = 429, 8, "You have exceeded your rate limit. Try again later."


class ServiceBusy(ApiError):
    """The request could not get the database in time (other writers held it, or a
    conflict kept recurring): nothing was written; the client should retry."""

    status, code, message = 503, 503, "The service is busy: nothing was applied. Retry after a short wait."
    retry_after_seconds = 1

    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": str(self.retry_after_seconds)}


class QueryTimeout(ServiceBusy):
    """A query ran past the statement time limit (``PINSIGHT_STATEMENT_TIMEOUT_SECONDS``)."""

    code, message = 504, "The request took too long and was stopped: narrow it (fewer days, pins or splits) or retry later."
    retry_after_seconds = 5


class OAuthError(ApiError):
    """OAuth token endpoint failures (status 400/401, Pinterest's error shape)."""

    status, code, message = 400, 1, "Invalid OAuth request."


# A rejected batch lists at most this many problems, and checking stops at this many.
MAX_PROBLEMS = 100


@dataclass(frozen=True)
class Problem:
    position: int
    reason: str


class BatchRejected(ApiError):
    """A batch refused whole: its problems by position, the first MAX_PROBLEMS of them listed."""

    status, code = 400, 1

    def __init__(self, problems: list[Problem], total: int, *, stopped: bool = False):
        self.problems = problems[:MAX_PROBLEMS]
        if stopped:
            summary = f"Checking stopped at the first {len(problems)} problems (in the first {total} items)"
        else:
            summary = f"{len(problems)} of {total} items rejected"
        listed = f" The first {MAX_PROBLEMS} are listed." if len(problems) > MAX_PROBLEMS else ""
        shown = "; ".join(f"#{p.position}: {p.reason}" for p in problems[:5])
        super().__init__(f"{summary}, nothing was applied.{listed} {shown}")

    def body(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "errors": [{"position": p.position, "reason": p.reason} for p in self.problems],
        }


class NotAllProcessed(ApiError):
    """Some Conversions API events failed: each event's answer goes in ``details`` (the spec's DetailedError)."""

    status, code, message = 422, 4196, "Not all events were successfully processed."

    def __init__(self, details: dict):
        super().__init__()
        self.details = details

    def body(self) -> dict:
        return {"code": self.code, "message": self.message, "details": self.details}


class OverviewError(Exception):
    status: int = 400
    message: str = "Invalid request."

    def __init__(self, message: str | None = None, *, status: int | None = None,
                 headers: dict[str, str] | None = None):
        if message is not None:
            self.message = message
        if status is not None:
            self.status = status
        self._headers = headers
        super().__init__(self.message)

    @classmethod
    def of(cls, error: ApiError) -> OverviewError:
        """A refusal every API shares (429, 503, ...) in the overview API's shape."""
        return cls(error.message, status=error.status, headers=error.headers())

    def body(self) -> dict:
        return {"message": self.message}

    def headers(self) -> dict[str, str] | None:
        return self._headers


class InvalidApiKey(OverviewError):
    """No key, or one that matches nothing."""

    status, message = 401, "Please provide a valid API key"


class AccountNotFound(OverviewError):
    """The social network id names no account this key may read."""

    status, message = 404, "No Pinterest account with this social_network_id is readable with this API key."


class InvalidPeriod(OverviewError):
    """Bad parameters, with the messages for each field."""

    status, message = 422, "The given data was invalid."

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__()
        self.errors = errors

    def __str__(self) -> str:
        return "; ".join(message for messages in self.errors.values() for message in messages)

    def body(self) -> dict:
        return {"message": self.message, "errors": self.errors}
