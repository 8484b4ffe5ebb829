"""The metric catalogue: its table is consistent and its pure functions compute what it says.

(Evaluating formulas is the formula engine's: ``tests/store/test_formulas.py``.)"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinsight.catalog import metrics as m
from pinsight.catalog.metrics import (
    CATALOGUE,
    ENDPOINT_SETS,
    METRICS,
    STORED_COLUMNS,
    Ratio,
    Sum,
    base_columns_for,
    parse_metric_types,
)
from pinsight.errors import InvalidParameters

REQUIRED = {
    "IMPRESSION", "SAVE", "PIN_CLICK", "OUTBOUND_CLICK", "ENGAGEMENT", "SAVE_RATE", "ENGAGEMENT_RATE",
    "PIN_CLICK_RATE", "OUTBOUND_CLICK_RATE", "CLOSEUP", "PROFILE_VISIT", "USER_FOLLOW", "TOTAL_COMMENTS",
    "TOTAL_REACTIONS", "VIDEO_START", "VIDEO_MRC_VIEW", "VIDEO_10S_VIEW", "QUARTILE_95_PERCENT_VIEW",
    "VIDEO_V50_WATCH_TIME", "VIDEO_AVG_WATCH_TIME",
}  # fmt: skip


def col(name: str) -> str:
    return METRICS[name].stored_as


# --- the table --------------------------------------------------------------------


def test_the_required_metrics_are_declared():
    assert REQUIRED <= set(METRICS), sorted(REQUIRED - set(METRICS))


def test_names_and_columns_are_unique():
    names = [metric.name for metric in CATALOGUE]
    assert len(names) == len(set(names))
    assert len(STORED_COLUMNS) == len(set(STORED_COLUMNS))
    assert set(METRICS) == set(names)


def test_each_metric_is_either_stored_or_derived():
    for metric in CATALOGUE:
        assert (metric.stored_as is None) != (metric.formula is None), metric.name
        assert metric.kind in ("count", "rate", "duration"), metric.name
        assert metric.display_name and metric.definition, metric.name


def test_stored_columns_are_the_snake_case_names_of_the_base_metrics():
    assert STORED_COLUMNS == tuple(metric.stored_as for metric in CATALOGUE if metric.formula is None)
    for metric in CATALOGUE:
        if metric.stored_as is not None:
            assert metric.stored_as == metric.name.lower()
            assert re.fullmatch(r"[a-z][a-z0-9_]*", metric.stored_as)
    assert col("IMPRESSION") == "impression"


def test_every_derived_metric_is_computed_from_base_metrics_only():
    for metric in CATALOGUE:
        if metric.formula is None:
            assert metric.inputs == (metric.name,)
            continue
        assert metric.inputs, metric.name
        for name in metric.inputs:
            assert name in METRICS and METRICS[name].stored_as is not None, (metric.name, name)


def test_kinds_match_formulas():
    for metric in CATALOGUE:
        if metric.kind == "rate":
            assert isinstance(metric.formula, Ratio), metric.name
        if isinstance(metric.formula, Sum):
            assert metric.kind == "count"
            assert all(METRICS[part].kind == "count" for part in metric.formula.parts), metric.name


@pytest.mark.parametrize(
    ("rate", "numerator"),
    [
        ("SAVE_RATE", ("SAVE",)),
        ("PIN_CLICK_RATE", ("PIN_CLICK",)),
        ("OUTBOUND_CLICK_RATE", ("OUTBOUND_CLICK",)),
        ("CLOSEUP_RATE", ("CLOSEUP",)),
        ("ENGAGEMENT_RATE", ("SAVE", "PIN_CLICK", "OUTBOUND_CLICK")),
    ],
)
def test_rates_are_per_impression(rate, numerator):
    assert METRICS[rate].formula == Ratio(numerator, ("IMPRESSION",))


def test_engagement_definition():
    assert METRICS["ENGAGEMENT"].formula == Sum(("SAVE", "PIN_CLICK", "OUTBOUND_CLICK"))
    assert METRICS["ENGAGEMENT_RATE"].formula.numerator == METRICS["ENGAGEMENT"].formula.parts


def test_average_watch_time_is_total_play_time_per_start():
    metric = METRICS["VIDEO_AVG_WATCH_TIME"]
    assert metric.kind == "duration"
    assert metric.formula == Ratio(("VIDEO_V50_WATCH_TIME",), ("VIDEO_START",))
    assert METRICS["VIDEO_V50_WATCH_TIME"].kind == "duration"


def test_lifetime_and_video_only_metrics():
    assert set(m.LIFETIME_METRICS) == {"TOTAL_COMMENTS", "TOTAL_REACTIONS"}
    assert set(m.VIDEO_ONLY_METRICS) == {
        "VIDEO_START", "VIDEO_MRC_VIEW", "VIDEO_10S_VIEW", "QUARTILE_95_PERCENT_VIEW",
        "VIDEO_V50_WATCH_TIME", "VIDEO_AVG_WATCH_TIME",
    }  # fmt: skip
    # A video-only metric is never offered for standard Pins or whole accounts.
    for name in m.VIDEO_ONLY_METRICS:
        assert name in m.PIN_VIDEO_METRICS
        assert name not in m.PIN_STANDARD_METRICS
        assert name not in m.USER_ACCOUNT_METRICS
    # Lifetime metrics have no daily series, so no derived metric may add or divide them.
    for metric in CATALOGUE:
        if metric.formula is not None:
            assert not set(metric.inputs) & set(m.LIFETIME_METRICS), metric.name


def test_endpoint_sets_name_declared_metrics_without_repeats():
    assert set(ENDPOINT_SETS) >= {
        "PIN_ANALYTICS_METRICS", "USER_ACCOUNT_METRICS", "TOP_PINS_SORT_BY", "TOP_PINS_METRICS",
        "TOP_VIDEO_PINS_SORT_BY", "TOP_VIDEO_PINS_METRICS",
    }  # fmt: skip
    for set_name, members in ENDPOINT_SETS.items():
        assert members, set_name
        assert len(members) == len(set(members)), set_name
        assert set(members) <= set(METRICS), (set_name, sorted(set(members) - set(METRICS)))
    assert set(m.PIN_ANALYTICS_METRICS) == set(m.PIN_STANDARD_METRICS) | set(m.PIN_VIDEO_METRICS)


def test_a_broken_catalogue_is_refused(monkeypatch):
    bad = m.Metric("BROKEN", "Broken", "Divides by a rate.", "rate", formula=Ratio(("SAVE",), ("SAVE_RATE",)))
    monkeypatch.setattr(m, "CATALOGUE", m.CATALOGUE + (bad,))
    monkeypatch.setitem(m.METRICS, "BROKEN", bad)
    with pytest.raises(ValueError, match="SAVE_RATE is not a declared base metric"):
        m._check_catalogue()


def test_a_duplicate_name_is_refused(monkeypatch):
    monkeypatch.setattr(m, "CATALOGUE", m.CATALOGUE + (m.CATALOGUE[0],))
    with pytest.raises(ValueError, match="declared twice"):
        m._check_catalogue()


# --- base_columns_for -------------------------------------------------------------


def test_base_columns_for_expands_and_orders():
    assert base_columns_for(["SAVE_RATE"]) == ("impression", "save")
    assert base_columns_for(["ENGAGEMENT", "SAVE", "IMPRESSION"]) == ("impression", "save", "pin_click", "outbound_click")
    assert base_columns_for(["VIDEO_AVG_WATCH_TIME"]) == ("video_start", "video_v50_watch_time")
    assert base_columns_for([]) == ()
    assert base_columns_for(METRICS) == STORED_COLUMNS


def test_base_columns_for_an_unknown_metric():
    with pytest.raises(KeyError):
        base_columns_for(["NOT_A_METRIC"])


# --- parse_metric_types -----------------------------------------------------------


def test_parse_repeated_and_comma_separated():
    allowed = m.PIN_ANALYTICS_METRICS
    assert parse_metric_types(["IMPRESSION", "SAVE"], allowed) == ["IMPRESSION", "SAVE"]
    assert parse_metric_types(["IMPRESSION,SAVE"], allowed) == ["IMPRESSION", "SAVE"]
    assert parse_metric_types(["IMPRESSION, SAVE", "PIN_CLICK,", "SAVE"], allowed) == ["IMPRESSION", "SAVE", "PIN_CLICK"]
    assert parse_metric_types([], allowed) == []
    assert parse_metric_types([""], allowed) == []


def test_parse_names_the_unknown_values():
    with pytest.raises(InvalidParameters) as caught:
        parse_metric_types(["IMPRESSION,BOGUS", "ALSO_BAD"], m.PIN_ANALYTICS_METRICS)
    error = caught.value
    assert (error.status, error.code) == (400, 1)
    assert "BOGUS" in error.message and "ALSO_BAD" in error.message
    assert "IMPRESSION," not in error.message.split("Allowed")[0]


def test_parse_refuses_a_known_metric_the_endpoint_does_not_offer():
    with pytest.raises(InvalidParameters, match="VIDEO_START.*not available here"):
        parse_metric_types(["SAVE,VIDEO_START"], m.USER_ACCOUNT_METRICS)


def test_parse_is_case_sensitive():
    with pytest.raises(InvalidParameters, match="impression"):
        parse_metric_types(["impression"], m.USER_ACCOUNT_METRICS)


@given(st.data())
def test_parse_accepts_any_split_of_allowed_names(data):
    allowed = data.draw(st.sampled_from(sorted(ENDPOINT_SETS.values())))
    names = data.draw(st.lists(st.sampled_from(allowed), min_size=1))
    # Cut the list into groups, each sent as one comma-separated value.
    cuts = sorted(data.draw(st.sets(st.integers(min_value=1, max_value=len(names) - 1))) if len(names) > 1 else set())
    bounds = [0, *cuts, len(names)]
    values = [",".join(names[a:b]) for a, b in zip(bounds, bounds[1:])]
    assert parse_metric_types(values, allowed) == list(dict.fromkeys(names))
