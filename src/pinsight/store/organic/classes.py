"""How a pin's metrics are classified, in SQL, and the pin facts the Python rules read.

The rules are declared in ``catalog.pin_formats`` (pin format, source) and
``domain.organic.claimed_content`` (claimed content); the rollup writer applies them in
Python to ``get_pins_brief``'s facts, and the queries and rebuilds below apply the same
rules in SQL. ``tests/store/test_rollups.py`` checks the two agree.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, String, and_, case, func, literal, or_, select

from pinsight.catalog.pin_formats import FORMAT_RULES
from pinsight.domain.organic.claimed_content import CLAIMED, OTHER, website_host
from pinsight.store.tables import pin_daily_metrics as daily
from pinsight.store.tables import pins, users


def _find(conn: Connection, text, needle: str):
    """1-based position of ``needle`` in ``text`` (0 when absent), on either backend."""
    if conn.dialect.name == "postgresql":
        return func.strpos(text, needle)
    return func.instr(text, needle)


def _ascii_lower(conn: Connection, text):
    """``text`` with A-Z lower-cased and every other character kept, on either backend
    (``claimed_content.ascii_lower``): SQLite's ``lower()`` does exactly that, while
    PostgreSQL's follows the database's locale."""
    if conn.dialect.name == "postgresql":
        return func.translate(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz", type_=String)
    return func.lower(text, type_=String)


def link_host(conn: Connection):
    """``claimed_content.link_host`` of ``pins.link``, in SQL (NULL without a ``scheme://``)."""
    lowered = _ascii_lower(conn, pins.c.link)
    separator = _find(conn, lowered, "://")
    rest = func.substr(lowered, separator + 3, type_=String)
    for mark in ("?", "#", ":"):
        rest = func.replace(rest, mark, "/", type_=String)
    rest = rest + literal("/", String)
    host = func.substr(rest, 1, _find(conn, rest, "/") - 1, type_=String)
    return case((separator > 0, host), else_=None)


def owned_expression(conn: Connection, claimed_host: str | None):
    """``claimed_content.owned_content_of`` of ``pins.link``, in SQL."""
    if not claimed_host:
        return literal(OTHER, String)
    host = link_host(conn)
    suffix = "." + claimed_host
    claimed = or_(
        host == claimed_host,
        and_(func.length(host) > len(suffix), func.substr(host, func.length(host) - len(suffix) + 1) == suffix),
    )
    return case((claimed, CLAIMED), else_=OTHER)


def source_expression():
    return case((pins.c.parent_pin_id.is_(None), "YOUR_PINS"), else_="OTHER_PINS")


def pin_format_expression(creative_type=pins.c.creative_type):
    """``pin_formats.pin_format_of`` of the daily row's traffic and its pin's creative type."""
    whens = []
    for traffic, rules in FORMAT_RULES.items():
        for name, creative_types in rules:
            condition = daily.c.traffic == traffic
            if creative_types is not None:
                condition = and_(condition, creative_type.in_(creative_types))
            whens.append((condition, name))
    return case(*whens[:-1], else_=whens[-1][1])


def get_pins_brief(conn: Connection, pin_ids: Sequence[int]) -> dict[int, dict]:
    """Owner, creation time and what classifies the pin's metrics (``rollups.Increments``):
    creative type, parent, link and the owner's ``website_host``, for each of these pins
    that exists."""
    found: dict[int, dict] = {}
    hosts: dict[str, str | None] = {}
    for offset in range(0, len(pin_ids), 5000):
        chunk = list(pin_ids[offset : offset + 5000])
        query = (
            select(pins.c.id, pins.c.owner_id, pins.c.created_at, pins.c.creative_type, pins.c.parent_pin_id,
                   pins.c.link, users.c.website_url)
            .join(users, users.c.id == pins.c.owner_id)
            .where(pins.c.id.in_(chunk))
        )
        for row in conn.execute(query).mappings():
            pin = dict(row)
            website = pin.pop("website_url")
            if website not in hosts:
                hosts[website] = website_host(website)
            pin["website_host"] = hosts[website]
            found[pin["id"]] = pin
    return found
