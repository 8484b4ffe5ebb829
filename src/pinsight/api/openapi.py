"""The OpenAPI document pinsight publishes (/openapi.json, read by /docs and /redoc).

FastAPI's generated document gives the paths and the parameters and bodies the routes
declare. This module completes and corrects it, keyed by operation id, so that it says
what the server does and the route modules stay ten-line handlers:

* security: an HTTP bearer token for /v5 and the ingestion API, listing the scopes
  ``catalog.scopes`` requires; HTTP Basic (the app id and secret) for the token endpoint;
  an API key in the ``apiKey`` query parameter for the overview API;
* errors: pinsight answers bad input with 400 ``{code, message}``, never FastAPI's 422
  ``{"detail": [...]}``: those responses and schemas go, and each operation lists the
  statuses it can answer, with the body each one has;
* success bodies: the models of ``api.schemas.responses``;
* enumerations of metric types, sort orders, app types, pin formats... from the
  catalogue;
* the routes that read their own input (the token form, the ingestion batches, the
  overview query) get their parameters and bodies here.
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from pinsight.api.schemas import responses as models
from pinsight.api.v5.filters import CREATIVE_TYPES
from pinsight.catalog import metrics
from pinsight.catalog.pin_formats import PIN_FORMATS, SOURCES
from pinsight.catalog.scopes import OPERATIONS, PINSIGHT_OPERATIONS
from pinsight.domain.claimed_content import OWNED_CONTENT
from pinsight.domain.overview_period import PRESETS
from pinsight.services import events, ingest, overview

REF = "#/components/schemas/{model}"
WRITES = {"post", "put", "patch", "delete"}
SECTION_NAMES = {"board_sections/create", "board_sections/update"}  # 409 for a name taken

BEARER, BASIC, API_KEY = "bearer", "basic", "apiKey"
SECURITY_SCHEMES = {
    BEARER: {
        "type": "http",
        "scheme": "bearer",
        "description": "An access token: from POST /v5/oauth/token, or `pinsight token create --user NAME` "
        "(`make run` prints one for the demo user). Each operation lists the scopes its token needs.",
    },
    BASIC: {"type": "http", "scheme": "basic", "description": "The app's id and secret (`pinsight app create`)."},
    API_KEY: {
        "type": "apiKey",
        "in": "query",
        "name": "apiKey",
        "description": "An overview API key: `pinsight apikey create --user NAME`.",
    },
}

# The body each operation answers with on success.
SUCCESS: dict[str, type[BaseModel]] = {
    "user_account/get": models.UserAccount,
    "boards/list": models.BoardList,
    "boards/create": models.Board,
    "boards/get": models.Board,
    "boards/update": models.Board,
    "boards/list_pins": models.PinList,
    "board_sections/list": models.BoardSectionList,
    "board_sections/create": models.BoardSection,
    "board_sections/update": models.BoardSection,
    "board_sections/list_pins": models.PinList,
    "pins/list": models.PinList,
    "pins/create": models.Pin,
    "pins/get": models.Pin,
    "pins/update": models.Pin,
    "pins/save": models.Pin,
    "ad_accounts/list": models.AdAccountList,
    "ad_accounts/get": models.AdAccount,
    "pins/analytics": models.PinAnalytics,
    "multi_pins/analytics": models.MultiPinAnalytics,
    "user_account/analytics": models.AccountAnalytics,
    "user_account/analytics/top_pins": models.TopPins,
    "user_account/analytics/top_video_pins": models.TopPins,
    "oauth/token": models.OAuthToken,
    "pinsight/ingest_daily_metrics": models.DailyMetricsIngested,
    "pinsight/ingest_events": models.EventsIngested,
    "pinsight/overview": models.Overview,
    "pinsight/posts": models.Posts,
}

# Which metric names each analytics operation takes (metric_types) and sorts by (sort_by).
METRIC_TYPES: dict[str, tuple[str, ...]] = {
    "pins/analytics": metrics.PIN_ANALYTICS_METRICS,
    "multi_pins/analytics": metrics.MULTI_PIN_ANALYTICS_METRICS,
    "user_account/analytics": metrics.USER_ACCOUNT_METRICS,
    "user_account/analytics/top_pins": metrics.TOP_PINS_METRICS,
    "user_account/analytics/top_video_pins": metrics.TOP_VIDEO_PINS_METRICS,
}
SORT_BY: dict[str, tuple[str, ...]] = {
    "user_account/analytics/top_pins": metrics.TOP_PINS_SORT_BY,
    "user_account/analytics/top_video_pins": metrics.TOP_VIDEO_PINS_SORT_BY,
}
# Query parameters with the same values wherever they appear.
SHARED_ENUMS: dict[str, tuple[str, ...]] = {
    "app_types": ("ALL", *ingest.APP_TYPES),
    "pin_format": ("ALL", *PIN_FORMATS),
    "source": ("ALL", *SOURCES),
    "from_claimed_content": ("BOTH", *OWNED_CONTENT),
    "creative_types": CREATIVE_TYPES,
}

ERRORS: dict[int, str] = {
    400: "Invalid parameters or body.",
    401: "No token, or an invalid, expired or revoked one.",
    403: "The token lacks a scope this operation (or secret content) needs, or the user lacks the Business "
    "Access role that acting for `ad_account_id` needs.",
    404: "No such resource, or one the user may not see.",
    409: "A concurrent change conflicted with this one: nothing was applied; retry.",
    413: "The body is larger than the server's limit (PINSIGHT_MAX_BODY_BYTES).",
    415: "The body is not UTF-8 as sent (another charset, or compressed).",
    422: "Invalid parameters, with the messages for each field.",
    429: "Over a rate limit; Retry-After says in how many seconds to retry.",
    503: "The database could not take the request in time, or a query ran too long: nothing was applied. "
    "Retry after Retry-After seconds.",
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}}


def install(app: FastAPI) -> None:
    """Make ``app.openapi()`` publish the completed document (built once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def build(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes, tags=app.openapi_tags
    )
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas.update(_model_schemas())
    components["securitySchemes"] = copy.deepcopy(SECURITY_SCHEMES)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            _complete(path, method, operation)
    return document


def _model_schemas() -> dict[str, Any]:
    published = [*SUCCESS.values(), models.Error, models.BatchError, models.OverviewError, models.OverviewInvalid,
                 models.DailyMetricsRow, models.Event, models.TokenRequest]
    _, top = models_json_schema([(model, "serialization") for model in published], ref_template=REF)
    return top["$defs"]


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _complete(path: str, method: str, operation: dict[str, Any]) -> None:
    operation_id = operation.get("operationId", "")
    responses = operation.setdefault("responses", {})
    responses.pop("422", None)
    if operation_id in SUCCESS:
        for status, response in responses.items():
            if status.startswith("2") and status != "204":
                response["content"] = _json(_ref(SUCCESS[operation_id]))
    declared = OPERATIONS.get(operation_id) or PINSIGHT_OPERATIONS.get(operation_id)
    if operation_id == "oauth/token":
        _token_endpoint(operation)
    elif operation_id in ("pinsight/overview", "pinsight/posts"):
        _overview(operation_id, operation)
    elif declared is not None:
        if operation_id == "pinsight/ingest_daily_metrics":
            _batch_body(operation, models.DailyMetricsRow, ingest.MAX_ROWS, "rows")
        elif operation_id == "pinsight/ingest_events":
            _batch_body(operation, models.Event, events.MAX_EVENTS, "events")
        _bearer(operation_id, operation, declared, method)
    for parameter in operation.get("parameters", ()):
        _enumerate(operation_id, parameter)


def _errors(operation: dict[str, Any], statuses: dict[int, type[BaseModel]], descriptions: dict[int, str]) -> None:
    """List the error statuses with their bodies (``descriptions`` over ``ERRORS``'s)."""
    for status, model in sorted(statuses.items()):
        response: dict[str, Any] = {
            "description": descriptions.get(status, ERRORS[status]),
            "content": _json(_ref(model)),
        }
        if status in (429, 503):
            response["headers"] = copy.deepcopy(RETRY_AFTER)
        operation["responses"][str(status)] = response


def _bearer(operation_id: str, operation: dict[str, Any], declared, method: str) -> None:
    """/v5 and ingestion: a bearer token with the operation's scopes."""
    operation["security"] = [{BEARER: sorted(declared.scopes)}]
    operation["x-ratelimit-category"] = declared.rate_category
    note = (f"Scopes: {', '.join(sorted(declared.scopes))}. Tokens from the client_credentials grant are "
            f"{'accepted' if declared.client_credentials else 'refused'}.")
    operation["description"] = f"{operation.get('description', '')}\n\n{note}".strip()
    parameters = {parameter["name"] for parameter in operation.get("parameters", ())}
    statuses: dict[int, type[BaseModel]] = dict.fromkeys((400, 401, 403, 429, 503), models.Error)
    # An id in the path, or ad_account_id naming whose content is read, may name nothing readable.
    if any(p.get("in") == "path" for p in operation.get("parameters", ())) or "ad_account_id" in parameters:
        statuses[404] = models.Error
    if method in WRITES:
        statuses[409] = models.Error
    if "requestBody" in operation or method in ("post", "put", "patch"):
        statuses[413] = models.Error
    descriptions: dict[int, str] = {}
    if operation_id in SECTION_NAMES:
        descriptions[409] = "The board already has a section of this name, or a concurrent change conflicted; retry."
    if operation_id in PINSIGHT_OPERATIONS:
        statuses.pop(404, None)  # a batch names its unknown pins among its problems (400)
        statuses.update({400: models.BatchError, 415: models.Error})
        descriptions[403] = ("The token lacks a scope this operation needs, or pins:write_secret for a pin on a "
                             "secret board.")
    _errors(operation, statuses, descriptions)


def _token_endpoint(operation: dict[str, Any]) -> None:
    operation["security"] = [{BASIC: []}]
    operation["requestBody"] = {
        "required": True,
        "content": {"application/x-www-form-urlencoded": {"schema": _ref(models.TokenRequest)}},
    }
    _errors(
        operation,
        dict.fromkeys((400, 401, 413, 415, 429, 503), models.Error),
        {
            400: "An invalid request or grant (a wrong, used or expired code or refresh token, unknown scopes).",
            401: "No, malformed or wrong app id and secret (HTTP Basic).",
            415: "The body is not application/x-www-form-urlencoded.",
            429: "Too many failed authentications from this address; Retry-After says when to retry.",
        },
    )


def _batch_body(operation: dict[str, Any], item: type[BaseModel], max_items: int, noun: str) -> None:
    array = {"type": "array", "items": _ref(item), "minItems": 1, "maxItems": max_items}
    operation["requestBody"] = {
        "required": True,
        "description": f"A batch of at most {max_items:,} {noun}: a JSON array, or NDJSON (one JSON object a line). "
        "One bad item refuses the whole batch (400, its problems by position); nothing is written then.",
        "content": {
            "application/json": {"schema": array},
            "application/x-ndjson": {"schema": {"type": "string", "description": f"One {item.__name__} a line."}},
        },
    }


def _query(name: str, schema: dict[str, Any], description: str, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


DAY = {"type": "string", "format": "date"}
PERIOD_PARAMETERS = [
    _query(
        "social_network_id",
        {"type": "string", "pattern": "^[0-9]+$"},
        "The Pinterest account (its user id): the key holder's own, or one whose ad account gives them the "
        "Owner, Admin or Analyst role.",
        required=True,
    ),
    _query("preset", {"type": "string", "enum": list(PRESETS)}, "The last N days, ending yesterday; or give start_date "
           "and end_date."),
    _query("start_date", DAY, "The period's first local day (without preset)."),
    _query("end_date", DAY, "The period's last local day: after start_date, no later than yesterday (without preset)."),
    _query("timezone", {"type": "string", "default": "UTC"}, "An IANA time zone name: the days are local to it."),
]
PAGE_PARAMETERS = [
    _query("page", {"type": "integer", "minimum": 1, "default": 1}, "The page, from 1."),
    _query(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": overview.MAX_PER_PAGE, "default": overview.DEFAULT_PER_PAGE},
        "Posts per page.",
    ),
]


def _overview(operation_id: str, operation: dict[str, Any]) -> None:
    """The overview API: an API key in the query, its own error shapes and statuses."""
    operation["security"] = [{API_KEY: []}]
    operation["x-ratelimit-category"] = PINSIGHT_OPERATIONS[operation_id].rate_category
    parameters = copy.deepcopy(PERIOD_PARAMETERS)
    if operation_id == "pinsight/posts":
        parameters += copy.deepcopy(PAGE_PARAMETERS)
    operation["parameters"] = parameters
    statuses: dict[int, type[BaseModel]] = dict.fromkeys((401, 404, 429, 503), models.OverviewError)
    statuses[422] = models.OverviewInvalid
    _errors(
        operation,
        statuses,
        {
            401: "A missing or invalid API key.",
            404: "No Pinterest account with this social_network_id that the key may read.",
        },
    )


def _set_enum(schema: dict[str, Any], values: tuple[str, ...]) -> None:
    """Give a parameter's string schema (or its array's items, or its non-null branch) the values."""
    for branch in schema.get("anyOf", ()):
        if branch.get("type") != "null":
            _set_enum(branch, values)
    if schema.get("type") == "array":
        _set_enum(schema.setdefault("items", {"type": "string"}), values)
    elif schema.get("type") == "string":
        schema["enum"] = list(values)


def _enumerate(operation_id: str, parameter: dict[str, Any]) -> None:
    name, schema = parameter["name"], parameter.get("schema", {})
    if name == "metric_types" and operation_id in METRIC_TYPES:
        _set_enum(schema, METRIC_TYPES[operation_id])
        parameter["description"] = "Repeat the parameter, or separate names with commas."
        parameter["style"], parameter["explode"] = "form", True
    elif name == "sort_by" and operation_id in SORT_BY:
        _set_enum(schema, SORT_BY[operation_id])
    elif name in SHARED_ENUMS:
        _set_enum(schema, SHARED_ENUMS[name])
    elif name in ("start_date", "end_date") and schema.get("type") == "string":
        schema["format"] = "date"  # UTC days, YYYY-MM-DD
