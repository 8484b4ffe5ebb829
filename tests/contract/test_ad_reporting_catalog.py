"""The sync ads analytics parameters (pinsight.catalog.ad_reporting, the windows and report
times of pinsight.catalog.ad_actions) must say what the official spec says: enums and
defaults, each operation's id filters and optional parameters, the date limits its
description states, and its rows' id key. Rows shaped by ``domain.ads.analytics_rows``
validate against the operations' response schemas."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

import orjson

from pinsight.catalog.ad_actions import (
    ATTRIBUTION_TYPES,
    DEFAULT_REPORT_TIME,
    DEFAULT_WINDOWS,
    REPORT_TIMES,
    WINDOW_DAYS,
    ActionKind,
)
from pinsight.catalog.operations import SYNC_REPORTS, TARGETING_REPORTS
from pinsight.catalog.ad_reporting import (
    GRANULARITIES,
    ID_PARAMETERS,
    NOT_HOUR_LIMITS,
    REPORT_TYPES,
    REPORTING_TIME_ZONES,
)
from pinsight.domain.ads.analytics_query import parse_ads_analytics_query
from pinsight.domain.ads.analytics_rows import encode_targeting_rows, shape_rows
from pinsight.domain.ads.buckets import bucket_keys, date_label
from pinsight.domain.ads.column_values import Inputs, column_values
from tests.contract.spec_validation import SpecValidator, find_operation

OPERATIONS = tuple(SYNC_REPORTS)


def resolve(spec: Mapping, node: Any) -> Any:
    while isinstance(node, Mapping) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        node = spec
        for part in ref[2:].split("/"):
            node = node[part]
    return node


def parameters(spec: Mapping, operation_id: str) -> dict[str, Mapping]:
    _, _, operation = find_operation(spec, operation_id)
    found = [resolve(spec, parameter) for parameter in operation.get("parameters", [])]
    return {parameter["name"]: parameter for parameter in found}


def schema_of(spec: Mapping, parameter: Mapping) -> Mapping:
    return resolve(spec, parameter["schema"])


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_dates_columns_and_granularity_are_required(spec, operation_id):
    params = parameters(spec, operation_id)
    for name in ("start_date", "end_date", "columns", "granularity"):
        assert params[name]["required"] is True, name
    assert params["columns"]["in"] == "query"


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_granularities_are_the_specs(spec, operation_id):
    assert tuple(schema_of(spec, parameters(spec, operation_id)["granularity"])["enum"]) == GRANULARITIES


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_windows_and_report_time_are_the_specs(spec, operation_id):
    params = parameters(spec, operation_id)
    for name, kind in (("click_window_days", ActionKind.CLICK), ("engagement_window_days", ActionKind.ENGAGEMENT),
                       ("view_window_days", ActionKind.VIEW)):
        schema = schema_of(spec, params[name])
        assert tuple(schema["enum"]) == WINDOW_DAYS and schema["default"] == DEFAULT_WINDOWS[kind], name
        assert not params[name].get("required", False)
    report_time = schema_of(spec, params["conversion_report_time"])
    assert tuple(report_time["enum"]) == REPORT_TIMES and report_time["default"] == DEFAULT_REPORT_TIME


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_reporting_timezone_and_aggregation_are_taken_where_the_spec_has_them(spec, operation_id):
    params, report = parameters(spec, operation_id), SYNC_REPORTS[operation_id]
    assert ("reporting_timezone" in params) == report.reporting_timezone
    if report.reporting_timezone:
        zones = schema_of(spec, params["reporting_timezone"])
        assert set(zones["enum"]) == set(REPORTING_TIME_ZONES) and "default" not in zones
    assert ("aggregate_report_rows" in params) == report.aggregate_report_rows
    if report.aggregate_report_rows:
        assert schema_of(spec, params["aggregate_report_rows"]) == {"type": "boolean", "default": False}


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_id_filters_are_the_specs(spec, operation_id):
    params, report = parameters(spec, operation_id), SYNC_REPORTS[operation_id]
    assert {name for name in params if name in ID_PARAMETERS} == {item.name for item in report.id_filters}
    assert {name for name in params if name.endswith("_ids") or name.endswith("_id")} - {"ad_account_id"} == {
        item.name for item in report.id_filters}
    for item in report.id_filters:
        parameter = params[item.name]
        schema = schema_of(spec, parameter)
        assert parameter["in"] == "query" and bool(parameter.get("required")) == item.required, item.name
        if item.max_items is None:
            assert schema["type"] == "string"
            value = schema
        else:
            assert schema["type"] == "array" and schema["minItems"] == 1 and schema["maxItems"] == item.max_items
            value = resolve(spec, schema["items"])
        assert value["pattern"] == r"^\d+$"
        assert value.get("maxLength") == item.max_digits, item.name


def test_ads_need_ad_ids_or_both_campaign_ids_and_pin_ids(spec):
    _, _, operation = find_operation(spec, "ads/analytics")
    assert "The request must contain either ad_ids or both campaign_ids and pin_ids." in operation["description"]
    assert SYNC_REPORTS["ads/analytics"].one_group_of == (("ad_ids",), ("campaign_ids", "pin_ids"))
    assert all(not report.one_group_of for op, report in SYNC_REPORTS.items() if op != "ads/analytics")


_RULE = re.compile(r"If granularity is (not )?HOUR, [^.]*?(\d+) days before the current date in UTC time"
                   r"(?:,? (?:with a maximum time range of|and the max time range supported is) (\d+) days)?")


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_date_limits_are_the_descriptions(spec, operation_id):
    _, _, operation = find_operation(spec, operation_id)
    stated = {}
    for negated, lookback, span in _RULE.findall(operation["description"]):
        stated["NOT_HOUR" if negated else "HOUR"] = (int(lookback), int(span) if span else None)
    report = SYNC_REPORTS[operation_id]
    assert stated == {
        "NOT_HOUR": (NOT_HOUR_LIMITS.lookback_days, NOT_HOUR_LIMITS.max_span_days),
        "HOUR": (report.hour_limits.lookback_days, report.hour_limits.max_span_days),
    }


def test_the_date_parameters_state_the_not_hour_limits(spec):
    params = parameters(spec, OPERATIONS[0])
    assert f"Cannot be more than {NOT_HOUR_LIMITS.lookback_days} days back from today" in params["start_date"][
        "description"]
    assert f"Cannot be more than {NOT_HOUR_LIMITS.max_span_days} days past start_date" in params["end_date"][
        "description"]


def _row_schema(spec: Mapping, operation_id: str) -> Mapping:
    _, _, operation = find_operation(spec, operation_id)
    body = resolve(spec, operation["responses"]["200"]["content"]["application/json"]["schema"])
    return resolve(spec, body["items"])


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_rows_carry_the_specs_id_key_and_date(spec, operation_id):
    row, report = _row_schema(spec, operation_id), SYNC_REPORTS[operation_id]
    id_keys = {name for name in row["properties"] if name != "DATE"}
    assert id_keys == {report.id_key}
    assert row["properties"][report.id_key] == {**row["properties"][report.id_key], "type": "string",
                                               "pattern": r"^\d+$"}
    # An id that aggregation can leave out is not required.
    assert (report.id_key in row.get("required", [])) == (not report.aggregate_report_rows)


def test_delivery_metrics_report_types_are_the_specs(spec):
    params = parameters(spec, "delivery_metrics/get")
    assert tuple(schema_of(spec, params["report_type"])["enum"]) == REPORT_TYPES


# --- shaped rows against the response schemas ------------------------------------------------------

TODAY = date(2024, 6, 15)
IDS = {
    "ad_account/analytics": {},
    "campaigns/analytics": {"campaign_ids": ["11"]},
    "ad_groups/analytics": {"ad_group_ids": ["21"]},
    "ads/analytics": {"ad_ids": ["31"]},
    "ad_pins/analytics": {"campaign_id": "11", "pin_ids": ["41"]},
}
COLUMNS = "SPEND_IN_DOLLAR,SPEND_IN_MICRO_DOLLAR,CTR,TOTAL_CONVERSIONS,CAMPAIGN_NAME,AD_GROUP_BUDGET_IN_LOCAL_CURRENCY"
ENTITIES = {"AD_ACCOUNT": {"id": "549755885175"}, "CAMPAIGN": {"id": "11", "name": "Spring"},
            "AD_GROUP": {"id": "21", "budget_in_micro_currency": 2_500_000}}
ROW = Inputs({"IMPRESSION": 40, "CLICK": 2, "spend_micro_dollar": 1_250_000},
             {("CLICK", "checkout", "web", "COUNT"): 1})


def _query(operation_id: str, granularity: str, columns: str = COLUMNS, **params):
    return parse_ads_analytics_query(
        operation_id, start_date=(TODAY - timedelta(days=40)).isoformat(), end_date=TODAY.isoformat(),
        columns=[columns], granularity=granularity, **{**IDS[operation_id], **params}, today=TODAY)


@pytest.mark.parametrize("granularity", ["TOTAL", "DAY", "WEEK", "MONTH"])
@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_shaped_rows_validate_against_the_spec(spec, operation_id, granularity):
    path, method, _ = find_operation(spec, operation_id)
    asked = _query(operation_id, granularity)
    values = column_values(asked.columns, ROW, ENTITIES)
    keys = bucket_keys(asked.start, asked.end, granularity, asked.time_zone)
    rows = shape_rows(asked, [(41, date_label(key, granularity, asked.time_zone), values) for key in keys])
    assert len(rows) == len(keys)
    SpecValidator(spec).validate_body(path, method, 200, rows)


@pytest.mark.parametrize("operation_id", [op for op, report in SYNC_REPORTS.items() if report.aggregate_report_rows])
def test_aggregated_rows_validate_against_the_spec(spec, operation_id):
    path, method, _ = find_operation(spec, operation_id)
    asked = _query(operation_id, "DAY", aggregate_report_rows=True)
    rows = shape_rows(asked, [(None, "2024-06-15", column_values(asked.columns, ROW, ENTITIES))])
    SpecValidator(spec).validate_body(path, method, 200, rows)


def test_hour_dates_are_where_pinsight_departs_from_the_schema(spec):
    """The one departure, on purpose (``domain.ads.buckets``): the schema types an HOUR row's
    DATE as a date, which cannot tell a day's hours apart; pinsight's tells the hour."""
    path, method, _ = find_operation(spec, "ads/analytics")
    asked = parse_ads_analytics_query("ads/analytics", start_date=TODAY.isoformat(), end_date=TODAY.isoformat(),
                                      columns=["CTR"], granularity="HOUR", ad_ids=["31"], today=TODAY)
    label = date_label(datetime(2024, 6, 15, 13, tzinfo=UTC), "HOUR", asked.time_zone)
    rows = shape_rows(asked, [(31, label, {"CTR": 0.5})])
    with pytest.raises(AssertionError, match="DATE"):
        SpecValidator(spec).validate_body(path, method, 200, rows)


# --- targeting analytics ------------------------------------------------------------------------

TARGETING_OPERATIONS = tuple(TARGETING_REPORTS)


def test_every_targeting_analytics_operation_of_the_spec_is_declared(spec):
    declared = {op for path in spec["paths"].values() for method, op in
                ((m, o.get("operationId")) for m, o in path.items() if isinstance(o, Mapping))
                if op and op.endswith("targeting_analytics/get")}
    assert declared == set(TARGETING_OPERATIONS)


@pytest.mark.parametrize("operation_id", TARGETING_OPERATIONS)
def test_targeting_types_are_the_levels_enum(spec, operation_id):
    params, report = parameters(spec, operation_id), TARGETING_REPORTS[operation_id]
    schema = schema_of(spec, params["targeting_types"])
    assert params["targeting_types"]["required"] is True and schema["minItems"] == 1
    assert schema["maxItems"] == report.max_targeting_types
    assert set(resolve(spec, schema["items"])["enum"]) == set(report.targeting_types)


@pytest.mark.parametrize("operation_id", TARGETING_OPERATIONS)
def test_targeting_reports_take_the_specs_ids_windows_zones_and_attribution(spec, operation_id):
    params, report = parameters(spec, operation_id), TARGETING_REPORTS[operation_id]
    assert {name for name in params if name.endswith("_ids")} == {item.name for item in report.id_filters}
    for item in report.id_filters:
        schema = schema_of(spec, params[item.name])
        assert params[item.name]["required"] is item.required and schema["maxItems"] == item.max_items
        assert resolve(spec, schema["items"]).get("maxLength") == item.max_digits
    attribution = schema_of(spec, params["attribution_types"])
    assert tuple(resolve(spec, attribution["items"])["enum"]) == ATTRIBUTION_TYPES
    assert attribution["maxItems"] == len(ATTRIBUTION_TYPES) and not params["attribution_types"].get("required")
    assert "reporting_timezone" in params and report.reporting_timezone and not report.aggregate_report_rows
    for name in ("start_date", "end_date", "columns", "granularity"):
        assert params[name]["required"] is True
    _, _, operation = find_operation(spec, operation_id)
    stated = {("NOT_HOUR" if negated else "HOUR"): (int(lookback), int(span) if span else None)
              for negated, lookback, span in _RULE.findall(operation["description"])}
    assert stated["HOUR"] == (report.hour_limits.lookback_days, report.hour_limits.max_span_days)
    assert stated["NOT_HOUR"] == (NOT_HOUR_LIMITS.lookback_days, NOT_HOUR_LIMITS.max_span_days)


@pytest.mark.parametrize("operation_id", TARGETING_OPERATIONS)
def test_targeting_rows_validate_against_the_spec(spec, operation_id):
    path, method, _ = find_operation(spec, operation_id)
    report = TARGETING_REPORTS[operation_id]
    ids = {item.name: ["11"] for item in report.id_filters}
    asked = parse_ads_analytics_query(operation_id, start_date="2024-06-01", end_date="2024-06-15",
                                      columns=[COLUMNS], granularity="DAY", targeting_types=report.targeting_types[:2],
                                      today=TODAY, **ids)
    values = column_values(asked.columns, ROW, ENTITIES)
    names = [column.name for column in asked.columns]
    rows = [(kind, "unknown", (11, "2024-06-15", [values[name] for name in names])) for kind in asked.targeting_types]
    body = orjson.loads(encode_targeting_rows(asked, rows))
    assert [item["metrics"][report.id_key] for item in body["data"]] == ["11", "11"]
    SpecValidator(spec).validate_body(path, method, 200, body)
