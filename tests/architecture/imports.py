"""The import graph of ``src/pinsight``, read from the source with ``ast``.

Imports inside functions count like module-level ones (a cycle is a cycle wherever its
import sits); imports under ``if TYPE_CHECKING:`` do not, as they never run.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "pinsight"


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module

    @property
    def layer(self) -> str:
        """The top-level sub-package (``api``, ``services``, ...), or the module itself (``cli``)."""
        parts = self.name.split(".")
        return parts[1] if len(parts) > 1 else ""


def _name_of(path: Path) -> str:
    parts = path.relative_to(SOURCE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Module]:
    found = {}
    for path in sorted((SOURCE / PACKAGE).rglob("*.py")):
        name = _name_of(path)
        found[name] = Module(name, path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


def _type_checking_only(tree: ast.Module) -> set[int]:
    """ids of the import nodes that sit under ``if TYPE_CHECKING:``."""
    hidden = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING":
            for child in node.body:
                for inner in ast.walk(child):
                    hidden.add(id(inner))
    return hidden


def imported_names(module: Module) -> list[tuple[str, int]]:
    """Every module name ``module`` imports at run time (absolute), with its line."""
    hidden = _type_checking_only(module.tree)
    package = module.name if module.path.name == "__init__.py" else module.name.rpartition(".")[0]
    names = []
    for node in ast.walk(module.tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            names.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            names.append((source, node.lineno))
            # "from pinsight.store import rollups" imports the module pinsight.store.rollups
            names.extend((f"{source}.{alias.name}", node.lineno) for alias in node.names)
    return names


@cache
def graph() -> dict[str, frozenset[str]]:
    """Module → the pinsight modules it imports."""
    known = modules()
    edges = {}
    for name, module in known.items():
        # Packages' __init__ modules are empty here: the modules named count, not their packages.
        edges[name] = frozenset(
            target for target, _ in imported_names(module)
            if target in known and target != name and known[target].path.name != "__init__.py"
        )
    return edges


def cycles(edges: dict[str, frozenset[str]] | None = None) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), of the source's
    import graph unless ``edges`` is given."""
    edges = graph() if edges is None else edges
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found
