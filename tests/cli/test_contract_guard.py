"""A clone without ../shared/reference/: the contract suite is skipped, and says so loudly;
in CI (PINSIGHT_REQUIRE_CONTRACT=1, set by .ci/run) the same clone fails instead.

The suite's own conftest runs from a copy of the tests placed where no spec sits beside it,
on one test that needs the spec, in a pytest subprocess."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

NEEDS_SPEC = '''
def test_reads_the_spec(spec):
    assert "paths" in spec
'''


def _clone_without_reference(tmp_path: Path) -> Path:
    clone = tmp_path / "checkout"  # ../shared/reference/ of this checkout does not exist
    (clone / "tests").mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", clone)
    for name in ("__init__.py", "conftest.py"):
        shutil.copy(ROOT / "tests" / name, clone / "tests")
    shutil.copytree(ROOT / "tests" / "support", clone / "tests" / "support", ignore=shutil.ignore_patterns("__pycache__"))
    (clone / "tests" / "test_needs_spec.py").write_text(NEEDS_SPEC)
    assert not (tmp_path / "shared").exists()
    return clone


def _pytest(clone: Path, **env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "PINSIGHT_REQUIRE_CONTRACT"} | env
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/test_needs_spec.py"],
                          cwd=clone, env=environment, capture_output=True, text=True, timeout=300)


def test_a_clone_without_the_spec_skips_the_contract_suite_and_says_so(tmp_path):
    result = _pytest(_clone_without_reference(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    summary = result.stdout[result.stdout.index("CONTRACT SUITE SKIPPED"):]
    assert "1 tests against the official Pinterest OpenAPI spec did not run" in summary
    assert "shared/reference/pinterest-openapi-v5.json" in summary and "PINSIGHT_REQUIRE_CONTRACT=1" in summary
    assert re.search(r"SKIPPED \[1\] .*the official spec is not at", result.stdout)  # the skip reason (-ra)


def test_ci_fails_when_the_contract_suite_cannot_run(tmp_path):
    result = _pytest(_clone_without_reference(tmp_path), PINSIGHT_REQUIRE_CONTRACT="1")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 error" in result.stdout and "the contract suite cannot run" in result.stdout


def test_ci_requires_the_contract_suite():
    ci = (ROOT / ".ci" / "run").read_text()
    exported = ci.index("export PINSIGHT_REQUIRE_CONTRACT=1\n")
    assert exported < ci.index("make test")
