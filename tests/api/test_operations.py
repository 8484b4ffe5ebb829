"""The operations table (pinsight.catalog.operations) is what the app serves and how it
authorizes: every operation is served with its method and path and nothing else is, its
id is spelled only in the table and where its route is bound, and every operation that
takes ``ad_account_id`` lets exactly its Business Access roles act through it."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute

import pinsight
from pinsight.api.app import create_app
from pinsight.api.deps import Authorized
from pinsight.api.routing import route
from pinsight.catalog.operations import APP, BEARER, OPERATIONS, PATH, QUERY
from pinsight.catalog.roles import ROLES
from pinsight.errors import AdAccountNotFound, Forbidden
from pinsight.services.identity.access import Actor
from pinsight.services.identity.auth import Principal
from pinsight.services.pages import paginate
from tests.support.api import assert_error, create_board, create_pin, create_section
from tests.support.factories import make_ad_account, set_role

SOURCE = Path(pinsight.__file__).resolve().parent
TABLE = SOURCE / "catalog" / "operations.py"

# What the app serves besides the operations: its documentation, the health check and the
# consent page (a browser form standing in for pinterest.com/oauth/, not an API operation)
# the media upload sink (standing in for the storage a media upload_url points at) and the
# download of job files (standing in for the storage a report's url points at).
NOT_OPERATIONS = {
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/redoc"),
    ("GET", "/healthz"),
    ("GET", "/oauth/"),
    ("POST", "/oauth/"),
    ("POST", "/api/v1/media_uploads"),
    ("GET", "/api/v1/files/{key:path}"),
}


def _served(runtime) -> dict[tuple[str, str], object]:
    served = {}
    for served_route in create_app(runtime).routes:
        for method in getattr(served_route, "methods", None) or ():
            if method != "HEAD":
                assert (method, served_route.path) not in served, f"{method} {served_route.path} is served twice"
                served[(method, served_route.path)] = served_route
    return served


def test_the_app_serves_exactly_the_table(runtime):
    served = _served(runtime)
    declared = {(op.method, op.path): op for op in OPERATIONS.values()}
    assert set(served) - NOT_OPERATIONS == set(declared)
    assert not NOT_OPERATIONS & set(declared)
    for key, op in declared.items():
        served_route = served[key]
        assert isinstance(served_route, APIRoute)
        assert (served_route.operation_id, served_route.status_code) == (op.operation_id, op.status), key


def _parameters(dependant, kind: str) -> set[str]:
    """Names of the ``kind`` (query_params, path_params) parameters of a route, its dependencies' included."""
    names = {param.name for param in getattr(dependant, kind)}
    for dependency in dependant.dependencies:
        names |= _parameters(dependency, kind)
    return names


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_routes_declare_the_parameters_the_table_names(runtime, operation_id):
    """ad_account_id where the table takes it from (and nowhere else), bookmark and
    page_size on the bookmark-paginated lists (and only there)."""
    op = OPERATIONS[operation_id]
    served_route = _served(runtime)[(op.method, op.path)]
    query = _parameters(served_route.dependant, "query_params")
    path = _parameters(served_route.dependant, "path_params")
    assert ("ad_account_id" in query) == (op.ad_account_id == QUERY)
    assert ("ad_account_id" in path) == (op.ad_account_id == PATH)
    assert {"bookmark", "page_size"} <= query if op.bookmark_keys is not None else not {"bookmark", "page_size"} & query


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_each_operation_answers_on_its_method_and_path(server, operation_id):
    """Over HTTP, without credentials: the operation's own refusal, never an unknown path."""
    op = OPERATIONS[operation_id]
    path = re.sub(r"\{[a-z_]+\}", "1", op.path)
    response = httpx.request(op.method, f"{server.url}{path}")
    if op.authentication == BEARER:
        assert_error(response, 401)
    elif op.authentication == APP:
        assert_error(response, 415)  # the token endpoint reads only form bodies
    else:
        assert response.status_code == 401 and response.json() == {"message": "Please provide a valid API key"}


def test_operation_ids_are_spelled_in_the_table_and_where_their_route_is_bound_only():
    sources = {path: path.read_text() for path in SOURCE.rglob("*.py")}
    for operation_id in OPERATIONS:
        literal = re.compile(rf"""(["']){re.escape(operation_id)}\1""")
        places = [(path, line) for path, text in sources.items() for line in text.splitlines() if literal.search(line)]
        in_table = [line for path, line in places if path == TABLE]
        elsewhere = [(path.relative_to(SOURCE), line.strip()) for path, line in places if path != TABLE]
        assert len(in_table) == 1, (operation_id, in_table)
        assert len(elsewhere) == 1 and re.fullmatch(rf"""@route\(router, "{re.escape(operation_id)}"(\)|,.*)""",
                                                     elsewhere[0][1]), (operation_id, elsewhere)


def test_a_route_cannot_skip_or_misplace_authorization():
    router = APIRouter()

    async def unauthorized():
        return {}

    async def authorized(caller: Authorized):
        return {}

    with pytest.raises(TypeError, match="must take"):
        route(router, "pins/list")(unauthorized)
    with pytest.raises(TypeError, match="must not take"):
        route(router, "pinsight/overview")(authorized)


def test_a_list_pages_by_the_values_its_entry_names(runtime):
    actor = Actor(Principal(1, "u", frozenset(), "cli"), OPERATIONS["boards/list"], 1)
    rows = [{"id": 3}, {"id": 2}]
    page, bookmark = paginate(runtime, actor, 1, None, lambda before, limit: rows, privacies=("PUBLIC",))
    assert page == [{"id": 3}] and bookmark
    with pytest.raises(TypeError, match="privacies"):
        paginate(runtime, actor, 1, None, lambda before, limit: [], privacy="ALL")
    not_a_list = Actor(actor.principal, OPERATIONS["boards/get"], 1)
    with pytest.raises(TypeError):
        paginate(runtime, not_a_list, 1, None, lambda before, limit: [])


# --- Business Access: the table's roles, for every operation that takes ad_account_id -----------

def _request(op, targets: dict, ad_account_id: str) -> tuple[str, str, dict]:
    path = op.path.format(**targets)
    # The clients' base is /v5: pinsight's own operations are reached from its parent.
    path = path.removeprefix("/v5") if op.pinterest else f"/..{path}"
    return op.method, path, {"ad_account_id": ad_account_id}


@pytest.fixture
def targets(user):
    board = create_board(user.client)
    section = create_section(user.client, board["id"])
    pin = create_pin(user.client, board["id"], board_section_id=section["id"])
    return {"board_id": board["id"], "section_id": section["id"], "pin_id": pin["id"], "targeting_type": "KEYWORD",
            "export_id": "1"}


DELEGABLE = sorted(op.operation_id for op in OPERATIONS.values() if op.ad_account_id == QUERY)


@pytest.mark.parametrize("operation_id", DELEGABLE)
def test_only_the_operations_roles_act_through_an_ad_account(runtime, user, other_user, targets, operation_id):
    """Every role outside the operation's roles, and no role at all, is refused (403) before
    anything else is looked at; every role among them gets past authorization."""
    op = OPERATIONS[operation_id]
    account = make_ad_account(runtime, user)
    method, path, params = _request(op, targets, account)
    for role in (*ROLES, None):
        set_role(runtime, account, other_user, role)
        response = other_user.client.request(method, path, params=params, json={})
        if role in op.roles:
            assert response.status_code != 403, (role, response.text)
        else:
            body = assert_error(response, 403, Forbidden.code)
            assert body["message"].startswith("You do not have a Business Access role"), (role, body)
    # An unknown ad account is 404 whatever the operation.
    assert_error(other_user.client.request(method, path, params={"ad_account_id": "1234"}, json={}), 404,
                 AdAccountNotFound.code)


IN_PATH = sorted(op.operation_id for op in OPERATIONS.values() if op.ad_account_id == PATH)


@pytest.mark.parametrize("operation_id", IN_PATH)
def test_an_ad_account_in_the_path_is_unknown_to_a_user_without_a_role(runtime, user, other_user, operation_id):
    """The ad account is the resource: no role at all is a 404, a role outside the
    operation's a 403, and each of its roles gets past authorization."""
    op = OPERATIONS[operation_id]
    account = make_ad_account(runtime, user)
    path = op.path.format(ad_account_id=account, campaign_id="1", ad_group_id="1", ad_id="1", template_id="1",
                          bulk_request_id="1").removeprefix("/v5")
    body = [{}] if op.method in ("POST", "PATCH") else None
    for role in (*ROLES, None):
        set_role(runtime, account, other_user, role)
        response = other_user.client.request(op.method, path, json=body)
        if role is None:
            assert_error(response, 404, AdAccountNotFound.code)
        elif role in op.roles:
            assert response.status_code != 403, (role, response.text)
            assert response.status_code != 404 or response.json()["code"] != AdAccountNotFound.code, role
            if operation_id == "ad_accounts/get":
                assert response.json()["permissions"] == [role]
        else:
            assert_error(response, 403, Forbidden.code)
