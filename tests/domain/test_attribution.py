"""Attribution: hand-worked cases of the rules, and the compact representation the store
keeps (each kind's latest touch) proved equal to the plain definition for every window."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pinsight.catalog.ad_actions import (
    ACTION_TYPES,
    ATTRIBUTION_TYPES,
    HOUSEHOLD,
    INDIVIDUAL,
    TIME_OF_AD_ACTION,
    TIME_OF_CONVERSION,
    WINDOW_DAYS,
    ActionKind,
)
from pinsight.domain.ads.attribution import (
    Action,
    Conversion,
    Windows,
    credit,
    latest_touches,
    reach_days,
    reported_at,
    winner,
)

CONVERTED = datetime(2026, 11, 30, 12, 0, 0)
ME = frozenset({"ext:alice"})
SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)


def action(action_id: int, type_: str, before: timedelta, *, ad: int = 100, person=ME, household=None) -> Action:
    return Action(action_id, ad, type_, CONVERTED - before, frozenset(person), household)


def conversion(**extra) -> Conversion:
    return Conversion(CONVERTED, ME, **extra)


def credited_id(actions, windows=Windows(), attribution_type=INDIVIDUAL, converting=None):
    found = credit(converting or conversion(), actions, windows, attribution_type)
    return None if found is None else found.id


# ---- the rules, worked by hand -----------------------------------------------------------


def test_a_window_covers_whole_days_back_from_the_conversion_its_start_included():
    seven = Windows(click_days=7)
    assert credited_id([action(1, "CLICK", 7 * DAY)], seven) == 1
    assert credited_id([action(1, "CLICK", 7 * DAY + SECOND)], seven) is None
    assert credited_id([action(1, "CLICK", 7 * DAY + SECOND)], Windows(click_days=14)) == 1


def test_only_actions_before_the_conversion_count():
    assert credited_id([action(1, "CLICK", timedelta(0))]) is None
    assert credited_id([action(1, "CLICK", -SECOND)]) is None
    assert credited_id([action(1, "CLICK", SECOND)]) == 1


def test_a_click_beats_an_engagement_which_beats_a_view_whatever_their_ages():
    view, save, click = action(1, "IMPRESSION", SECOND), action(2, "SAVE", 2 * SECOND), action(3, "OUTBOUND_CLICK", 20 * DAY)
    assert credited_id([view, save, click]) == 3
    assert credited_id([view, save]) == 2
    assert credited_id([view]) == 1


def test_within_the_winning_kind_the_latest_action_wins():
    older, newer = action(1, "CLICK", 3 * DAY, ad=100), action(2, "OUTBOUND_CLICK", 2 * DAY, ad=200)
    assert credited_id([newer, older]) == 2
    tie = action(3, "CLICK", 2 * DAY, ad=300)
    assert credited_id([tie, newer]) == 3  # the same instant: the larger id, in any order
    assert credited_id([newer, tie]) == 3


def test_a_window_of_zero_turns_its_kind_off():
    click, view = action(1, "CLICK", DAY), action(2, "IMPRESSION", SECOND)
    assert credited_id([click, view], Windows(click_days=0, view_days=1)) == 2
    assert credited_id([click, view], Windows(click_days=0, engagement_days=0, view_days=0)) is None


def test_a_kind_out_of_its_window_leaves_the_credit_to_the_next_kind():
    click, video = action(1, "CLICK", 10 * DAY), action(2, "VIDEO_P50", 5 * DAY)
    assert credited_id([click, video], Windows(click_days=7, engagement_days=7)) == 2
    assert credited_id([click, video], Windows(click_days=14, engagement_days=7)) == 1


def test_household_attribution_takes_the_household_s_actions_individual_does_not():
    partner = action(1, "CLICK", DAY, person={"ext:bob"}, household="h1")
    mine = action(2, "IMPRESSION", SECOND, household="h1")
    converting = conversion(households=frozenset({"h1"}))
    assert credited_id([partner, mine], attribution_type=INDIVIDUAL, converting=converting) == 2
    assert credited_id([partner, mine], attribution_type=HOUSEHOLD, converting=converting) == 1
    stranger = action(3, "CLICK", SECOND, person={"ext:carol"}, household="h2")
    assert credited_id([stranger], attribution_type=HOUSEHOLD, converting=converting) is None


def test_a_conversion_naming_its_click_is_matched_to_it_without_identifiers():
    anonymous = Conversion(CONVERTED, frozenset(), click_id=7)
    click = action(7, "CLICK", DAY, person={"ext:unknown"})
    assert credited_id([click, action(8, "CLICK", SECOND, person={"ext:other"})], converting=anonymous) == 7


def test_report_time_is_the_action_s_or_the_conversion_s():
    click = action(1, "CLICK", 3 * DAY)
    touch = winner(latest_touches(conversion(), [click], INDIVIDUAL), Windows())
    assert reported_at(CONVERTED, touch, TIME_OF_AD_ACTION) == CONVERTED - 3 * DAY
    assert reported_at(CONVERTED, touch, TIME_OF_CONVERSION) == CONVERTED


def test_reach_is_the_shortest_window_covering_an_age():
    assert reach_days(SECOND) == 1
    assert reach_days(DAY) == 1
    assert reach_days(DAY + SECOND) == 7
    assert reach_days(60 * DAY) == 60
    assert reach_days(60 * DAY + SECOND) is None
    assert reach_days(timedelta(0)) is None


def test_windows_take_only_the_spec_s_values():
    with pytest.raises(ValueError):
        Windows(click_days=3)


def test_every_action_type_has_one_kind():
    assert set(ACTION_TYPES.values()) == set(ActionKind)
    assert {t for t, kind in ACTION_TYPES.items() if kind is ActionKind.CLICK} == {"CLICK", "OUTBOUND_CLICK"}
    assert {t for t, kind in ACTION_TYPES.items() if kind is ActionKind.VIEW} == {"IMPRESSION"}


# ---- the compact representation equals the definition -------------------------------------

# Ages on and around every window's edge, and anywhere from a day after the conversion
# to beyond the longest window.
_EDGES = [days * DAY + offset for days in WINDOW_DAYS for offset in (-SECOND, timedelta(0), SECOND)]
ages = st.one_of(st.sampled_from(_EDGES), st.integers(-86_400, 62 * 86_400).map(lambda s: timedelta(seconds=s)))
people = st.sampled_from([frozenset({"ext:alice"}), frozenset({"em:a1"}), frozenset({"ext:bob"}), frozenset()])
households = st.sampled_from([None, "h1", "h2"])


@st.composite
def action_lists(draw):
    count = draw(st.integers(0, 12))
    return [
        Action(index, draw(st.sampled_from([100, 200, 300])), draw(st.sampled_from(sorted(ACTION_TYPES))),
               CONVERTED - draw(ages), draw(people), draw(households))
        for index in range(1, count + 1)
    ]


conversions = st.builds(
    Conversion,
    at=st.just(CONVERTED),
    person_keys=st.sampled_from([frozenset({"ext:alice", "em:a1"}), frozenset({"ext:bob"}), frozenset()]),
    click_id=st.one_of(st.none(), st.integers(1, 12)),
    households=st.sampled_from([frozenset(), frozenset({"h1"}), frozenset({"h1", "h2"})]),
)
ALL_WINDOWS = [Windows(c, e, v) for c, e, v in itertools.product(WINDOW_DAYS, repeat=3)]


@settings(max_examples=400, deadline=None)
@given(conversions, action_lists(), st.sampled_from(ATTRIBUTION_TYPES))
def test_the_latest_touches_credit_what_the_plain_rules_credit_for_every_window(converting, actions, attribution_type):
    touches = latest_touches(converting, actions, attribution_type)
    assert len(touches) <= 3
    for windows in ALL_WINDOWS:  # all 216 combinations from the same three touches
        expected = credit(converting, actions, windows, attribution_type)
        found = winner(touches, windows)
        assert (None if found is None else (found.action_id, found.ad_id, found.at)) == (
            None if expected is None else (expected.id, expected.ad_id, expected.at)
        ), windows
