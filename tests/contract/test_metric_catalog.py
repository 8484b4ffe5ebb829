"""The metric catalogue must say what the official spec says about organic analytics.

Every metric name the five organic analytics operations mention (in the enums of their
``metric_types`` and ``sort_by`` parameters and in the metric maps of their response
schemas) is declared in pinsight.catalog.metrics, and each per-endpoint allowed set is
exactly the spec's enum for that parameter.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from pinsight.catalog import metrics as m
from tests.contract.spec_validation import find_operation

OPERATIONS = (
    "pins/analytics",
    "multi_pins/analytics",
    "user_account/analytics",
    "user_account/analytics/top_pins",
    "user_account/analytics/top_video_pins",
)
METRIC_MAPS = ("metrics", "summary_metrics", "lifetime_metrics")


def deref(spec: Mapping, node: Any) -> Any:
    """Follow local ``$ref``s until a node that is not a reference."""
    while isinstance(node, Mapping) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), f"non-local reference {ref}"
        node = spec
        for part in ref[2:].split("/"):
            node = node[part]
    return node


def parameter(spec: Mapping, operation_id: str, name: str) -> Mapping:
    _, _, operation = find_operation(spec, operation_id)
    found = [p for p in (deref(spec, p) for p in operation.get("parameters", [])) if p.get("name") == name]
    assert len(found) == 1, f"{operation_id} has {len(found)} parameters named {name}"
    return found[0]


def enum_branches(spec: Mapping, schema: Mapping) -> list[list[str]]:
    """The enum(s) a string or array-of-string parameter schema allows; one per oneOf branch."""
    schema = deref(spec, schema)
    if schema.get("type") == "array":
        schema = deref(spec, schema["items"])
    branches = schema.get("oneOf") or schema.get("anyOf") or [schema]
    enums = [deref(spec, branch).get("enum") for branch in branches]
    assert all(enums), f"a branch without an enum: {schema}"
    return enums


def param_enum(spec: Mapping, operation_id: str, name: str) -> set[str]:
    return set().union(*enum_branches(spec, parameter(spec, operation_id, name)["schema"]))


def response_schema(spec: Mapping, operation_id: str) -> Mapping:
    _, _, operation = find_operation(spec, operation_id)
    response = deref(spec, operation["responses"]["200"])
    return deref(spec, response["content"]["application/json"]["schema"])


def metric_names_in(spec: Mapping, schema: Any, seen: frozenset[int] = frozenset()) -> Iterator[tuple[str, str]]:
    """(where, metric name) for every metric a response schema mentions.

    Metric maps are objects with free-form keys (``additionalProperties``), so their
    names appear only in the ``example`` of the properties listed in METRIC_MAPS; a
    ``sort_by`` property echoes a metric name through its enum.
    """
    schema = deref(spec, schema)
    if not isinstance(schema, Mapping) or id(schema) in seen:
        return
    seen = seen | {id(schema)}
    for key, sub in schema.get("properties", {}).items():
        resolved = deref(spec, sub)
        if key in METRIC_MAPS and isinstance(resolved.get("example"), Mapping):
            yield from ((key, name) for name in resolved["example"])
        if key == "sort_by":
            yield from ((key, name) for name in resolved.get("enum", ()))
        yield from metric_names_in(spec, resolved, seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), Mapping):
            yield from metric_names_in(spec, schema[key], seen)


def response_metrics(spec: Mapping, operation_id: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for where, name in metric_names_in(spec, response_schema(spec, operation_id)):
        found.setdefault(where, set()).add(name)
    return found


# --- every metric the spec mentions is declared -----------------------------------


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_every_parameter_metric_is_declared(spec, operation_id):
    _, _, operation = find_operation(spec, operation_id)
    names = {p["name"] for p in (deref(spec, p) for p in operation["parameters"])}
    mentioned = set()
    for name in ("metric_types", "sort_by"):
        if name in names:
            mentioned |= param_enum(spec, operation_id, name)
    assert "IMPRESSION" in mentioned, "the walk found no metric enum"
    assert mentioned <= set(m.METRICS), sorted(mentioned - set(m.METRICS))


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_every_response_metric_is_declared(spec, operation_id):
    found = response_metrics(spec, operation_id)
    mentioned = set().union(*found.values())
    assert "IMPRESSION" in mentioned, f"the walk found no metric names in the response: {found}"
    assert mentioned <= set(m.METRICS), sorted(mentioned - set(m.METRICS))


def test_the_response_walk_reaches_the_shared_metric_schemas(spec):
    # Guards the walker itself: the user account response's daily metrics live in a
    # referenced component, and that example names metrics no parameter enum lists.
    assert {"CLOSEUP", "CLOSEUP_RATE"} <= response_metrics(spec, "user_account/analytics")["metrics"]
    assert {"VIDEO_START", "VIDEO_AVG_WATCH_TIME"} <= response_metrics(spec, "user_account/analytics/top_video_pins")["metrics"]


def test_lifetime_metrics_are_the_ones_pin_analytics_reports_for_the_lifetime(spec):
    found = response_metrics(spec, "pins/analytics")
    assert found["lifetime_metrics"] == set(m.LIFETIME_METRICS)
    periodic = found["metrics"] | found["summary_metrics"]
    assert periodic and not periodic & set(m.LIFETIME_METRICS)


# --- each allowed set is exactly the spec's enum ----------------------------------

ALLOWED_SETS = [
    ("PIN_ANALYTICS_METRICS", "pins/analytics", "metric_types"),
    ("MULTI_PIN_ANALYTICS_METRICS", "multi_pins/analytics", "metric_types"),
    ("USER_ACCOUNT_METRICS", "user_account/analytics", "metric_types"),
    ("TOP_PINS_METRICS", "user_account/analytics/top_pins", "metric_types"),
    ("TOP_PINS_SORT_BY", "user_account/analytics/top_pins", "sort_by"),
    ("TOP_VIDEO_PINS_METRICS", "user_account/analytics/top_video_pins", "metric_types"),
    ("TOP_VIDEO_PINS_SORT_BY", "user_account/analytics/top_video_pins", "sort_by"),
]


def drift(ours: tuple[str, ...], theirs: set[str]) -> list[str]:
    found = []
    if len(ours) != len(set(ours)):
        found.append("repeats a name")
    if set(ours) - theirs:
        found.append(f"offers {sorted(set(ours) - theirs)} that the spec does not")
    if theirs - set(ours):
        found.append(f"lacks {sorted(theirs - set(ours))} that the spec offers")
    return found


@pytest.mark.parametrize(("set_name", "operation_id", "param"), ALLOWED_SETS)
def test_allowed_set_equals_the_spec_enum(spec, set_name, operation_id, param):
    assert drift(getattr(m, set_name), param_enum(spec, operation_id, param)) == []


def test_every_analytics_enum_is_covered_by_an_allowed_set(spec):
    covered = {(operation_id, param) for _, operation_id, param in ALLOWED_SETS}
    for operation_id in OPERATIONS:
        _, _, operation = find_operation(spec, operation_id)
        for p in (deref(spec, p) for p in operation["parameters"]):
            if p["name"] in ("metric_types", "sort_by"):
                assert (operation_id, p["name"]) in covered


def test_pin_standard_and_video_lists_are_the_spec_branches(spec):
    branches = enum_branches(spec, parameter(spec, "pins/analytics", "metric_types")["schema"])
    assert sorted(map(sorted, branches)) == sorted([sorted(m.PIN_STANDARD_METRICS), sorted(m.PIN_VIDEO_METRICS)])
    multi = enum_branches(spec, parameter(spec, "multi_pins/analytics", "metric_types")["schema"])
    assert sorted(map(sorted, multi)) == sorted(map(sorted, branches))
    # Video-only metrics are exactly what only the video branch offers.
    pin_video_only = {name for name in m.PIN_ANALYTICS_METRICS if m.METRICS[name].video_only}
    assert pin_video_only == set(m.PIN_VIDEO_METRICS) - set(m.PIN_STANDARD_METRICS)


@pytest.mark.parametrize(("set_name", "operation_id"), [
    ("TOP_PINS_SORT_BY", "user_account/analytics/top_pins"),
    ("TOP_VIDEO_PINS_SORT_BY", "user_account/analytics/top_video_pins"),
])  # fmt: skip
def test_sort_by_echoed_in_the_response_matches(spec, set_name, operation_id):
    assert drift(getattr(m, set_name), response_metrics(spec, operation_id)["sort_by"]) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s[:-1],  # one dropped
        lambda s: s + ("CLOSEUP_RATE",),  # one added
        lambda s: s + s[:1],  # one repeated
    ],
)
def test_a_drifted_set_is_reported(spec, change):
    theirs = param_enum(spec, "user_account/analytics", "metric_types")
    assert drift(m.USER_ACCOUNT_METRICS, theirs) == []
    assert len(drift(change(m.USER_ACCOUNT_METRICS), theirs)) == 1


def test_the_enums_compared_are_distinct(spec):
    # Were param_enum to return the same set whatever it was asked, every comparison
    # above would pass or fail together; these two enums differ in the spec.
    assert param_enum(spec, "user_account/analytics/top_pins", "sort_by") != param_enum(
        spec, "user_account/analytics/top_video_pins", "sort_by"
    )
