"""Account-wide organic analytics: ``user_account/analytics``, ``.../top_pins`` and
``.../top_video_pins``, over every Pin the operation user owns.

Filters and splits (the SQL is in ``pinsight.store.organic.account_metrics``):

* ``source`` / split SOURCE: ``YOUR_PINS`` = Pins the user created (no
  ``parent_pin_id``), ``OTHER_PINS`` = Pins the user saved from others (a
  ``parent_pin_id``).
* ``from_claimed_content`` / split OWNED_CONTENT: ``CLAIMED`` = the Pin's link host is
  the host of the user's ``website_url`` or a subdomain of it; ``OTHER`` otherwise
  (``pinsight.domain.organic.claimed_content``). The website host is taken literally
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

Each operation: parse the parameters into a query (``domain.organic.analytics_query``, pure),
authorize it (whose account), run it (``store.organic.account_metrics``), shape it
(``services.organic.shapes``).
"""

from __future__ import annotations

from pinsight.domain.organic.analytics_query import (
    AnalyticsQuery,
    parse_account_query,
    parse_top_pins_query,
    parse_top_video_pins_query,
)
from pinsight.services.organic import shapes
from pinsight.services.identity.access import Actor, readable_privacies
from pinsight.services.runtime import Runtime
from pinsight.store.organic import account_metrics as store


def _account_series(conn, rt: Runtime, actor: Actor, query: AnalyticsQuery) -> dict:
    rows = store.run_series(conn, query.for_owner(actor.user_id))
    return shapes.account_series(query, rows, rt.analytics_rules)


def user_account_analytics(rt: Runtime, actor: Actor, *, start_date, end_date, from_claimed_content, pin_format,
                           app_types, content_type, source, metric_types, split_field) -> dict:
    query = parse_account_query(
        start_date=start_date, end_date=end_date, from_claimed_content=from_claimed_content, pin_format=pin_format,
        app_types=app_types, content_type=content_type, source=source, metric_types=metric_types,
        split_field=split_field, now=rt.clock.now(), rules=rt.analytics_rules,
    )
    with rt.engine.connect() as conn:
        return _account_series(conn, rt, actor, query)


def _top(conn, rt: Runtime, actor: Actor, query: AnalyticsQuery) -> dict:
    query = query.for_owner(actor.user_id)
    ranked = store.run_top(conn, query, readable_privacies(actor))
    return shapes.top_pins(query, ranked, query.stored_columns, rt.analytics_rules)


def top_pins(rt: Runtime, actor: Actor, **params) -> dict:
    query = parse_top_pins_query(now=rt.clock.now(), rules=rt.analytics_rules, **params)
    with rt.engine.connect() as conn:
        return _top(conn, rt, actor, query)


def top_video_pins(rt: Runtime, actor: Actor, **params) -> dict:
    query = parse_top_video_pins_query(now=rt.clock.now(), rules=rt.analytics_rules, **params)
    with rt.engine.connect() as conn:
        return _top(conn, rt, actor, query)
