"""The database computes sync ads analytics columns exactly as Python does.

``store.ads.ad_analytics.computed_rows`` sums the rollups into rows and buckets and
computes every column in SQL (``domain.ads.column_plan``). Here random rollup rows are
written straight to the tables and every computable column, at every level and
granularity and for random windows, is compared with ``column_values`` (exact Fractions)
over the same rows summed in Python: ints equal, floats bit for bit, nulls where a ratio
has no denominator. On SQLite and PostgreSQL. The plan's own Python evaluation is held
to ``column_values`` too, over a wider range of figures.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from pinsight.catalog.ad_actions import ACTION_TYPES, HOUSEHOLD, INDIVIDUAL, TIME_OF_AD_ACTION
from pinsight.catalog.ad_columns import SYNC_COLUMNS
from pinsight.catalog.ad_conversions import ACTION_SOURCES, CONVERSION_EVENT_NAMES
from pinsight.catalog.ad_reporting import DAY, MONTH, TOTAL, WEEK
from pinsight.domain.ads.buckets import day_key
from pinsight.domain.ads.column_plan import evaluate, figure_values, plan_columns
from pinsight.domain.ads.column_values import Inputs, column_values
from pinsight.domain.ads.conversion_rollup import NO_TOUCH, counts_for
from pinsight.store.ads import ad_analytics
from pinsight.store.tables import DELIVERY_COUNTS, ad_conversion_daily, ad_delivery_daily
from tests.support.factories import make_ad_account, make_ads
from tests.support.transactions import rolled_back_write

COMPUTED = tuple(column for column in SYNC_COLUMNS.values() if column.kind not in ("ENTITY", "UNSUPPORTED"))
START = date(2026, 5, 25)  # a Monday; the range crosses a month's end
DAYS = 12
WINDOWS = (0, 1, 7, 14, 30, 60)
KINDS = ("CLICK", "ENGAGEMENT", "VIEW")
ZONE = "UTC"

_delivery = st.tuples(
    st.integers(0, 2),  # which ad
    st.integers(0, DAYS - 1),
    st.dictionaries(st.sampled_from(DELIVERY_COUNTS), st.integers(0, 10**9), max_size=5),
    st.integers(0, 10**12),  # spend in micro dollars
)
_days = st.one_of(st.sampled_from(WINDOWS), st.integers(0, 60))  # window edges often
_reach = st.one_of(_days, st.just(NO_TOUCH))
_conversion = st.tuples(
    st.integers(0, 2), st.integers(0, DAYS - 1), st.sampled_from(KINDS), _days, _reach, _reach,
    st.sampled_from(CONVERSION_EVENT_NAMES[:4] + ("checkout", "lead", "page_visit", "signup")),
    st.sampled_from(ACTION_SOURCES), st.sampled_from((INDIVIDUAL, HOUSEHOLD)),
    st.tuples(st.integers(1, 50), st.integers(0, 10**10), st.integers(0, 1000)),
)


@pytest.fixture
def account(runtime, user):
    account_id = make_ad_account(runtime, user)
    first = make_ads(runtime, account_id, 2)
    second = make_ads(runtime, account_id, 1)  # another campaign and ad group
    ads = [int(ad) for ad in first + second]
    with runtime.engine.connect() as conn:
        parents = ad_analytics.ad_parents(conn, int(account_id), ads)
    return int(account_id), ads, [parents[ad][0] for ad in ads]


def _expected(deliveries, conversions, ads, level, granularity, windows, attribution_type):
    """{(entity, bucket DATE): {column: value}} summed and computed in Python."""
    end = START + timedelta(days=DAYS - 1)
    campaign_of = {ads[0]: "c1", ads[1]: "c1", ads[2]: "c2"}
    delivery: dict = defaultdict(lambda: defaultdict(int))
    credited: dict = defaultdict(lambda: defaultdict(int))

    def key(ad_index, day_offset):
        ad = ads[ad_index]
        entity = {"AD": ad, "CAMPAIGN": campaign_of[ad], None: None}[level]
        bucket = day_key(START + timedelta(days=day_offset), granularity, START, end)
        return entity, bucket

    for ad_index, day_offset, counts, spend in deliveries:
        row = delivery[key(ad_index, day_offset)]
        for name, amount in counts.items():
            row[name.upper()] += amount
        row["spend_micro_dollar"] += spend
    for ad_index, day_offset, kind, reach, click_reach, engagement_reach, event, source, kind_type, amounts in conversions:
        if kind_type != attribution_type or not counts_for(kind, reach, click_reach, engagement_reach, *windows):
            continue
        row = credited[key(ad_index, day_offset)]
        for measure, amount in zip(("COUNT", "VALUE", "QUANTITY"), amounts):
            row[(kind, event, source, measure)] += amount
    found = {}
    for row_key in delivery.keys() | credited.keys():
        inputs = Inputs(dict(delivery.get(row_key, {})), dict(credited.get(row_key, {})))
        found[row_key] = column_values(COMPUTED, inputs)
    return found


def _write(conn, account_id, ads, campaign_ids, deliveries, conversions):
    campaigns = dict(zip(ads, campaign_ids))
    rows: dict = {}
    for ad_index, day_offset, counts, spend in deliveries:
        ad = ads[ad_index]
        row = rows.setdefault((ad, START + timedelta(days=day_offset)), {name: 0 for name in DELIVERY_COUNTS} | {"spend_micro_dollar": 0})
        for name, amount in counts.items():
            row[name] += amount
        row["spend_micro_dollar"] += spend
    if rows:
        conn.execute(insert(ad_delivery_daily), [
            {"ad_id": ad, "zone": ZONE, "day": day, "ad_account_id": account_id, "campaign_id": campaigns[ad],
             "ad_group_id": campaigns[ad], **figures} for (ad, day), figures in rows.items()])
    summed: dict = {}
    for ad_index, day_offset, kind, reach, click_reach, engagement_reach, event, source, kind_type, amounts in conversions:
        ad = ads[ad_index]
        # A row records only the higher-ranked kinds' reaches (0 where they do not matter).
        click_reach = click_reach if kind != "CLICK" else 0
        engagement_reach = engagement_reach if kind == "VIEW" else 0
        row_key = (ad, START + timedelta(days=day_offset), kind_type, kind, reach, click_reach, engagement_reach, event, source)
        total = summed.setdefault(row_key, [0, 0, 0])
        for n, amount in enumerate(amounts):
            total[n] += amount
    if summed:
        conn.execute(insert(ad_conversion_daily), [
            {"ad_id": ad, "zone": ZONE, "day": day, "report_time": TIME_OF_AD_ACTION, "attribution_type": kind_type,
             "kind": kind, "reach_days": reach, "click_reach_days": click_reach,
             "engagement_reach_days": engagement_reach, "event_name": event, "action_source": source, "profile_id": 0,
             "ad_account_id": account_id, "campaign_id": campaigns[ad], "ad_group_id": campaigns[ad],
             "conversions": count, "value_micro": value, "quantity": quantity}
            for (ad, day, kind_type, kind, reach, click_reach, engagement_reach, event, source), (count, value, quantity)
            in summed.items()])


def _normalised(conversions):
    """The conversions as the rollup keeps them (``_write``'s rule), for the Python side."""
    found = []
    for ad_index, day_offset, kind, reach, click_reach, engagement_reach, event, source, kind_type, amounts in conversions:
        found.append((ad_index, day_offset, kind, reach, click_reach if kind != "CLICK" else 0,
                      engagement_reach if kind == "VIEW" else 0, event, source, kind_type, amounts))
    return found


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(deliveries=st.lists(_delivery, max_size=12), conversions=st.lists(_conversion, max_size=15),
       level=st.sampled_from(("AD", "CAMPAIGN", None)), granularity=st.sampled_from((TOTAL, DAY, WEEK, MONTH)),
       windows=st.tuples(st.sampled_from(WINDOWS), st.sampled_from(WINDOWS), st.sampled_from(WINDOWS)),
       attribution_type=st.sampled_from((INDIVIDUAL, HOUSEHOLD)),
       narrowed_to=st.sampled_from((None, "ads", "campaign", "ad group")))
def test_the_database_computes_every_column_as_python_does(runtime, account, deliveries, conversions, level,
                                                           granularity, windows, attribution_type, narrowed_to):
    account_id, ads, campaign_ids = account
    # The query's filters, and the ads (by index) they keep.
    filters, kept = {
        None: ({}, {0, 1, 2}),
        "ads": ({"ad_id": [ads[0], ads[2], 1]}, {0, 2}),  # 1: no ad of the account
        "campaign": ({"campaign_id": [campaign_ids[0]]}, {0, 1}),
        "ad group": ({"ad_group_id": [1]}, set()),  # no ad group of the account
    }[narrowed_to]
    end = START + timedelta(days=DAYS - 1)
    credit = ad_analytics.Credit(TIME_OF_AD_ACTION, attribution_type, *windows)
    bucket_starts = None if granularity == DAY else sorted({day_key(START + timedelta(days=n), granularity, START, end)
                                                            for n in range(DAYS)})
    with rolled_back_write(runtime.engine) as conn:
        _write(conn, account_id, ads, campaign_ids, deliveries, conversions)
        store_level = {"AD": "AD", "CAMPAIGN": "CAMPAIGN", None: None}[level]
        found = ad_analytics.computed_rows(conn, account_id, ZONE, START, end, store_level, filters, credit,
                                           bucket_starts, plan_columns(COMPUTED))
    expected = _expected([row for row in deliveries if row[0] in kept],
                         _normalised([row for row in conversions if row[0] in kept]), ads, level, granularity, windows,
                         attribution_type)
    campaign_labels = {campaign_ids[0]: "c1", campaign_ids[2]: "c2"}
    answered = {}
    for entity, bucket, *values in found:
        entity = campaign_labels[entity] if level == "CAMPAIGN" else entity if level == "AD" else None
        answered[(entity, date.fromisoformat(bucket))] = dict(zip((column.name for column in COMPUTED), values))
    assert answered.keys() == expected.keys()
    for row_key, values in expected.items():
        for name, value in values.items():
            got = answered[row_key][name]
            assert got == value and type(got) is type(value), (row_key, name, got, value)
    ordered = [(row[0], row[1]) for row in found]
    assert ordered == sorted(ordered)  # entity, then time order


_figures = st.integers(0, 10**13)


@settings(max_examples=300, deadline=None)
@given(delivery=st.dictionaries(st.sampled_from([name.upper() for name in DELIVERY_COUNTS] + ["spend_micro_dollar"]),
                                _figures),
       conversions=st.dictionaries(st.tuples(st.sampled_from(KINDS), st.sampled_from(CONVERSION_EVENT_NAMES),
                                             st.sampled_from(ACTION_SOURCES),
                                             st.sampled_from(("COUNT", "VALUE", "QUANTITY"))), _figures))
def test_the_plan_evaluates_every_column_as_column_values_does(delivery, conversions):
    plan = plan_columns(COMPUTED)
    figures = figure_values(plan, delivery, conversions)
    exact = column_values(COMPUTED, Inputs(delivery, conversions))
    for computed in plan.columns:
        value = evaluate(computed, figures)
        assert value == exact[computed.name] and type(value) is type(exact[computed.name]), computed.name


def test_every_ad_action_type_has_a_delivery_column():
    assert {name.lower() for name in ACTION_TYPES} == set(DELIVERY_COUNTS)
