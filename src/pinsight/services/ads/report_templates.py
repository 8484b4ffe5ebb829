"""Report templates: saved async report requests of an ad account, listed by
``templates/list`` and run by ``analytics/create_template_report``.

A template holds an async report request (``domain.ads.report_request``) without its
dates, and where its range lies relative to the day a report is made from it
(``report_start_relative_days_in_past`` to ``report_end_relative_days_in_past``). Making
a report from it may name other dates or another granularity; the request is then checked
and queued exactly as ``analytics/create_report`` does. Pinterest's API has no call that
creates templates (its Ads Manager does); pinsight's is ``pinsight template create``.
"""

from __future__ import annotations

import json
from datetime import timedelta

from pinsight.catalog.ad_actions import DEFAULT_REPORT_TIME, DEFAULT_WINDOWS, ActionKind
from pinsight.catalog.ad_reporting import DEFAULT_REPORT_FORMAT
from pinsight.domain.ads.report_request import parse_report_request
from pinsight.domain.ids import new_short_id
from pinsight.errors import InvalidParameters, NotFound
from pinsight.services.ads import reports
from pinsight.services.ads.batches import list_order, seconds
from pinsight.services.identity.access import Actor, parse_id
from pinsight.services.pages import paginate
from pinsight.services.runtime import Runtime
from pinsight.store.ads import ads as ads_store
from pinsight.store.ads import report_templates as store

DATE_FIELDS = ("start_date", "end_date")


class TemplateNotFound(NotFound):
    message = "Template not found."


def create_template(rt: Runtime, *, ad_account_id: int, user_id: int, name: str, request: dict,
                    start_days_ago: int, end_days_ago: int) -> dict:
    """Save ``request`` (an async report request; its dates, if any, are dropped) as a
    template of the ad account; checked now as a report made today would be."""
    if not name.strip() or len(name) > 255:
        raise InvalidParameters("A template's name is 1 to 255 characters.")
    if not 0 <= end_days_ago <= start_days_ago:
        raise InvalidParameters("The template's range must end no earlier than it starts, and not in the future.")
    body = {key: value for key, value in request.items() if key not in DATE_FIELDS}
    parse_report_request(_dated(body, start_days_ago, end_days_ago, rt.clock.today()), today=rt.clock.today())
    definition = {"request": body, "start_days_ago": start_days_ago, "end_days_ago": end_days_ago}
    # Short ids: the spec's template ids are at most 18 digits.
    template_id, now = new_short_id(), rt.clock.now()
    with rt.write() as conn:
        store.insert_template(conn, template_id=template_id, ad_account_id=ad_account_id, user_id=user_id, name=name,
                              definition=json.dumps(definition, sort_keys=True), at=now)
        return _render(store.get_template(conn, ad_account_id, template_id), user_id)


def create_template_for_account(rt: Runtime, ad_account_id: str, *, name: str, request: object,
                                start_days_ago: int, end_days_ago: int) -> dict:
    """``create_template`` for the ad account of that id, owned by its owner (the CLI's way in)."""
    account_id = parse_id(ad_account_id, "Ad account", NotFound)
    with rt.engine.connect() as conn:
        account = ads_store.get_ad_account(conn, account_id)
    if account is None:
        raise NotFound("Ad account not found.")
    owner_id = account["owner_id"]
    if not isinstance(request, dict):
        raise InvalidParameters("The template's request must be a JSON object.")
    return create_template(rt, ad_account_id=account_id, user_id=owner_id, name=name, request=request,
                           start_days_ago=start_days_ago, end_days_ago=end_days_ago)


def _dated(body: dict, start_days_ago: int, end_days_ago: int, today) -> dict:
    return {**body, "start_date": (today - timedelta(days=start_days_ago)).isoformat(),
            "end_date": (today - timedelta(days=end_days_ago)).isoformat()}


def _render(row, viewer_id: int) -> dict:
    """A stored template as the spec's TemplateResponse."""
    definition = json.loads(row["definition"])
    request = definition["request"]
    filters = request.get("metrics_filters")
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "ad_account_id": str(row["ad_account_id"]),
        "ad_account_ids": [str(row["ad_account_id"])],
        "user_id": str(row["user_id"]),
        "is_owned_by_user": row["user_id"] == viewer_id,
        "is_deleted": False,
        "is_scheduled": False,
        "type": "BULK",
        "creation_source": "ADS_API",
        "report_level": request["level"],
        "columns": request["columns"],
        "granularity": request["granularity"],
        "report_format": request.get("report_format") or DEFAULT_REPORT_FORMAT,
        "click_window_days": int(request.get("click_window_days", DEFAULT_WINDOWS[ActionKind.CLICK])),
        "engagement_window_days": int(request.get("engagement_window_days", DEFAULT_WINDOWS[ActionKind.ENGAGEMENT])),
        "view_window_days": int(request.get("view_window_days", DEFAULT_WINDOWS[ActionKind.VIEW])),
        "conversion_report_time_type": request.get("conversion_report_time") or DEFAULT_REPORT_TIME,
        "report_start_relative_days_in_past": definition["start_days_ago"],
        "report_end_relative_days_in_past": definition["end_days_ago"],
        "filters_json": json.dumps(filters) if filters else None,
        "updated_time": seconds(row["updated_at"]),
    }


def list_templates(rt: Runtime, actor: Actor, order: str | None, bookmark: str | None, page_size: int) -> dict:
    order, ascending = list_order(order)
    account_id = actor.ad_account_id
    with rt.engine.connect() as conn:
        rows, next_bookmark = paginate(
            rt, actor, page_size, bookmark,
            lambda after, limit: store.list_templates(conn, account_id, ascending, after, limit),
            ad_account_id=account_id, order=order,
        )
    return {"items": [_render(row, actor.principal.user_id) for row in rows], "bookmark": next_bookmark}


def create_template_report(rt: Runtime, actor: Actor, template_id: str, start_date: str | None,
                           end_date: str | None, granularity: str | None) -> dict:
    """Queue a report of the template's request, over its relative range or the dates
    given: the spec's TemplateBasedReport."""
    wanted = parse_id(template_id, "Template", TemplateNotFound)
    with rt.engine.connect() as conn:
        row = store.get_template(conn, actor.ad_account_id, wanted)
    if row is None:
        raise TemplateNotFound()
    definition = json.loads(row["definition"])
    body = _dated(definition["request"], definition["start_days_ago"], definition["end_days_ago"], rt.clock.today())
    for name, value in (("start_date", start_date), ("end_date", end_date), ("granularity", granularity)):
        if value is not None:
            body[name] = value
    created = reports.create_report(rt, actor, body)
    return {"template_id": str(row["id"]), "report_status": created["report_status"], "token": created["token"],
            "message": created["message"] or "The report is queued: ask analytics/get_report with its token."}
