"""The file a bulk download delivers: a zip archive with one member per entity type asked
for, in the order of Pinterest's BulkEntityType, written as the rows come.

Pinterest delivers a bulk download as a zipped file behind ``result_url``; pinsight's
holds ``CAMPAIGN.json``, ``AD_GROUP.json``, ``AD.json`` (or ``.csv``), one per type:

* JSON: an array of the entities as the API answers them (CampaignResponse,
  AdGroupResponse, AdResponse: the objects the list operations return);
* CSV: a header row of those objects' top-level fields (``CSV_COLUMNS``), then a row per
  entity: strings as they are, null as an empty cell, every other value (numbers,
  booleans, objects, lists) as its JSON text.

A type pinsight keeps nothing of (PRODUCT_GROUP, KEYWORD, LABEL, SCHEDULE) gets an empty
member: ``[]`` in JSON, an empty file in CSV (there are no fields to name).

The archive is written in one pass, never seeking back, so it streams to an object store
upload as well as to a local file: each member is opened with ``force_zip64`` (its size
is not known when its header is written) and its sizes follow its data.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

# The top-level fields of each stored type's answer, in the order the API gives them.
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "CAMPAIGN": (
        "id", "ad_account_id", "name", "status", "objective_type", "daily_spend_cap", "lifetime_spend_cap",
        "start_time", "end_time", "tracking_urls", "is_flexible_daily_budgets",
        "default_ad_group_budget_in_micro_currency", "is_campaign_budget_optimization", "is_automated_campaign",
        "order_line_id", "bid_options", "summary_status", "type", "created_time", "updated_time",
    ),
    "AD_GROUP": (
        "id", "ad_account_id", "campaign_id", "name", "status", "budget_in_micro_currency", "bid_in_micro_currency",
        "budget_type", "start_time", "end_time", "targeting_spec", "lifetime_frequency_cap", "tracking_urls",
        "auto_targeting_enabled", "placement_group", "pacing_delivery_type", "billable_event", "bid_strategy_type",
        "optimization_goal_metadata", "targeting_template_ids", "is_creative_optimization", "bid_multiplier",
        "promotion_id", "promotion_application_level", "conversion_learning_mode_type", "summary_status", "type",
        "created_time", "updated_time",
    ),
    "AD": (
        "id", "ad_account_id", "campaign_id", "ad_group_id", "pin_id", "name", "status", "creative_type",
        "android_deep_link", "carousel_android_deep_links", "carousel_destination_urls", "carousel_ios_deep_links",
        "click_tracking_url", "customizable_cta_type", "destination_url", "disclosure_type", "disclosure_url",
        "ios_deep_link", "lead_form_id", "quiz_pin_data", "tracking_urls", "view_tracking_url", "is_removable",
        "is_pin_deleted", "grid_click_type", "collection_items_destination_url_template", "review_status",
        "rejected_reasons", "rejection_labels", "summary_status", "type", "created_time", "updated_time",
    ),
}

ARCHIVE_NAME = "bulk_download.zip"
_EXTENSIONS = {"JSON": "json", "CSV": "csv"}


def member_name(entity_type: str, output_format: str) -> str:
    return f"{entity_type}.{_EXTENSIONS[output_format]}"


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


class _JsonArray:
    """Entities as one JSON array, written an entity at a time."""

    def __init__(self, text: io.TextIOBase):
        self._text, self._first = text, True
        text.write("[")

    def write(self, entities: list[dict]) -> None:
        for entity in entities:
            self._text.write("\n" if self._first else ",\n")
            self._text.write(json.dumps(entity, separators=(",", ":")))
            self._first = False

    def close(self) -> None:
        self._text.write("]\n" if self._first else "\n]\n")


class _CsvRows:
    """Entities as CSV rows under a header of ``columns`` (none: an empty file)."""

    def __init__(self, text: io.TextIOBase, columns: tuple[str, ...]):
        self._columns = columns
        self._writer = csv.writer(text, lineterminator="\r\n")
        if columns:
            self._writer.writerow(columns)

    def write(self, entities: list[dict]) -> None:
        unknown = {key for entity in entities for key in entity} - set(self._columns)
        if unknown:
            raise ValueError(f"fields without a CSV column: {sorted(unknown)}")
        self._writer.writerows([csv_cell(entity.get(column)) for column in self._columns] for entity in entities)

    def close(self) -> None:
        pass


class Archive:
    """The zip being written to ``sink``: ``member`` opens one entity type's file."""

    def __init__(self, sink: BinaryIO, output_format: str):
        self._zip = zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED)
        self._format = output_format

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self._zip.close()

    @contextmanager
    def member(self, entity_type: str) -> Iterator[_JsonArray | _CsvRows]:
        with self._zip.open(member_name(entity_type, self._format), "w", force_zip64=True) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            if self._format == "JSON":
                writer: _JsonArray | _CsvRows = _JsonArray(text)
            else:
                writer = _CsvRows(text, CSV_COLUMNS.get(entity_type, ()))
            yield writer
            writer.close()
            text.flush()
            text.detach()  # the member is closed by its own context, not by the wrapper
