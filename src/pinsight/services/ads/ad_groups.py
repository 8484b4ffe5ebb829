"""Ad groups of an ad account: create and update in batches, get, list.

The ad account is the path's (``services.identity.access`` has answered 404 or 403 for a
caller without a role that allows the operation). Batches are answered item by item
(``services.ads.batches``): ``{"data": ad group, "exceptions": []}`` when written,
``{"exceptions": [{"code", "message"}]}`` when refused. An item is refused for a field the
spec refuses, for a campaign that is not the account's (code 404), and for a rule it breaks
as a whole against its campaign (``domain.ads.ad_groups``: a schedule inside the campaign's,
the budget and bid the campaign needs...). The items that pass are written in one
transaction, with their campaigns held unchanged until it ends.

An ad group's filterable fields are columns (name, status, schedule, campaign); everything
else a client sets is one JSON object, ``attributes``, rendered back as set.
"""

from __future__ import annotations

import json

from pydantic import BaseModel

from pinsight.catalog.ads import CBO_BUDGET_TYPE, CLEAR_TARGETING_TEMPLATES
from pinsight.domain.ads import ad_groups as rules
from pinsight.domain.ads.campaigns import summary_status
from pinsight.domain.ids import new_short_id
from pinsight.errors import AdGroupNotFound, CampaignNotFound
from pinsight.services.ads.batches import (
    MAX_CAMPAIGN_ID_DIGITS,
    ItemRefused,
    apply_updates,
    check_batch,
    dumped,
    entity_id,
    id_filter,
    list_order,
    listed_entry,
    only_one_filter,
    parse_items,
    plain,
    refused,
    seconds,
    status_filter,
)
from pinsight.services.ads.requests import AdGroupCreate, AdGroupUpdate
from pinsight.services.identity.access import Actor, parse_id
from pinsight.services.pages import paginate
from pinsight.services.runtime import Runtime
from pinsight.store.ads import ad_groups as store
from pinsight.store.ads import campaigns as campaign_store

# The fields a client sets that are columns; the others are kept in ``attributes``.
_COLUMNS = ("name", "status", "start_time", "end_time")
_ATTRIBUTES = (
    "budget_in_micro_currency", "bid_in_micro_currency", "budget_type", "lifetime_frequency_cap", "targeting_spec",
    "tracking_urls", "auto_targeting_enabled", "placement_group", "pacing_delivery_type", "billable_event",
    "bid_strategy_type", "optimization_goal_metadata", "targeting_template_ids", "is_creative_optimization",
    "bid_multiplier", "promotion_id", "promotion_application_level",
)
_FIELDS = (*_COLUMNS, *_ATTRIBUTES)
# The spec's defaults, for a row whose attributes lack them (one written by other means than
# this service, such as a test or an import): every ad group answers with them.
_DEFAULTS = {"budget_type": "DAILY", "placement_group": "ALL", "pacing_delivery_type": "STANDARD"}


# --- stored and rendered ----------------------------------------------------------------------


def _loaded(row) -> dict:
    """A stored ad group as one dict of its fields (columns and attributes alike)."""
    fields = {key: row[key] for key in ("id", "ad_account_id", "campaign_id", *_COLUMNS, "created_at", "updated_at")}
    return {**fields, **_DEFAULTS, **json.loads(row["attributes"])}


def _row(ad_group: dict) -> dict:
    """What an ad group's row holds: its columns, and its other set fields as ``attributes``."""
    attributes = {key: ad_group[key] for key in _ATTRIBUTES if ad_group.get(key) is not None}
    keys = ("id", "ad_account_id", "campaign_id", *_COLUMNS, "created_at", "updated_at")
    return {**{key: ad_group[key] for key in keys}, "attributes": dumped(attributes)}


def render(ad_group: dict, campaign_start: int | None, campaign_end: int | None, now: int) -> dict:
    """An ad group as Pinterest answers one (``AdGroupResponse``). Fields the spec does not let
    be null are always given (their defaults) or left out (``lifetime_frequency_cap`` unset);
    the summary status follows the ad group's schedule, its campaign's where it has none."""
    start = ad_group["start_time"] if ad_group["start_time"] is not None else campaign_start
    end = ad_group["end_time"] if ad_group["end_time"] is not None else campaign_end
    goal = ad_group.get("optimization_goal_metadata") or {}
    answer = {
        "id": str(ad_group["id"]),
        "ad_account_id": str(ad_group["ad_account_id"]),
        "campaign_id": str(ad_group["campaign_id"]),
        "name": ad_group["name"],
        "status": ad_group["status"],
        "budget_in_micro_currency": ad_group.get("budget_in_micro_currency"),
        "bid_in_micro_currency": ad_group.get("bid_in_micro_currency"),
        "budget_type": ad_group["budget_type"],
        "start_time": ad_group["start_time"],
        "end_time": ad_group["end_time"],
        "targeting_spec": ad_group.get("targeting_spec") or {},
        "lifetime_frequency_cap": ad_group.get("lifetime_frequency_cap"),
        "tracking_urls": ad_group.get("tracking_urls"),
        "auto_targeting_enabled": ad_group.get("auto_targeting_enabled"),
        "placement_group": ad_group["placement_group"],
        "pacing_delivery_type": ad_group["pacing_delivery_type"],
        "billable_event": ad_group.get("billable_event"),
        "bid_strategy_type": ad_group.get("bid_strategy_type"),
        "optimization_goal_metadata": ad_group.get("optimization_goal_metadata"),
        "targeting_template_ids": ad_group.get("targeting_template_ids"),
        "is_creative_optimization": ad_group.get("is_creative_optimization"),
        "bid_multiplier": ad_group.get("bid_multiplier"),
        "promotion_id": ad_group.get("promotion_id"),
        "promotion_application_level": ad_group.get("promotion_application_level"),
        "conversion_learning_mode_type": (goal.get("conversion_tag_v3_goal_metadata") or {}).get("learning_mode_type"),
        "summary_status": summary_status(ad_group["status"], start, end, now),
        "type": "adgroup",
        "created_time": seconds(ad_group["created_at"]),
        "updated_time": seconds(ad_group["updated_at"]),
    }
    for field in ("billable_event", "lifetime_frequency_cap"):
        if answer[field] is None:
            del answer[field]  # the spec lets neither be null: unset, it is left out
    return answer


def _render_stored(row, now: int) -> dict:
    return render(_loaded(row), row["campaign_start_time"], row["campaign_end_time"], now)


def render_row(row, now: int) -> dict:
    """An ad group as read with its campaign's schedule (``store.ads.ad_groups``'s reads,
    and ``store.ads.bulk``'s), as answered: for bulk downloads, which render as the list does."""
    return _render_stored(row, now)


# --- one item --------------------------------------------------------------------------------


def _normalized(field: str, value):
    """A sent value as stored: the spec's ways of clearing a field become null."""
    if field == "name":
        return value.strip()
    if field == "bid_multiplier" and value == 0:
        return None  # "Enter 0 to remove the bid multiplier."
    if field == "targeting_template_ids" and value == [CLEAR_TARGETING_TEMPLATES]:
        return None  # "To clear all targeting template IDs, set this field to ['0']."
    if field == "tracking_urls" and value == {}:
        return None  # "Pass in an empty object - {} - to remove tracking URLs."
    return value


def _values(parsed: BaseModel, fields) -> dict:
    return {field: _normalized(field, plain(getattr(parsed, field))) for field in fields}


def _check(ad_group: dict, campaign: dict) -> None:
    found = rules.problem(ad_group, campaign)
    if found:
        raise refused(found)


def _campaign_of(parsed: AdGroupCreate, campaigns: dict[int, dict]) -> dict:
    campaign = campaigns.get(entity_id(parsed.campaign_id, "C"))
    if campaign is None:
        raise ItemRefused(CampaignNotFound(f"Campaign {parsed.campaign_id} not found in this ad account."))
    return campaign


# --- operations ------------------------------------------------------------------------------


def create_ad_groups(rt: Runtime, actor: Actor, items: list) -> dict:
    check_batch(items, "ad groups")
    now = rt.clock.now()
    at = seconds(now)
    parsed_items = parse_items(AdGroupCreate, items, actor, "ad group")
    answers: list[dict] = []
    written: list[dict] = []
    if not any(isinstance(parsed, AdGroupCreate) for parsed in parsed_items):
        return {"items": [listed_entry(error=refusal.error) for refusal in parsed_items]}
    with rt.write() as conn:
        wanted = {entity_id(parsed.campaign_id, "C") for parsed in parsed_items if isinstance(parsed, AdGroupCreate)}
        campaigns = campaign_store.campaigns_by_id(conn, actor.ad_account_id, [c for c in wanted if c is not None],
                                                   shared=True)
        for parsed in parsed_items:
            try:
                if isinstance(parsed, ItemRefused):
                    raise parsed
                campaign = _campaign_of(parsed, campaigns)
                fields = _values(parsed, _FIELDS)
                if fields["budget_type"] is None:
                    # The spec's default is DAILY; a budget-optimized campaign's ad groups take only CBO_ADGROUP.
                    fields["budget_type"] = CBO_BUDGET_TYPE if campaign["is_campaign_budget_optimization"] else "DAILY"
                found = rules.template_problem({field: fields[field] for field in parsed.model_fields_set
                                                if field in fields})
                if found:
                    raise refused(found)
                ad_group = {"id": new_short_id(), "ad_account_id": actor.ad_account_id, "campaign_id": campaign["id"],
                            **fields, "created_at": now, "updated_at": now}
                _check(ad_group, campaign)
            except ItemRefused as refusal:
                answers.append(listed_entry(error=refusal.error))
                continue
            written.append(ad_group)
            answers.append(listed_entry(render(ad_group, campaign["start_time"], campaign["end_time"], at)))
        store.insert_ad_groups(conn, [_row(ad_group) for ad_group in written])
    return {"items": answers}


def update_ad_groups(rt: Runtime, actor: Actor, items: list) -> dict:
    check_batch(items, "ad groups")
    now = rt.clock.now()
    parsed_items = parse_items(AdGroupUpdate, items, actor, "ad group")
    campaigns: dict[int, dict] = {}

    def change(parsed: AdGroupUpdate, stored: dict) -> dict:
        sent = parsed.model_fields_set - {"id", "ad_account_id"}
        if "campaign_id" in sent and entity_id(parsed.campaign_id, "C") != stored["campaign_id"]:
            raise refused("campaign_id cannot be changed: an ad group stays in its campaign.")
        changes = _values(parsed, [field for field in _FIELDS if field in sent])
        for found in (rules.draft_only_problem(stored, changes), rules.template_problem(changes)):
            if found:
                raise refused(found)
        ad_group = {**stored, **changes, "updated_at": now}
        _check(ad_group, campaigns[stored["campaign_id"]])
        return ad_group

    with rt.write() as conn:
        ids = [entity_id(parsed.id) for parsed in parsed_items if isinstance(parsed, AdGroupUpdate)]
        # Held for the update. Their campaigns are held unchanged while they are checked.
        current = {key: _loaded(row) for key, row in
                   store.ad_groups_by_id(conn, actor.ad_account_id, [i for i in ids if i is not None]).items()}
        campaigns.update(campaign_store.campaigns_by_id(conn, actor.ad_account_id,
                                                        sorted({group["campaign_id"] for group in current.values()}),
                                                        shared=True))
        answers, changed = apply_updates(
            parsed_items, current, lambda sent: AdGroupNotFound(f"Ad group {sent} not found in this ad account."),
            change, listed_entry)
        for ad_group_id in changed:
            row = _row(current[ad_group_id])
            store.update_ad_group(conn, ad_group_id, **{key: row[key] for key in (*_COLUMNS, "attributes", "updated_at")})
    at = seconds(now)

    def rendered(entry: dict) -> dict:
        if "data" not in entry:
            return entry
        campaign = campaigns[entry["data"]["campaign_id"]]
        return listed_entry(render(entry["data"], campaign["start_time"], campaign["end_time"], at))

    return {"items": [rendered(entry) for entry in answers]}


def get_ad_group(rt: Runtime, actor: Actor, ad_group_id: str) -> dict:
    wanted = parse_id(ad_group_id, "Ad group", AdGroupNotFound)
    with rt.engine.connect() as conn:
        row = store.get_ad_group(conn, actor.ad_account_id, wanted)
    if row is None:
        raise AdGroupNotFound()
    return _render_stored(row, seconds(rt.clock.now()))


def list_ad_groups(
    rt: Runtime,
    actor: Actor,
    campaign_ids: list[str] | None,
    ad_group_ids: list[str] | None,
    entity_statuses: list[str] | None,
    order: str | None,
    bookmark: str | None,
    page_size: int,
) -> dict:
    """The spec's ``translate_interests_to_names`` is taken by the route and changes nothing:
    pinsight keeps interests as they were sent, and has no catalogue of interest names."""
    wanted_campaigns = id_filter(campaign_ids, "campaign_ids", MAX_CAMPAIGN_ID_DIGITS)
    wanted_groups = id_filter(ad_group_ids, "ad_group_ids")
    only_one_filter(campaign_ids=wanted_campaigns, ad_group_ids=wanted_groups)
    wanted_statuses = status_filter(entity_statuses)
    order, ascending = list_order(order)
    account_id = actor.ad_account_id
    with rt.engine.connect() as conn:
        rows, next_bookmark = paginate(
            rt,
            actor,
            page_size,
            bookmark,
            lambda after, limit: store.list_ad_groups(conn, account_id, wanted_campaigns, wanted_groups,
                                                      wanted_statuses, ascending, after, limit),
            ad_account_id=account_id,
            campaign_ids=tuple(wanted_campaigns),
            ad_group_ids=tuple(wanted_groups),
            entity_statuses=tuple(wanted_statuses),
            order=order,
        )
    at = seconds(rt.clock.now())
    return {"items": [_render_stored(row, at) for row in rows], "bookmark": next_bookmark}
