"""An organic export's batches (``services.organic.export_batches``) read on a real database:
however the pins are cut into pages, the batches hold the same rows in pin and day order,
and a page read out of order is put back in order."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pinsight.catalog.metrics import STORED_COLUMNS
from pinsight.services.organic import export_batches
from pinsight.services.organic.export_batches import Source
from pinsight.store.organic import exports as store
from tests.api.test_exports import DAYS, Archive, per_pin_day


@pytest.fixture
def archive(runtime, user):
    return Archive(runtime, user)


def _rows(runtime, source: Source) -> tuple[list[dict], int]:
    """The rows of every batch, and how many batches there were."""
    batches = list(export_batches.batches(runtime, source))
    return [row for batch in batches for row in batch.to_pylist()], len(batches)


@pytest.mark.parametrize("dataset", ["daily_metrics", "totals", "pins"])
def test_pages_of_one_pin_give_the_rows_of_one_page(runtime, archive, monkeypatch, dataset):
    pin_ids = sorted(int(pin["id"]) for pin in archive.pins.values())
    source = Source(dataset, pin_ids, archive.today - timedelta(days=DAYS - 1), archive.today)
    whole, pages = _rows(runtime, source)
    assert pages == 1 and whole
    # One pin a page: more pages than the reader reads ahead, so the writer builds some
    # pages while the reader is on others.
    monkeypatch.setattr(store, "DAILY_ROWS_PER_PAGE", 1)
    monkeypatch.setattr(store, "TOTALS_PER_PAGE", 1)
    monkeypatch.setattr(store, "PINS_PER_PAGE", 1)
    assert len(pin_ids) > export_batches.READ_AHEAD
    split, pages = _rows(runtime, source)
    assert pages == len(pin_ids)
    assert split == whole


def test_daily_batches_are_the_stored_rows_summed_per_pin_and_day(runtime, archive):
    pin_ids = sorted(int(pin["id"]) for pin in archive.pins.values())
    start = archive.today - timedelta(days=29)
    rows, _ = _rows(runtime, Source("daily_metrics", pin_ids, start, archive.today))
    expected = per_pin_day(archive.rows, start, archive.today)
    got = {(row["pin_id"], row["date"].isoformat()): {name: row[name] for name in expected[next(iter(expected))]}
           for row in rows}
    assert got == expected
    assert [(row["pin_id"], row["date"]) for row in rows] == sorted(
        (row["pin_id"], row["date"]) for row in rows), "pin then day order"


def test_a_page_read_out_of_order_is_sorted_by_pin_and_day():
    zeros = ",0" * len(STORED_COLUMNS)
    lines = [f"7,2025-01-02{zeros}", f"3,2025-01-05{zeros}", f"7,2025-01-01{zeros}", f"3,2025-01-04{zeros}"]
    table = store.RunningTotals("\n".join(lines).encode(), {}).table()
    assert table.schema == store.RUNNING_SCHEMA
    assert list(zip(table["pin_id"].to_pylist(), table["day"].to_pylist())) == [
        (3, date(2025, 1, 4)), (3, date(2025, 1, 5)), (7, date(2025, 1, 1)), (7, date(2025, 1, 2))]
    in_order = store.RunningTotals("\n".join(sorted(lines, key=lambda line: (int(line.split(",")[0]), line))).encode(),
                                   {}).table()
    assert in_order.equals(table)


def test_a_daily_page_never_holds_more_pins_than_one_query_may_name():
    day = date(2025, 6, 30)
    one_day = [len(page) for page in store.daily_pages(list(range(45_000)), day, day)]
    assert one_day == [store.PINS_PER_PAGE, store.PINS_PER_PAGE, 5_000]
    assert store.PINS_PER_PAGE <= 32_766  # SQLite's default limit on a statement's parameters
    a_year = [len(page) for page in store.daily_pages(list(range(300)), day - timedelta(days=364), day)]
    assert a_year == [store.DAILY_ROWS_PER_PAGE // 365] * 2 + [300 - 2 * (store.DAILY_ROWS_PER_PAGE // 365)]
