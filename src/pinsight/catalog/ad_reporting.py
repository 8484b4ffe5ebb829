"""How ads reporting counts days and credits conversions, declared once.

Pinterest reports in the ad account's time zone or in its own (``reporting_timezone``).
pinsight's ad accounts carry no time zone of their own, so their reporting day is the
UTC day; Pinterest's time zone is Pacific time. The stored daily rollups of ad
delivery and attributed conversions keep one row set per zone below, so a daily answer
in either zone is a sum of stored days, never a scan of raw actions.
"""

from __future__ import annotations

from pinsight.catalog.ad_actions import HOUSEHOLD

# reporting_timezone value -> the IANA zone whose calendar days reports use.
REPORTING_TIME_ZONES: dict[str, str] = {
    "AD_ACCOUNT_TIME_ZONE": "UTC",
    "PINTEREST_TIME_ZONE": "America/Los_Angeles",
}
DEFAULT_REPORTING_TIME_ZONE = "AD_ACCOUNT_TIME_ZONE"
# The zones the rollups keep days in.
ROLLUP_ZONES: tuple[str, ...] = tuple(dict.fromkeys(REPORTING_TIME_ZONES.values()))

# Whose actions the sync analytics credit a conversion to: the spec gives those operations
# no ``attribution_types`` parameter; pinsight credits the household, the wider of the two
# (the targeting analytics, which take the parameter, can ask for INDIVIDUAL).
SYNC_ATTRIBUTION_TYPE = HOUSEHOLD
