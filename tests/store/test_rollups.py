"""The derived metric tables stay equal to what the daily rows say, whatever happens.

Random sequences of event increments, whole-row replacements and pin deletions are
applied through the store, and after each sequence the incrementally maintained
``account_daily_metrics`` and ``pin_cumulative_metrics`` must equal a rebuild from the
daily rows (``rollups.rebuild``, plain GROUP BY and window sums in SQL). On SQLite and
PostgreSQL. A second property checks that top pins read from the running totals rank
exactly as the daily rows do.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinsight.catalog.metrics import STORED_COLUMNS, TOP_PINS_SORT_BY
from pinsight.domain.ids import new_id
from pinsight.store import account_metrics, content, rollups
from pinsight.store import metrics as metrics_store
from pinsight.store.tables import APP_TYPES, TRAFFIC_KINDS
from pinsight.store.locks import lock_owners
from tests.support.rollups import derived_state
from tests.support.transactions import rolled_back_write

FIRST_DAY = date(2026, 1, 1)
CREATIVE_TYPES = ("REGULAR", "VIDEO", "SHOPPING", "IDEA")
PIN_SLOTS = 4


def _make_owner(conn) -> tuple[int, int]:
    owner_id, board_id = new_id(), new_id()
    moment = datetime(2025, 12, 1)
    content.insert_user(conn, id=owner_id, username=f"rollup_{owner_id}", account_type="BUSINESS", business_name=None,
                        about="", website_url="", profile_image="", follower_count=0, following_count=0,
                        monthly_views=0, created_at=moment)
    content.insert_board(conn, id=board_id, owner_id=owner_id, name="Rollups", description="", privacy="PUBLIC",
                         is_ads_only=False, follower_count=0, collaborator_count=0, created_at=moment,
                         pins_modified_at=moment)
    return owner_id, board_id


def _make_pin(conn, owner_id: int, board_id: int, slot: int) -> int:
    pin_id = new_id()
    content.insert_pin(conn, id=pin_id, owner_id=owner_id, board_id=board_id, creative_type=CREATIVE_TYPES[slot % 4],
                       source_type="image_url", media="{}", parent_pin_id=(12345 if slot % 2 else None),
                       created_at=datetime(2025, 12, 1))
    return pin_id


def _row(pin_id: int, owner_id: int, day_offset: int, app: int, traffic: int, amounts) -> dict:
    row = {"pin_id": pin_id, "day": FIRST_DAY + timedelta(days=day_offset), "app_type": APP_TYPES[app],
           "traffic": TRAFFIC_KINDS[traffic], "owner_id": owner_id}
    row.update(zip(STORED_COLUMNS, amounts))
    return row


amounts = st.lists(st.integers(0, 50), min_size=len(STORED_COLUMNS), max_size=len(STORED_COLUMNS))
row_keys = st.tuples(st.integers(0, PIN_SLOTS - 1), st.integers(0, 40), st.integers(0, 2), st.integers(0, 1))
operation = st.one_of(
    st.tuples(st.just("add"), st.lists(st.tuples(row_keys, amounts), min_size=1, max_size=12)),
    st.tuples(st.just("replace"), st.lists(st.tuples(row_keys, amounts), min_size=1, max_size=12)),
    st.tuples(st.just("delete"), st.integers(0, PIN_SLOTS - 1)),
)


def _apply(conn, owner_id: int, board_id: int, slots: list[int], op) -> None:
    kind, payload = op
    if kind == "delete":
        content.delete_pin(conn, slots[payload])
        slots[payload] = _make_pin(conn, owner_id, board_id, payload)
        return
    rows: dict = {}
    for (slot, day, app, traffic), values in payload:
        row = _row(slots[slot], owner_id, day, app, traffic, values)
        rows[(row["pin_id"], row["day"], row["app_type"], row["traffic"])] = row  # one row per key in a batch
    if kind == "add":
        metrics_store.add_to_daily_rows(conn, list(rows.values()))
    else:
        metrics_store.upsert_daily_rows(conn, list(rows.values()))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, min_size=1, max_size=8))
def test_incremental_rollups_equal_a_rebuild(runtime, operations):
    with rolled_back_write(runtime.engine) as conn:  # each example leaves nothing behind
        owner_id, board_id = _make_owner(conn)
        lock_owners(conn, [owner_id])
        slots = [_make_pin(conn, owner_id, board_id, slot) for slot in range(PIN_SLOTS)]
        for op in operations:
            _apply(conn, owner_id, board_id, slots, op)
        incremental = derived_state(conn, owner_id)
        rollups.rebuild(conn, owner_id)
        rebuilt = derived_state(conn, owner_id)
    assert incremental[0] == rebuilt[0]
    assert incremental[1] == rebuilt[1]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    operations=st.lists(operation, min_size=1, max_size=6),
    start=st.integers(0, 40),
    length=st.integers(0, 40),
    sort_by=st.sampled_from(TOP_PINS_SORT_BY),
)
def test_top_pins_from_running_totals_rank_as_the_daily_rows(runtime, operations, start, length, sort_by):
    with rolled_back_write(runtime.engine) as conn:
        owner_id, board_id = _make_owner(conn)
        lock_owners(conn, [owner_id])
        slots = [_make_pin(conn, owner_id, board_id, slot) for slot in range(PIN_SLOTS)]
        for op in operations:
            _apply(conn, owner_id, board_id, slots, op)
        flt = account_metrics.AccountFilter(
            owner_id=owner_id, start=FIRST_DAY + timedelta(days=start), end=FIRST_DAY + timedelta(days=start + length),
            app_types=APP_TYPES, traffic=TRAFFIC_KINDS, claimed_host=None,
        )
        columns = ("impression", "save", "pin_click", "outbound_click")
        from_totals = account_metrics.top_from_running_totals(conn, flt, columns, sort_by, 3)
        from_rows = account_metrics.top_from_daily_rows(conn, flt, columns, sort_by, 3)
    as_list = lambda rows: [(row["pin_id"], *(int(row[c]) for c in columns)) for row in rows]  # noqa: E731
    assert as_list(from_totals) == as_list(from_rows)
