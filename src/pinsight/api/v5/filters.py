"""Query parameters (and the ads' batch body) several v5 routes share, their values derived
from the catalogue."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Body, Query

from pinsight.catalog.ads import ENTITY_STATUSES, MAX_ITEMS_PER_REQUEST
from pinsight.catalog.dimensions import APP_TYPES, TRAFFIC_KINDS
from pinsight.catalog.pin_formats import CREATIVE_TYPES, PIN_FORMATS, SOURCES
from pinsight.domain.organic.claimed_content import OWNED_CONTENT
from pinsight.errors import InvalidParameters

# Literal[tuple] spells a Literal of the tuple's members: FastAPI checks and publishes them.
AppTypes = Literal[("ALL", *APP_TYPES)]  # type: ignore[valid-type]
ContentType = Literal[("ALL", *TRAFFIC_KINDS)]  # type: ignore[valid-type]
PinFormat = Literal[("ALL", *PIN_FORMATS)]  # type: ignore[valid-type]
Source = Literal[("ALL", *SOURCES)]  # type: ignore[valid-type]
ClaimedContent = Literal[("BOTH", *OWNED_CONTENT)]  # type: ignore[valid-type]

CreativeTypes = Annotated[list[str] | None, Query(json_schema_extra={"x-enum": list(CREATIVE_TYPES)})]

# Ads entities (campaigns, ad groups, ads). Id filters and statuses are repeated or
# comma-separated (the SDK joins them), checked by the service (``services.ads.batches``).
IdList = Annotated[list[str] | None, Query()]
StatusList = Annotated[list[str] | None, Query(json_schema_extra={"x-enum": list(ENTITY_STATUSES)})]
Order = Literal["ASCENDING", "DESCENDING"]
# A create or update: a JSON array of 1 to 30 items. Each item is checked on its own by the
# service, so one bad campaign, ad group or ad is answered in its own entry rather than
# refusing the request.
AdsItems = Annotated[list[Any], Body(min_length=1, max_length=MAX_ITEMS_PER_REQUEST)]


def one_of(values: tuple[str, ...]):
    """A parameter taking one of ``values``."""
    return Literal[values]  # type: ignore[valid-type]


def metric_types(names: tuple[str, ...], *, required: bool):
    """``metric_types``: repeated or comma-separated names, checked by the service (so a bad
    name is Pinterest's 400); ``x-enum`` gives the names to the published document."""
    query = Query(json_schema_extra={"x-enum": list(names)})
    return Annotated[list[str], query] if required else Annotated[list[str] | None, query]


def parse_creative_types(values: list[str] | None) -> list[str]:
    """Accept repeated parameters and comma-separated lists alike."""
    types = [part for value in values or [] for part in value.split(",") if part]
    unknown = sorted(set(types) - set(CREATIVE_TYPES))
    if unknown:
        raise InvalidParameters(f"Invalid parameters: unknown creative_types {', '.join(unknown)}.")
    return types
