"""Claimed content (the OWNED_CONTENT split, the ``from_claimed_content`` filter): whether a
pin's metrics count as content from the account's own website.

The rule, declared here once: a pin is ``CLAIMED`` when the host of its link equals the
host of its owner's website or is a subdomain of it, and ``OTHER`` otherwise (no link,
no ``scheme://`` in it, or no website on the profile). The website host is taken
literally: ``www.example.com`` claims ``www.example.com`` and its subdomains, not
``shop.example.com``.

The account rollup is written with this rule (``store.organic.rollups``); rebuilding it from the
daily rows uses the same rule as an SQL expression (``store.organic.account_metrics``), and a
property test checks the two agree. Letters are lower-cased in ASCII only, which is what
SQLite's ``lower()`` does (hosts are ASCII, or punycode, anyway).
"""

from __future__ import annotations

import string
from urllib.parse import urlsplit

CLAIMED = "CLAIMED"
OTHER = "OTHER"
OWNED_CONTENT = (CLAIMED, OTHER)

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
# What ends a link's host after ``scheme://``: a path, a query, a fragment or a port.
_HOST_ENDS = str.maketrans({"?": "/", "#": "/", ":": "/"})


def ascii_lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def website_host(url: str | None) -> str | None:
    """The lower-case host of a profile's website (which may omit its scheme), or None when
    it has none."""
    text = (url or "").strip()
    if not text:
        return None
    if "://" not in text:
        text = "//" + text
    try:
        netloc = urlsplit(text).netloc
    except ValueError:
        return None
    host_and_port = netloc.rpartition("@")[2]
    if host_and_port.startswith("["):
        host = host_and_port[1:].partition("]")[0]
    else:
        host = host_and_port.partition(":")[0]
    host = ascii_lower(host).rstrip(".")
    return host or None


def link_host(link: str | None) -> str | None:
    """The lower-case host of a pin's link: what follows its first ``://``, up to the first
    ``/``, ``?``, ``#`` or ``:``. None without a ``://``."""
    if link is None:
        return None
    lowered = ascii_lower(link)
    separator = lowered.find("://")
    if separator < 0:
        return None
    return lowered[separator + 3 :].translate(_HOST_ENDS).partition("/")[0]


def owned_content_of(link: str | None, claimed_host: str | None) -> str:
    """CLAIMED or OTHER for a pin's link, given its owner's ``website_host``."""
    if not claimed_host:
        return OTHER
    host = link_host(link)
    if host is None:
        return OTHER
    suffix = "." + claimed_host
    if host == claimed_host or (len(host) > len(suffix) and host.endswith(suffix)):
        return CLAIMED
    return OTHER
