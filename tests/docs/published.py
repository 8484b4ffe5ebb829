"""A client that knows only pinsight's published document: it authenticates as each
operation's ``security`` says (as Swagger UI's "Authorize" and "Try it out" do) and
checks every answer against the document (a listed status, a body valid against its
schema, read as JSON Schema 2020-12 as OpenAPI 3.1 defines it)."""

from __future__ import annotations

import base64
import re
from datetime import datetime

import httpx
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:pinsight-openapi"
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    # jsonschema checks date-time only with an optional package: RFC 3339 here.
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        raise ValueError(f"{value!r} is not an RFC 3339 date-time")
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


class Published:
    """The document, its operations by id, and validators for its schemas."""

    def __init__(self, document: dict):
        self.document = document
        self.registry = Registry().with_resource(DOCUMENT_URI, Resource(contents=document, specification=DRAFT202012))
        self.operations: dict[str, tuple[str, str, dict]] = {
            operation["operationId"]: (path, method, operation)
            for path, item in document["paths"].items()
            for method, operation in item.items()
        }

    def validator(self, schema: dict) -> Draft202012Validator:
        # A response schema is a $ref into the components: resolved against the document.
        ref = schema.get("$ref", "")
        root = {"$ref": DOCUMENT_URI + ref} if ref.startswith("#") else schema
        return Draft202012Validator(root, registry=self.registry, format_checker=FORMATS)

    def check(self, operation_id: str, response: httpx.Response) -> None:
        """The status is one the operation lists, and the body is what the document says for it."""
        _, _, operation = self.operations[operation_id]
        status = str(response.status_code)
        listed = operation["responses"]
        assert status in listed, f"{operation_id} answered {status}, not listed in {sorted(listed)}: {response.text[:300]}"
        content = listed[status].get("content")
        if content is None:
            assert response.content == b"", f"{operation_id} {status} has a body the document does not describe"
            return
        schema = content["application/json"]["schema"]
        errors = sorted(self.validator(schema).iter_errors(response.json()), key=lambda e: list(e.absolute_path))
        assert not errors, f"{operation_id} {status}: " + "; ".join(
            f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in errors[:5]
        )


class DocClient:
    """Calls operations by id, filling in the path and the credentials the way the
    document's security schemes say to send them, and checks each answer."""

    def __init__(self, base_url: str, published: Published, credentials: dict[str, object]):
        """``credentials`` by scheme name: a token (http bearer), (id, secret) (http basic), a key (apiKey)."""
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self.published = published
        self.credentials = credentials

    def close(self) -> None:
        self.http.close()

    def _authenticate(self, operation: dict, headers: dict, params: dict, credentials: dict) -> None:
        schemes = self.published.document["components"]["securitySchemes"]
        for requirement in operation.get("security", []):
            for name in requirement:
                scheme, secret = schemes[name], credentials.get(name)
                if secret is None:
                    continue
                if scheme["type"] == "http" and scheme["scheme"] == "bearer":
                    headers["Authorization"] = f"Bearer {secret}"
                elif scheme["type"] == "http" and scheme["scheme"] == "basic":
                    pair = ":".join(secret).encode()  # type: ignore[arg-type]
                    headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
                elif scheme["type"] == "apiKey" and scheme["in"] == "query":
                    params[scheme["name"]] = secret
                elif scheme["type"] == "apiKey" and scheme["in"] == "header":
                    headers[scheme["name"]] = secret
                else:
                    raise AssertionError(f"unexpected security scheme {scheme}")

    def call(self, operation_id: str, *, path: dict | None = None, params: dict | None = None,
             credentials: dict | None = None, check: bool = True, **request) -> httpx.Response:
        template, method, operation = self.published.operations[operation_id]
        url = template.format(**(path or {}))
        headers, query = dict(request.pop("headers", {})), dict(params or {})
        self._authenticate(operation, headers, query, self.credentials if credentials is None else credentials)
        response = self.http.request(method.upper(), url, params=query, headers=headers, **request)
        if check:
            self.published.check(operation_id, response)
        return response
