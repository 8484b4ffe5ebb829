"""Each error family renders one wire shape: v5 ``{code, message}``, overview ``{message}``
(422: with ``errors`` per field), and a shared refusal keeps its status and Retry-After
when the overview API answers it in its own shape."""

from __future__ import annotations

import pytest

from pinsight import errors
from pinsight.errors import MAX_PROBLEMS, AccountNotFound, ApiError, BatchRejected, NotAllProcessed, Problem, InvalidApiKey, InvalidPeriod, OverviewError, ServiceBusy, TooManyRequests


def _subclasses(base: type) -> list[type]:
    found = []
    for subclass in base.__subclasses__():
        found += [subclass, *_subclasses(subclass)]
    return found


# The error table's classes; a rejected batch (below) adds its problems to the same two fields.
@pytest.mark.parametrize("family", [c for c in _subclasses(ApiError) if c.__module__ == errors.__name__
                                    and c not in (BatchRejected, NotAllProcessed)], ids=lambda c: c.__name__)
def test_every_v5_error_renders_code_and_message(family):
    body = family().body()
    assert set(body) == {"code", "message"}
    assert isinstance(body["code"], int) and body["message"]
    assert 400 <= family.status < 600


def test_conversions_not_all_processed_carry_each_events_answer_in_details():
    details = {"num_events_received": 2, "num_events_processed": 1, "events": []}
    body = NotAllProcessed(details).body()
    assert body == {"code": 4196, "message": "Not all events were successfully processed.", "details": details}
    assert NotAllProcessed.status == 422


def test_a_rejected_batch_lists_its_problems_by_position_within_the_limit():
    problems = [Problem(position, f"bad item {position}") for position in range(MAX_PROBLEMS + 5)]
    body = BatchRejected(problems, 1000).body()
    assert set(body) == {"code", "message", "errors"} and body["code"] == 1 and BatchRejected.status == 400
    assert [error["position"] for error in body["errors"]] == list(range(MAX_PROBLEMS))
    assert body["message"].startswith(f"{MAX_PROBLEMS + 5} of 1000 items rejected, nothing was applied.")


def test_the_overview_errors_render_message_alone_or_with_field_errors():
    assert InvalidApiKey().body() == {"message": "Please provide a valid API key"} and InvalidApiKey.status == 401
    assert set(AccountNotFound().body()) == {"message"} and AccountNotFound.status == 404
    invalid = InvalidPeriod({"preset": ["The selected preset is invalid."]})
    assert invalid.status == 422
    assert invalid.body() == {"message": "The given data was invalid.", "errors": {"preset": ["The selected preset is invalid."]}}
    assert str(invalid) == "The selected preset is invalid."
    # The two families are apart: a handler of one never catches the other.
    assert not set(_subclasses(OverviewError)) & set(_subclasses(ApiError))
    assert {c.__name__ for c in _subclasses(OverviewError)} == {"InvalidApiKey", "AccountNotFound", "InvalidPeriod"}
    assert all(getattr(errors, c.__name__) is c for c in _subclasses(OverviewError))


@pytest.mark.parametrize("shared", [TooManyRequests("Too many requests: wait."), ServiceBusy()], ids=["429", "503"])
def test_a_shared_refusal_keeps_its_status_and_headers_in_the_overview_shape(shared):
    if isinstance(shared, TooManyRequests):
        shared.headers = lambda: {"Retry-After": "37"}  # as the rate limiter sets them
    translated = OverviewError.of(shared)
    assert translated.status == shared.status
    assert translated.body() == {"message": shared.message}
    assert translated.headers() == shared.headers() and "Retry-After" in translated.headers()
