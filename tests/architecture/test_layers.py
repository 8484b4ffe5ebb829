"""The layers hold: api → services → store → catalog/domain, SQL only in store/, no cycles.

These read the source (``tests/architecture/imports.py``), so a violation fails here
before it becomes a habit.
"""

from __future__ import annotations

import ast
import re

import pytest

from tests.architecture.imports import cycles, imported_names, modules

# What each layer may not import. Lower layers never reach up; the HTTP layer reaches the
# database only through services.
FORBIDDEN = {
    "services": ("pinsight.api", "pinsight.cli", "fastapi", "starlette"),
    "store": ("pinsight.api", "pinsight.services", "pinsight.cli", "pinsight.demo"),
    "domain": ("pinsight.api", "pinsight.services", "pinsight.store", "pinsight.cli", "pinsight.demo"),
    "catalog": ("pinsight.api", "pinsight.services", "pinsight.store", "pinsight.cli", "pinsight.demo"),
    "demo": ("pinsight.api", "pinsight.cli"),
    "api": ("pinsight.store", "pinsight.cli", "pinsight.demo"),
}

# Where the database may be spoken to: the store, and the migrations it runs.
DATABASE_LAYERS = ("store", "migrations")

SQL_TEXT = re.compile(r"^\s*(SELECT\s|INSERT\s+INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|CREATE\s+(TABLE|INDEX)\s|PRAGMA\s)",
                      re.IGNORECASE)


def _violations(predicate) -> list[str]:
    found = []
    for module in modules().values():
        for target, line in imported_names(module):
            if predicate(module, target):
                found.append(f"{module.name}:{line} imports {target}")
    return sorted(set(found))


def _is_within(target: str, package: str) -> bool:
    return target == package or target.startswith(package + ".")


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(layer):
    forbidden = FORBIDDEN[layer]
    assert _violations(lambda m, t: m.layer == layer and any(_is_within(t, p) for p in forbidden)) == []


def test_only_the_store_imports_sqlalchemy():
    assert _violations(lambda m, t: m.layer not in DATABASE_LAYERS and _is_within(t, "sqlalchemy")) == []


def test_no_sql_text_outside_the_store():
    found = []
    for module in modules().values():
        if module.layer in DATABASE_LAYERS:
            continue
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.match(node.value):
                found.append(f"{module.name}:{node.lineno}: {node.value[:40]!r}")
    assert found == []


# What only the HTTP layer handles: a service takes parsed values (a token, an app's id and
# secret, a batch's items, the overview's named parameters), never headers or raw bodies.
HTTP_ONLY_PARAMETERS = {"request_headers", "headers", "authorization", "query_params"}


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.arg]:
    return [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]


def test_services_take_no_http_input():
    found = []
    for module in modules().values():
        if module.layer not in ("services", "domain", "store"):
            continue
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for arg in _parameters(node):
                raw_body = module.layer == "services" and isinstance(arg.annotation, ast.Name) and arg.annotation.id == "bytes"
                if arg.arg in HTTP_ONLY_PARAMETERS or raw_body:
                    found.append(f"{module.name}.{node.name}({arg.arg})")
    assert found == []


def test_there_is_no_import_cycle():
    assert cycles() == []


def test_the_checks_see_what_they_check():
    """The graph is read right: known imports are found (a broken reader would pass every test above)."""
    names = {target for target, _ in imported_names(modules()["pinsight.api.app"])}
    assert "pinsight.services.runtime" in names
    assert "pinsight.api.v5.content.pins" in names
    assert len(modules()) > 50
    assert cycles({"a": frozenset("b"), "b": frozenset("c"), "c": frozenset("a"), "d": frozenset("a")}) == [["a", "b", "c"]]
    assert cycles({"a": frozenset("b"), "b": frozenset()}) == []
