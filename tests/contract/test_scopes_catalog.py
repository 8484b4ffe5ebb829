"""The scope table in pinsight.catalog.scopes must say what the official spec says.

For each implemented operation: the scopes of the ``pinterest_oauth2`` requirement,
whether a ``client_credentials`` requirement is offered (with the same scopes), the
``x-ratelimit-category``, and the path and method the router serves it on.
"""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.routing import APIRoute

from pinsight.api.v5 import account_analytics, ad_accounts, analytics, boards, media, oauth, pins, sections, user_account
from pinsight.catalog.scopes import ALL_SCOPES, OPERATIONS, SECRET_READ_SCOPES, SECRET_WRITE_SCOPES, Operation
from tests.contract.spec_validation import find_operation

OAUTH = "pinterest_oauth2"
CLIENT = "client_credentials"


def _requirements(operation: dict) -> dict[str, frozenset[str]]:
    requirements: dict[str, frozenset[str]] = {}
    for requirement in operation.get("security", []):
        assert len(requirement) == 1, f"combined security requirements are not modelled: {requirement}"
        (scheme, scopes), = requirement.items()
        assert scheme not in requirements, f"{scheme} is listed twice"
        requirements[scheme] = frozenset(scopes)
    return requirements


def differences(ours: Operation, operation: dict) -> list[str]:
    """How pinsight's entry for an operation differs from the spec's operation object."""
    requirements = _requirements(operation)
    found = []
    if set(requirements) - {OAUTH, CLIENT}:
        found.append(f"unexpected security schemes {sorted(set(requirements) - {OAUTH, CLIENT})}")
    if operation.get("operationId") != ours.operation_id:
        found.append(f"operation id {ours.operation_id!r} vs {operation.get('operationId')!r}")
    if OAUTH not in requirements:
        found.append(f"the spec offers no {OAUTH} requirement")
    elif ours.scopes != requirements[OAUTH]:
        found.append(f"scopes {sorted(ours.scopes)} vs the spec's {sorted(requirements[OAUTH])}")
    if ours.client_credentials != (CLIENT in requirements):
        found.append(f"client_credentials allowed: {ours.client_credentials} vs the spec's {CLIENT in requirements}")
    if CLIENT in requirements and requirements[CLIENT] != requirements.get(OAUTH):
        found.append(f"{CLIENT} scopes {sorted(requirements[CLIENT])} differ from the {OAUTH} scopes")
    if ours.rate_category != operation.get("x-ratelimit-category"):
        found.append(f"rate category {ours.rate_category!r} vs the spec's {operation.get('x-ratelimit-category')!r}")
    return found


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_operation_matches_the_spec_security_block(spec, operation_id):
    _, _, operation = find_operation(spec, operation_id)
    assert differences(OPERATIONS[operation_id], operation) == []


@pytest.mark.parametrize(
    "change",
    [
        {"scopes": frozenset({"boards:read"})},
        {"scopes": frozenset({"boards:read", "boards:write", "boards:write_secret"})},
        {"client_credentials": True},
        {"rate_category": "org_read"},
        {"operation_id": "boards/update"},
    ],
)
def test_a_drifted_entry_is_reported(spec, change):
    _, _, operation = find_operation(spec, "boards/delete")
    drifted = dataclasses.replace(OPERATIONS["boards/delete"], **change)
    assert len(differences(drifted, operation)) == 1


def test_scopes_are_the_spec_scopes(spec):
    schemes = spec["components"]["securitySchemes"]
    oauth_scopes = set(schemes[OAUTH]["flows"]["authorizationCode"]["scopes"])
    client_scopes = set(schemes[CLIENT]["flows"]["clientCredentials"]["scopes"])
    assert set(ALL_SCOPES) <= oauth_scopes, sorted(set(ALL_SCOPES) - oauth_scopes)
    assert set(ALL_SCOPES) <= client_scopes, sorted(set(ALL_SCOPES) - client_scopes)
    assert len(ALL_SCOPES) == len(set(ALL_SCOPES))
    used = set().union(*(op.scopes for op in OPERATIONS.values()))
    used |= set(SECRET_READ_SCOPES.values()) | set(SECRET_WRITE_SCOPES.values())
    assert used <= set(ALL_SCOPES), sorted(used - set(ALL_SCOPES))


def _served_operations() -> dict[str, tuple[str, str]]:
    served = {}
    for module in (account_analytics, user_account, boards, sections, analytics, pins, ad_accounts, oauth, media):
        for route in module.router.routes:
            if isinstance(route, APIRoute) and route.operation_id:
                (method,) = route.methods
                assert route.path.startswith("/v5/"), f"{route.operation_id} is not under /v5: {route.path}"
                served[route.operation_id] = (route.path.removeprefix("/v5"), method.lower())
    return served


def test_each_operation_is_served_where_the_spec_puts_it(spec):
    served = _served_operations()
    assert set(served) == set(OPERATIONS) | {"oauth/token", "token/revoke"}, "routes and OPERATIONS disagree"
    for operation_id, (path, method) in served.items():
        spec_path, spec_method, _ = find_operation(spec, operation_id)
        assert (path, method) == (spec_path, spec_method), f"{operation_id}: served at {method} {path}"
