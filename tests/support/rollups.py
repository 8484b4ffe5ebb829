"""The oracle for the derived metric tables: their rows as stored, and as a rebuild from
the daily rows (``store.organic.rollups.rebuild``) would make them."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Engine, select

from pinsight.catalog.metrics import STORED_COLUMNS
from pinsight.store.organic import rollups
from pinsight.store.locks import lock_owners
from pinsight.store.tables import account_daily_metrics as account
from pinsight.store.tables import pin_cumulative_metrics as running
from pinsight.store.tables import pin_cumulative_metrics_by_app_traffic as running_by_app_traffic
from pinsight.store.tables import pins
from tests.support.transactions import rolled_back_write


class DerivedState(NamedTuple):
    account: set
    running: set
    running_by_app_traffic: set


def derived_state(conn, owner_id: int) -> DerivedState:
    """The owner's account rollup rows (all-zero rows left by deletions and moves between
    claimed-content classes add nothing and are left out) and their pins' running-total
    rows, per pin and per pin, app type and traffic."""
    account_rows = {
        tuple(row) for row in conn.execute(select(account).where(account.c.owner_id == owner_id))
        if any(row._mapping[name] for name in STORED_COLUMNS)
    }
    owned = select(pins.c.id).where(pins.c.owner_id == owner_id)
    running_rows = {tuple(row) for row in conn.execute(select(running).where(running.c.pin_id.in_(owned)))}
    split_rows = {
        tuple(row) for row in conn.execute(select(running_by_app_traffic).where(running_by_app_traffic.c.pin_id.in_(owned)))
    }
    return DerivedState(account_rows, running_rows, split_rows)


def stored_and_rebuilt(engine: Engine, owner_id: int) -> tuple[DerivedState, DerivedState]:
    """The owner's derived rows as stored, and as rebuilt (the rebuild is rolled back)."""
    with rolled_back_write(engine) as conn:
        lock_owners(conn, [owner_id])
        stored = derived_state(conn, owner_id)
        rollups.rebuild(conn, owner_id)
        return stored, derived_state(conn, owner_id)
