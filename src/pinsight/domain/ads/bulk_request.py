"""A bulk download request (``bulk_download/create``) as an immutable value, and the pure
parser that builds it from the JSON body.

What a request may ask (Pinterest's BulkDownloadRequest):

* ``entity_types``: 1 to 6 of CAMPAIGN, AD_GROUP, PRODUCT_GROUP, AD, KEYWORD, LABEL,
  SCHEDULE (repeats collapse); absent, every type pinsight stores (CAMPAIGN, AD_GROUP,
  AD). The others are types pinsight keeps none of: asked for, they are answered with an
  empty file, never with made-up rows;
* ``entity_ids``: digits; those entities and their children and grandchildren (a
  campaign's ad groups and ads, an ad group's ads). An id no entity can have (past 64
  bits) still filters, matching nothing. At most ``MAX_ENTITY_IDS`` of them: the spec sets
  no bound, and every id is a parameter of the download's queries;
* ``updated_since``: Unix seconds, as digits; the entities changed at or after it (each
  by its own ``updated_time``);
* ``campaign_filter``: the campaigns to download from, and so the ad groups and ads of
  those campaigns: ``campaign_status`` (summary statuses, as of the request's time),
  ``objective_type``, ``name`` (a case-sensitive part of the name), ``start_time`` (the
  campaigns starting at or after it) and ``end_time`` (ending at or before it; a
  campaign without an end does not);
* ``output_format``: JSON (the default) or CSV.

Unknown fields are ignored, as Pinterest's bodies are read. A bad value is a 400 naming
its field. Pure: nothing here reads the database or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from pinsight.catalog.ads import CAMPAIGN_SUMMARY_STATUSES, OBJECTIVE_TYPES
from pinsight.errors import InvalidParameters

# Pinterest's BulkEntityType, in its order.
ENTITY_TYPES: tuple[str, ...] = ("CAMPAIGN", "AD_GROUP", "PRODUCT_GROUP", "AD", "KEYWORD", "LABEL", "SCHEDULE")
# What pinsight keeps, and so what a request without entity_types downloads.
STORED_ENTITY_TYPES: tuple[str, ...] = ("CAMPAIGN", "AD_GROUP", "AD")
MAX_ENTITY_TYPES = 6
OUTPUT_FORMATS: tuple[str, ...] = ("JSON", "CSV")
MAX_ENTITY_IDS = 250
# A campaign's name is at most this long, so a longer part of one matches nothing.
MAX_NAME_LENGTH = 256
# The last second of the year 9999: later times are mistakes (and past what a datetime holds).
MAX_TIMESTAMP = 253402300799
_MAX_BIGINT = 2**63 - 1


@dataclass(frozen=True)
class CampaignFilter:
    statuses: tuple[str, ...] = ()
    objective_types: tuple[str, ...] = ()
    name: str | None = None
    start_time: int | None = None
    end_time: int | None = None


@dataclass(frozen=True)
class BulkDownload:
    entity_types: tuple[str, ...]
    output_format: str
    # None: no id filter; otherwise the ids named (possibly none that can exist: matches nothing).
    entity_ids: tuple[int, ...] | None = None
    updated_since: int | None = None
    campaign_filter: CampaignFilter | None = None

    def to_params(self) -> dict:
        """As JSON data, for the job's parameters (``from_params`` reads it back)."""
        campaigns = self.campaign_filter
        return {
            "entity_types": list(self.entity_types),
            "output_format": self.output_format,
            "entity_ids": None if self.entity_ids is None else list(self.entity_ids),
            "updated_since": self.updated_since,
            "campaign_filter": None if campaigns is None else {
                "statuses": list(campaigns.statuses), "objective_types": list(campaigns.objective_types),
                "name": campaigns.name, "start_time": campaigns.start_time, "end_time": campaigns.end_time},
        }

    @classmethod
    def from_params(cls, params: dict) -> BulkDownload:
        campaigns = params["campaign_filter"]
        return cls(
            entity_types=tuple(params["entity_types"]),
            output_format=params["output_format"],
            entity_ids=None if params["entity_ids"] is None else tuple(params["entity_ids"]),
            updated_since=params["updated_since"],
            campaign_filter=None if campaigns is None else CampaignFilter(
                tuple(campaigns["statuses"]), tuple(campaigns["objective_types"]), campaigns["name"],
                campaigns["start_time"], campaigns["end_time"]),
        )


def _refuse(field: str, rule: str) -> InvalidParameters:
    return InvalidParameters(f"Invalid parameters: {field} {rule}.")


def _enum_list(value, field: str, allowed: tuple[str, ...], *, min_items: int = 0,
               max_items: int | None = None) -> tuple[str, ...]:
    """A list of names from ``allowed``, repeats collapsed, in ``allowed``'s order."""
    if not isinstance(value, list):
        raise _refuse(field, "must be a list")
    unknown = sorted({repr(item) for item in value if not isinstance(item, str) or item not in allowed})
    if unknown:
        raise _refuse(field, f"takes only {', '.join(allowed)} (got {', '.join(unknown[:5])})")
    # The spec bounds the list as sent (minItems, maxItems), repeats included.
    if len(value) < min_items or (max_items is not None and len(value) > max_items):
        bound = f"{min_items} to {max_items}" if max_items is not None else f"at least {min_items}"
        raise _refuse(field, f"takes {bound} items")
    return tuple(name for name in allowed if name in value)


def _timestamp(value, field: str) -> int:
    """Unix seconds, as the spec writes them: a string of digits."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        raise _refuse(field, 'must be Unix seconds as a string of digits (such as "1622848072")')
    digits = value.lstrip("0") or "0"  # leading zeros change nothing, and are no reason to read a long number
    if len(digits) > 12 or int(digits) > MAX_TIMESTAMP:
        raise _refuse(field, f"must be at most {MAX_TIMESTAMP}")
    return int(digits)


def _entity_ids(value) -> tuple[int, ...]:
    if not isinstance(value, list):
        raise _refuse("entity_ids", "must be a list")
    if len(value) > MAX_ENTITY_IDS:
        raise _refuse("entity_ids", f"takes at most {MAX_ENTITY_IDS} ids")
    if any(not isinstance(item, str) or not (item.isascii() and item.isdigit()) for item in value):
        raise _refuse("entity_ids", "must be numeric ids, as strings of digits")
    # An id past 64 bits names no entity: it is left out, and matches nothing.
    digits = [item.lstrip("0") or "0" for item in value]
    return tuple(sorted({int(item) for item in digits if len(item) <= 19 and int(item) <= _MAX_BIGINT}))


def _storable(text: str) -> bool:
    """Text a database can compare: no NUL, and valid Unicode (JSON can escape a lone
    surrogate, which no database takes)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _campaign_filter(value) -> CampaignFilter:
    if not isinstance(value, dict):
        raise _refuse("campaign_filter", "must be an object")
    name = value.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > MAX_NAME_LENGTH):
        raise _refuse("campaign_filter.name", f"must be a string of at most {MAX_NAME_LENGTH} characters")
    if name is not None and not _storable(name):
        raise _refuse("campaign_filter.name", "must be text without NUL characters or unpaired surrogates")
    statuses = value.get("campaign_status")
    objectives = value.get("objective_type")
    start, end = value.get("start_time"), value.get("end_time")
    return CampaignFilter(
        statuses=() if statuses is None else _enum_list(statuses, "campaign_filter.campaign_status",
                                                         CAMPAIGN_SUMMARY_STATUSES),
        objective_types=() if objectives is None else _enum_list(objectives, "campaign_filter.objective_type",
                                                                 OBJECTIVE_TYPES),
        name=name or None,
        start_time=None if start is None else _timestamp(start, "campaign_filter.start_time"),
        end_time=None if end is None else _timestamp(end, "campaign_filter.end_time"),
    )


def parse(body) -> BulkDownload:
    """The request a BulkDownloadRequest body asks for (module docstring); InvalidParameters
    naming the field otherwise."""
    if not isinstance(body, dict):
        raise InvalidParameters("Invalid parameters: the body must be a JSON object (a BulkDownloadRequest).")
    types = body.get("entity_types")
    output_format = body.get("output_format")
    if output_format is not None and output_format not in OUTPUT_FORMATS:
        raise _refuse("output_format", f"must be one of {', '.join(OUTPUT_FORMATS)}")
    ids = body.get("entity_ids")
    since = body.get("updated_since")
    campaigns = body.get("campaign_filter")
    return BulkDownload(
        entity_types=STORED_ENTITY_TYPES if types is None else _enum_list(
            types, "entity_types", ENTITY_TYPES, min_items=1, max_items=MAX_ENTITY_TYPES),
        output_format=output_format or "JSON",
        entity_ids=None if ids is None else _entity_ids(ids),
        updated_since=None if since is None else _timestamp(since, "updated_since"),
        campaign_filter=None if campaigns is None else _campaign_filter(campaigns),
    )
