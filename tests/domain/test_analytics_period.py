from datetime import date, datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pinsight.domain.organic.analytics_period import (
    BEFORE_PIN_CREATED,
    DATA_STATUSES,
    PROCESSING,
    READY,
    AnalyticsRules,
    Period,
    data_status,
    parse_day,
    parse_today,
    validate_period,
)
from pinsight.errors import InvalidParameters

TODAY = date(2024, 6, 15)
RULES = AnalyticsRules()
UNLIMITED = AnalyticsRules(lookback_days=None)


def back(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


# --- parse_day ---------------------------------------------------------------


def test_parse_day_reads_strict_iso_dates():
    assert parse_day("2024-02-29", "start_date") == date(2024, 2, 29)
    assert parse_day("0001-01-01", "end_date") == date(1, 1, 1)


@pytest.mark.parametrize(
    "text",
    [
        "20240615",  # date.fromisoformat accepts this since 3.11
        "2024-W24-6",  # ISO week date, likewise
        "2024-6-15",
        "2024/06/15",
        "15-06-2024",
        " 2024-06-15",
        "2024-06-15 ",
        "2024-06-15T00:00:00",
        "+2024-06-15",
        "２０２４-０６-１５",  # fullwidth digits
        "٢٠٢٤-٠٦-١٥",  # Arabic-Indic digits
        "2024-06-1５",
        "yesterday",
    ],
)
def test_parse_day_rejects_other_formats_naming_the_field(text):
    with pytest.raises(InvalidParameters, match=r"^Invalid start_date: .*YYYY-MM-DD") as caught:
        parse_day(text, "start_date")
    assert caught.value.status == 400


@pytest.mark.parametrize("text", ["2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-06-00", "0000-01-01"])
def test_parse_day_rejects_impossible_dates(text):
    with pytest.raises(InvalidParameters, match=r"^Invalid end_date: .* is not a calendar date"):
        parse_day(text, "end_date")


@pytest.mark.parametrize("text", [None, ""])
def test_parse_day_missing_value_says_required(text):
    with pytest.raises(InvalidParameters, match=r"^start_date is required"):
        parse_day(text, "start_date")


def test_parse_day_cuts_long_input_short_in_the_message():
    with pytest.raises(InvalidParameters) as caught:
        parse_day("x" * 5000, "start_date")
    assert len(caught.value.message) < 200


@given(st.dates())
def test_parse_day_round_trips_every_date(day):
    assert parse_day(day.isoformat(), "start_date") == day


# --- parse_today ---------------------------------------------------------------


@pytest.mark.parametrize("text", [None, "", "   "])
def test_parse_today_unset_or_blank_is_none(text):
    assert parse_today(text) is None


def test_parse_today_reads_a_date_tolerating_surrounding_whitespace():
    assert parse_today("2024-06-15") == date(2024, 6, 15)
    assert parse_today(" 2024-06-15\n") == date(2024, 6, 15)


@pytest.mark.parametrize("text", ["2024-02-30", "15/06/2024", "today", "20240615"])
def test_parse_today_rejects_bad_values_as_configuration_errors(text):
    with pytest.raises(ValueError, match="PINSIGHT_TODAY must be a date in YYYY-MM-DD"):
        parse_today(text)


# --- AnalyticsRules ---------------------------------------------------------------


def test_default_rules_are_pinterests():
    assert AnalyticsRules() == AnalyticsRules(lookback_days=90, max_span_days=90, processing_days=2)


@pytest.mark.parametrize(
    ("value", "lookback"),
    [("90", 90), ("0", 0), ("365", 365), (" 30 ", 30), ("unlimited", None), ("UNLIMITED", None),
     ("", 90), ("  ", 90), (None, 90), (120, 120)],
)
def test_rules_from_setting(value, lookback):
    rules = AnalyticsRules.from_setting(value)
    assert rules.lookback_days == lookback
    assert (rules.max_span_days, rules.processing_days) == (90, 2)


def test_rules_from_setting_passes_other_limits_through():
    assert AnalyticsRules.from_setting("unlimited", processing_days=1) == AnalyticsRules(None, 90, 1)


@pytest.mark.parametrize("value", ["-1", "90.0", "ninety", "1e3", "+90", "9_0", "٩٠", "none", "infinite", True, -5])
def test_rules_from_setting_rejects_bad_values(value):
    with pytest.raises(ValueError, match=r"PINSIGHT_ANALYTICS_LOOKBACK_DAYS|lookback_days must be"):
        AnalyticsRules.from_setting(value)


@pytest.mark.parametrize(
    "kwargs",
    [{"lookback_days": -1}, {"max_span_days": -1}, {"processing_days": -1}, {"max_span_days": None},
     {"processing_days": 1.5}, {"lookback_days": True}],
)
def test_rules_reject_impossible_limits(kwargs):
    with pytest.raises(ValueError, match="must be a whole number of days"):
        AnalyticsRules(**kwargs)


# --- Period ---------------------------------------------------------------


def test_period_days_are_inclusive():
    period = Period(date(2024, 2, 27), date(2024, 3, 1))
    assert period.days() == [date(2024, 2, 27), date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)]
    assert len(period) == 4


def test_one_day_period():
    assert Period(TODAY, TODAY).days() == [TODAY]


def test_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Period(TODAY, TODAY - timedelta(days=1))


def test_period_is_frozen():
    with pytest.raises(AttributeError):
        Period(TODAY, TODAY).start = TODAY - timedelta(days=1)


# --- validate_period: each rule at its boundary ---------------------------------------


def test_same_day_period_is_valid():
    assert validate_period(back(0), back(0), TODAY, RULES) == Period(TODAY, TODAY)
    oldest = TODAY - timedelta(days=90)
    assert validate_period(back(90), back(90), TODAY, RULES) == Period(oldest, oldest)
    assert len(validate_period(back(90), back(90), TODAY, RULES)) == 1


def test_end_before_start_is_rejected():
    with pytest.raises(InvalidParameters, match=r"^end_date \(2024-06-09\) must not be before start_date \(2024-06-10\)"):
        validate_period(back(5), back(6), TODAY, RULES)


def test_end_today_is_allowed_tomorrow_is_not():
    assert validate_period(back(3), back(0), TODAY, RULES).end == TODAY
    with pytest.raises(InvalidParameters, match=r"cannot be in the future: the latest allowed end_date is today, 2024-06-15"):
        validate_period(back(3), back(-1), TODAY, RULES)


def test_wholly_future_period_is_rejected():
    with pytest.raises(InvalidParameters, match="cannot be in the future"):
        validate_period(back(-3), back(-5), TODAY, UNLIMITED)


def test_lookback_exactly_90_days_is_allowed_91_is_not():
    assert validate_period(back(90), back(80), TODAY, RULES).start == TODAY - timedelta(days=90)
    with pytest.raises(
        InvalidParameters,
        match=r"^start_date \(2024-03-16\) cannot be more than 90 days back from today: "
        r"the earliest allowed start_date is 2024-03-17",
    ):
        validate_period(back(91), back(80), TODAY, RULES)


@pytest.mark.parametrize(("span", "ok"), [(89, True), (90, True), (91, False)])
def test_span_end_minus_start_at_most_90_days(span, ok):
    start = back(95)
    end = (TODAY - timedelta(days=95 - span)).isoformat()
    if ok:
        period = validate_period(start, end, TODAY, UNLIMITED)
        assert (period.end - period.start).days == span
        assert len(period.days()) == span + 1
    else:
        with pytest.raises(
            InvalidParameters,
            match=rf"^end_date \({end}\) cannot be more than 90 days past start_date \({start}\): "
            rf"the latest allowed end_date is {back(5)}",
        ):
            validate_period(start, end, TODAY, UNLIMITED)


def test_span_boundary_within_default_lookback():
    # The widest period Pinterest allows: 90 days back to today, 91 days of data.
    assert len(validate_period(back(90), back(0), TODAY, RULES)) == 91


def test_unlimited_lookback_lifts_only_the_lookback():
    long_ago = (TODAY - timedelta(days=3000)).isoformat()
    ninety_later = (TODAY - timedelta(days=2910)).isoformat()
    ninety_one_later = (TODAY - timedelta(days=2909)).isoformat()
    with pytest.raises(InvalidParameters, match="days back from today"):
        validate_period(long_ago, ninety_later, TODAY, RULES)
    assert len(validate_period(long_ago, ninety_later, TODAY, UNLIMITED)) == 91
    with pytest.raises(InvalidParameters, match="days past start_date"):
        validate_period(long_ago, ninety_one_later, TODAY, UNLIMITED)
    with pytest.raises(InvalidParameters, match="cannot be in the future"):
        validate_period(back(1), back(-1), TODAY, UNLIMITED)


def test_custom_limits_are_used_in_checks_and_messages():
    rules = AnalyticsRules(lookback_days=7, max_span_days=3)
    assert validate_period(back(7), back(4), TODAY, rules)
    with pytest.raises(InvalidParameters, match="more than 7 days back"):
        validate_period(back(8), back(6), TODAY, rules)
    with pytest.raises(InvalidParameters, match="more than 3 days past"):
        validate_period(back(7), back(3), TODAY, rules)


def test_huge_lookback_and_extreme_dates_do_not_overflow():
    rules = AnalyticsRules(lookback_days=10**9, max_span_days=10**9)
    assert validate_period("0001-01-01", "9999-12-31", date.max, rules) == Period(date.min, date.max)
    with pytest.raises(InvalidParameters, match="more than 90 days back"):
        validate_period("0001-01-01", "0001-01-02", date.max, RULES)


def test_the_first_broken_rule_is_reported():
    # Bad start format wins over anything about end_date.
    with pytest.raises(InvalidParameters, match="^Invalid start_date"):
        validate_period("nope", "also nope", TODAY, RULES)
    with pytest.raises(InvalidParameters, match="^Invalid end_date"):
        validate_period(back(1), "2024-02-30", TODAY, RULES)
    # Both too far back and too long: the lookback is reported.
    with pytest.raises(InvalidParameters, match="days back from today"):
        validate_period(back(200), back(0), TODAY, RULES)


# --- validate_period: properties ---------------------------------------------------

days_around_today = st.integers(min_value=-5, max_value=200).map(back)
date_shaped = st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
date_text = st.one_of(days_around_today, date_shaped, st.dates().map(date.isoformat), st.text(max_size=20))
any_rules = st.builds(
    AnalyticsRules,
    lookback_days=st.one_of(st.none(), st.integers(0, 400)),
    max_span_days=st.integers(0, 400),
    processing_days=st.integers(0, 10),
)


def oracle(start_text, end_text, today, rules):
    """Independent statement of the rules: the period, or None when it must be refused."""
    try:
        start = datetime.strptime(start_text, "%Y-%m-%d").date()
        end = datetime.strptime(end_text, "%Y-%m-%d").date()
    except (TypeError, ValueError):
        return None
    if start.isoformat() != start_text or end.isoformat() != end_text:
        return None  # strptime is lenient (single digits, non-ASCII digits)
    if not (start <= end <= today):
        return None
    if rules.lookback_days is not None and start < today - timedelta(days=rules.lookback_days):
        return None
    if end > start + timedelta(days=rules.max_span_days):
        return None
    return Period(start, end)


@given(date_text, date_text, any_rules)
def test_validate_period_agrees_with_the_rules_and_only_raises_invalid_parameters(start_text, end_text, rules):
    expected = oracle(start_text, end_text, TODAY, rules)
    try:
        got = validate_period(start_text, end_text, TODAY, rules)
    except InvalidParameters as exc:
        assert expected is None, f"refused a valid period: {exc.message}"
        assert exc.status == 400 and exc.message
    else:
        assert got == expected


@st.composite
def near_the_bounds(draw):
    """Rules, and start/end texts within a day or two of each rule's bound."""
    rules = draw(any_rules)
    nudge = st.integers(-2, 2)
    reach = rules.lookback_days if rules.lookback_days is not None else draw(st.integers(0, 5000))
    start = TODAY - timedelta(days=reach) + timedelta(days=draw(nudge))
    end = draw(
        st.sampled_from(
            [
                start + timedelta(days=rules.max_span_days),
                TODAY,
                start,
            ]
        )
    ) + timedelta(days=draw(nudge))
    return start.isoformat(), end.isoformat(), rules


@settings(max_examples=500)
@given(near_the_bounds())
def test_validate_period_agrees_with_the_rules_at_their_bounds(case):
    start_text, end_text, rules = case
    expected = oracle(start_text, end_text, TODAY, rules)
    try:
        got = validate_period(start_text, end_text, TODAY, rules)
    except InvalidParameters as exc:
        assert expected is None, f"refused a valid period: {exc.message}"
    else:
        assert got == expected


@given(st.data())
def test_valid_periods_list_every_day_in_order(data):
    start = data.draw(st.integers(0, 90), label="days back")
    span = data.draw(st.integers(0, min(90, start)), label="span")
    period = validate_period(back(start), back(start - span), TODAY, RULES)
    days = period.days()
    assert len(days) == len(period) == (period.end - period.start).days + 1 == span + 1
    assert days[0] == period.start and days[-1] == period.end
    assert all(later - earlier == timedelta(days=1) for earlier, later in zip(days, days[1:]))


@given(st.dates(), st.integers(0, 400))
def test_period_days_property_for_any_dates(start, span):
    assume(start <= date.max - timedelta(days=span))
    period = Period(start, start + timedelta(days=span))
    days = period.days()
    assert len(days) == span + 1 == len(period)
    assert days == sorted(set(days))
    assert days[0] == start and days[-1] == period.end


# --- data_status ---------------------------------------------------------------


def test_status_constants():
    assert (READY, PROCESSING, BEFORE_PIN_CREATED) == ("READY", "PROCESSING", "BEFORE_PIN_CREATED")
    assert DATA_STATUSES == (BEFORE_PIN_CREATED, READY, PROCESSING)


def test_data_status_default_two_processing_days():
    created = TODAY - timedelta(days=10)
    status = {n: data_status(TODAY - timedelta(days=n), TODAY, created, RULES) for n in range(-1, 13)}
    assert status[-1] == status[0] == status[1] == PROCESSING
    assert status[2] == status[10] == READY
    assert status[11] == status[12] == BEFORE_PIN_CREATED


def test_data_status_pin_created_recently_skips_ready():
    assert data_status(TODAY - timedelta(days=1), TODAY, TODAY, RULES) == BEFORE_PIN_CREATED
    assert data_status(TODAY, TODAY, TODAY, RULES) == PROCESSING


def test_data_status_without_a_pin_is_never_before_pin_created():
    assert data_status(date.min, TODAY, None, RULES) == READY


def test_data_status_zero_processing_days_makes_today_ready_but_not_the_future():
    rules = AnalyticsRules(processing_days=0)
    assert data_status(TODAY, TODAY, None, rules) == READY
    assert data_status(TODAY + timedelta(days=1), TODAY, None, rules) == PROCESSING


def test_data_status_accepts_a_stored_creation_datetime():
    created = datetime(2024, 6, 10, 23, 59, 59)
    assert data_status(date(2024, 6, 9), TODAY, created, RULES) == BEFORE_PIN_CREATED
    assert data_status(date(2024, 6, 10), TODAY, created, RULES) == READY


def test_data_status_refuses_datetime_days():
    with pytest.raises(TypeError):
        data_status(datetime(2024, 6, 1, 12), TODAY, None, RULES)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))),
    st.integers(-60, 60),
    st.integers(0, 120),
    st.integers(0, 10),
)
def test_data_status_is_monotone_along_any_period(today, created, start_offset, span, processing_days):
    rules = AnalyticsRules(processing_days=processing_days)
    start = today + timedelta(days=start_offset)
    statuses = [data_status(day, today, created, rules) for day in Period(start, start + timedelta(days=span)).days()]
    ranks = [DATA_STATUSES.index(status) for status in statuses]
    assert ranks == sorted(ranks), statuses
    # And each status is where its definition puts it.
    for offset, status in enumerate(statuses):
        day = start + timedelta(days=offset)
        if created is not None and day < created:
            assert status == BEFORE_PIN_CREATED
        elif day > today - timedelta(days=processing_days):
            assert status == PROCESSING
        else:
            assert status == READY
