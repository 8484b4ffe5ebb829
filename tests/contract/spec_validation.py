"""Validate pinsight's HTTP responses against Pinterest's official OpenAPI 3.0 spec.

The spec is OpenAPI 3.0.3, whose Schema Object is a dialect of JSON Schema draft 4/5,
so each schema is converted once before it is used:

* ``nullable: true`` becomes ``anyOf: [<schema>, {"type": "null"}]``. This is the
  reading every mainstream OAS 3.0 validator uses (null is accepted wherever the
  schema is marked nullable, also next to ``allOf``/``$ref`` or an ``enum``).
* ``$ref``'s (``#/components/schemas/...``) are made absolute and resolved with the
  ``referencing`` library against the converted spec, at validation time.
* ``discriminator`` with a ``mapping`` is enforced: an object whose discriminating
  property names a mapped schema must validate against that schema too.
* ``format: date-time`` (and ``date``) are checked here, by RFC 3339, because
  jsonschema only checks date-time when the optional rfc3339-validator package is
  installed; other formats (int64, uri, ...) are annotations only.

Usage::

    validator = SpecValidator(spec)
    validator.validate_response(response, "/boards/{board_id}", "get")
    assert_error_body(response.json())
"""

from __future__ import annotations

import contextvars
import copy
import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import httpx
from jsonschema import Draft4Validator, FormatChecker, ValidationError, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_URI = "urn:pinterest-openapi-v5"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

# Keywords whose value is a schema, a list of schemas, or a name -> schema map (OAS 3.0 subset).
_SCHEMA_VALUED = ("items", "additionalProperties", "not")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SCHEMA_MAPS = ("properties",)

_RFC3339_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_RFC3339_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _absolute_ref(ref: str) -> str:
    if ref.startswith("#"):
        return SPEC_URI + ref
    raise ValueError(f"only local $ref's are expected in the spec, got {ref!r}")


def to_json_schema(schema: Any) -> Any:
    """Convert one OpenAPI 3.0 Schema Object (recursively) to JSON Schema draft 4."""
    if not isinstance(schema, Mapping):
        return schema
    if "$ref" in schema:
        # OAS 3.0: siblings of $ref are ignored, except that tools honour `nullable` there.
        converted: dict[str, Any] = {"$ref": _absolute_ref(schema["$ref"])}
        return {"anyOf": [converted, {"type": "null"}]} if schema.get("nullable") is True else converted
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "nullable" or key.startswith("x-"):
            continue
        if key in _SCHEMA_VALUED and isinstance(value, Mapping):
            out[key] = to_json_schema(value)
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [to_json_schema(item) for item in value]
        elif key in _SCHEMA_MAPS and isinstance(value, Mapping):
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        elif key == "discriminator" and isinstance(value, Mapping):
            mapping = {name: _absolute_ref(ref) for name, ref in (value.get("mapping") or {}).items()}
            out[key] = {"propertyName": value.get("propertyName"), "mapping": mapping}
        else:
            out[key] = copy.deepcopy(value)
    if schema.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


def _check_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339_DATE_TIME.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
    except ValueError:
        return False
    return True


def _check_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339_DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def make_format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checks("date-time")(_check_date_time)
    checker.checks("date")(_check_date)
    return checker


# (id(instance), target ref) pairs being validated through a discriminator: a guard
# against a mapped schema that contains the same discriminator again.
_discriminating: contextvars.ContextVar[frozenset] = contextvars.ContextVar("_discriminating", default=frozenset())


def _discriminator(validator, value, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    name = value.get("propertyName")
    mapping = value.get("mapping") or {}
    if name not in instance or instance[name] not in mapping:
        return
    target = mapping[instance[name]]
    key = (id(instance), target)
    active = _discriminating.get()
    if key in active:
        return
    token = _discriminating.set(active | {key})
    try:
        for error in validator.descend(instance, {"$ref": target}):
            error.message = f"{name}={instance[name]!r} selects {target.rsplit('/', 1)[-1]}: {error.message}"
            yield error
    finally:
        _discriminating.reset(token)


OAS30Validator = validators.extend(Draft4Validator, {"discriminator": _discriminator})


def find_operation(spec: Mapping, operation_id: str) -> tuple[str, str, Mapping]:
    """(path, method, operation object) of an operationId; KeyError if the spec lacks it."""
    for path, item in spec["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, Mapping) and operation.get("operationId") == operation_id:
                return path, method, operation
    raise KeyError(f"operationId {operation_id!r} is not in the spec")


def _format_error(error: ValidationError) -> str:
    where = "/".join(str(part) for part in error.absolute_path) or "<body>"
    return f"at {where}: {error.message}"


class SpecValidator:
    """Validates response bodies against the spec's schema for a path, method and status."""

    def __init__(self, spec: Mapping):
        self.spec = spec
        schemas = spec.get("components", {}).get("schemas", {})
        self._document = {"components": {"schemas": {name: to_json_schema(s) for name, s in schemas.items()}}}
        self._registry = Registry().with_resource(
            SPEC_URI, Resource.from_contents(self._document, default_specification=DRAFT4)
        )
        self._format_checker = make_format_checker()
        self._cache: dict[tuple, Any] = {}

    # -- looking things up in the spec -------------------------------------------------

    def operation(self, path: str, method: str) -> Mapping:
        try:
            return self.spec["paths"][path][method.lower()]
        except KeyError:
            raise KeyError(f"{method.upper()} {path} is not in the spec") from None

    def response_key(self, path: str, method: str, status: int) -> str:
        """The key of the spec's response for a status: exact, then 4XX-style ranges, then default."""
        responses = self.operation(path, method)["responses"]
        for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
            if key in responses:
                return key
        raise AssertionError(f"{method.upper()} {path}: status {status} is not documented and there is no default")

    def response_schema(self, path: str, method: str, status: int, media_type: str = "application/json") -> Any:
        """The converted JSON Schema of a response body, or None when the response has no body."""
        key = (path, method.lower(), self.response_key(path, method, status), media_type)
        if key not in self._cache:
            response = self.operation(path, method)["responses"][key[2]]
            content = response.get("content") or {}
            if not content:
                self._cache[key] = None
            elif media_type not in content:
                raise AssertionError(
                    f"{method.upper()} {path} {key[2]}: the spec documents {sorted(content)}, not {media_type}"
                )
            else:
                self._cache[key] = to_json_schema(content[media_type].get("schema", {}))
        return self._cache[key]

    # -- validating ------------------------------------------------------------------

    def errors(self, schema: Any, instance: Any) -> list[str]:
        validator = OAS30Validator(schema, registry=self._registry, format_checker=self._format_checker)
        found = sorted(validator.iter_errors(instance), key=lambda error: [str(part) for part in error.path])
        return list(dict.fromkeys(_format_error(error) for error in found))

    def component_errors(self, name: str, instance: Any) -> list[str]:
        """Errors of an instance against ``#/components/schemas/<name>``."""
        if name not in self._document["components"]["schemas"]:
            raise KeyError(f"schema {name!r} is not in the spec")
        return self.errors({"$ref": f"{SPEC_URI}#/components/schemas/{name}"}, instance)

    def validate_body(self, path: str, method: str, status: int, body: Any) -> None:
        schema = self.response_schema(path, method, status)
        if schema is None:
            raise AssertionError(f"{method.upper()} {path} {status}: the spec documents no body, got {body!r}")
        problems = self.errors(schema, body)
        if problems:
            shown = json.dumps(body, default=str)[:1500]
            raise AssertionError(
                f"{method.upper()} {path} {status} does not match the spec "
                f"(response '{self.response_key(path, method, status)}'):\n  "
                + "\n  ".join(problems)
                + f"\nbody: {shown}"
            )

    def validate_response(self, response: httpx.Response, path: str, method: str) -> Any:
        """Check a live response (status documented, content type, body schema); return the parsed body."""
        status = response.status_code
        label = f"{method.upper()} {path} -> {status}"
        schema = self.response_schema(path, method, status)
        if schema is None:
            assert response.content == b"", f"{label}: the spec documents no body, got {response.text[:300]!r}"
            return None
        content_type = response.headers.get("content-type", "")
        assert content_type.split(";")[0].strip() == "application/json", f"{label}: content-type {content_type!r}"
        try:
            body = response.json()
        except json.JSONDecodeError as exc:
            raise AssertionError(f"{label}: body is not JSON: {response.text[:300]!r}") from exc
        self.validate_body(path, method, status, body)
        return body


def assert_error_body(body: Any) -> None:
    """Pinterest's error shape, exactly: {"code": int, "message": str} and nothing else."""
    assert isinstance(body, dict), f"error body is not an object: {body!r}"
    assert set(body) == {"code", "message"}, f"error body keys are {sorted(body)}, expected exactly code and message"
    assert type(body["code"]) is int, f"error code is not an integer: {body['code']!r}"
    assert isinstance(body["message"], str) and body["message"].strip(), f"error message is empty: {body!r}"

