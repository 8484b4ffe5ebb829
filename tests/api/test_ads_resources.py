"""GET /v5/resources/metrics_ready_state: delivery metrics are final once a day leaves the
processing window, conversion metrics once the longest attribution window has passed too.
GET /v5/resources/delivery_metrics: the definitions of the ads columns pinsight computes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pinsight.catalog.ad_columns import SUPPORTED_COLUMNS, SYNC_COLUMNS, parse_columns
from pinsight.catalog.ad_reporting import SYNC_ONLY_COLUMNS
from tests.contract.spec_validation import SpecValidator
from tests.support.api import assert_error

PATH = "/resources/metrics_ready_state"  # the clients are based at /v5
METRICS = "/resources/delivery_metrics"


def test_a_day_is_ready_for_delivery_first_and_for_conversions_after_the_longest_window(runtime, user):
    today = runtime.clock.today()
    processing = runtime.analytics_rules.processing_days

    def state(day) -> dict:
        response = user.client.get(PATH, params={"date": day.isoformat()})
        assert response.status_code == 200, response.text
        return response.json()

    assert state(today) == {"conversion_metrics_ready": False, "non_conversion_metrics_ready": False}
    assert state(today - timedelta(days=processing - 1))["non_conversion_metrics_ready"] is False
    assert state(today - timedelta(days=processing)) == {"conversion_metrics_ready": False,
                                                         "non_conversion_metrics_ready": True}
    assert state(today - timedelta(days=processing + 59))["conversion_metrics_ready"] is False
    assert state(today - timedelta(days=processing + 60)) == {"conversion_metrics_ready": True,
                                                              "non_conversion_metrics_ready": True}
    assert state(today + timedelta(days=3)) == {"conversion_metrics_ready": False, "non_conversion_metrics_ready": False}


def test_the_date_is_required_and_checked(user):
    assert_error(user.client.get(PATH), 400)
    assert_error(user.client.get(PATH, params={"date": "2026-02-30"}), 400)
    assert_error(user.client.get(PATH, params={"date": "yesterday"}), 400)


def test_it_needs_the_ads_read_scope(runtime, user):
    narrow = user.token_with(runtime, {"boards:read"})
    response = user.client.get(PATH, params={"date": "2026-01-01"}, headers={"Authorization": f"Bearer {narrow}"})
    assert_error(response, 403)


# --- delivery_metrics ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator(spec) -> SpecValidator:
    return SpecValidator(spec)


def _metrics(user, validator, **params) -> list[dict]:
    response = user.client.get(METRICS, params=params)
    assert response.status_code == 200, response.text
    return validator.validate_response(response, METRICS, "get")["items"]


@pytest.mark.parametrize("params", [{"report_type": "SYNC"}, {}])
def test_sync_metrics_are_the_columns_pinsight_computes(user, validator, params):
    items = _metrics(user, validator, **params)
    assert [item["name"] for item in items] == list(SUPPORTED_COLUMNS)
    for item in items:
        column = SYNC_COLUMNS[item["name"]]
        assert item == {"name": column.name, "category": "ADS", "definition": column.definition,
                        "display_name": column.display_name}
    # A client may ask for every one of them.
    assert [column.name for column in parse_columns([item["name"] for item in items])] == list(SUPPORTED_COLUMNS)


def test_async_metrics_are_those_async_reports_take_too(spec, user, validator):
    names = [item["name"] for item in _metrics(user, validator, report_type="ASYNC")]
    async_enum = set(spec["components"]["schemas"]["ReportingColumnAsync"]["enum"])
    assert names == [name for name in SUPPORTED_COLUMNS if name in async_enum]
    assert names == [name for name in SUPPORTED_COLUMNS if name not in SYNC_ONLY_COLUMNS]


@pytest.mark.parametrize("report_type", ["sync", "BOTH", ""])
def test_the_report_type_is_checked(user, report_type):
    assert_error(user.client.get(METRICS, params={"report_type": report_type}), 400)


def test_delivery_metrics_need_their_three_scopes(runtime, user):
    for scope in ("ads:read", "pins:read", "user_accounts:read"):
        narrow = user.token_with(runtime, {"ads:read", "pins:read", "user_accounts:read"} - {scope})
        response = user.client.get(METRICS, headers={"Authorization": f"Bearer {narrow}"})
        assert scope in assert_error(response, 403)["message"]
