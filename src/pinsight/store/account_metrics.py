"""SQL for account-wide organic analytics (``user_account/analytics`` and its top Pins lists).

Where it can, a request reads the derived tables (``pinsight.store.rollups``): the
account rollup answers every filter and split except the claimed-content ones and the
top video pins' creative types; the pins' running totals answer top pins unless app
type, traffic or format filters apply. Otherwise daily rows (``pin_daily_metrics``, read
through its ``owner_id, day`` index) are joined with ``pins`` for what the filters and
splits need: the creative type, whether the Pin was saved from someone else
(``parent_pin_id``) and its destination link. Every filter and every split is an SQL
expression, so grouping and filtering happen in the database.

Definitions (the service layer documents the same; they live here as SQL):

* SOURCE: ``YOUR_PINS`` are Pins the user created (``parent_pin_id IS NULL``),
  ``OTHER_PINS`` Pins the user saved from someone else (``parent_pin_id IS NOT NULL``).
* OWNED_CONTENT (``from_claimed_content``): ``CLAIMED`` when the host of the Pin's link
  equals the host of the user's ``website_url`` or is a subdomain of it, ``OTHER``
  otherwise (no link, no ``scheme://`` in it, or no website on the profile).
* content type: ``PAID`` / ``ORGANIC`` is the row's ``traffic``.
* PIN_FORMAT: organic rows are ``ORGANIC_VIDEO`` (VIDEO, MAX_VIDEO creative types),
  ``ORGANIC_PRODUCT`` (SHOPPING, SHOP_THE_PIN, COLLECTION) or ``ORGANIC_IMAGE``
  (everything else); paid rows are ``ADS_VIDEO``, ``ADS_PRODUCT``, ``ADS_IDEA`` (IDEA)
  or ``ADS_STANDARD`` (everything else).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, Float, String, and_, case, cast, false, func, literal, or_, select

from pinsight.catalog.metrics import METRICS, Ratio, Sum
from pinsight.catalog.pin_formats import (
    IDEA_CREATIVE_TYPES,
    ORGANIC_FORMATS,
    PAID_FORMATS,
    PIN_FORMATS,
    PRODUCT_CREATIVE_TYPES,
    SOURCES,
    VIDEO_CREATIVE_TYPES,
)
from pinsight.catalog.roles import BOARD_PRIVACIES
from pinsight.store.tables import APP_TYPES, TRAFFIC_KINDS, boards, pins
from pinsight.store.tables import account_daily_metrics as account
from pinsight.store.tables import pin_cumulative_metrics as running
from pinsight.store.tables import pin_daily_metrics as daily

OWNED = ("CLAIMED", "OTHER")


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


def _find(conn: Connection, text, needle: str):
    """1-based position of ``needle`` in ``text`` (0 when absent), on either backend."""
    if conn.dialect.name == "postgresql":
        return func.strpos(text, needle)
    return func.instr(text, needle)


def link_host(conn: Connection):
    """The lower-case host of ``pins.link`` (NULL without a ``scheme://``).

    The part after ``://`` is cut at its first ``/``, ``?``, ``#`` or ``:`` (a port).
    """
    lowered = func.lower(pins.c.link, type_=String)
    separator = _find(conn, lowered, "://")
    rest = func.substr(lowered, separator + 3, type_=String)
    for mark in ("?", "#", ":"):
        rest = func.replace(rest, mark, "/", type_=String)
    rest = rest + literal("/", String)
    host = func.substr(rest, 1, _find(conn, rest, "/") - 1, type_=String)
    return case((separator > 0, host), else_=None)


def owned_expression(conn: Connection, claimed_host: str | None):
    if not claimed_host:
        return literal("OTHER", String)
    host = link_host(conn)
    suffix = "." + claimed_host
    claimed = or_(
        host == claimed_host,
        and_(func.length(host) > len(suffix), func.substr(host, func.length(host) - len(suffix) + 1) == suffix),
    )
    return case((claimed, "CLAIMED"), else_="OTHER")


def source_expression():
    return case((pins.c.parent_pin_id.is_(None), "YOUR_PINS"), else_="OTHER_PINS")


def pin_format_expression():
    organic = daily.c.traffic == "ORGANIC"
    kind = pins.c.creative_type
    return case(
        (and_(organic, kind.in_(VIDEO_CREATIVE_TYPES)), "ORGANIC_VIDEO"),
        (and_(organic, kind.in_(PRODUCT_CREATIVE_TYPES)), "ORGANIC_PRODUCT"),
        (organic, "ORGANIC_IMAGE"),
        (kind.in_(VIDEO_CREATIVE_TYPES), "ADS_VIDEO"),
        (kind.in_(PRODUCT_CREATIVE_TYPES), "ADS_PRODUCT"),
        (kind.in_(IDEA_CREATIVE_TYPES), "ADS_IDEA"),
        else_="ADS_STANDARD",
    )


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

    Most requests filter on the daily rows alone; skipping the join keeps them on the
    (owner_id, day) index. Rows never outlive their pin (ON DELETE CASCADE), so the join
    removes nothing by itself.
    """
    needs_pins = split_field in PIN_ATTRIBUTE_SPLITS or any(
        value is not None for value in (flt.source, flt.owned, flt.pin_format, flt.creative_types, flt.created_since)
    )
    return daily.join(pins, pins.c.id == daily.c.pin_id) if needs_pins else daily


# Splits the account rollup holds as columns; OWNED_CONTENT depends on the pin's link and
# the profile's website, both editable, so it is computed from the daily rows.
ROLLUP_SPLITS = {"NO_SPLIT": None, "APP_TYPE": "app_type", "SOURCE": "source", "PIN_FORMAT": "pin_format"}


def _rollup_answers(flt: AccountFilter, split_field: str) -> bool:
    return split_field in ROLLUP_SPLITS and flt.owned is None and flt.creative_types is None and flt.created_since is None


def sum_by_day(conn: Connection, flt: AccountFilter, columns: Sequence[str], split_field: str):
    """Summed columns per day (and split key, labelled ``split``; None without a split)."""
    if _rollup_answers(flt, split_field):
        split_column = ROLLUP_SPLITS[split_field]
        conditions = _window(account, flt)
        if flt.source is not None:
            conditions.append(account.c.source == flt.source)
        if flt.pin_format is not None:
            conditions.append(account.c.pin_format == flt.pin_format)
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


def _summed(name: str):
    return func.coalesce(func.sum(daily.c[name]), 0)


def metric_expression(metric_name: str, total=_summed):
    """An SQL expression computing a catalogue metric from per-column totals.

    ``total(stored_column)`` gives a column's total over the group (by default the sum
    of the daily rows' column).
    """
    metric = METRICS[metric_name]

    def base(name: str):
        return total(METRICS[name].stored_as)

    formula = metric.formula
    if formula is None:
        return base(metric_name)
    if isinstance(formula, Sum):
        expression = base(formula.parts[0])
        for part in formula.parts[1:]:
            expression = expression + base(part)
        return expression
    assert isinstance(formula, Ratio)
    numerator = sum((cast(base(name), Float) for name in formula.numerator[1:]), cast(base(formula.numerator[0]), Float))
    denominator = base(formula.denominator[0])
    for name in formula.denominator[1:]:
        denominator = denominator + base(name)
    return case((denominator == 0, literal(0.0, Float)), else_=numerator / cast(denominator, Float))


def top_pins(conn: Connection, flt: AccountFilter, columns: Sequence[str], sort_by: str, limit: int,
             privacies: Sequence[str] = BOARD_PRIVACIES):
    """The ``limit`` pins with the highest ``sort_by`` over the filtered rows, best first.

    Only pins with at least one matching row in the period, on boards of one of
    ``privacies``, take part; ties go to the smaller (older) pin id. Without app type,
    traffic or format filters, the pins' running totals answer (two seeks per pin);
    otherwise the daily rows are summed.
    """
    if set(flt.app_types) == set(APP_TYPES) and set(flt.traffic) == set(TRAFFIC_KINDS) and flt.pin_format is None:
        return top_from_running_totals(conn, flt, columns, sort_by, limit, privacies)
    return top_from_daily_rows(conn, flt, columns, sort_by, limit, privacies)


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
    score = metric_expression(sort_by).label("score")
    query = (
        select(daily.c.pin_id, score, *(func.sum(daily.c[name]).label(name) for name in columns))
        .select_from(_rows_from(flt))
        .where(*_conditions(conn, flt), *_on_readable_boards(flt, privacies, daily.c.pin_id))
        .group_by(daily.c.pin_id)
        .order_by(score.desc(), daily.c.pin_id.asc())
        .limit(limit)
    )
    return conn.execute(query).mappings().all()


def _latest(name: str, bounds):
    """The pin's running total of ``name`` on its latest day within ``bounds`` (NULL if none):
    one backward index seek."""
    rows = running.alias()
    return (
        select(rows.c[name])
        .where(rows.c.pin_id == pins.c.id, *bounds(rows))
        .order_by(rows.c.day.desc())
        .limit(1)
        .scalar_subquery()
    )


def top_from_running_totals(conn: Connection, flt: AccountFilter, columns: Sequence[str], sort_by: str, limit: int,
                            privacies: Sequence[str] = BOARD_PRIVACIES):
    """Rank every pin by the sort metric from two seeks per input column, then read the
    reported columns for the winners only."""
    from pinsight.store.metrics import running_totals_at

    inputs = [METRICS[name].stored_as for name in METRICS[sort_by].inputs]
    in_period = {name: _latest(name, lambda r: (r.c.day >= flt.start, r.c.day <= flt.end)) for name in inputs}
    before = {name: func.coalesce(_latest(name, lambda r: (r.c.day < flt.start,)), 0) for name in inputs}
    per_pin = (
        select(
            pins.c.id.label("pin_id"),
            *(in_period[name].label(f"end_{name}") for name in inputs),
            *(before[name].label(f"start_{name}") for name in inputs),
        )
        .where(pins.c.owner_id == flt.owner_id, *_pin_conditions(conn, flt),
               *_on_readable_boards(flt, privacies, pins.c.id))
        .subquery()
    )

    def total(name: str):
        return per_pin.c[f"end_{name}"] - per_pin.c[f"start_{name}"]

    score = metric_expression(sort_by, total).label("score")
    # A pin takes part when it has a row in the period, as with the daily rows: otherwise
    # its score is NULL (sorted last, then dropped), which spares a separate test.
    ranked = select(per_pin.c.pin_id, score).order_by(score.desc().nulls_last(), per_pin.c.pin_id.asc()).limit(limit)
    winners = [row[0] for row in conn.execute(ranked) if row[1] is not None]
    at_end = running_totals_at(conn, winners, flt.end)
    at_start = running_totals_at(conn, winners, flt.start, before=True)
    rows = []
    for pin_id in winners:
        end, start = at_end[pin_id], at_start.get(pin_id)
        rows.append({"pin_id": pin_id, **{name: end[name] - (start[name] if start else 0) for name in columns}})
    return rows
