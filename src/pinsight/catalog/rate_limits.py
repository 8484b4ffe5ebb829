"""Rate limits: how many requests each caller may make, declared once.

Pinterest counts requests per user per app, per minute, by the operation's rate category
(the spec's ``x-ratelimit-category``, kept per operation in ``catalog.operations``), and caps
each user per app at 100 requests a second across all categories. Its published
standard-access figures are 300 a minute for ``ads_analytics`` and 1,000 for
``ads_read``; the other figures below are pinsight's choices in the same range (reads
1,000, writes and analytics 300 to 400). Every figure can be changed by settings
(``PINSIGHT_RATE_LIMITS`` and friends).
"""

from __future__ import annotations

# Category windows are a minute long; the universal cap's window is a second.
CATEGORY_WINDOW_SECONDS = 60
UNIVERSAL_WINDOW_SECONDS = 1
AUTH_FAILURE_WINDOW_SECONDS = 60

# Requests per user per app per minute, by rate category.
PER_MINUTE: dict[str, int] = {
    # Pinterest's published standard-access figures.
    "ads_analytics": 300,
    "ads_read": 1000,
    # pinsight's choices for Pinterest's other categories.
    "org_read": 1000,
    "org_write": 400,
    "org_analytics": 300,
    "ads_write": 400,
    "ads_conversions": 1000,
    "catalogs_read": 1000,
    "catalogs_write": 400,
    "trends_read": 1000,
    "msot_write": 400,
    "advanced_auction_read": 1000,
    "advanced_auction_write": 400,
    # pinsight's own operations: ingestion batches are large, so few requests carry much.
    "ingest": 300,
    "overview": 300,
    # Exports: asking for one and polling it (each asks little; the job does the work).
    "exports": 300,
}

# Requests per user per app per second, whatever the category.
UNIVERSAL_PER_SECOND = 100

# Failed authentications (bad bearer tokens, app credentials or API keys) per client
# address per minute; past it the address gets 429 even with a valid credential until
# the window ends, so guessing credentials is slow.
AUTH_FAILURES_PER_MINUTE = 20
