"""The OpenAPI document pinsight publishes (/openapi.json, read by /docs and /redoc).

FastAPI's generated document gives the paths and the parameters and bodies the routes
declare (their enums derived from the catalogue). This module completes and corrects it
from the operations table, so that it says what the server does and the route modules
stay ten-line handlers:

* security: an HTTP bearer token for /v5 and the ingestion API, listing the scopes
  ``catalog.operations`` requires; HTTP Basic (the app id and secret) for the token
  endpoints; an API key in the ``apiKey`` query parameter for the overview API;
* errors: pinsight answers bad input with 400 ``{code, message}``, never FastAPI's 422
  ``{"detail": [...]}``: those responses and schemas go, and each operation lists the
  statuses it can answer, with the body each one has;
* success bodies: the model each route names (``api.routing.route``: ``answers``);
* ``metric_types`` and ``creative_types`` (free text the services check) list their
  catalogue values;
* the routes that read their own input (the token forms, the ingestion batches, the
  overview query) describe it with the builders below (``openapi_extra``).
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from pinsight.api.routing import ANSWERS
from pinsight.api.schemas import responses as models
from pinsight.catalog import operations as table
from pinsight.catalog.operations import OPERATIONS
from pinsight.domain.overview import overview_query
from pinsight.domain.overview.overview_period import PRESETS

REF = "#/components/schemas/{model}"
WRITES = {"post", "put", "patch", "delete"}

BEARER, BASIC, API_KEY, CONVERSION = "bearer", "basic", "apiKey", "conversion_token"
SECURITY_SCHEMES = {
    BEARER: {
        "type": "http",
        "scheme": "bearer",
        "description": "An access token: from POST /v5/oauth/token, or `pinsight token create --user NAME` "
        "(`make run` prints one for the demo user). Each operation lists the scopes its token needs.",
    },
    BASIC: {"type": "http", "scheme": "basic", "description": "The app's id and secret (`pinsight app create`)."},
    CONVERSION: {
        "type": "http",
        "scheme": "bearer",
        "description": "An ad account's conversion token (Ads Manager's; here `pinsight token create-conversion "
        "--ad-account ID`): taken by the Conversions API of that ad account only.",
    },
    API_KEY: {
        "type": "apiKey",
        "in": "query",
        "name": "apiKey",
        "description": "An overview API key: `pinsight apikey create --user NAME`.",
    },
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
    published = [*ANSWERS.values(), models.Error, models.BatchError, models.OverviewError, models.OverviewInvalid,
                 models.DailyMetricsRow, models.Event, models.AdEvent, models.TokenRequest, models.RevokeRequest]
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
    for status, response in responses.items():
        if status.startswith("2"):
            if operation_id in ANSWERS:
                response["content"] = _json(_ref(ANSWERS[operation_id]))
            else:
                response.pop("content", None)  # FastAPI's empty schema: this operation answers no body
    declared = OPERATIONS.get(operation_id)
    if declared is None:
        pass
    elif declared.authentication == table.APP:
        _app_endpoint(operation_id, operation)
    elif declared.authentication == table.API_KEY:
        _overview(operation_id, operation)
    else:
        _bearer(operation, declared, method)
    for parameter in operation.get("parameters", ()):
        _enumerate(parameter)


def _errors(operation: dict[str, Any], statuses: dict[int, type[BaseModel]], descriptions: dict[int, str]) -> None:
    """List the error statuses with their bodies: a route's own description (``described``)
    over ``descriptions`` over ``ERRORS``'s."""
    for status, model in sorted(statuses.items()):
        own = operation["responses"].get(str(status), {}).get("description")
        response: dict[str, Any] = {
            "description": own or descriptions.get(status, ERRORS[status]),
            "content": _json(_ref(model)),
        }
        if status in (429, 503):
            response["headers"] = copy.deepcopy(RETRY_AFTER)
        operation["responses"][str(status)] = response


def _bearer(operation: dict[str, Any], declared: table.Operation, method: str) -> None:
    """/v5 and ingestion: a bearer token with the operation's scopes."""
    operation["security"] = [{BEARER: sorted(declared.scopes)}, *([{CONVERSION: []}] if declared.conversion_token else [])]
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
    if declared.rate_category == "ingest":  # the ingestion batches (pinsight's own exports answer as /v5 does)
        statuses.pop(404, None)  # a batch names its unknown pins among its problems (400)
        statuses.update({400: models.BatchError, 415: models.Error})
        descriptions[403] = ("The token lacks a scope this operation needs, or pins:write_secret for a pin on a "
                             "secret board.")
    _errors(operation, statuses, descriptions)


def _app_endpoint(operation_id: str, operation: dict[str, Any]) -> None:
    """The token endpoints: the app's id and secret (HTTP Basic) and a form body (``form_body``).
    Besides the statuses every one answers, a route lists its own (``described``)."""
    operation["security"] = [{BASIC: []}]
    operation["x-ratelimit-category"] = OPERATIONS[operation_id].rate_category
    own = {int(status) for status in operation["responses"] if status[0] in "45"}
    _errors(
        operation,
        dict.fromkeys({400, 401, 413, 415, 429, 503} | own, models.Error),
        {
            401: "No, malformed or wrong app id and secret (HTTP Basic).",
            415: "The body is not application/x-www-form-urlencoded.",
            429: "Too many failed authentications from this address; Retry-After says when to retry.",
        },
    )


def described(descriptions: dict[int, str]) -> dict[str, Any]:
    """A route's own descriptions of statuses (``openapi_extra``)."""
    return {"responses": {str(status): {"description": text} for status, text in descriptions.items()}}


def form_body(form: type[BaseModel]) -> dict[str, Any]:
    """The form a token endpoint reads (``openapi_extra``)."""
    return {"requestBody": {
        "required": True,
        "content": {"application/x-www-form-urlencoded": {"schema": _ref(form)}},
    }}


def batch_body(item: type[BaseModel], max_items: int, noun: str) -> dict[str, Any]:
    """The batch an ingestion route reads (``openapi_extra``)."""
    array = {"type": "array", "items": _ref(item), "minItems": 1, "maxItems": max_items}
    return {"requestBody": {
        "required": True,
        "description": f"A batch of at most {max_items:,} {noun}: a JSON array, or NDJSON (one JSON object a line). "
        "One bad item refuses the whole batch (400, its problems by position); nothing is written then.",
        "content": {
            "application/json": {"schema": array},
            "application/x-ndjson": {"schema": {"type": "string", "description": f"One {item.__name__} a line."}},
        },
    }}


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
        {"type": "integer", "minimum": 1, "maximum": overview_query.MAX_PER_PAGE, "default": overview_query.DEFAULT_PER_PAGE},
        "Posts per page.",
    ),
]


def overview_parameters(*, paged: bool) -> dict[str, Any]:
    """The query an overview route reads (``openapi_extra``): the account and period, and
    the page of a ``paged`` list."""
    return {"parameters": copy.deepcopy(PERIOD_PARAMETERS + (PAGE_PARAMETERS if paged else []))}


def _overview(operation_id: str, operation: dict[str, Any]) -> None:
    """The overview API: an API key in the query, its own error shapes and statuses."""
    operation["security"] = [{API_KEY: []}]
    operation["x-ratelimit-category"] = OPERATIONS[operation_id].rate_category
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


def _enumerate(parameter: dict[str, Any]) -> None:
    """A free-text parameter's catalogue values (``api.v5.filters``: ``x-enum``) become its enum."""
    schema = parameter.get("schema", {})
    values = _pop_enum(schema)
    if values is not None:
        _set_enum(schema, tuple(values))
        parameter["description"] = "Repeat the parameter, or separate values with commas."
        parameter["style"], parameter["explode"] = "form", True
    elif parameter["name"] in ("start_date", "end_date") and schema.get("type") == "string":
        schema["format"] = "date"  # UTC days, YYYY-MM-DD


def _pop_enum(schema: dict[str, Any]) -> list[str] | None:
    values = schema.pop("x-enum", None)
    for branch in schema.get("anyOf", ()):
        values = _pop_enum(branch) or values
    return values
