"""SQL for account-wide organic analytics (``user_account/analytics`` and its top Pins lists).

Requests read the derived tables (``pinsight.store.organic.rollups``), so their cost follows the
period and the pin count, never the archive's length:

* ``sum_by_day`` reads the account rollup, which holds every filter and split of
  ``user_account/analytics`` as a column (app type, traffic, pin format, source,
  claimed content);
* ``top_pins`` ranks from running totals: each pin's series, or, with app type, traffic
  or format filters, the pin's series per app type and traffic that the filters allow.
  The pin filters (source, claimed content, creative types of top video pins, creation
  date) are conditions on ``pins`` itself.

The daily rows (``pin_daily_metrics``) joined with ``pins`` remain the definition:
``rollups.rebuild`` builds the rollup from them with the expressions below, ``sum_by_day``
falls back to them for pin filters the rollup has no column for (creative types,
creation date: no ``user_account/analytics`` parameter sets them), and
``top_from_daily_rows`` sums them as the oracle the running totals are tested against.

Definitions (the service layer documents the same; they live here as SQL):

* SOURCE: ``YOUR_PINS`` are Pins the user created (``parent_pin_id IS NULL``),
  ``OTHER_PINS`` Pins the user saved from someone else (``parent_pin_id IS NOT NULL``).
* OWNED_CONTENT (``from_claimed_content``): ``pinsight.domain.organic.claimed_content`` (the
  rule in Python); ``owned_expression`` is the same rule in SQL.
* content type: ``PAID`` / ``ORGANIC`` is the row's ``traffic``.
* PIN_FORMAT: ``pinsight.catalog.pin_formats.FORMAT_RULES``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, case, false, func, or_, select

from pinsight.catalog.metrics import METRICS, STORED_COLUMNS
from pinsight.catalog.pin_formats import format_selection
from pinsight.catalog.roles import BOARD_PRIVACIES
from pinsight.domain.organic.analytics_query import ALL, Account, AnalyticsQuery, SeriesRows
from pinsight.domain.organic.claimed_content import website_host
from pinsight.store.organic import formulas
from pinsight.store.organic.classes import owned_expression, pin_format_expression, source_expression
from pinsight.store.organic import rollups
from pinsight.store.tables import APP_TYPES, TRAFFIC_KINDS, boards, pins, users
from pinsight.store.tables import account_daily_metrics as account
from pinsight.store.tables import pin_daily_metrics as daily


@dataclass(frozen=True)
class AccountFilter:
    """Which daily rows count: the owner's, within [start, end], and the request's filters.

    ``None`` for source, owned, pin_format, creative_types or created_since means "no filter".
    ``claimed_host`` is the lower-case host of the owner's website (None: nothing is claimed).
    """

    owner_id: int
    start: date
    end: date
    app_types: tuple[str, ...]
    traffic: tuple[str, ...]
    claimed_host: str | None
    source: str | None = None
    owned: str | None = None
    pin_format: str | None = None
    creative_types: tuple[str, ...] | None = None
    created_since: datetime | None = None


def _creative_type_condition(pin_format: str):
    """The pin condition of a pin format (its traffic kind is the rest of it)."""
    selection = format_selection(pin_format)
    if selection.creative_types is not None:
        return pins.c.creative_type.in_(selection.creative_types)
    return pins.c.creative_type.not_in(selection.excluded)


def split_expression(conn: Connection, split_field: str, claimed_host: str | None):
    """What a split groups by (None: no split)."""
    if split_field == "APP_TYPE":
        return daily.c.app_type
    if split_field == "OWNED_CONTENT":
        return owned_expression(conn, claimed_host)
    if split_field == "SOURCE":
        return source_expression()
    if split_field == "PIN_FORMAT":
        return pin_format_expression()
    return None


def _pin_conditions(conn: Connection, flt: AccountFilter) -> list:
    """The filters that read only the pin's own attributes."""
    conditions = []
    if flt.source == "YOUR_PINS":
        conditions.append(pins.c.parent_pin_id.is_(None))
    elif flt.source == "OTHER_PINS":
        conditions.append(pins.c.parent_pin_id.is_not(None))
    if flt.owned is not None:
        conditions.append(owned_expression(conn, flt.claimed_host) == flt.owned)
    if flt.creative_types is not None:
        conditions.append(pins.c.creative_type.in_(list(flt.creative_types)))
    if flt.created_since is not None:
        conditions.append(pins.c.created_at >= flt.created_since)
    return conditions


def _window(table, flt: AccountFilter) -> list:
    """The owner, period, app type and traffic conditions, on the daily rows or the rollup."""
    conditions = [
        table.c.owner_id == flt.owner_id,
        table.c.day >= flt.start,
        table.c.day <= flt.end,
        table.c.app_type.in_(list(flt.app_types)),
        table.c.traffic.in_(list(flt.traffic)),
    ]
    if not flt.traffic:
        conditions.append(false())
    return conditions


def _conditions(conn: Connection, flt: AccountFilter) -> list:
    conditions = _window(daily, flt)
    if flt.pin_format is not None:
        conditions.append(pin_format_expression() == flt.pin_format)
    return conditions + _pin_conditions(conn, flt)


PIN_ATTRIBUTE_SPLITS = ("OWNED_CONTENT", "SOURCE", "PIN_FORMAT")


def _rows_from(flt: AccountFilter, split_field: str | None = None):
    """The daily rows, joined to pins only when a filter or split reads a pin attribute.

    Rows never outlive their pin (ON DELETE CASCADE), so the join removes nothing by itself.
    """
    needs_pins = split_field in PIN_ATTRIBUTE_SPLITS or any(
        value is not None for value in (flt.source, flt.owned, flt.pin_format, flt.creative_types, flt.created_since)
    )
    return daily.join(pins, pins.c.id == daily.c.pin_id) if needs_pins else daily


# Each split's column in the account rollup.
ROLLUP_SPLITS = {
    "NO_SPLIT": None, "APP_TYPE": "app_type", "SOURCE": "source", "PIN_FORMAT": "pin_format",
    "OWNED_CONTENT": "owned_content",
}


def _rollup_answers(flt: AccountFilter, split_field: str) -> bool:
    return split_field in ROLLUP_SPLITS and flt.creative_types is None and flt.created_since is None


def sum_by_day(conn: Connection, flt: AccountFilter, columns: Sequence[str], split_field: str):
    """Summed columns per day (and split key, labelled ``split``; None without a split).

    The account rollup answers every ``user_account/analytics`` request: a few dozen rows
    per day. Only creative-type or creation-date filters read the daily rows."""
    if _rollup_answers(flt, split_field):
        split_column = ROLLUP_SPLITS[split_field]
        conditions = _window(account, flt)
        if flt.source is not None:
            conditions.append(account.c.source == flt.source)
        if flt.pin_format is not None:
            conditions.append(account.c.pin_format == flt.pin_format)
        if flt.owned is not None:
            conditions.append(account.c.owned_content == flt.owned)
        split = account.c[split_column] if split_column else None
        return _sum_per_day(conn, account, account, split, conditions, columns)
    split = split_expression(conn, split_field, flt.claimed_host)
    return _sum_per_day(conn, daily, _rows_from(flt, split_field), split, _conditions(conn, flt), columns)


def _sum_per_day(conn: Connection, table, rows, split, conditions: list, columns: Sequence[str]):
    keys = [table.c.day] + ([split.label("split")] if split is not None else [])
    query = (
        select(*keys, *(func.sum(table.c[name]).label(name) for name in columns))
        .select_from(rows)
        .where(*conditions)
        .group_by(*([table.c.day] + ([split] if split is not None else [])))
    )
    return conn.execute(query).mappings().all()


# ---- running a query ----------------------------------------------------------------------------


def account_filter(conn: Connection, query: AnalyticsQuery) -> AccountFilter:
    """The rows an account query counts: its filters, with the owner's website read for
    claimed content."""
    entity = query.entity
    assert isinstance(entity, Account) and entity.owner_id is not None, "authorize the query first (for_owner)"
    website = conn.execute(select(users.c.website_url).where(users.c.id == entity.owner_id)).scalar()
    filters = query.filters
    return AccountFilter(
        owner_id=entity.owner_id,
        start=query.period.start,
        end=query.period.end,
        app_types=filters.app_types,
        traffic=filters.traffic,
        claimed_host=website_host(website),
        source=filters.source,
        owned=filters.claimed_content,
        pin_format=filters.pin_format,
        creative_types=filters.creative_types,
        created_since=filters.created_since,
    )


def run_series(conn: Connection, query: AnalyticsQuery) -> SeriesRows:
    """An account query's daily column totals per split key (keys ``(None, split key)``)."""
    columns = query.stored_columns
    rows = sum_by_day(conn, account_filter(conn, query), columns, query.split or "NO_SPLIT")
    by_key: dict = defaultdict(dict)
    for row in rows:
        key = row["split"] if query.split else ALL
        by_key[None, key][row["day"]] = tuple(int(row[column] or 0) for column in columns)
    return SeriesRows(columns, dict(by_key))


def run_top(conn: Connection, query: AnalyticsQuery, privacies: Sequence[str] = BOARD_PRIVACIES
            ) -> list[tuple[int, tuple[int, ...]]]:
    """A top Pins query: (pin id, column totals over the period in ``query.stored_columns``
    order) of the best pins on boards of ``privacies``, best first."""
    assert query.ranking is not None
    columns = query.stored_columns
    rows = top_pins(conn, account_filter(conn, query), columns, query.ranking.sort_by, query.ranking.limit, privacies)
    return [(row["pin_id"], tuple(int(row[column] or 0) for column in columns)) for row in rows]


# ---- top pins ------------------------------------------------------------------------------------


def top_pins(conn: Connection, flt: AccountFilter, columns: Sequence[str], sort_by: str, limit: int,
             privacies: Sequence[str] = BOARD_PRIVACIES):
    """The ``limit`` pins with the highest ``sort_by`` over the filtered rows, best first,
    ranked from running totals (``top_from_running_totals``).

    Only pins with at least one matching row in the period, on boards of one of
    ``privacies``, take part; ties go to the smaller (older) pin id.
    """
    return top_from_running_totals(conn, flt, columns, sort_by, limit, privacies)


def _on_readable_boards(flt: AccountFilter, privacies: Sequence[str], pin_id) -> list:
    """Conditions keeping ``pin_id`` to the owner's pins on boards of ``privacies`` (none
    when every privacy is allowed)."""
    if set(BOARD_PRIVACIES) <= set(privacies):
        return []
    readable = (
        select(pins.c.id)
        .join(boards, boards.c.id == pins.c.board_id)
        .where(pins.c.owner_id == flt.owner_id, boards.c.privacy.in_(list(privacies)))
        .correlate(None)  # a list of its own, whatever tables the outer query reads
    )
    return [pin_id.in_(readable)]


def top_from_daily_rows(conn: Connection, flt: AccountFilter, columns: Sequence[str], sort_by: str, limit: int,
                        privacies: Sequence[str] = BOARD_PRIVACIES):
    """``top_pins`` summed from the daily rows: the definition the running totals must match."""
    score = formulas.sql_expression(sort_by).label("score")
    query = (
        select(daily.c.pin_id, score, *(func.sum(daily.c[name]).label(name) for name in columns))
        .select_from(_rows_from(flt))
        .where(*_conditions(conn, flt), *_on_readable_boards(flt, privacies, daily.c.pin_id))
        .group_by(daily.c.pin_id)
        .order_by(score.desc(), daily.c.pin_id.asc())
        .limit(limit)
    )
    return conn.execute(query).mappings().all()


@dataclass(frozen=True)
class _Series:
    """Which running totals add up to a filter's rows: ``kind``'s series of every pin with
    these parts (each a mapping of part column to value; one empty mapping for the per-pin
    series), for the pins meeting ``pin_conditions``."""

    kind: rollups.RunningTotals
    parts: tuple[dict, ...]
    pin_conditions: tuple


def _series_for(conn: Connection, flt: AccountFilter) -> _Series:
    traffic = flt.traffic
    conditions = _pin_conditions(conn, flt)
    if flt.pin_format is not None:
        # A format is one traffic kind plus a condition on the pin's creative type.
        traffic = tuple(kind for kind in traffic if kind == format_selection(flt.pin_format).traffic)
        conditions.append(_creative_type_condition(flt.pin_format))
    if set(flt.app_types) == set(APP_TYPES) and set(traffic) == set(TRAFFIC_KINDS):
        return _Series(rollups.PER_PIN, ({},), tuple(conditions))
    parts = tuple({"app_type": app_type, "traffic": kind} for app_type in flt.app_types for kind in traffic)
    return _Series(rollups.PER_APP_TRAFFIC, parts, tuple(conditions))


def _latest(series: _Series, part: dict, name: str, bounds):
    """The running total of ``name`` in one series of the pin, on its latest day within
    ``bounds`` (NULL if none): one backward index seek."""
    rows = series.kind.table.alias()
    return (
        select(rows.c[name])
        .where(rows.c.pin_id == pins.c.id, *(rows.c[column] == value for column, value in part.items()), *bounds(rows))
        .order_by(rows.c.day.desc())
        .limit(1)
        .scalar_subquery()
    )


def top_from_running_totals(conn: Connection, flt: AccountFilter, columns: Sequence[str], sort_by: str, limit: int,
                            privacies: Sequence[str] = BOARD_PRIVACIES):
    """Rank every pin by the sort metric from two seeks per input column and series (the
    total at the period's end minus the one before its start), then read the reported
    columns for the winners only."""
    series = _series_for(conn, flt)
    if not series.parts:
        return []  # e.g. an ADS_ format with content_type=ORGANIC: no row can match
    inputs = [METRICS[name].stored_as for name in METRICS[sort_by].inputs]
    ends, starts = {}, {}
    for n, part in enumerate(series.parts):
        for name in inputs:
            ends[name, n] = _latest(series, part, name, lambda r: (r.c.day >= flt.start, r.c.day <= flt.end))
            starts[name, n] = func.coalesce(_latest(series, part, name, lambda r: (r.c.day < flt.start,)), 0)
    per_pin = (
        select(
            pins.c.id.label("pin_id"),
            *(ends[key].label(f"end_{key[0]}_{key[1]}") for key in ends),
            *(starts[key].label(f"start_{key[0]}_{key[1]}") for key in starts),
        )
        .where(pins.c.owner_id == flt.owner_id, *series.pin_conditions,
               *_on_readable_boards(flt, privacies, pins.c.id))
        # OFFSET 0 keeps both databases from merging this subquery into the ranking,
        # which would run a seek again wherever the score uses its result.
        .offset(0)
        .subquery()
    )

    def total(name: str):
        # A series without a row in the period adds nothing (its end total is NULL).
        added = [func.coalesce(per_pin.c[f"end_{name}_{n}"] - per_pin.c[f"start_{name}_{n}"], 0)
                 for n in range(len(series.parts))]
        return sum(added[1:], added[0])

    # A pin takes part when one of its series has a row in the period, as with the daily
    # rows: otherwise its score is NULL (sorted last, then dropped).
    in_period = or_(*(per_pin.c[f"end_{inputs[0]}_{n}"].is_not(None) for n in range(len(series.parts))))
    score = case((in_period, formulas.sql_expression(sort_by, total)), else_=None).label("score")
    ranked = select(per_pin.c.pin_id, score).order_by(score.desc().nulls_last(), per_pin.c.pin_id.asc()).limit(limit)
    winners = [row[0] for row in conn.execute(ranked) if row[1] is not None]
    at_end = _winner_totals(conn, series, winners, flt.end, strictly_before=False)
    at_start = _winner_totals(conn, series, winners, flt.start, strictly_before=True)
    rows = []
    for pin_id in winners:
        end, start = at_end[pin_id], at_start[pin_id]
        rows.append({"pin_id": pin_id, **{name: end[name] - start[name] for name in columns}})
    return rows


def _winner_totals(conn: Connection, series: _Series, pin_ids: Sequence[int], day: date, *,
                   strictly_before: bool) -> dict[int, dict[str, int]]:
    """Per pin, every stored column summed over its life up to ``day`` (or the day before)
    across the filter's series."""
    keys = [(pin_id, *part.values()) for pin_id in pin_ids for part in series.parts]
    wanted = set(keys)
    found = rollups.latest_totals(conn, series.kind, keys, day, strictly_before=strictly_before)
    totals: dict[int, list[int]] = defaultdict(lambda: [0] * len(STORED_COLUMNS))
    for key, amounts in found.items():
        if key in wanted:
            summed = totals[key[0]]
            for index, amount in enumerate(amounts):
                summed[index] += amount
    return {pin_id: dict(zip(STORED_COLUMNS, totals[pin_id])) for pin_id in pin_ids}
