"""The derived metric tables stay equal to what the daily rows say, whatever happens.

Random sequences of event increments, whole-row replacements, pin deletions, link edits
and website changes are applied through the store, and after each sequence the
incrementally maintained ``account_daily_metrics``, ``pin_cumulative_metrics`` and
``pin_cumulative_metrics_by_app_traffic`` must equal a rebuild from the daily rows
(``rollups.rebuild``: plain GROUP BY and window sums in SQL, with the claimed-content
rule as an SQL expression). On SQLite and PostgreSQL. Further properties check that the
claimed-content rule gives the same class in Python and in SQL, and that top pins read
from the running totals rank exactly as the daily rows do, with and without filters.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from pinsight.catalog.metrics import STORED_COLUMNS, TOP_PINS_SORT_BY
from pinsight.catalog.pin_formats import PIN_FORMATS
from pinsight.domain.organic.claimed_content import OWNED_CONTENT, owned_content_of, website_host
from pinsight.domain.ids import new_id
from pinsight.store.organic import account_metrics, classes
from pinsight.store.content import content
from pinsight.store.organic import rollups
from pinsight.store.organic import metrics as metrics_store
from pinsight.store.locks import lock_owners
from pinsight.store.tables import APP_TYPES, TRAFFIC_KINDS, pins
from tests.support.rollups import derived_state
from tests.support.transactions import rolled_back_write

FIRST_DAY = date(2026, 1, 1)
NOW = datetime(2026, 3, 1)  # when the store logs each change
CREATIVE_TYPES = ("REGULAR", "VIDEO", "SHOPPING", "IDEA")
PIN_SLOTS = 4

_text = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")  # what both databases store

# Websites and links around one host, so that claimed and other links both come up:
# the same host in any case, subdomains, look-alikes, ports, queries, no scheme, no link.
websites = st.one_of(
    st.sampled_from(["", "shop.example", "https://Shop.Example/about", "http://shop.example:8080/", "SHOP.example.",
                     "https://www.shop.example", "https://user@shop.example", "not a url", "https://[::1]/"]),
    st.text(_text, max_size=20),
)
_hosts = st.sampled_from(["shop.example", "SHOP.Example", "blog.shop.example", "a.b.shop.example", "www.shop.example",
                          "notshop.example", "shop.example.evil.test", ".shop.example", "shop.exampl", "", "ß.shop.example",
                          "ÉCOLE.shop.example", "user@shop.example"])
links = st.one_of(
    st.none(),
    st.builds(
        lambda scheme, host, rest: scheme + host + rest,
        st.sampled_from(["https://", "http://", "HTTPS://", "", "//", "ftp://"]),
        _hosts,
        st.sampled_from(["", "/", "/a/b", ":443/x", ":8080", "?q=1", "#top", "/p?x=1#y", "://again"]),
    ),
    st.text(_text, max_size=40),
)


def _make_owner(conn, website: str = "") -> tuple[int, int]:
    owner_id, board_id = new_id(), new_id()
    moment = datetime(2025, 12, 1)
    content.insert_user(conn, id=owner_id, username=f"rollup_{owner_id}", account_type="BUSINESS", business_name=None,
                        about="", website_url=website, profile_image="", follower_count=0, following_count=0,
                        monthly_views=0, created_at=moment)
    content.insert_board(conn, id=board_id, owner_id=owner_id, name="Rollups", description="", privacy="PUBLIC",
                         is_ads_only=False, follower_count=0, collaborator_count=0, created_at=moment,
                         pins_modified_at=moment)
    return owner_id, board_id


def _make_pin(conn, owner_id: int, board_id: int, slot: int, link: str | None = None) -> int:
    pin_id = new_id()
    content.insert_pin(conn, id=pin_id, owner_id=owner_id, board_id=board_id, creative_type=CREATIVE_TYPES[slot % 4],
                       source_type="image_url", media="{}", parent_pin_id=(12345 if slot % 2 else None), link=link,
                       created_at=datetime(2025, 12, 1), now=NOW)
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
    st.tuples(st.just("delete"), st.tuples(st.integers(0, PIN_SLOTS - 1), links)),
    st.tuples(st.just("link"), st.tuples(st.integers(0, PIN_SLOTS - 1), links)),
    st.tuples(st.just("website"), websites),
)


def _apply(conn, owner_id: int, board_id: int, slots: list[int], op) -> None:
    kind, payload = op
    if kind == "delete":
        slot, link = payload
        content.delete_pin(conn, slots[slot], NOW)
        slots[slot] = _make_pin(conn, owner_id, board_id, slot, link)
        return
    if kind == "link":
        slot, link = payload
        content.update_pin(conn, slots[slot], link=link)  # as PATCH /v5/pins/{id} does
        return
    if kind == "website":
        content.set_website_url(conn, owner_id, payload)
        return
    rows: dict = {}
    for (slot, day, app, traffic), values in payload:
        row = _row(slots[slot], owner_id, day, app, traffic, values)
        rows[(row["pin_id"], row["day"], row["app_type"], row["traffic"])] = row  # one row per key in a batch
    if kind == "add":
        metrics_store.add_to_daily_rows(conn, list(rows.values()), now=NOW)
    else:
        metrics_store.upsert_daily_rows(conn, list(rows.values()), now=NOW)


def _setup(conn, website: str, pin_links: list) -> tuple[int, int, list[int]]:
    owner_id, board_id = _make_owner(conn, website)
    lock_owners(conn, [owner_id])
    slots = [_make_pin(conn, owner_id, board_id, slot, link) for slot, link in enumerate(pin_links)]
    return owner_id, board_id, slots


pin_links = st.lists(links, min_size=PIN_SLOTS, max_size=PIN_SLOTS)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(website=websites, initial_links=pin_links, operations=st.lists(operation, min_size=1, max_size=8))
def test_incremental_rollups_equal_a_rebuild(runtime, website, initial_links, operations):
    with rolled_back_write(runtime.engine) as conn:  # each example leaves nothing behind
        owner_id, board_id, slots = _setup(conn, website, initial_links)
        for op in operations:
            _apply(conn, owner_id, board_id, slots, op)
        incremental = derived_state(conn, owner_id)
        rollups.rebuild(conn, owner_id)
        rebuilt = derived_state(conn, owner_id)
    assert incremental.account == rebuilt.account
    assert incremental.running == rebuilt.running
    assert incremental.running_by_app_traffic == rebuilt.running_by_app_traffic


def test_a_link_edit_moves_the_pins_amounts_between_classes(runtime):
    """The claimed-content class follows the link both ways, and with it the rollup amounts."""
    with rolled_back_write(runtime.engine) as conn:
        owner_id, board_id, (pin_id,) = _setup(conn, "https://shop.example", ["https://shop.example/a"])
        metrics_store.upsert_daily_rows(conn, [_row(pin_id, owner_id, 3, 0, 0, [7] * len(STORED_COLUMNS))], now=NOW)

        def by_class():
            flt = account_metrics.AccountFilter(owner_id=owner_id, start=FIRST_DAY, end=FIRST_DAY + timedelta(days=9),
                                                app_types=APP_TYPES, traffic=TRAFFIC_KINDS, claimed_host="shop.example")
            rows = account_metrics.sum_by_day(conn, flt, ["impression"], "OWNED_CONTENT")
            return {row["split"]: int(row["impression"]) for row in rows if row["impression"]}

        assert by_class() == {"CLAIMED": 7}
        content.update_pin(conn, pin_id, link="https://elsewhere.example/a")
        assert by_class() == {"OTHER": 7}
        content.update_pin(conn, pin_id, link="https://blog.shop.example/")
        assert by_class() == {"CLAIMED": 7}
        content.set_website_url(conn, owner_id, "")
        assert by_class() == {"OTHER": 7}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(website=websites, link=links)
def test_the_claimed_content_rule_is_the_same_in_python_and_sql(runtime, website, link):
    with rolled_back_write(runtime.engine) as conn:
        owner_id, board_id, (pin_id,) = _setup(conn, website, [link])
        claimed_host = website_host(website)
        in_sql = conn.execute(
            select(classes.owned_expression(conn, claimed_host)).where(pins.c.id == pin_id)
        ).scalar_one()
    assert in_sql == owned_content_of(link, claimed_host)


def test_the_claimed_content_rule():
    host = website_host("https://Shop.Example/about")
    assert host == "shop.example"
    assert website_host("shop.example:8080") == website_host("http://user@SHOP.example.:1/") == "shop.example"
    assert website_host("") is website_host(None) is website_host("   ") is None
    claimed = ["https://shop.example", "http://SHOP.EXAMPLE/a", "https://blog.shop.example:443/v?x=1",
               "ftp://a.b.shop.example#frag", "https://shop.example?x", "https://shop.example:8080"]
    other = [None, "", "shop.example/a", "//shop.example", "https://notshop.example", "https://shop.example.evil.test/",
             "https://.shop.example", "https://user@shop.example/", "https://xn--shop.example", "mailto:shop.example"]
    assert {link: owned_content_of(link, host) for link in claimed} == dict.fromkeys(claimed, "CLAIMED")
    assert {link: owned_content_of(link, host) for link in other} == dict.fromkeys(other, "OTHER")
    assert owned_content_of("https://shop.example", None) == "OTHER"


top_filters = st.fixed_dictionaries({
    "app_types": st.sampled_from([APP_TYPES, *((app,) for app in APP_TYPES)]),
    "traffic": st.sampled_from([TRAFFIC_KINDS, *((kind,) for kind in TRAFFIC_KINDS)]),
    "pin_format": st.one_of(st.none(), st.sampled_from(PIN_FORMATS)),
    "source": st.sampled_from([None, "YOUR_PINS", "OTHER_PINS"]),
    "owned": st.sampled_from([None, *OWNED_CONTENT]),
})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    website=websites,
    initial_links=pin_links,
    operations=st.lists(operation, min_size=1, max_size=6),
    start=st.integers(0, 40),
    length=st.integers(0, 40),
    sort_by=st.sampled_from(TOP_PINS_SORT_BY),
    filters=st.one_of(st.just({}), top_filters),
)
def test_top_pins_from_running_totals_rank_as_the_daily_rows(runtime, website, initial_links, operations, start, length,
                                                             sort_by, filters):
    with rolled_back_write(runtime.engine) as conn:
        owner_id, board_id, slots = _setup(conn, website, initial_links)
        for op in operations:
            _apply(conn, owner_id, board_id, slots, op)
        claimed_host = website_host(content.get_user(conn, owner_id)["website_url"])
        flt = account_metrics.AccountFilter(
            owner_id=owner_id, start=FIRST_DAY + timedelta(days=start), end=FIRST_DAY + timedelta(days=start + length),
            claimed_host=claimed_host, **{"app_types": APP_TYPES, "traffic": TRAFFIC_KINDS, **filters},
        )
        columns = ("impression", "save", "pin_click", "outbound_click")
        from_totals = account_metrics.top_from_running_totals(conn, flt, columns, sort_by, 3)
        from_rows = account_metrics.top_from_daily_rows(conn, flt, columns, sort_by, 3)
    as_list = lambda rows: [(row["pin_id"], *(int(row[c]) for c in columns)) for row in rows]  # noqa: E731
    assert as_list(from_totals) == as_list(from_rows)
