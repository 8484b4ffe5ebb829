"""Write transactions are opened one way: ``store.db.writing`` (``Runtime.write``).

A plain ``engine.begin()`` on SQLite begins a deferred transaction whose reads are not
protected by the write lock, so a service or route that used it would reintroduce lost
updates under concurrency. This scans the application's source for it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pinsight

SOURCE = Path(pinsight.__file__).resolve().parent
ALLOWED = {SOURCE / "migrations" / "env.py"}  # Alembic's own transaction (migrate() marks it a writer)


def test_no_module_opens_a_write_transaction_with_engine_begin():
    offenders = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in SOURCE.rglob("*.py")
        if path not in ALLOWED
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\bengine\.begin\(\)", line)
    ]
    assert offenders == []
