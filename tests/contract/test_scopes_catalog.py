"""The operations table (pinsight.catalog.operations) must say what the official spec says.

For each of Pinterest's operations: its method and path, the scopes of the
``pinterest_oauth2`` requirement, whether a ``client_credentials`` requirement is offered
(with the same scopes), how it authenticates, the ``x-ratelimit-category``, where it
takes ``ad_account_id`` from, whether it is a bookmark-paginated list, that its success
status is documented, and the Business Access roles its description states.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

import pytest

from pinsight.catalog.operations import API_KEY, APP, BEARER, PINTEREST_OPERATIONS, Operation
from pinsight.catalog.roles import ROLES
from pinsight.catalog.scopes import ALL_SCOPES, SECRET_READ_SCOPES, SECRET_WRITE_SCOPES
from tests.contract.spec_validation import find_operation

OAUTH = "pinterest_oauth2"
CLIENT = "client_credentials"
BASIC = "basic"

# How a pin operation's description states its roles, e.g. "For Pins on secret boards: Owner, Admin."
_PUBLIC_ROLES = re.compile(r"For Pins on public or protected boards: ([A-Za-z ,]+)\.")
_SECRET_ROLES = re.compile(r"For Pins on secret boards: ([A-Za-z ,]+)\.")
# How an ads operation's description states the roles on the ad account it names, e.g.
# "...granted to them via <a href=...>Business Access</a>: Admin, Analyst, Campaign Manager."
_ACCOUNT_ROLES = re.compile(r"Business Access</a>(?: roles on the ad_account)?: ([A-Z][A-Za-z ,`]+)\.")


def _requirements(operation: Mapping) -> dict[str, frozenset[str]]:
    requirements: dict[str, frozenset[str]] = {}
    for requirement in operation.get("security", []):
        assert len(requirement) == 1, f"combined security requirements are not modelled: {requirement}"
        (scheme, scopes), = requirement.items()
        assert scheme not in requirements, f"{scheme} is listed twice"
        requirements[scheme] = frozenset(scopes)
    return requirements


def _parameters(spec: Mapping, path: str, operation: Mapping) -> dict[str, str]:
    """Name -> location (query, path, ...) of the operation's parameters, path-level ones included."""
    found = {}
    for parameter in [*spec["paths"][path].get("parameters", []), *operation.get("parameters", [])]:
        if "$ref" in parameter:
            parameter = spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        found[parameter["name"]] = parameter["in"]
    return found


_SHORT_ROLE_NAMES = {"AUDIENCE": "AUDIENCE_MANAGER", "CAMPAIGN": "CAMPAIGN_MANAGER"}


def _roles(text: str) -> frozenset[str]:
    """Roles named in a sentence, plus Owner wherever Admin is named (pinsight's rule: an
    Owner role allows all an Admin's does)."""
    roles = {name.strip().upper().replace(" ", "_") for name in text.split(",")}
    # The Conversions API's description names two roles short: "Audience" and "Campaign".
    roles = {_SHORT_ROLE_NAMES.get(role, role) for role in roles}
    assert roles <= set(ROLES), sorted(roles - set(ROLES))
    return frozenset(roles | ({"OWNER"} if "ADMIN" in roles else set()))


def stated_roles(operation: Mapping) -> tuple[frozenset[str], frozenset[str]] | None:
    """(roles for public and protected content, roles for secret content) as the description
    states them; None where it states none. Roles stated on an ad account (ads operations)
    have no secret content: (those roles, none)."""
    description = operation.get("description", "")
    public, secret = _PUBLIC_ROLES.search(description), _SECRET_ROLES.search(description)
    if public is None and secret is None:
        on_account = _ACCOUNT_ROLES.search(description)
        return None if on_account is None else (_roles(on_account.group(1).replace("`", "")), frozenset())
    assert public and secret, "a description states roles for only one kind of content"
    return _roles(public.group(1)), _roles(secret.group(1))


# Ads Manager's conversion tokens (``Operation.conversion_token``): a scheme of their own, with no scopes.
CONVERSION = "conversion_token"


def differences(ours: Operation, spec: Mapping) -> list[str]:
    """How pinsight's entry for an operation differs from the spec's operation object."""
    try:
        path, method, operation = find_operation(spec, ours.operation_id)
    except KeyError:
        return [f"the spec has no operation {ours.operation_id!r}"]
    found = []
    if (ours.method, ours.path) != (method.upper(), f"/v5{path}"):
        found.append(f"served at {ours.method} {ours.path}, the spec's {method.upper()} /v5{path}")
    requirements = _requirements(operation)
    if ours.authentication == BEARER:
        if ours.conversion_token != (CONVERSION in requirements):
            found.append(f"conversion tokens taken: {ours.conversion_token} vs the spec's {CONVERSION in requirements}")
        elif CONVERSION in requirements and requirements.pop(CONVERSION):
            found.append(f"the spec's {CONVERSION} requirement names scopes")
        if set(requirements) - {OAUTH, CLIENT}:
            found.append(f"unexpected security schemes {sorted(set(requirements) - {OAUTH, CLIENT})}")
        if OAUTH not in requirements:
            found.append(f"the spec offers no {OAUTH} requirement")
        elif ours.scopes != requirements[OAUTH]:
            found.append(f"scopes {sorted(ours.scopes)} vs the spec's {sorted(requirements[OAUTH])}")
        if CLIENT in requirements and requirements[CLIENT] != requirements.get(OAUTH):
            found.append(f"{CLIENT} scopes {sorted(requirements[CLIENT])} differ from the {OAUTH} scopes")
    elif ours.authentication == APP:
        if set(requirements) != {BASIC} or ours.scopes:
            found.append(f"authenticated by the app's credentials, the spec's schemes are {sorted(requirements)}")
    else:
        found.append(f"Pinterest's operations take no {ours.authentication}")
    if ours.client_credentials != (CLIENT in requirements):
        found.append(f"client_credentials allowed: {ours.client_credentials} vs the spec's {CLIENT in requirements}")
    if ours.rate_category != operation.get("x-ratelimit-category"):
        found.append(f"rate category {ours.rate_category!r} vs the spec's {operation.get('x-ratelimit-category')!r}")
    parameters = _parameters(spec, path, operation)
    if ours.ad_account_id != parameters.get("ad_account_id"):
        found.append(f"ad_account_id from {ours.ad_account_id} vs the spec's {parameters.get('ad_account_id')}")
    if (ours.bookmark_keys is not None) != (parameters.get("bookmark") == "query"):
        found.append(f"bookmark-paginated: {ours.bookmark_keys is not None} vs the spec's {'bookmark' in parameters}")
    if str(ours.status) not in operation.get("responses", {}):
        found.append(f"success status {ours.status} is not documented")
    stated = stated_roles(operation)
    if stated is not None and (ours.roles, ours.secret_roles) != stated:
        found.append(f"roles {sorted(ours.roles)} / secret {sorted(ours.secret_roles)} vs the spec's "
                     f"{sorted(stated[0])} / {sorted(stated[1])}")
    return found


@pytest.mark.parametrize("operation_id", sorted(PINTEREST_OPERATIONS))
def test_operation_matches_the_spec(spec, operation_id):
    assert differences(PINTEREST_OPERATIONS[operation_id], spec) == []


@pytest.mark.parametrize(
    "operation_id,change",
    [
        ("boards/delete", {"scopes": frozenset({"boards:read"})}),
        ("boards/delete", {"scopes": frozenset({"boards:read", "boards:write", "boards:write_secret"})}),
        ("boards/delete", {"client_credentials": True}),
        ("boards/delete", {"rate_category": "org_read"}),
        ("boards/delete", {"operation_id": "boards/remove"}),
        ("boards/delete", {"method": "POST"}),
        ("boards/delete", {"path": "/v5/boards/{id}"}),
        ("boards/delete", {"status": 200}),
        ("boards/delete", {"ad_account_id": None}),
        ("boards/list", {"bookmark_keys": None}),
        ("boards/get", {"bookmark_keys": ("board_id",)}),
        ("ad_accounts/get", {"ad_account_id": "query"}),
        ("pins/get", {"roles": frozenset({"OWNER", "ADMIN", "ANALYST"})}),
        ("pins/analytics", {"roles": frozenset({"OWNER", "ADMIN", "ANALYST", "CAMPAIGN_MANAGER"})}),
        ("pins/analytics", {"secret_roles": frozenset({"ADMIN"})}),
        ("campaigns/list", {"roles": frozenset({"OWNER", "ADMIN", "CAMPAIGN_MANAGER"})}),
        ("oauth/token", {"authentication": API_KEY}),
        ("oauth/token", {"scopes": frozenset({"pins:read"})}),
    ],
)
def test_a_drifted_entry_is_reported(spec, operation_id, change):
    drifted = dataclasses.replace(PINTEREST_OPERATIONS[operation_id], **change)
    assert len(differences(drifted, spec)) == 1, differences(drifted, spec)


def test_the_spec_states_roles_for_the_pin_operations(spec):
    """Guards the role comparison above: it must find the stated roles where they are."""
    stated = {op_id: stated_roles(find_operation(spec, op_id)[2]) for op_id in PINTEREST_OPERATIONS}
    assert {op_id for op_id, roles in stated.items() if roles} >= {
        "pins/get", "pins/update", "pins/delete", "pins/save", "pins/analytics", "multi_pins/analytics"}
    content = frozenset({"OWNER", "ADMIN", "ANALYST", "CAMPAIGN_MANAGER"})
    assert stated["pins/get"] == (content, frozenset({"OWNER", "ADMIN"}))
    assert stated["pins/analytics"] == (frozenset({"OWNER", "ADMIN", "ANALYST"}), frozenset({"OWNER", "ADMIN"}))
    assert stated["campaigns/list"] == (content, frozenset())


def test_scopes_are_the_spec_scopes(spec):
    schemes = spec["components"]["securitySchemes"]
    oauth_scopes = set(schemes[OAUTH]["flows"]["authorizationCode"]["scopes"])
    client_scopes = set(schemes[CLIENT]["flows"]["clientCredentials"]["scopes"])
    assert set(ALL_SCOPES) <= oauth_scopes, sorted(set(ALL_SCOPES) - oauth_scopes)
    assert set(ALL_SCOPES) <= client_scopes, sorted(set(ALL_SCOPES) - client_scopes)
    assert len(ALL_SCOPES) == len(set(ALL_SCOPES))
    used = set().union(*(op.scopes for op in PINTEREST_OPERATIONS.values()))
    used |= set(SECRET_READ_SCOPES.values()) | set(SECRET_WRITE_SCOPES.values())
    assert used <= set(ALL_SCOPES), sorted(used - set(ALL_SCOPES))
