"""Ads of an ad account: create and update in batches, get, list.

Each ad promotes one pin in one ad group of the path's ad account (its campaign is the ad
group's). Batches are answered item by item in the spec's AdArrayResponseElement shape
(``services.ads.batches.single_entry``): ``{"data": ad}`` when written, ``{"exceptions":
{"code", "message"}}`` when refused. An item is refused for a field the spec refuses, an ad
group that is not the account's (code 404), a pin the account's owner cannot promote (code
50 when it is not one of theirs, whether another user's or none at all; a 400 for one on a
secret board, which Pinterest does not promote), a video creative for a pin without a video,
and on update for moving an ad to another ad group or, unless it is a DRAFT, to another pin.

Creating an ad marks its pin ``has_been_promoted`` in the same transaction, so
``GET /v5/pins/{pin_id}`` says so as soon as the ad exists.
"""

from __future__ import annotations

import json

from pydantic import BaseModel

from pinsight.catalog.ads import PINSIGHT_REVIEW_STATUS
from pinsight.domain.ads import ads as rules
from pinsight.domain.ids import new_short_id
from pinsight.errors import AdGroupNotFound, AdNotFound, PinNotFound
from pinsight.services.ads.batches import (
    MAX_CAMPAIGN_ID_DIGITS,
    ItemRefused,
    apply_updates,
    check_batch,
    dumped,
    entity_id,
    id_filter,
    list_order,
    only_one_filter,
    parse_items,
    plain,
    refused,
    seconds,
    single_entry,
    status_filter,
)
from pinsight.services.ads.requests import AdCreate, AdUpdate
from pinsight.services.identity.access import Actor, parse_id
from pinsight.services.pages import paginate
from pinsight.services.runtime import Runtime
from pinsight.store.ads import ad_groups as group_store
from pinsight.store.ads import pin_promotions as store

# The fields a client sets that are columns; the others are kept in ``attributes``.
_COLUMNS = ("name", "status", "creative_type")
_ATTRIBUTES = (
    "android_deep_link", "carousel_android_deep_links", "carousel_destination_urls", "carousel_ios_deep_links",
    "click_tracking_url", "customizable_cta_type", "destination_url", "disclosure_type", "disclosure_url",
    "ios_deep_link", "is_removable", "lead_form_id", "quiz_pin_data", "tracking_urls", "view_tracking_url",
)
_FIELDS = (*_COLUMNS, *_ATTRIBUTES)
_KEYS = ("id", "ad_account_id", "campaign_id", "ad_group_id", "pin_id", *_COLUMNS, "created_at", "updated_at")


# --- stored and rendered ----------------------------------------------------------------------


def _loaded(row) -> dict:
    """A stored ad as one dict of its fields, with what it needs of its pin (``pin_found``,
    ``pin_link``, ``pin_creative_type``: null once the pin is deleted)."""
    pin = {"pin_found": row["pin_found"], "pin_link": row["pin_link"], "pin_creative_type": row["pin_creative_type"]}
    return {**{key: row[key] for key in _KEYS}, **json.loads(row["attributes"]), **pin}


def _row(ad: dict) -> dict:
    attributes = {key: ad[key] for key in _ATTRIBUTES if ad.get(key) is not None}
    return {**{key: ad[key] for key in _KEYS}, "attributes": dumped(attributes)}


def render(ad: dict) -> dict:
    """An ad as Pinterest answers one (``AdResponse``). pinsight reviews nothing: every ad is
    APPROVED, rejected for no reason."""
    answer = {
        "id": str(ad["id"]),
        "ad_account_id": str(ad["ad_account_id"]),
        "campaign_id": str(ad["campaign_id"]),
        "ad_group_id": str(ad["ad_group_id"]),
        "pin_id": str(ad["pin_id"]),
        "name": ad["name"],
        "status": ad["status"],
        "creative_type": ad["creative_type"],
        **{key: ad.get(key) for key in _ATTRIBUTES if key != "is_removable"},
        "is_removable": bool(ad.get("is_removable")),
        "is_pin_deleted": ad["pin_found"] is None,
        "grid_click_type": rules.grid_click_type(ad.get("destination_url"), ad["pin_link"]),
        "collection_items_destination_url_template": None,
        "review_status": PINSIGHT_REVIEW_STATUS,
        "rejected_reasons": [],
        "rejection_labels": [],
        "summary_status": rules.summary_status(ad["status"]),
        "type": "pinpromotion",
        "created_time": seconds(ad["created_at"]),
        "updated_time": seconds(ad["updated_at"]),
    }
    return answer


def render_row(row) -> dict:
    """An ad as read with what it shows of its pin (``store.ads.pin_promotions``'s reads, and
    ``store.ads.bulk``'s), as answered: for bulk downloads, which render as the list does."""
    return render(_loaded(row))


# --- one item --------------------------------------------------------------------------------


def _values(parsed: BaseModel, fields) -> dict:
    values = {field: plain(getattr(parsed, field)) for field in fields}
    if values.get("name") is not None:
        values["name"] = values["name"].strip() or None  # a blank name is no name (the spec's name is nullable)
    return values


def _promotable(pin_id: int | None, pins: dict[int, dict], actor: Actor, sent: str) -> dict:
    """The pin ``sent`` names, when the ad account's owner may promote it: one of their own
    pins (another user's and a missing pin are answered alike, so an ad names no one's pins),
    not on a secret board."""
    pin = pins.get(pin_id)
    if pin is None or pin["owner_id"] != actor.user_id:
        raise ItemRefused(PinNotFound(f"Pin {sent} not found among the pins of the ad account's owner."))
    if pin["board_privacy"] == "SECRET":
        raise refused(f"pin {sent} is on a secret board, and a secret pin cannot be promoted.")
    return pin


def _check_creative(ad: dict) -> None:
    if ad["pin_creative_type"] is None:
        return  # the pin is gone: nothing left to fit
    found = rules.creative_problem(ad["creative_type"], ad["pin_creative_type"])
    if found:
        raise refused(found)


def _with_pin(ad: dict, pin: dict) -> dict:
    return {**ad, "pin_id": pin["id"], "pin_found": pin["id"], "pin_link": pin["link"],
            "pin_creative_type": pin["creative_type"]}


# --- operations ------------------------------------------------------------------------------


def create_ads(rt: Runtime, actor: Actor, items: list) -> dict:
    check_batch(items, "ads")
    now = rt.clock.now()
    parsed_items = parse_items(AdCreate, items, actor, "ad")
    if not any(isinstance(parsed, AdCreate) for parsed in parsed_items):
        return {"items": [single_entry(error=refusal.error) for refusal in parsed_items]}
    valid = [parsed for parsed in parsed_items if isinstance(parsed, AdCreate)]
    answers: list[dict] = []
    written: list[dict] = []
    with rt.write() as conn:
        # The ad groups are held unchanged until the ads are written (ads take their campaign from them).
        group_ids = {entity_id(parsed.ad_group_id, "AG") for parsed in valid}
        groups = group_store.ad_groups_by_id(conn, actor.ad_account_id, [g for g in group_ids if g is not None],
                                             shared=True)
        pins = store.pins_to_promote(conn, [p for p in {entity_id(parsed.pin_id) for parsed in valid} if p is not None])
        for parsed in parsed_items:
            try:
                if isinstance(parsed, ItemRefused):
                    raise parsed
                group = groups.get(entity_id(parsed.ad_group_id, "AG"))
                if group is None:
                    raise ItemRefused(AdGroupNotFound(f"Ad group {parsed.ad_group_id} not found in this ad account."))
                pin = _promotable(entity_id(parsed.pin_id), pins, actor, parsed.pin_id)
                fields = _values(parsed, _FIELDS)
                if fields["creative_type"] is None:
                    fields["creative_type"] = rules.default_creative_type(pin["creative_type"])
                ad = _with_pin({"id": new_short_id(), "ad_account_id": actor.ad_account_id,
                                "campaign_id": group["campaign_id"], "ad_group_id": group["id"], **fields,
                                "created_at": now, "updated_at": now}, pin)
                _check_creative(ad)
            except ItemRefused as refusal:
                answers.append(single_entry(error=refusal.error))
                continue
            written.append(ad)
            answers.append(single_entry(render(ad)))
        store.insert_ads(conn, [_row(ad) for ad in written])
        store.mark_promoted(conn, [ad["pin_id"] for ad in written])
    return {"items": answers}


def update_ads(rt: Runtime, actor: Actor, items: list) -> dict:
    check_batch(items, "ads")
    now = rt.clock.now()
    parsed_items = parse_items(AdUpdate, items, actor, "ad")
    valid = [parsed for parsed in parsed_items if isinstance(parsed, AdUpdate)]
    pins: dict = {}
    promoted: set[int] = set()

    def change(parsed: AdUpdate, stored: dict) -> dict:
        sent = parsed.model_fields_set - {"id", "ad_account_id"}
        if "ad_group_id" in sent and entity_id(parsed.ad_group_id, "AG") != stored["ad_group_id"]:
            raise refused("ad_group_id cannot be changed: an ad stays in its ad group.")
        ad = {**stored, **_values(parsed, [field for field in _FIELDS if field in sent]), "updated_at": now}
        # A null pin_id keeps the pin; another pin only for a DRAFT ad (the spec's AdUpdateRequest).
        if parsed.pin_id is not None and entity_id(parsed.pin_id) != stored["pin_id"]:
            if stored["status"] != "DRAFT":
                raise refused("pin_id can only be changed on a DRAFT ad.")
            ad = _with_pin(ad, _promotable(entity_id(parsed.pin_id), pins, actor, parsed.pin_id))
        _check_creative(ad)
        if ad["pin_id"] != stored["pin_id"]:
            promoted.add(ad["pin_id"])
        return ad

    with rt.write() as conn:
        ids = [entity_id(parsed.id) for parsed in valid]
        # Held for the update; read once, then each item's change is followed.
        current = {key: _loaded(row) for key, row in
                   store.ads_by_id(conn, actor.ad_account_id, [i for i in ids if i is not None]).items()}
        new_pins = {entity_id(parsed.pin_id) for parsed in valid if parsed.pin_id is not None}
        pins.update(store.pins_to_promote(conn, [p for p in new_pins if p is not None]))
        answers, changed = apply_updates(
            parsed_items, current, lambda sent: AdNotFound(f"Ad {sent} not found in this ad account."), change,
            single_entry)
        for ad_id in changed:
            row = _row(current[ad_id])
            store.update_ad(conn, ad_id, **{key: row[key] for key in ("pin_id", *_COLUMNS, "attributes", "updated_at")})
        store.mark_promoted(conn, sorted(promoted))
    return {"items": [single_entry(render(entry["data"])) if "data" in entry else entry for entry in answers]}


def get_ad(rt: Runtime, actor: Actor, ad_id: str) -> dict:
    wanted = parse_id(ad_id, "Ad", AdNotFound)
    with rt.engine.connect() as conn:
        row = store.get_ad(conn, actor.ad_account_id, wanted)
    if row is None:
        raise AdNotFound()
    return render(_loaded(row))


def list_ads(
    rt: Runtime,
    actor: Actor,
    campaign_ids: list[str] | None,
    ad_group_ids: list[str] | None,
    ad_ids: list[str] | None,
    entity_statuses: list[str] | None,
    order: str | None,
    bookmark: str | None,
    page_size: int,
) -> dict:
    wanted_campaigns = id_filter(campaign_ids, "campaign_ids", MAX_CAMPAIGN_ID_DIGITS)
    wanted_groups = id_filter(ad_group_ids, "ad_group_ids")
    wanted_ads = id_filter(ad_ids, "ad_ids")
    only_one_filter(campaign_ids=wanted_campaigns, ad_group_ids=wanted_groups, ad_ids=wanted_ads)
    wanted_statuses = status_filter(entity_statuses)
    order, ascending = list_order(order)
    account_id = actor.ad_account_id
    with rt.engine.connect() as conn:
        rows, next_bookmark = paginate(
            rt,
            actor,
            page_size,
            bookmark,
            lambda after, limit: store.list_ads(conn, account_id, wanted_campaigns, wanted_groups, wanted_ads,
                                                wanted_statuses, ascending, after, limit),
            ad_account_id=account_id,
            campaign_ids=tuple(wanted_campaigns),
            ad_group_ids=tuple(wanted_groups),
            ad_ids=tuple(wanted_ads),
            entity_statuses=tuple(wanted_statuses),
            order=order,
        )
    return {"items": [render(_loaded(row)) for row in rows], "bookmark": next_bookmark}
