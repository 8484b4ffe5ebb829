"""Ad actions and Conversions API events as tests send them over HTTP."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, datetime

_ids = itertools.count()


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def stamp(at: datetime) -> str:
    return at.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def action(ad_id: str, at: datetime, *, type: str = "CLICK", em: str | None = None, external_id: str | None = None,
           **fields) -> dict:
    user = {"em": sha(em)} if em is not None else {"external_id": sha(external_id or "someone")}
    return {"id": f"a-{next(_ids)}", "ad_id": ad_id, "type": type, "timestamp": stamp(at), "user": user, **fields}


def conversion(at: datetime, *, em: str | None = None, event_name: str = "checkout", source: str = "web",
               **user_data) -> dict:
    data = {"client_ip_address": "203.0.113.9", "client_user_agent": "test"}
    if em is not None:
        data["em"] = [sha(em)]
    data.update(user_data)
    return {"event_name": event_name, "action_source": source, "event_time": int(at.replace(tzinfo=UTC).timestamp()),
            "event_id": f"c-{next(_ids)}", "user_data": data, "custom_data": {"value": "12.50", "num_items": 2,
                                                                             "currency": "USD"}}


def send_actions(client, items: list[dict]):
    return client.post("/../api/v1/ad_events", json=items)


def send_conversions(client, account: str, events: list[dict], **params):
    return client.post(f"/ad_accounts/{account}/events", json={"data": events}, params=params)
