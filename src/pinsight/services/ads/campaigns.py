"""Campaigns of an ad account: create and update in batches, get, list.

The ad account is the path's: the actor's resolution (``services.identity.access``) has
already answered 404 for an account the caller has no role on, and 403 for a role the
operation does not allow.

A create or update carries 1 to ``MAX_ITEMS_PER_REQUEST`` items, each answered on its
own, in order (``services.ads.batches``): ``{"data": campaign, "exceptions": []}`` when
written, ``{"exceptions": [{"code", "message"}]}`` when refused (a field the spec refuses, a
schedule that ends before it starts, both spend caps, another account's or an unknown
campaign). The items that pass are written in one transaction: all of them, or none with a
503 to retry.
"""

from __future__ import annotations

import json

from pydantic import BaseModel

from pinsight.domain.ads.campaigns import summary_status
from pinsight.domain.ids import new_short_id
from pinsight.errors import CampaignNotFound
from pinsight.services.ads.batches import (
    MAX_CAMPAIGN_ID_DIGITS,
    ItemRefused,
    apply_updates,
    check_batch,
    entity_id,
    id_filter,
    list_order,
    listed_entry,
    loaded,
    parse_item,
    parse_items,
    refused,
    seconds,
    status_filter,
)
from pinsight.services.ads.requests import CampaignCreate, CampaignUpdate
from pinsight.services.identity.access import Actor, parse_id
from pinsight.services.pages import paginate
from pinsight.services.runtime import Runtime
from pinsight.store.ads import campaigns as store

# Fields a request sets as given (the rest are JSON objects, kept as text).
_PLAIN_FIELDS = (
    "name", "status", "objective_type", "daily_spend_cap", "lifetime_spend_cap", "start_time", "end_time",
    "is_flexible_daily_budgets", "default_ad_group_budget_in_micro_currency", "is_campaign_budget_optimization",
    "is_automated_campaign", "order_line_id",
)
_JSON_FIELDS = ("tracking_urls", "bid_options")
# Fields an update may not clear.
_NOT_NULL = ("name", "status")


def render(row, now: int) -> dict:
    """A campaign as Pinterest answers one (``CampaignResponse``)."""
    return {
        "id": str(row["id"]),
        "ad_account_id": str(row["ad_account_id"]),
        "name": row["name"],
        "status": row["status"],
        "objective_type": row["objective_type"],
        "daily_spend_cap": row["daily_spend_cap"],
        "lifetime_spend_cap": row["lifetime_spend_cap"],
        "start_time": row["start_time"],
        "end_time": row["end_time"],
        "tracking_urls": loaded(row["tracking_urls"]),
        "is_flexible_daily_budgets": row["is_flexible_daily_budgets"],
        "default_ad_group_budget_in_micro_currency": row["default_ad_group_budget_in_micro_currency"],
        "is_campaign_budget_optimization": row["is_campaign_budget_optimization"],
        "is_automated_campaign": row["is_automated_campaign"],
        "order_line_id": row["order_line_id"],
        "bid_options": loaded(row["bid_options"]),
        "summary_status": summary_status(row["status"], row["start_time"], row["end_time"], now),
        "type": "campaign",
        "created_time": seconds(row["created_at"]),
        "updated_time": seconds(row["updated_at"]),
    }


# --- one item --------------------------------------------------------------------------------


def _values(parsed: BaseModel, fields) -> dict:
    values = {}
    for field in fields:
        value = getattr(parsed, field)
        if field in _JSON_FIELDS:
            value = None if value is None else json.dumps(value.model_dump(exclude_none=True), sort_keys=True)
        elif field == "name":
            value = value.strip() if value is not None else None
        values[field] = value
    return values


def _check(campaign: dict) -> None:
    """The rules across fields, on the campaign as it would be stored."""
    if not campaign["name"]:
        raise refused("name must not be empty.")
    if campaign["daily_spend_cap"] is not None and campaign["lifetime_spend_cap"] is not None:
        raise refused("daily_spend_cap and lifetime_spend_cap cannot both be set.")
    start, end = campaign["start_time"], campaign["end_time"]
    if start is not None and end is not None and end <= start:
        raise refused("end_time must be after start_time.")


# --- operations ------------------------------------------------------------------------------


def create_campaigns(rt: Runtime, actor: Actor, items: list) -> dict:
    check_batch(items, "campaigns")
    now = rt.clock.now()
    answers: list[dict | None] = []
    rows: list[tuple[int, dict]] = []
    for position, item in enumerate(items):
        try:
            parsed = parse_item(CampaignCreate, item, actor, "campaign")
            campaign = _values(parsed, (*_PLAIN_FIELDS, *_JSON_FIELDS))
            if campaign["start_time"] is None:
                campaign["start_time"] = seconds(now)  # the spec: it starts now unless told otherwise
            _check(campaign)
        except ItemRefused as refusal:
            answers.append(listed_entry(error=refusal.error))
            continue
        rows.append((position, {"id": new_short_id(), "ad_account_id": actor.ad_account_id, **campaign,
                                "created_at": now, "updated_at": now}))
        answers.append(None)
    if rows:
        with rt.write() as conn:
            for _, row in rows:
                store.insert_campaign(conn, **row)
    for position, row in rows:
        answers[position] = listed_entry(render(row, seconds(now)))
    return {"items": answers}


def update_campaigns(rt: Runtime, actor: Actor, items: list) -> dict:
    check_batch(items, "campaigns")
    now = rt.clock.now()
    parsed_items = parse_items(CampaignUpdate, items, actor, "campaign")

    def change(parsed: CampaignUpdate, stored: dict) -> dict:
        sent = parsed.model_fields_set - {"id", "ad_account_id"}
        changes = _values(parsed, [field for field in (*_PLAIN_FIELDS, *_JSON_FIELDS) if field in sent])
        for field in _NOT_NULL:
            if field in changes and changes[field] is None:
                raise refused(f"{field} cannot be null.")
        if changes.get("objective_type", stored["objective_type"]) is None:
            changes.pop("objective_type")  # null: keep the objective
        objective = changes.get("objective_type", stored["objective_type"])
        if objective != stored["objective_type"] and stored["status"] != "DRAFT":
            raise refused("objective_type can only be changed on a DRAFT campaign.")
        campaign = {**stored, **changes, "updated_at": now}
        _check(campaign)
        return campaign

    with rt.write() as conn:
        ids = [entity_id(parsed.id) for parsed in parsed_items if isinstance(parsed, CampaignUpdate)]
        current = store.campaigns_by_id(conn, actor.ad_account_id, [i for i in ids if i is not None])
        answers, changed = apply_updates(
            parsed_items, current, lambda sent: CampaignNotFound(f"Campaign {sent} not found in this ad account."),
            change, listed_entry)
        for campaign_id in changed:
            campaign = current[campaign_id]
            store.update_campaign(conn, campaign_id, **{field: campaign[field] for field in
                                                         (*_PLAIN_FIELDS, *_JSON_FIELDS, "updated_at")})
    at = seconds(now)
    return {"items": [listed_entry(render(entry["data"], at)) if "data" in entry else entry for entry in answers]}


def get_campaign(rt: Runtime, actor: Actor, campaign_id: str) -> dict:
    wanted = parse_id(campaign_id, "Campaign", CampaignNotFound)
    with rt.engine.connect() as conn:
        row = store.get_campaign(conn, actor.ad_account_id, wanted)
    if row is None:
        raise CampaignNotFound()
    return render(row, seconds(rt.clock.now()))


def list_campaigns(
    rt: Runtime,
    actor: Actor,
    campaign_ids: list[str] | None,
    entity_statuses: list[str] | None,
    order: str | None,
    bookmark: str | None,
    page_size: int,
) -> dict:
    wanted_ids = id_filter(campaign_ids, "campaign_ids", MAX_CAMPAIGN_ID_DIGITS)
    wanted_statuses = status_filter(entity_statuses)
    order, ascending = list_order(order)
    account_id = actor.ad_account_id
    with rt.engine.connect() as conn:
        rows, next_bookmark = paginate(
            rt,
            actor,
            page_size,
            bookmark,
            lambda after, limit: store.list_campaigns(conn, account_id, wanted_ids, wanted_statuses, ascending,
                                                      after, limit),
            ad_account_id=account_id,
            campaign_ids=tuple(wanted_ids),
            entity_statuses=tuple(wanted_statuses),
            order=order,
        )
    at = seconds(rt.clock.now())
    return {"items": [render(row, at) for row in rows], "bookmark": next_bookmark}
