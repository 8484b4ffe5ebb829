"""Client processes for the race tests: each sends its share of requests and returns the
status codes it saw (module-level functions, so a spawned process can run them)."""

from __future__ import annotations

import httpx


def send_event_batches(base_url: str, token: str, batches: list[list[dict]]) -> list[int]:
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        return [client.post("/api/v1/events", json=batch).status_code for batch in batches]


def send_daily_row_batches(base_url: str, token: str, batches: list[list[dict]]) -> list[int]:
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        return [client.post("/api/v1/daily_metrics", json=batch).status_code for batch in batches]


def delete_pins(base_url: str, token: str, pin_ids: list[str]) -> list[int]:
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        return [client.delete(f"/v5/pins/{pin_id}").status_code for pin_id in pin_ids]


def save_pins(base_url: str, token: str, board_id: str, pin_ids: list[str]) -> list[int]:
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        return [client.post(f"/v5/pins/{pin_id}/save", json={"board_id": board_id}).status_code for pin_id in pin_ids]


def set_links(base_url: str, token: str, edits: list[tuple[str, str]]) -> list[int]:
    """PATCH each (pin id, link) in turn."""
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        return [client.patch(f"/v5/pins/{pin_id}", json={"link": link}).status_code for pin_id, link in edits]


def send_ads_work(base_url: str, token: str, ad_account_id: str, work: list[tuple[str, list[dict]]]) -> list[int]:
    """Each ("actions", items) to POST /api/v1/ad_events, each ("conversions", events) to the Conversions API."""
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        statuses = []
        for kind, payload in work:
            if kind == "actions":
                statuses.append(client.post("/api/v1/ad_events", json=payload).status_code)
            else:
                statuses.append(client.post(f"/v5/ad_accounts/{ad_account_id}/events", json={"data": payload}).status_code)
        return statuses
def send_ads_batches(base_url: str, token: str, method: str, path: str, batches: list[list[dict]]) -> list[tuple]:
    """Send each batch of campaigns, ad groups or ads in turn; (status, body) of each answer,
    the body parsed when it is JSON."""
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        answers = []
        for batch in batches:
            response = client.request(method, path, json=batch)
            is_json = response.headers.get("content-type", "").startswith("application/json")
            answers.append((response.status_code, response.json() if is_json else response.text))
        return answers


def send_audience_work(base_url: str, work: list[tuple[str, str, object]]) -> list[int]:
    """Each (kind, token, payload): "actions" to POST /api/v1/ad_events, "events" to
    POST /api/v1/events, "account" (a name) to POST /v5/ad_accounts; each with its own token."""
    paths = {"actions": "/api/v1/ad_events", "events": "/api/v1/events"}
    statuses = []
    with httpx.Client(base_url=base_url, timeout=120) as client:
        for kind, token, payload in work:
            headers = {"Authorization": f"Bearer {token}"}
            if kind == "account":
                body = {"name": payload, "country": "US", "currency": "USD"}
                statuses.append(client.post("/v5/ad_accounts", json=body, headers=headers).status_code)
            else:
                statuses.append(client.post(paths[kind], json=payload, headers=headers).status_code)
    return statuses
