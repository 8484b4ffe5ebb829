"""Reporting buckets: days and instants to buckets (weeks Monday to Sunday, months, clipped to
the range), reporting days in a zone, hours across clock changes, and each bucket's DATE."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinsight.catalog.ad_reporting import ROLLUP_ZONES
from pinsight.domain.ads.buckets import (
    as_utc,
    bucket_key,
    bucket_keys,
    date_label,
    day_key,
    hour_key,
    range_instants,
    reporting_day,
)
from pinsight.domain.ads.reporting_days import day_in, days_of

UTC_ZONE = ZoneInfo("UTC")
LA = ZoneInfo("America/Los_Angeles")


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- reporting days ------------------------------------------------------------------------------


def test_naive_instants_are_utc():
    assert as_utc(datetime(2024, 6, 15, 3)) == datetime(2024, 6, 15, 3, tzinfo=UTC)
    assert as_utc(datetime(2024, 6, 15, 3, tzinfo=LA)) == datetime(2024, 6, 15, 10, tzinfo=UTC)


def test_the_reporting_day_is_the_zones():
    late = datetime(2024, 6, 15, 3, 30)  # UTC: the evening before in Los Angeles (UTC-7 in summer)
    assert reporting_day(late, UTC_ZONE) == d("2024-06-15")
    assert reporting_day(late, LA) == d("2024-06-14")
    assert reporting_day(datetime(2024, 6, 15, 7), LA) == d("2024-06-15")  # local midnight
    assert reporting_day(datetime(2024, 6, 15, 6, 59, 59, 999999), LA) == d("2024-06-14")
    assert reporting_day(datetime(2024, 1, 15, 8), LA) == d("2024-01-15")  # UTC-8 in winter
    assert reporting_day(datetime(2024, 1, 15, 7, 59), LA) == d("2024-01-14")


def test_range_instants_cover_the_zones_days():
    assert range_instants(d("2024-06-01"), d("2024-06-02"), UTC_ZONE) == (
        datetime(2024, 6, 1, tzinfo=UTC), datetime(2024, 6, 3, tzinfo=UTC))
    # Summer time starts on 2024-03-10 in Los Angeles: that day has 23 hours.
    since, until = range_instants(d("2024-03-10"), d("2024-03-10"), LA)
    assert (since, until) == (datetime(2024, 3, 10, 8, tzinfo=UTC), datetime(2024, 3, 11, 7, tzinfo=UTC))
    with pytest.raises(ValueError):
        range_instants(d("2024-03-10"), d("2024-03-09"), LA)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)), st.sampled_from([UTC_ZONE, LA]))
def test_an_instant_lies_within_its_reporting_days_instants(instant, zone):
    day = reporting_day(instant, zone)
    since, until = range_instants(day, day, zone)
    assert since <= as_utc(instant) < until


# --- day buckets ---------------------------------------------------------------------------------


def test_total_is_one_bucket_keyed_by_the_first_day():
    start, end = d("2024-05-30"), d("2024-06-15")
    assert {day_key(start + timedelta(days=n), "TOTAL", start, end) for n in range(17)} == {start}
    assert bucket_keys(start, end, "TOTAL", UTC_ZONE) == (start,)


def test_day_is_the_day():
    assert day_key(d("2024-06-03"), "DAY", d("2024-06-01"), d("2024-06-05")) == d("2024-06-03")
    assert bucket_keys(d("2024-02-28"), d("2024-03-01"), "DAY", UTC_ZONE) == (
        d("2024-02-28"), d("2024-02-29"), d("2024-03-01"))


def test_weeks_run_monday_to_sunday():
    start, end = d("2024-06-01"), d("2024-06-30")  # a Saturday to a Sunday
    assert d("2024-06-03").weekday() == 0
    assert day_key(d("2024-06-03"), "WEEK", start, end) == d("2024-06-03")  # Monday opens a week
    assert day_key(d("2024-06-09"), "WEEK", start, end) == d("2024-06-03")  # Sunday closes it
    assert day_key(d("2024-06-10"), "WEEK", start, end) == d("2024-06-10")


def test_a_week_begun_before_the_range_is_keyed_by_the_ranges_first_day():
    start, end = d("2024-06-01"), d("2024-06-30")
    assert day_key(d("2024-06-01"), "WEEK", start, end) == start
    assert day_key(d("2024-06-02"), "WEEK", start, end) == start
    assert bucket_keys(start, end, "WEEK", UTC_ZONE) == (
        d("2024-06-01"), d("2024-06-03"), d("2024-06-10"), d("2024-06-17"), d("2024-06-24"))


def test_weeks_cross_months_and_years():
    assert day_key(d("2025-01-01"), "WEEK", d("2024-12-01"), d("2025-01-31")) == d("2024-12-30")
    assert bucket_keys(d("2024-12-29"), d("2025-01-06"), "WEEK", UTC_ZONE) == (
        d("2024-12-29"), d("2024-12-30"), d("2025-01-06"))


def test_months_start_on_the_first_or_the_ranges_first_day():
    start, end = d("2024-01-15"), d("2024-04-02")
    assert day_key(d("2024-01-31"), "MONTH", start, end) == start
    assert day_key(d("2024-02-29"), "MONTH", start, end) == d("2024-02-01")
    assert day_key(d("2024-03-01"), "MONTH", start, end) == d("2024-03-01")
    assert bucket_keys(start, end, "MONTH", UTC_ZONE) == (start, d("2024-02-01"), d("2024-03-01"), d("2024-04-01"))
    assert bucket_keys(d("2024-12-31"), d("2025-01-01"), "MONTH", UTC_ZONE) == (d("2024-12-31"), d("2025-01-01"))


def test_a_day_outside_the_range_has_no_bucket():
    with pytest.raises(ValueError):
        day_key(d("2024-05-31"), "DAY", d("2024-06-01"), d("2024-06-05"))
    with pytest.raises(ValueError):
        day_key(d("2024-06-01"), "HOUR", d("2024-06-01"), d("2024-06-05"))
    assert bucket_key(datetime(2024, 6, 6), "DAY", UTC_ZONE, d("2024-06-01"), d("2024-06-05")) is None
    # Still 2024-06-05 in Los Angeles, so inside the range there.
    assert bucket_key(datetime(2024, 6, 6, 3), "DAY", LA, d("2024-06-01"), d("2024-06-05")) == d("2024-06-05")


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 100),
       st.sampled_from(["TOTAL", "DAY", "WEEK", "MONTH"]))
def test_buckets_partition_the_range_in_order(start, length, granularity):
    end = start + timedelta(days=length)
    keys = bucket_keys(start, end, granularity, UTC_ZONE)
    assert list(keys) == sorted(set(keys)) and keys[0] == start
    days = [start + timedelta(days=n) for n in range(length + 1)]
    found = [day_key(day, granularity, start, end) for day in days]
    assert sorted(set(found)) == list(keys)
    for day, key in zip(days, found):
        assert start <= key <= day  # a key is a day of the range, at or before its days
        if granularity == "WEEK":
            assert (day - key).days < 7 and key.isocalendar()[:2] == day.isocalendar()[:2]
        if granularity == "MONTH":
            assert (key.year, key.month) == (day.year, day.month)


# --- hours ---------------------------------------------------------------------------------------


def test_hour_keys_are_utc_instants_of_local_hours():
    assert hour_key(datetime(2024, 6, 15, 13, 45, 10), UTC_ZONE) == datetime(2024, 6, 15, 13, tzinfo=UTC)
    assert hour_key(datetime(2024, 6, 15, 13, 0), LA) == datetime(2024, 6, 15, 13, tzinfo=UTC)
    assert hour_key(datetime(2024, 6, 15, 13, 59, 59, 999999), LA) == datetime(2024, 6, 15, 13, tzinfo=UTC)


def test_a_day_has_24_hours_and_23_or_25_when_clocks_change():
    assert len(bucket_keys(d("2024-06-15"), d("2024-06-15"), "HOUR", LA)) == 24
    assert len(bucket_keys(d("2024-03-10"), d("2024-03-10"), "HOUR", LA)) == 23
    fall_back = bucket_keys(d("2024-11-03"), d("2024-11-03"), "HOUR", LA)
    assert len(fall_back) == 25
    labels = [date_label(key, "HOUR", LA) for key in fall_back]
    # 01:00 comes twice, told apart by its offset.
    assert labels[:4] == ["2024-11-03T00:00:00-07:00", "2024-11-03T01:00:00-07:00", "2024-11-03T01:00:00-08:00",
                          "2024-11-03T02:00:00-08:00"]
    assert labels[-1] == "2024-11-03T23:00:00-08:00"
    assert len(bucket_keys(d("2024-06-13"), d("2024-06-15"), "HOUR", UTC_ZONE)) == 72


def test_instants_in_the_repeated_hour_fall_in_their_own_bucket():
    first = datetime(2024, 11, 3, 8, 30)  # 01:30 PDT
    second = datetime(2024, 11, 3, 9, 30)  # 01:30 PST
    keys = {bucket_key(moment, "HOUR", LA, d("2024-11-03"), d("2024-11-03")) for moment in (first, second)}
    assert keys == {datetime(2024, 11, 3, 8, tzinfo=UTC), datetime(2024, 11, 3, 9, tzinfo=UTC)}


@given(st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2099, 12, 30)), st.sampled_from([UTC_ZONE, LA]))
def test_an_instants_hour_is_one_of_its_days_hours(instant, zone):
    day = reporting_day(instant, zone)
    key = bucket_key(instant, "HOUR", zone, day, day)
    assert key in bucket_keys(day, day, "HOUR", zone)
    assert key <= as_utc(instant) < key + timedelta(hours=1)


# --- DATE ----------------------------------------------------------------------------------------


def test_day_buckets_are_labelled_like_the_specs_examples():
    assert date_label(d("2021-04-01"), "DAY", UTC_ZONE) == "2021-04-01"
    assert date_label(d("2021-04-01"), "WEEK", LA) == "2021-04-01"
    assert date_label(d("2021-04-01"), "MONTH", UTC_ZONE) == "2021-04-01"
    assert date_label(d("2021-04-01"), "TOTAL", UTC_ZONE) is None


def test_hours_are_labelled_in_local_time_with_the_offset():
    assert date_label(datetime(2024, 6, 15, 13, tzinfo=UTC), "HOUR", UTC_ZONE) == "2024-06-15T13:00:00+00:00"
    assert date_label(datetime(2024, 6, 15, 13, tzinfo=UTC), "HOUR", LA) == "2024-06-15T06:00:00-07:00"


def test_a_label_needs_the_right_kind_of_key():
    with pytest.raises(TypeError):
        date_label(d("2024-06-15"), "HOUR", UTC_ZONE)
    with pytest.raises(TypeError):
        date_label(datetime(2024, 6, 15, tzinfo=UTC), "DAY", UTC_ZONE)


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)))
def test_the_days_of_an_instant_are_its_hours_days_in_every_rollup_zone(instant):
    # reporting_days.days_of converts each UTC hour once: right only while the rollup
    # zones' offsets are whole hours, which this holds, instant by instant.
    assert days_of(instant) == tuple((zone, day_in(instant, zone)) for zone in ROLLUP_ZONES)
    assert days_of(instant) == tuple((zone, reporting_day(instant, ZoneInfo(zone))) for zone in ROLLUP_ZONES)
