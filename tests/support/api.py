"""Small helpers that drive the API over HTTP, asserting each step worked."""

from __future__ import annotations

import itertools
import uuid

import httpx

_names = itertools.count()


def create_board(client: httpx.Client, **fields) -> dict:
    body = {"name": f"Board {next(_names)} {uuid.uuid4().hex[:6]}", **fields}
    response = client.post("/boards", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def create_section(client: httpx.Client, board_id: str, name: str | None = None) -> dict:
    response = client.post(f"/boards/{board_id}/sections", json={"name": name or f"Section {next(_names)}"})
    assert response.status_code == 201, response.text
    return response.json()


def create_pin(client: httpx.Client, board_id: str, **fields) -> dict:
    body = {
        "board_id": board_id,
        "title": f"Pin {next(_names)}",
        "media_source": {"source_type": "image_url", "url": f"https://img.example/{uuid.uuid4().hex}.jpg"},
        **fields,
    }
    response = client.post("/pins", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def register_video(client: httpx.Client) -> str:
    """Register a video upload (POST /v5/media) for the client's user; return its media_id."""
    response = client.post("/media", json={"media_type": "video"})
    assert response.status_code == 201, response.text
    return response.json()["media_id"]


def video_source(client: httpx.Client, **fields) -> dict:
    """A ``video_id`` media source naming a new upload of the client's user."""
    return {"source_type": "video_id", "media_id": register_video(client), **fields}


def all_pages(client: httpx.Client, path: str, **params) -> list[dict]:
    items, bookmark = [], None
    for _ in range(1000):
        query = dict(params, **({"bookmark": bookmark} if bookmark else {}))
        response = client.get(path, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        bookmark = page["bookmark"]
        if not bookmark:
            return items
    raise AssertionError("pagination did not end")


def assert_error(response: httpx.Response, status: int, code: int | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"code", "message"} and isinstance(body["code"], int) and isinstance(body["message"], str)
    assert body["message"]
    if code is not None:
        assert body["code"] == code, body
    return body
