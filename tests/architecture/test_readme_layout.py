"""The README's layout section names every package of the code, and only packages that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "pinsight"
NAME = re.compile(r"(?<![\w.])([a-z0-9_]+)/")


def _package_lines() -> list[str]:
    """The layout block's lines under ``src/pinsight/`` (up to ``tests/``)."""
    section = (ROOT / "README.md").read_text().split("## Layout", 1)[1]
    lines = re.search(r"```\n(.*?)```", section, re.S).group(1).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("src/pinsight/")) + 1
    end = next(i for i, line in enumerate(lines) if i >= start and line and not line.startswith(" "))
    return lines[start:end]


def _packages() -> set[str]:
    return {str(init.parent.relative_to(PACKAGE)) for init in PACKAGE.rglob("__init__.py") if init.parent != PACKAGE}


def _named() -> set[str]:
    """Packages as the block lays them out: a line at two spaces names a top-level package;
    a line at four spaces names sub-packages of the last one (several may share a line); a
    description may name a package's sub-packages too (``content/, organic/``)."""
    named: set[str] = set()
    parent = ""
    for line in _package_lines():
        indent = len(line) - len(line.lstrip(" "))
        words = line.strip()
        if indent == 2 and NAME.match(words):
            parent = NAME.match(words).group(1)
            named.add(parent)
        elif indent == 4 and NAME.match(words):
            heading = re.split(r"\s{2,}", words)[0]  # the names, before the description
            named |= {f"{parent}/{name}" for name in NAME.findall(heading)}
            child = NAME.match(words).group(1)
            rest = words[len(heading):]
            named |= {f"{parent}/{child}/{name}" for name in NAME.findall(rest)
                      if (PACKAGE / parent / child / name).is_dir()}
    return named


def test_the_layout_names_every_package_and_no_other():
    packages, named = _packages(), _named()
    assert packages - named == set(), "packages missing from the README's layout section"
    assert named - packages == set(), "the README's layout section names packages that do not exist"
    assert {"services/organic", "api/v5/content"} <= named  # the reader sees the nesting
