from hypothesis import given
from hypothesis import strategies as st

from pinsight.domain.ids import IdGenerator


def test_ids_are_19_digit_unique_and_increasing_even_within_one_millisecond():
    frozen = IdGenerator(tag=3, clock=lambda: 1_700_000_000.0)
    ids = [frozen.next_id() for _ in range(10_000)]  # more than the 4096 sequence slots in one ms
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert all(len(str(i)) == 19 and i < 2**63 for i in ids)


def test_clock_going_backwards_never_repeats_an_id():
    times = iter([1_700_000_001.0, 1_700_000_000.0, 1_699_999_999.0, 1_700_000_002.0])
    generator = IdGenerator(tag=1, clock=lambda: next(times))
    ids = [generator.next_id() for _ in range(4)]
    assert ids == sorted(ids) and len(set(ids)) == 4


def test_short_ids_fit_ad_account_limits():
    generator = IdGenerator(tag=1, clock=lambda: 1_900_000_000.0)
    ids = [generator.next_short_id() for _ in range(100)]
    assert len(set(ids)) == 100 and all(len(str(i)) <= 18 for i in ids)


@given(st.lists(st.integers(min_value=0, max_value=1023), min_size=2, max_size=2, unique=True))
def test_two_workers_in_the_same_millisecond_never_collide(tags):
    a, b = (IdGenerator(tag=t, clock=lambda: 1_800_000_000.0) for t in tags)
    assert not {a.next_id() for _ in range(50)} & {b.next_id() for _ in range(50)}


def test_short_ids_of_two_processes_in_one_millisecond_differ():
    """Two server workers (different tags) minting ad ids at the same instant never clash,
    and a short id keeps 16 digits."""
    from pinsight.domain.ids import IdGenerator

    frozen = 1.8e9  # 2027-01-15: every id of both generators in one millisecond, then borrowed ones
    first, second = IdGenerator(tag=5, clock=lambda: frozen), IdGenerator(tag=6, clock=lambda: frozen)
    ids_first = [first.next_short_id() for _ in range(600)]
    ids_second = [second.next_short_id() for _ in range(600)]
    assert len(set(ids_first)) == len(set(ids_second)) == 600
    assert not set(ids_first) & set(ids_second)
    assert {len(str(value)) for value in ids_first + ids_second} == {16}
