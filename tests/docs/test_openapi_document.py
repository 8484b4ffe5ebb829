"""The document at /openapi.json: valid OpenAPI, and true to what pinsight does.

Expectations are written out here from the server's behaviour (the error statuses the
routes answer, how each API authenticates) and read from the catalogue for enums, so a
document that drifts from either fails.
"""

from __future__ import annotations

import httpx
import pytest
from openapi_spec_validator import validate

from pinsight.catalog import metrics
from pinsight.catalog.events import EVENT_TYPES
from pinsight.catalog.pin_formats import PIN_FORMATS, SOURCES
from pinsight.catalog.operations import APP, BEARER, OPERATIONS as TABLE
from pinsight.domain.organic.analytics_period import DATA_STATUSES
from pinsight.domain.organic.claimed_content import OWNED_CONTENT
from pinsight.domain.overview.overview_period import PRESETS
from pinsight.services.identity.oauth import REVOKE_FIELDS, TOKEN_FIELDS
from pinsight.catalog.dimensions import APP_TYPES, TRAFFIC_KINDS
from tests.docs.published import Published

# Pinterest's operations that take a bearer token, and the ones that take the app's id and secret.
V5 = {key: op for key, op in TABLE.items() if op.pinterest and op.authentication == BEARER}
APP_AUTHENTICATED = ("oauth/token", "token/revoke")
OVERVIEW = ("pinsight/overview", "pinsight/posts")
INGEST = ("pinsight/ingest_daily_metrics", "pinsight/ingest_events", "pinsight/ingest_ad_events")
EXPORTS = ("pinsight/exports_create", "pinsight/exports_get")
WRITES = {"post", "put", "patch", "delete"}
EVERY_V5_ERROR = {"400", "401", "403", "429", "503"}
METRIC_TYPES = {
    "pins/analytics": metrics.PIN_ANALYTICS_METRICS,
    "multi_pins/analytics": metrics.MULTI_PIN_ANALYTICS_METRICS,
    "user_account/analytics": metrics.USER_ACCOUNT_METRICS,
    "user_account/analytics/top_pins": metrics.TOP_PINS_METRICS,
    "user_account/analytics/top_video_pins": metrics.TOP_VIDEO_PINS_METRICS,
}
SORT_BY = {
    "user_account/analytics/top_pins": metrics.TOP_PINS_SORT_BY,
    "user_account/analytics/top_video_pins": metrics.TOP_VIDEO_PINS_SORT_BY,
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def document(server) -> dict:
    response = httpx.get(f"{server.url}/openapi.json")
    assert response.status_code == 200
    return response.json()


@pytest.fixture(scope="module")
def published(document) -> Published:
    return Published(document)


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _values(schema: dict) -> list:
    """A parameter's enum: its own, its array's items', or its non-null branch's."""
    for branch in schema.get("anyOf", ()):
        if branch.get("type") != "null":
            return _values(branch)
    if schema.get("type") == "array":
        return _values(schema["items"])
    return schema["enum"]


def _parameters(operation: dict) -> dict[str, dict]:
    return {parameter["name"]: parameter for parameter in operation.get("parameters", ())}


def _walk(node):
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_the_document_is_valid_openapi(document):
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on any violation of the OpenAPI 3.1 schema


def test_every_operation_is_published(published):
    assert set(published.operations) == set(TABLE)
    assert {key for key, op in TABLE.items() if op.authentication == APP} == set(APP_AUTHENTICATED)


def test_security_says_how_each_api_authenticates(document, published):
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"]["type"] == "http" and schemes["bearer"]["scheme"] == "bearer"
    assert schemes["basic"]["type"] == "http" and schemes["basic"]["scheme"] == "basic"
    assert schemes["conversion_token"]["type"] == "http" and schemes["conversion_token"]["scheme"] == "bearer"
    # The overview API reads its key from the apiKey query parameter (api/overview/routes.py).
    assert {k: schemes["apiKey"][k] for k in ("type", "in", "name")} == {"type": "apiKey", "in": "query", "name": "apiKey"}
    for operation_id, (path, _, operation) in published.operations.items():
        assert all(name in schemes for requirement in operation["security"] for name in requirement)
        if operation_id in V5 or operation_id in INGEST or operation_id in EXPORTS:
            declared = TABLE[operation_id]
            conversion = [{"conversion_token": []}] if declared.conversion_token else []
            assert operation["security"] == [{"bearer": sorted(declared.scopes)}, *conversion], operation_id
            assert operation["x-ratelimit-category"] == declared.rate_category
        elif operation_id in OVERVIEW:
            assert operation["security"] == [{"apiKey": []}]
            assert "apiKey" not in _parameters(operation)  # sent by the scheme, not twice
        else:
            assert operation_id in APP_AUTHENTICATED and operation["security"] == [{"basic": []}]
    # No global default that would hide a missing requirement.
    assert "security" not in document


def test_no_fastapi_validation_errors_anywhere(document, published):
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    for node in _walk(document):
        if isinstance(node, dict) and isinstance(node.get("properties"), dict):
            assert "detail" not in node["properties"], node
    for operation_id, (_, _, operation) in published.operations.items():
        if operation_id in OVERVIEW:
            # The overview API's own answer to bad parameters (api/overview/routes.py).
            assert operation["responses"]["422"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/OverviewInvalid"
            }
        else:
            assert "422" not in operation["responses"], operation_id


def test_every_v5_operation_lists_its_error_statuses_with_the_error_schema(document, published):
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "message"] and error["additionalProperties"] is False
    assert error["properties"]["code"]["type"] == "integer" and error["properties"]["message"]["type"] == "string"
    for operation_id in V5:
        path, method, operation = published.operations[operation_id]
        responses = operation["responses"]
        expected = set(EVERY_V5_ERROR)
        if "{" in path or "ad_account_id" in _parameters(operation):
            expected.add("404")
        if method in WRITES:
            expected.add("409")
        if method in ("post", "patch"):
            expected.add("413")
        listed = {status for status in responses if status[0] in "45"}
        assert listed == expected, (operation_id, sorted(listed))
        for status in listed:
            assert responses[status]["content"]["application/json"]["schema"] == ERROR_REF, (operation_id, status)
        for status in ("429", "503"):
            assert "Retry-After" in responses[status]["headers"]


def test_the_other_apis_list_their_own_errors(published):
    token = published.operations["oauth/token"][2]["responses"]
    assert {s for s in token if s[0] in "45"} == {"400", "401", "413", "415", "429", "503"}
    # Revocation also refuses a token issued to another app.
    revoke = published.operations["token/revoke"][2]["responses"]
    assert {s for s in revoke if s[0] in "45"} == {"400", "401", "403", "413", "415", "429", "503"}
    for operation_id in INGEST:
        responses = published.operations[operation_id][2]["responses"]
        assert {s for s in responses if s[0] in "45"} == {"400", "401", "403", "409", "413", "415", "429", "503"}
        assert responses["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/BatchError"}
    # Exports answer as /v5 does: an unknown export or ad account is 404, a bad body 400 {code, message}.
    for operation_id, own in (("pinsight/exports_create", {"409", "413"}), ("pinsight/exports_get", set())):
        responses = published.operations[operation_id][2]["responses"]
        assert {s for s in responses if s[0] in "45"} == {"400", "401", "403", "404", "429", "503"} | own
        assert responses["400"]["content"]["application/json"]["schema"] == ERROR_REF
    for operation_id in OVERVIEW:
        responses = published.operations[operation_id][2]["responses"]
        assert {s for s in responses if s[0] in "45"} == {"401", "404", "422", "429", "503"}
        assert responses["401"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/OverviewError"}


def test_every_success_response_has_a_schema(document, published):
    for operation_id, (_, _, operation) in published.operations.items():
        successes = {status: response for status, response in operation["responses"].items() if status[0] == "2"}
        assert len(successes) == 1, operation_id
        (status, response), = successes.items()
        if status == "204" or operation_id == "token/revoke":  # the spec's revocation: 200, no body
            assert "content" not in response
            continue
        ref = response["content"]["application/json"]["schema"]["$ref"]
        assert _resolve(document, {"$ref": ref}), operation_id


def test_enums_are_the_catalogues(document, published):
    for operation_id, names in METRIC_TYPES.items():
        parameter = _parameters(published.operations[operation_id][2])["metric_types"]
        assert _values(parameter["schema"]) == list(names), operation_id
    for operation_id, names in SORT_BY.items():
        assert _values(_parameters(published.operations[operation_id][2])["sort_by"]["schema"]) == list(names)
    shared = {
        "app_types": ["ALL", *APP_TYPES],
        "pin_format": ["ALL", *PIN_FORMATS],
        "source": ["ALL", *SOURCES],
        "from_claimed_content": ["BOTH", *OWNED_CONTENT],
    }
    for _, _, operation in published.operations.values():
        for name, parameter in _parameters(operation).items():
            if name in shared:
                assert _values(parameter["schema"]) == shared[name]
    schemas = document["components"]["schemas"]
    assert schemas["Event"]["properties"]["type"]["enum"] == list(EVENT_TYPES)
    assert schemas["Event"]["properties"]["app_type"]["enum"] == list(APP_TYPES)
    assert schemas["Event"]["properties"]["traffic"]["enum"] == list(TRAFFIC_KINDS)
    row_metrics = schemas["DailyMetricsRow"]["properties"]["metrics"]
    assert row_metrics["propertyNames"]["enum"] == list(metrics.BASE_METRICS)
    assert schemas["DailyMetrics"]["properties"]["data_status"]["enum"] == list(DATA_STATUSES)
    assert schemas["DailyMetrics"]["properties"]["metrics"]["propertyNames"]["enum"] == list(metrics.METRICS)


def test_operations_that_read_their_own_input_describe_it(document, published):
    for operation_id, item in (("pinsight/ingest_daily_metrics", "DailyMetricsRow"), ("pinsight/ingest_events", "Event"),
                               ("pinsight/ingest_ad_events", "AdEvent")):
        body = published.operations[operation_id][2]["requestBody"]
        assert body["required"] is True
        assert body["content"]["application/json"]["schema"]["items"] == {"$ref": f"#/components/schemas/{item}"}
        assert "application/x-ndjson" in body["content"]
    form = published.operations["oauth/token"][2]["requestBody"]["content"]["application/x-www-form-urlencoded"]
    fields = _resolve(document, form["schema"])
    assert tuple(fields["properties"]) == TOKEN_FIELDS
    assert fields["properties"]["grant_type"]["enum"] == ["authorization_code", "refresh_token", "client_credentials"]
    form = published.operations["token/revoke"][2]["requestBody"]["content"]["application/x-www-form-urlencoded"]
    assert tuple(_resolve(document, form["schema"])["properties"]) == REVOKE_FIELDS
    for operation_id in OVERVIEW:
        parameters = _parameters(published.operations[operation_id][2])
        expected = ["social_network_id", "preset", "start_date", "end_date", "timezone"]
        if operation_id == "pinsight/posts":
            expected += ["page", "per_page"]
        assert list(parameters) == expected
        assert parameters["social_network_id"]["required"] is True
        assert parameters["preset"]["schema"]["enum"] == list(PRESETS)
