"""SQL for the overview API: metric totals over a window of UTC instants, per account and
per pin, the pins created in a window (with their boards' privacy), and who may read an
account; ``run_overview`` and ``run_posts`` gather what a query (``domain.overview.overview_query``)
shows.

A window rarely starts and ends on UTC midnights (local days in Asia/Tokyo start at
15:00 UTC). Its whole UTC days are read from the derived tables (the account rollup,
the pins' running totals). For the UTC days it covers only in part, the event log
(``ingested_events``: what each event added, and when) gives the events inside the
window; whatever else that day holds (daily rows imported from archives, which carry no
time of day) counts as having happened at 12:00 UTC, which keeps an archived day on its
own date in every time zone from UTC-11 to UTC+11.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection, and_, func, select

from pinsight.catalog.metrics import STORED_COLUMNS
from pinsight.catalog.overview import POST_COLUMNS
from pinsight.domain.overview.overview_period import LocalPeriod, split_window
from pinsight.domain.overview.overview_query import OverviewQuery, OverviewRows, PeriodTotals, PostsRows
from pinsight.store.tables import account_daily_metrics as account
from pinsight.store.tables import ad_account_roles, ad_accounts, boards, pins, users
from pinsight.store.tables import ingested_events as events
from pinsight.store.tables import pin_cumulative_metrics as running
from pinsight.store.tables import pin_daily_metrics as daily

NOON = time(12)


def _zero() -> dict[str, int]:
    return dict.fromkeys(STORED_COLUMNS, 0)


def _logged(conn: Connection, owner_id: int, lo: datetime, hi: datetime, pin_ids: Sequence[int] | None = None):
    """Logged event amounts in [lo, hi) per (pin, metric column)."""
    query = (
        select(events.c.pin_id, events.c.metric, func.sum(events.c.amount))
        .where(events.c.owner_id == owner_id, events.c.occurred_at >= lo, events.c.occurred_at < hi)
        .group_by(events.c.pin_id, events.c.metric)
    )
    if pin_ids is not None:
        query = query.where(events.c.pin_id.in_(list(pin_ids)))
    found: dict[int, dict[str, int]] = defaultdict(_zero)
    for pin_id, metric, amount in conn.execute(query):
        if metric in STORED_COLUMNS:
            found[pin_id][metric] += int(amount or 0)
    return found


def _partial_day(day_totals: dict[str, int], logged_day: dict[str, int], logged_in: dict[str, int],
                 day: date, lo: datetime, hi: datetime) -> dict[str, int]:
    """What part of one UTC day [lo, hi) holds: the logged events in it, plus the day's
    untimed remainder when noon falls inside."""
    noon_inside = lo <= datetime.combine(day, NOON) < hi
    return {
        name: logged_in[name] + ((day_totals[name] - logged_day[name]) if noon_inside else 0)
        for name in STORED_COLUMNS
    }


def account_totals(conn: Connection, owner_id: int, start: datetime, end: datetime) -> dict[str, int]:
    """Every stored column summed over the owner's pins within [start, end) (naive UTC)."""
    whole, partial = split_window(start, end)
    totals = _zero()
    if whole is not None:
        query = select(*(func.sum(account.c[name]) for name in STORED_COLUMNS)).where(
            account.c.owner_id == owner_id, account.c.day >= whole[0], account.c.day <= whole[1]
        )
        for name, value in zip(STORED_COLUMNS, conn.execute(query).one()):
            totals[name] += int(value or 0)
    for day, lo, hi in partial:
        query = select(*(func.sum(account.c[name]) for name in STORED_COLUMNS)).where(
            account.c.owner_id == owner_id, account.c.day == day
        )
        day_totals = {name: int(value or 0) for name, value in zip(STORED_COLUMNS, conn.execute(query).one())}
        midnight = datetime.combine(day, time(0))
        logged_day = _sum_pins(_logged(conn, owner_id, midnight, midnight + timedelta(days=1)))
        logged_in = _sum_pins(_logged(conn, owner_id, lo, hi))
        for name, value in _partial_day(day_totals, logged_day, logged_in, day, lo, hi).items():
            totals[name] += value
    return totals


def _sum_pins(per_pin: dict[int, dict[str, int]]) -> dict[str, int]:
    summed = _zero()
    for amounts in per_pin.values():
        for name, value in amounts.items():
            summed[name] += value
    return summed


def pin_totals(conn: Connection, owner_id: int, pin_ids: Sequence[int], start: datetime, end: datetime,
               columns: Sequence[str]) -> dict[int, list[int]]:
    """Per pin of ``pin_ids``, ``columns`` summed within [start, end), in ``columns`` order."""
    if not pin_ids:
        return {}
    return _totals(conn, owner_id, pins.c.id.in_(list(pin_ids)), [int(pin_id) for pin_id in pin_ids], start, end, columns)


def created_pin_totals(conn: Connection, owner_id: int, start: datetime, end: datetime,
                       columns: Sequence[str]) -> dict[int, list[int]]:
    """The same for every pin the owner created within [start, end): the SQL selects the
    pins itself, so its size does not grow with their number."""
    created = and_(pins.c.owner_id == owner_id, pins.c.created_at >= start, pins.c.created_at < end)
    return _totals(conn, owner_id, created, None, start, end, columns)


def _totals(conn: Connection, owner_id: int, which, pin_ids: list[int] | None, start: datetime, end: datetime,
            columns: Sequence[str]) -> dict[int, list[int]]:
    width = len(columns)
    totals: dict[int, list[int]] = {pin_id: [0] * width for pin_id in pin_ids or ()}
    whole, partial = split_window(start, end)
    if whole is not None:
        for pin_id, *values in conn.execute(_whole_days(which, *whole, columns)):
            totals[pin_id] = [int(value) for value in values]
    for day, lo, hi in partial:
        query = (
            select(daily.c.pin_id, *(func.sum(daily.c[name]) for name in columns))
            .select_from(daily.join(pins, pins.c.id == daily.c.pin_id))
            .where(which, daily.c.day == day)
            .group_by(daily.c.pin_id)
        )
        day_totals = {pin_id: dict(zip(columns, values)) for pin_id, *values in conn.execute(query)}
        midnight = datetime.combine(day, time(0))
        logged_day = _logged(conn, owner_id, midnight, midnight + timedelta(days=1))
        logged_in = _logged(conn, owner_id, lo, hi)
        noon_inside = lo <= datetime.combine(day, NOON) < hi
        # A logged event always has its daily row (both are written together), so the pins
        # with rows that day are all the pins this day can add to.
        for pin_id, stored in day_totals.items():
            whole_day, inside = logged_day.get(pin_id), logged_in.get(pin_id)
            row = totals.setdefault(pin_id, [0] * width)
            for index, name in enumerate(columns):
                amount = inside[name] if inside else 0
                if noon_inside:
                    amount += int(stored[name] or 0) - (whole_day[name] if whole_day else 0)
                row[index] += amount
    return totals


def _whole_days(which, first: date, last: date, columns: Sequence[str]):
    """Per pin selected by ``which``, its running totals at ``last`` minus those before
    ``first``: two latest-day seeks and two row reads per pin, whatever the number of days."""
    at_end, before = running.alias("at_end"), running.alias("before_first")

    def latest(bound):
        rows = running.alias()
        return select(func.max(rows.c.day)).where(rows.c.pin_id == pins.c.id, bound(rows)).scalar_subquery()

    joined = pins.join(
        at_end, and_(at_end.c.pin_id == pins.c.id, at_end.c.day == latest(lambda r: r.c.day <= last))
    ).outerjoin(before, and_(before.c.pin_id == pins.c.id, before.c.day == latest(lambda r: r.c.day < first)))
    return (
        select(pins.c.id, *(at_end.c[name] - func.coalesce(before.c[name], 0) for name in columns))
        .select_from(joined)
        .where(which)
    )


def created_pins(conn: Connection, owner_id: int, start: datetime, end: datetime) -> list[tuple[int, str]]:
    """(id, board privacy) of the owner's pins created within [start, end), newest first
    (ties: larger id first)."""
    query = (
        select(pins.c.id, boards.c.privacy)
        .join(boards, boards.c.id == pins.c.board_id)
        .where(pins.c.owner_id == owner_id, pins.c.created_at >= start, pins.c.created_at < end)
        .order_by(pins.c.created_at.desc(), pins.c.id.desc())
    )
    return [(pin_id, privacy) for pin_id, privacy in conn.execute(query)]


def board_privacies(conn: Connection, pin_ids: Sequence[int]) -> dict[int, str]:
    """The privacy of the board each of these pins is on now (deleted pins are absent)."""
    if not pin_ids:
        return {}
    query = select(pins.c.id, boards.c.privacy).join(boards, boards.c.id == pins.c.board_id).where(
        pins.c.id.in_(list(pin_ids))
    )
    return dict(conn.execute(query).all())


def pin_details(conn: Connection, pin_ids: Sequence[int]) -> dict[int, dict]:
    """What a post shows of these pins: text, creative type, media and creation time."""
    if not pin_ids:
        return {}
    query = select(pins.c.id, pins.c.title, pins.c.description, pins.c.creative_type, pins.c.media,
                   pins.c.created_at).where(pins.c.id.in_(list(pin_ids)))
    return {row["id"]: dict(row) for row in conn.execute(query).mappings()}


def account_exists(conn: Connection, user_id: int) -> bool:
    return conn.execute(select(users.c.id).where(users.c.id == user_id)).first() is not None


def roles_on_accounts_of(conn: Connection, owner_id: int, user_id: int) -> frozenset[str]:
    """The Business Access roles ``user_id`` holds on any of ``owner_id``'s ad accounts."""
    query = (
        select(ad_account_roles.c.role)
        .join(ad_accounts, ad_accounts.c.id == ad_account_roles.c.ad_account_id)
        .where(ad_accounts.c.owner_id == owner_id, ad_account_roles.c.user_id == user_id)
    )
    return frozenset(conn.execute(query).scalars())


def count_pins_created(conn: Connection, owner_id: int, start: datetime, end: datetime) -> int:
    query = select(func.count()).select_from(pins).where(
        pins.c.owner_id == owner_id, pins.c.created_at >= start, pins.c.created_at < end
    )
    return int(conn.execute(query).scalar() or 0)


def follower_count(conn: Connection, owner_id: int) -> int:
    return int(conn.execute(select(users.c.follower_count).where(users.c.id == owner_id)).scalar() or 0)


# ---- running a query -------------------------------------------------------------------------


def _period_totals(conn: Connection, owner_id: int, period: LocalPeriod, current_posts: int) -> PeriodTotals:
    current_window, last_window = period.window(), period.previous().window()
    current = account_totals(conn, owner_id, *current_window)
    last = account_totals(conn, owner_id, *last_window)
    last_posts = count_pins_created(conn, owner_id, *last_window)
    return PeriodTotals(current, last, current_posts, last_posts)


def _shown(created: list[tuple[int, str]], privacies: Sequence[str]) -> list[int]:
    """The ids of the posts on boards of ``privacies``, in the given order."""
    return [pin_id for pin_id, privacy in created if privacy in privacies]


def run_overview(conn: Connection, query: OverviewQuery, privacies: Sequence[str]) -> OverviewRows:
    """What ``/overview`` shows of the account to a reader of posts on boards of ``privacies``."""
    owner_id, window = query.owner_id, query.period.window()
    created = created_pins(conn, owner_id, *window)
    post_totals = created_pin_totals(conn, owner_id, *window, POST_COLUMNS)
    followers = follower_count(conn, owner_id)
    totals = _period_totals(conn, owner_id, query.period, len(created))
    return OverviewRows(_shown(created, privacies), post_totals, followers, totals)


def run_posts(conn: Connection, query: OverviewQuery, privacies: Sequence[str]) -> PostsRows:
    """What a page of ``/posts`` shows to a reader of posts on boards of ``privacies``."""
    owner_id, window = query.owner_id, query.period.window()
    created = created_pins(conn, owner_id, *window)
    shown = _shown(created, privacies)
    page = shown[query.first_post : query.first_post + query.per_page]
    post_totals = pin_totals(conn, owner_id, page, *window, POST_COLUMNS)
    details = pin_details(conn, page)
    totals = _period_totals(conn, owner_id, query.period, len(created))
    return PostsRows(len(shown), page, post_totals, details, totals)
