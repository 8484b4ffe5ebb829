"""Account-wide organic analytics: ``user_account/analytics``, ``.../top_pins`` and
``.../top_video_pins``, over every Pin the operation user owns.

Filters and splits (the SQL is in ``pinsight.store.account_metrics``):

* ``source`` / split SOURCE: ``YOUR_PINS`` = Pins the user created (no
  ``parent_pin_id``), ``OTHER_PINS`` = Pins the user saved from others (a
  ``parent_pin_id``).
* ``from_claimed_content`` / split OWNED_CONTENT: ``CLAIMED`` = the Pin's link host is
  the host of the user's ``website_url`` or a subdomain of it; ``OTHER`` otherwise
  (``pinsight.domain.claimed_content``). The website host is taken literally
  (``www.example.com`` claims ``www.example.com`` and its subdomains, not
  ``shop.example.com``).
* ``content_type``: ``PAID`` / ``ORGANIC`` select rows by their traffic kind.
* ``pin_format`` / split PIN_FORMAT: organic rows are ORGANIC_VIDEO (VIDEO,
  MAX_VIDEO), ORGANIC_PRODUCT (SHOPPING, SHOP_THE_PIN, COLLECTION) or ORGANIC_IMAGE;
  paid rows ADS_VIDEO, ADS_PRODUCT, ADS_IDEA (IDEA) or ADS_STANDARD.
* ``app_types`` / split APP_TYPE: the row's app type.

Responses:

* ``user_account/analytics`` answers an AnalyticsResponse, a map from a group key to
  ``{daily_metrics, summary_metrics}``: ``"all"`` without a split (as pin analytics
  does), otherwise one entry per value of the split field that the filters allow
  (APP_TYPE: the requested app types; OWNED_CONTENT: CLAIMED, OTHER; SOURCE:
  YOUR_PINS, OTHER_PINS; PIN_FORMAT: the formats left by ``pin_format`` and
  ``content_type``), present even when zero, so the parts always add up to the whole.
  Days carry READY/PROCESSING (no per-Pin creation day applies to an account).
* The top Pins lists rank the Pins that have matching rows in the period by the
  ``sort_by`` metric over the period (ties: older Pin first) and answer, per Pin, the
  requested metrics (all of the operation's metrics by default) plus the sort metric,
  and a ``data_status`` per reported metric: PROCESSING when the period reaches into
  the days still being counted, READY otherwise. ``date_availability`` says the data is
  not real-time and gives the end (UTC, in epoch milliseconds) of the latest READY day.
* ``created_in_last_n_days`` (only 30) keeps Pins created in the last 30 days.
* Privacy: the account totals count every Pin (they are account analytics, which the
  analytics roles may read), but the top Pins lists rank only the Pins the caller could
  read one by one (``access.readable_privacies``): a Pin on a secret board takes part
  only with ``pins:read_secret`` and, through ``ad_account_id``, an Owner or Admin role.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from pinsight.catalog.metrics import (
    TOP_PINS_METRICS,
    TOP_PINS_SORT_BY,
    TOP_VIDEO_PINS_METRICS,
    TOP_VIDEO_PINS_SORT_BY,
    USER_ACCOUNT_METRICS,
    base_columns_for,
    evaluate,
    parse_metric_types,
)
from pinsight.domain.analytics_period import data_status, validate_period
from pinsight.domain.claimed_content import OWNED_CONTENT, website_host
from pinsight.errors import InvalidParameters
from pinsight.services.access import Actor, readable_privacies
from pinsight.services.analytics import SeriesPlan, build_series
from pinsight.services.runtime import Runtime
from pinsight.store import account_metrics as store
from pinsight.store.tables import APP_TYPES, TRAFFIC_KINDS, users

ALL = "all"
MAX_TOP_PINS = 50
CREATED_IN_LAST_N_DAYS = (30,)
VIDEO_CREATIVE_TYPES = store.VIDEO_CREATIVE_TYPES


def _one(value: str, all_value: str) -> str | None:
    return None if value == all_value else value


def _filter(conn, rt: Runtime, actor: Actor, *, start_date, end_date, from_claimed_content,
            pin_format, app_types, content_type, source, creative_types=None, created_in_last_n_days=None):
    rules, today = rt.analytics_rules, rt.clock.today()
    period = validate_period(start_date, end_date, today, rules)
    website = conn.execute(select(users.c.website_url).where(users.c.id == actor.user_id)).scalar()
    created_since = None
    if created_in_last_n_days is not None:
        if created_in_last_n_days not in CREATED_IN_LAST_N_DAYS:
            raise InvalidParameters("Invalid parameters: created_in_last_n_days must be 30.")
        created_since = rt.clock.now() - timedelta(days=created_in_last_n_days)
    flt = store.AccountFilter(
        owner_id=actor.user_id,
        start=period.start,
        end=period.end,
        app_types=APP_TYPES if app_types == "ALL" else (app_types,),
        traffic=TRAFFIC_KINDS if content_type == "ALL" else (content_type,),
        claimed_host=website_host(website),
        source=_one(source, "ALL"),
        owned=_one(from_claimed_content, "BOTH"),
        pin_format=_one(pin_format, "ALL"),
        creative_types=creative_types,
        created_since=created_since,
    )
    return flt, period, today, rules, actor


def _split_keys(flt: store.AccountFilter, split_field: str) -> tuple[str, ...]:
    if split_field == "APP_TYPE":
        return flt.app_types
    if split_field == "OWNED_CONTENT":
        return (flt.owned,) if flt.owned else OWNED_CONTENT
    if split_field == "SOURCE":
        return (flt.source,) if flt.source else store.SOURCES
    if split_field == "PIN_FORMAT":
        allowed = [f for f in store.PIN_FORMATS if f in store.ORGANIC_FORMATS and "ORGANIC" in flt.traffic
                   or f in store.PAID_FORMATS and "PAID" in flt.traffic]
        return tuple(f for f in allowed if flt.pin_format in (None, f))
    return (ALL,)


def user_account_analytics(rt: Runtime, actor: Actor, *, start_date, end_date, from_claimed_content, pin_format,
                           app_types, content_type, source, metric_types, split_field) -> dict:
    names = parse_metric_types(metric_types or [], USER_ACCOUNT_METRICS) or list(USER_ACCOUNT_METRICS)
    columns = base_columns_for(names)
    with rt.engine.connect() as conn:
        flt, period, today, rules, _actor = _filter(
            conn, rt, actor, start_date=start_date, end_date=end_date,
            from_claimed_content=from_claimed_content, pin_format=pin_format, app_types=app_types,
            content_type=content_type, source=source,
        )
        rows = store.sum_by_day(conn, flt, columns, split_field)
    by_key: dict = defaultdict(dict)
    for row in rows:
        key = row["split"] if split_field != "NO_SPLIT" else ALL
        by_key[key][row["day"]] = tuple(int(row[column] or 0) for column in columns)
    plan = SeriesPlan(period, today, rules, names, columns)
    return {key: build_series(plan, None, by_key.get(key, {})) for key in _split_keys(flt, split_field)}


def _latest_available_timestamp(today: date, processing_days: int) -> int:
    """Epoch milliseconds of the last second of the latest READY day (UTC)."""
    latest = today - timedelta(days=processing_days)
    moment = datetime.combine(latest, time(23, 59, 59), tzinfo=timezone.utc)
    return int(moment.timestamp()) * 1000


def _top(rt: Runtime, actor: Actor, *, sort_by, sort_options, metric_options, metric_types, num_of_pins,
         creative_types=None, **filters) -> dict:
    if sort_by not in sort_options:
        raise InvalidParameters(f"Invalid parameters: sort_by must be one of {', '.join(sort_options)}.")
    if not 1 <= num_of_pins <= MAX_TOP_PINS:
        raise InvalidParameters(f"Invalid parameters: num_of_pins must be 1 to {MAX_TOP_PINS}.")
    names = parse_metric_types(metric_types or [], metric_options) or list(metric_options)
    if sort_by not in names:
        names.append(sort_by)
    columns = base_columns_for(names)
    with rt.engine.connect() as conn:
        flt, period, today, rules, actor = _filter(conn, rt, actor, creative_types=creative_types, **filters)
        rows = store.top_pins(conn, flt, columns, sort_by, num_of_pins, readable_privacies(actor))
    status = data_status(period.end, today, None, rules)
    pins = []
    for row in rows:
        totals = {column: int(row[column] or 0) for column in columns}
        pins.append({
            "pin_id": str(row["pin_id"]),
            "metrics": {name: evaluate(name, totals) for name in names},
            "data_status": dict.fromkeys(names, status),
        })
    return {
        "date_availability": {
            "is_realtime": False,
            "latest_available_timestamp": _latest_available_timestamp(today, rules.processing_days),
        },
        "pins": pins,
        "sort_by": sort_by,
    }


def top_pins(rt: Runtime, actor: Actor, **params) -> dict:
    return _top(rt, actor, sort_options=TOP_PINS_SORT_BY, metric_options=TOP_PINS_METRICS, **params)


def top_video_pins(rt: Runtime, actor: Actor, **params) -> dict:
    return _top(rt, actor, sort_options=TOP_VIDEO_PINS_SORT_BY, metric_options=TOP_VIDEO_PINS_METRICS,
                creative_types=VIDEO_CREATIVE_TYPES, **params)
