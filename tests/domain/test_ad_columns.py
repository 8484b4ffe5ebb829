"""The ads column catalogue's own rules, and ``parse_columns``: no spec needed."""

from __future__ import annotations

from collections import Counter

import pytest

from pinsight.catalog import ad_columns as ac
from pinsight.catalog.ad_conversions import CONVERSION_EVENT_NAMES, SOURCE_GROUPS
from pinsight.errors import InvalidParameters

BY_KIND = Counter(column.kind for column in ac.CATALOGUE)


def test_there_are_175_columns_split_across_the_kinds():
    assert len(ac.CATALOGUE) == len(ac.SYNC_COLUMNS) == 175
    assert sum(BY_KIND.values()) == 175
    assert set(BY_KIND) == set(ac.KINDS)


def test_categories_and_kinds_come_from_the_declared_sets():
    assert {column.category for column in ac.CATALOGUE} <= set(ac.CATEGORIES)
    assert {column.kind for column in ac.CATALOGUE} <= set(ac.KINDS)
    assert len(ac.CATEGORIES) <= 8  # a small, clear set


def test_display_names_are_unique_and_everything_is_described():
    display_names = [column.display_name for column in ac.CATALOGUE]
    assert len(set(display_names)) == len(display_names)
    for column in ac.CATALOGUE:
        assert column.display_name.strip() and column.definition.strip(), column.name
        assert "\n" not in column.definition, column.name


@pytest.mark.parametrize("column", ac.CATALOGUE, ids=lambda column: column.name)
def test_each_column_sets_exactly_the_field_its_kind_needs(column):
    fields = {"stored": column.stored, "formula": column.formula, "attribution": column.attribution,
              "entity": column.entity, "reason": column.reason}
    wanted = {"STORED": "stored", "DERIVED": "formula", "ATTRIBUTED": "attribution", "ENTITY": "entity",
              "UNSUPPORTED": "reason"}[column.kind]
    assert {name for name, value in fields.items() if value is not None} == {wanted}


def test_stored_columns_count_stored_action_types_or_sum_spend():
    for column in ac.CATALOGUE:
        if column.kind == "STORED":
            assert column.stored.counts in ac.AD_ACTION_TYPES or column.stored.sums in ac.AD_ACTION_SUMS
            assert column.additive


def test_formula_parts_are_supported_and_additive():
    for column in ac.CATALOGUE:
        if column.kind != "DERIVED":
            continue
        for part in column.formula.inputs:
            if isinstance(part, str):
                assert ac.SYNC_COLUMNS[part].supported, (column.name, part)
                assert ac.SYNC_COLUMNS[part].additive, (column.name, part)


def test_money_units_follow_the_names():
    """A cost built on micro spend is scaled to whole units unless its name says micro
    (and a CPM is per thousand impressions on top)."""
    costs = [column for column in ac.CATALOGUE if isinstance(column.formula, ac.Ratio) and column.category == "cost"
             and not column.name.endswith("_ROAS")]
    assert costs
    for column in costs:
        assert ac.SPEND in column.formula.numerator, column.name
        per_thousand = 1000 if "CPM" in column.name else 1
        expected = 1 if "MICRO" in column.name else ac.MICRO
        assert column.formula.scale == per_thousand * expected, column.name


def _expected_attributed_name(attribution: ac.Attribution) -> str:
    source = {"WEB": "WEB_", "APP": "INAPP_", "OFFLINE": "OFFLINE_", "ALL": ""}[attribution.source]
    action = {"CLICK": "CLICK_", "ENGAGEMENT": "ENGAGEMENT_", "VIEW": "VIEW_", "TOTAL": ""}[attribution.action]
    event = attribution.event.upper() if attribution.event else "CONVERSIONS"
    measure = {"COUNT": "", "VALUE": "_VALUE_IN_MICRO_DOLLAR", "QUANTITY": "_QUANTITY"}[attribution.measure]
    return f"TOTAL_{source}{action}{event}{measure}"


def test_attributed_columns_say_in_their_name_what_they_sum():
    attributed = [column for column in ac.CATALOGUE if column.kind == "ATTRIBUTED"]
    assert attributed
    for column in attributed:
        assert column.category == "conversion"
        assert column.attribution.event is None or column.attribution.event in CONVERSION_EVENT_NAMES
        assert column.attribution.source in SOURCE_GROUPS
        assert column.name == _expected_attributed_name(column.attribution)


def test_unsupported_columns_say_why():
    for name in ac.UNSUPPORTED_COLUMNS:
        assert len(ac.SYNC_COLUMNS[name].reason) > 20, name
    # Earned (second-order) columns can never be computed from paid ad actions.
    assert all(not ac.SYNC_COLUMNS[name].supported for name in ac.SYNC_COLUMNS if name.endswith("_2"))


# ---- parse_columns ---------------------------------------------------------------------------


def _names(columns: list[ac.AdColumn]) -> list[str]:
    return [column.name for column in columns]


def test_comma_separated_and_repeated_names_are_accepted_in_order():
    parsed = ac.parse_columns(["SPEND_IN_DOLLAR,CTR", " IMPRESSION_1 ", "CTR,,CAMPAIGN_NAME"])
    assert _names(parsed) == ["SPEND_IN_DOLLAR", "CTR", "IMPRESSION_1", "CAMPAIGN_NAME"]
    assert parsed[0] is ac.SYNC_COLUMNS["SPEND_IN_DOLLAR"]


def test_nothing_named_gives_an_empty_list():
    assert ac.parse_columns([]) == []
    assert ac.parse_columns([" , "]) == []


def test_an_unknown_name_is_a_400_naming_it():
    with pytest.raises(InvalidParameters) as raised:
        ac.parse_columns(["CTR,NOT_A_COLUMN", "ctr"])
    assert raised.value.status == 400
    # Names are case-sensitive, as in the spec's enum: "ctr" is unknown.
    assert "unknown column(s) NOT_A_COLUMN, ctr" in raised.value.message


def test_an_unsupported_name_is_a_400_naming_it_and_why():
    with pytest.raises(InvalidParameters) as raised:
        ac.parse_columns(["SPEND_IN_DOLLAR", "CTR_2,LEADS"])
    message = raised.value.message
    assert raised.value.status == 400
    assert "CTR_2" in message and ac.SYNC_COLUMNS["CTR_2"].reason in message
    assert "LEADS" in message and ac.SYNC_COLUMNS["LEADS"].reason in message
    assert "SPEND_IN_DOLLAR" not in message


def test_unknown_and_unsupported_are_reported_together():
    with pytest.raises(InvalidParameters) as raised:
        ac.parse_columns(["BOGUS", "IMPRESSION_2"])
    assert "BOGUS" in raised.value.message and "IMPRESSION_2" in raised.value.message


def test_every_supported_column_parses():
    assert _names(ac.parse_columns([",".join(ac.SUPPORTED_COLUMNS)])) == list(ac.SUPPORTED_COLUMNS)


# ---- the import-time check rejects a broken table ----------------------------------------------


def _with(monkeypatch, *extra: ac.AdColumn) -> None:
    catalogue = ac.CATALOGUE + extra
    monkeypatch.setattr(ac, "CATALOGUE", catalogue)
    monkeypatch.setattr(ac, "SYNC_COLUMNS", {column.name: column for column in catalogue})


@pytest.mark.parametrize(
    ("extra", "complaint"),
    [
        ((ac._ratio("X_RATE", "engagement", "X rate", "x.", ("CTR_2",), ("IMPRESSION_1",)),),
         "unsupported column CTR_2"),
        ((ac._ratio("X_RATE", "engagement", "X rate", "x.", ("NOPE",), ("IMPRESSION_1",)),), "undeclared column NOPE"),
        ((ac._ratio("X_RATE", "engagement", "X rate", "x.", ("CTR",), ("IMPRESSION_1",)),), "not additive"),
        ((ac._sum("X_A", "engagement", "X a", "x.", ("X_B",)), ac._sum("X_B", "engagement", "X b", "x.", ("X_A",))),
         "formula cycle"),
        ((ac._counts("X_COUNT", "engagement", "Paid saves", "x.", "SAVE"),), "display names declared twice"),
        ((ac._counts("X_COUNT", "engagement", "X count", "x.", "REACTION"),), "unknown ad action type"),
        ((ac._attributed("X_CONV", "X conversions", "x.", "TOTAL", "purchase"),), "unknown conversion event"),
    ],
)
def test_the_import_check_rejects_a_broken_table(monkeypatch, extra, complaint):
    _with(monkeypatch, *extra)
    with pytest.raises(ValueError, match=complaint):
        ac._check_catalogue()
