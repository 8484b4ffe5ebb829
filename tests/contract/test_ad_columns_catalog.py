"""The ads column catalogue (pinsight.catalog.ad_columns) must say what the official spec says.

The five sync ads analytics operations share one ``columns`` enum; the catalogue declares
exactly its names, in its order. Formulas refer only to columns pinsight can compute, the
async column enum covers the sync one (all but one name, as the spec stands), and the
conversion vocabulary (pinsight.catalog.ad_conversions) is the Conversions API's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pytest

from pinsight.catalog import ad_columns as ac
from pinsight.catalog.ad_conversions import ACTION_SOURCES, CONVERSION_EVENT_NAMES
from pinsight.catalog.ad_reporting import SYNC_ONLY_COLUMNS
from tests.contract.spec_validation import find_operation

SYNC_OPERATIONS = (
    "ad_account/analytics",
    "campaigns/analytics",
    "ad_groups/analytics",
    "ads/analytics",
    "ad_pins/analytics",
)
# Other operations that take the same enum; later steps can reuse the catalogue for them.
SAME_ENUM_OPERATIONS = (
    "ad_account_targeting_analytics/get",
    "campaign_targeting_analytics/get",
    "ad_groups/analytics",
    "ad_targeting_analytics/get",
    "product_groups/analytics",
)


def _deref(spec: Mapping, node: Any) -> Any:
    while isinstance(node, Mapping) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), f"non-local reference {ref}"
        node = spec
        for part in ref[2:].split("/"):
            node = node[part]
    return node


def columns_enum(spec: Mapping, operation_id: str) -> list[str]:
    """The ``items.enum`` of the operation's ``columns`` query parameter."""
    _, _, operation = find_operation(spec, operation_id)
    found = [p for p in (_deref(spec, p) for p in operation.get("parameters", [])) if p.get("name") == "columns"]
    assert len(found) == 1, f"{operation_id} has {len(found)} parameters named columns"
    parameter = found[0]
    assert parameter["in"] == "query"
    schema = _deref(spec, parameter["schema"])
    assert schema["type"] == "array"
    return list(_deref(spec, schema["items"])["enum"])


@pytest.mark.parametrize("operation_id", SYNC_OPERATIONS)
def test_the_catalogue_is_the_operations_columns_enum_in_order(spec, operation_id):
    assert [column.name for column in ac.CATALOGUE] == columns_enum(spec, operation_id)


def test_the_five_sync_operations_share_one_enum_of_175(spec):
    enums = {operation_id: columns_enum(spec, operation_id) for operation_id in SYNC_OPERATIONS}
    first = enums[SYNC_OPERATIONS[0]]
    assert len(first) == len(set(first)) == 175
    assert all(enum == first for enum in enums.values())
    assert list(ac.SYNC_COLUMNS) == first


@pytest.mark.parametrize("operation_id", SAME_ENUM_OPERATIONS)
def test_targeting_and_product_group_analytics_take_the_same_enum(spec, operation_id):
    assert columns_enum(spec, operation_id) == list(ac.SYNC_COLUMNS)


def test_the_async_column_enum_covers_the_sync_columns_but_one(spec):
    async_enum = _deref(spec, spec["components"]["schemas"]["ReportingColumnAsync"])["enum"]
    assert set(ac.SYNC_COLUMNS) - set(async_enum) == SYNC_ONLY_COLUMNS


def _parts(formula: ac.Formula) -> list[ac.Part]:
    return list(formula.inputs)


def test_every_formula_refers_to_computable_columns(spec):
    sync_names = set(columns_enum(spec, SYNC_OPERATIONS[0]))
    for column in ac.CATALOGUE:
        if column.kind != "DERIVED":
            continue
        for part in _parts(column.formula):
            if isinstance(part, str):
                assert part in sync_names, f"{column.name} refers to {part}, not a sync column"
                assert ac.SYNC_COLUMNS[part].kind != "UNSUPPORTED", f"{column.name} refers to unsupported {part}"
            else:
                assert part.event is None or part.event in CONVERSION_EVENT_NAMES, column.name


def test_formulas_have_no_cycles():
    graph = {
        column.name: [part for part in _parts(column.formula) if isinstance(part, str)]
        for column in ac.CATALOGUE
        if column.formula is not None
    }
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, f"cycle: {' -> '.join(path + (name,))}"
        if name in done:
            return
        for part in graph.get(name, []):
            visit(part, path + (name,))
        done.add(name)

    for name in graph:
        visit(name, ())


def _backticked(description: str) -> list[str]:
    return re.findall(r"`([a-z_]+)`", description)


def _conversion_event_properties(spec: Mapping) -> Mapping:
    events = _deref(spec, spec["components"]["schemas"]["ConversionEvents"])
    return _deref(spec, events["properties"]["data"]["items"])["properties"]


def test_conversion_event_names_are_the_conversions_apis(spec):
    listed = _backticked(_conversion_event_properties(spec)["event_name"]["description"])
    assert tuple(listed) == CONVERSION_EVENT_NAMES


def test_action_sources_are_the_conversions_apis(spec):
    listed = _backticked(_conversion_event_properties(spec)["action_source"]["description"])
    assert set(listed) == set(ACTION_SOURCES)


def test_what_attributed_columns_sum_exists_on_a_conversion_event(spec):
    custom_data = _conversion_event_properties(spec)["custom_data"]["properties"]
    assert {"value", "num_items"} <= set(custom_data)
