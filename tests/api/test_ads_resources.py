"""GET /v5/resources/metrics_ready_state: delivery metrics are final once a day leaves the
processing window, conversion metrics once the longest attribution window has passed too."""

from __future__ import annotations

from datetime import timedelta

from tests.support.api import assert_error

PATH = "/resources/metrics_ready_state"  # the clients are based at /v5


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
