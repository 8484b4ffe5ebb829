"""Views of the operations table that the tests share."""

from __future__ import annotations

from pinsight.catalog.operations import BEARER, PINTEREST_OPERATIONS

# Pinterest's operations called with a bearer token (all of /v5 but oauth/token).
V5_BEARER_OPERATIONS = {key: op for key, op in PINTEREST_OPERATIONS.items() if op.authentication == BEARER}
