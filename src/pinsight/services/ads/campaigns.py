"""Campaigns of an ad account: create and update in batches, get, list.

The ad account is the path's: the actor's resolution (``services.identity.access``) has
already answered 404 for an account the caller has no role on, and 403 for a role the
operation does not allow.

A create or update carries 1 to ``MAX_CAMPAIGNS_PER_REQUEST`` items, each answered on its
own, in order: ``{"data": campaign, "exceptions": []}`` when written, ``{"exceptions":
[{"code", "message"}]}`` when refused (a field the spec refuses, a schedule that ends
before it starts, both spend caps, another account's or an unknown campaign). The items
that pass are written in one transaction: all of them, or none with a 503 to retry.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pydantic import BaseModel, ValidationError

from pinsight.catalog.ads import DEFAULT_LISTED_STATUSES, ENTITY_STATUSES, MAX_CAMPAIGNS_PER_REQUEST
from pinsight.domain.ads.campaigns import summary_status
from pinsight.domain.ids import new_short_id
from pinsight.errors import ApiError, CampaignNotFound, InvalidParameters
from pinsight.services.ads.requests import CampaignCreate, CampaignUpdate
from pinsight.services.identity.access import Actor, parse_id
from pinsight.services.pages import paginate
from pinsight.services.runtime import Runtime
from pinsight.store.ads import campaigns as store

MAX_LISTED_IDS = 250
ORDERS = ("ASCENDING", "DESCENDING")
# Fields a request sets as given (the rest are JSON objects, kept as text).
_PLAIN_FIELDS = (
    "name", "status", "objective_type", "daily_spend_cap", "lifetime_spend_cap", "start_time", "end_time",
    "is_flexible_daily_budgets", "default_ad_group_budget_in_micro_currency", "is_campaign_budget_optimization",
    "is_automated_campaign", "order_line_id",
)
_JSON_FIELDS = ("tracking_urls", "bid_options")
# Fields an update may not clear.
_NOT_NULL = ("name", "status")


def _seconds(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def _loaded(text: str | None):
    return None if text is None else json.loads(text)


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
        "tracking_urls": _loaded(row["tracking_urls"]),
        "is_flexible_daily_budgets": row["is_flexible_daily_budgets"],
        "default_ad_group_budget_in_micro_currency": row["default_ad_group_budget_in_micro_currency"],
        "is_campaign_budget_optimization": row["is_campaign_budget_optimization"],
        "is_automated_campaign": row["is_automated_campaign"],
        "order_line_id": row["order_line_id"],
        "bid_options": _loaded(row["bid_options"]),
        "summary_status": summary_status(row["status"], row["start_time"], row["end_time"], now),
        "type": "campaign",
        "created_time": _seconds(row["created_at"]),
        "updated_time": _seconds(row["updated_at"]),
    }


# --- one item --------------------------------------------------------------------------------


class ItemRefused(Exception):
    """One item of a batch that is not written: its exception entry."""

    def __init__(self, error: ApiError):
        super().__init__(error.message)
        self.error = error


def _refused(message: str) -> ItemRefused:
    return ItemRefused(InvalidParameters(f"Invalid parameters: {message}"))


def _describe(error: dict) -> str:
    location = ".".join(str(part) for part in error.get("loc", ()))
    return f"{location}: {error.get('msg', 'invalid value')}" if location else error.get("msg", "invalid value")


def _parse(model: type[BaseModel], item, actor: Actor) -> BaseModel:
    if not isinstance(item, dict):
        raise _refused("each campaign must be a JSON object.")
    try:
        parsed = model.model_validate(item)
    except ValidationError as error:
        raise _refused("; ".join(_describe(problem) for problem in error.errors()[:3])) from None
    if int(parsed.ad_account_id) != actor.ad_account_id:
        raise _refused("ad_account_id must be the ad account of the path.")
    return parsed


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
        raise _refused("name must not be empty.")
    if campaign["daily_spend_cap"] is not None and campaign["lifetime_spend_cap"] is not None:
        raise _refused("daily_spend_cap and lifetime_spend_cap cannot both be set.")
    start, end = campaign["start_time"], campaign["end_time"]
    if start is not None and end is not None and end <= start:
        raise _refused("end_time must be after start_time.")


def _entry(data: dict | None = None, error: ApiError | None = None) -> dict:
    if error is not None:
        return {"exceptions": [{"code": error.code, "message": error.message}]}
    return {"data": data, "exceptions": []}


def _check_batch(items) -> None:
    # The route has checked this already (a plain 400); the service holds to it as well.
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_CAMPAIGNS_PER_REQUEST:
        raise InvalidParameters(f"Invalid parameters: send a JSON array of 1 to {MAX_CAMPAIGNS_PER_REQUEST} campaigns.")


# --- operations ------------------------------------------------------------------------------


def create_campaigns(rt: Runtime, actor: Actor, items: list) -> dict:
    _check_batch(items)
    now = rt.clock.now()
    answers: list[dict | None] = []
    rows: list[tuple[int, dict]] = []
    for position, item in enumerate(items):
        try:
            parsed = _parse(CampaignCreate, item, actor)
            campaign = _values(parsed, (*_PLAIN_FIELDS, *_JSON_FIELDS))
            if campaign["start_time"] is None:
                campaign["start_time"] = _seconds(now)  # the spec: it starts now unless told otherwise
            _check(campaign)
        except ItemRefused as refused:
            answers.append(_entry(error=refused.error))
            continue
        rows.append((position, {"id": new_short_id(), "ad_account_id": actor.ad_account_id, **campaign,
                                "created_at": now, "updated_at": now}))
        answers.append(None)
    if rows:
        with rt.write() as conn:
            for _, row in rows:
                store.insert_campaign(conn, **row)
    for position, row in rows:
        answers[position] = _entry(render(row, _seconds(now)))
    return {"items": answers}


def update_campaigns(rt: Runtime, actor: Actor, items: list) -> dict:
    _check_batch(items)
    now = rt.clock.now()
    parsed_items: list[BaseModel | ItemRefused] = []
    for item in items:
        try:
            parsed_items.append(_parse(CampaignUpdate, item, actor))
        except ItemRefused as refused:
            parsed_items.append(refused)
    answers: list[dict] = []
    with rt.write() as conn:
        ids = [int(parsed.id) for parsed in parsed_items if isinstance(parsed, CampaignUpdate)]
        # Read once, then follow each item's changes: an id sent twice sees its first change.
        current = store.campaigns_by_id(conn, actor.ad_account_id, ids)
        changed: set[int] = set()
        for parsed in parsed_items:
            try:
                if isinstance(parsed, ItemRefused):
                    raise parsed
                campaign_id = int(parsed.id)
                stored = current.get(campaign_id)
                if stored is None:
                    raise ItemRefused(CampaignNotFound(f"Campaign {campaign_id} not found in this ad account."))
                sent = parsed.model_fields_set - {"id", "ad_account_id"}
                changes = _values(parsed, [field for field in (*_PLAIN_FIELDS, *_JSON_FIELDS) if field in sent])
                for field in _NOT_NULL:
                    if field in changes and changes[field] is None:
                        raise _refused(f"{field} cannot be null.")
                if changes.get("objective_type", stored["objective_type"]) is None:
                    changes.pop("objective_type")  # null: keep the objective
                objective = changes.get("objective_type", stored["objective_type"])
                if objective != stored["objective_type"] and stored["status"] != "DRAFT":
                    raise _refused("objective_type can only be changed on a DRAFT campaign.")
                campaign = {**stored, **changes, "updated_at": now}
                _check(campaign)
            except ItemRefused as refused:
                answers.append(_entry(error=refused.error))
                continue
            current[campaign_id] = campaign
            changed.add(campaign_id)
            answers.append(_entry(campaign))
        for campaign_id in sorted(changed):
            campaign = current[campaign_id]
            store.update_campaign(conn, campaign_id, **{field: campaign[field] for field in
                                                         (*_PLAIN_FIELDS, *_JSON_FIELDS, "updated_at")})
    at = _seconds(now)
    return {"items": [_entry(render(entry["data"], at)) if "data" in entry else entry for entry in answers]}


def get_campaign(rt: Runtime, actor: Actor, campaign_id: str) -> dict:
    wanted = parse_id(campaign_id, "Campaign", CampaignNotFound)
    with rt.engine.connect() as conn:
        row = store.get_campaign(conn, actor.ad_account_id, wanted)
    if row is None:
        raise CampaignNotFound()
    return render(row, _seconds(rt.clock.now()))


def _listed(values: list[str] | None) -> list[str]:
    """Repeated parameters and comma-separated lists alike."""
    return [part for value in values or [] for part in value.split(",") if part]


def list_campaigns(
    rt: Runtime,
    actor: Actor,
    campaign_ids: list[str] | None,
    entity_statuses: list[str] | None,
    order: str | None,
    bookmark: str | None,
    page_size: int,
) -> dict:
    ids = _listed(campaign_ids)
    if campaign_ids is not None and not 1 <= len(ids) <= MAX_LISTED_IDS:
        raise InvalidParameters(f"Invalid parameters: campaign_ids takes 1 to {MAX_LISTED_IDS} ids.")
    if any(not (value.isascii() and value.isdigit()) or len(value) > 18 for value in ids):
        raise InvalidParameters("Invalid parameters: campaign_ids are numeric ids of up to 18 digits.")
    statuses = _listed(entity_statuses) or list(DEFAULT_LISTED_STATUSES)
    unknown = sorted(set(statuses) - set(ENTITY_STATUSES))
    if unknown:
        raise InvalidParameters(f"Invalid parameters: unknown entity_statuses {', '.join(unknown)}.")
    order = order or "DESCENDING"
    ascending = order == "ASCENDING"
    wanted_ids = sorted({int(value) for value in ids})
    wanted_statuses = sorted(set(statuses))
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
    at = _seconds(rt.clock.now())
    return {"items": [render(row, at) for row in rows], "bookmark": next_bookmark}
