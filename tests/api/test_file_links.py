"""Job files downloaded over HTTP through pinsight's own signed links (``api.files``), on
the session server (SQLite and PostgreSQL): a good link streams the file byte for byte;
an altered or expired link answers 403 and a deleted file 404, each {code, message}."""

from __future__ import annotations

import os
import uuid
from dataclasses import replace
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import httpx
import pytest

from pinsight.domain import signed_links
from pinsight.services.jobs import queue
from pinsight.store.files import CHUNK_BYTES
from pinsight.store.jobs import Job
from tests.support.jobs import NOW

DATA = os.urandom(2 * CHUNK_BYTES + 12345)  # three chunks of the server's reads


def finished_job(key: str, size: int) -> Job:
    return Job(id=1, token="t", kind="test", user_id=1, ad_account_id=None, scope_id=1, params="{}", state="finished",
               attempts=1, lease_owner=None, created_at=NOW, finished_at=NOW, progress_rows=1, file_key=key,
               file_name=key.rsplit("/", 1)[-1], file_size=size, row_count=1, expires_at=None, message=None)


@pytest.fixture
def stored(runtime):
    """A file written through the runtime's store, and the link queue.download makes for it."""
    directory = f"linktest/{uuid.uuid4().hex}"
    key = f"{directory}/1/report.csv"
    with runtime.files.writing(key) as sink:
        sink.write(DATA)
    link = queue.download(runtime, finished_job(key, len(DATA)))
    yield key, link
    runtime.files.delete_tree(directory)


def link_parts(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return parts.path, {name: values[0] for name, values in parse_qs(parts.query).items()}


def assert_error(answer: httpx.Response, status: int) -> dict:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"code", "message"} and isinstance(body["code"], int) and body["message"]
    return body


def test_a_good_link_streams_the_file(server, runtime, stored):
    key, link = stored
    assert link.url.startswith(f"{queue.FILES_PATH}/{quote(key)}?") and link.size == len(DATA)
    assert int(link_parts(link.url)[1]["expires"]) == link.expires > runtime.clock.timestamp()
    received = bytearray()
    with httpx.stream("GET", f"{server.url}{link.url}", timeout=30) as answer:
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/csv")
        assert answer.headers["content-disposition"] == 'attachment; filename="report.csv"'
        assert answer.headers.get("transfer-encoding") == "chunked"  # streamed, not buffered whole
        for chunk in answer.iter_bytes():
            received += chunk
    assert bytes(received) == DATA
    # No token needed, and a second use works as well (the link is its own permission).
    assert httpx.get(f"{server.url}{link.url}", timeout=30).content == DATA


def test_a_gzip_file_is_served_as_gzip(server, runtime):
    key = f"linktest/{uuid.uuid4().hex}/1/export.csv.gz"
    with runtime.files.writing(key) as sink:
        sink.write(b"\x1f\x8b" + b"0" * 10)
    try:
        link = queue.download(runtime, finished_job(key, 12))
        answer = httpx.get(f"{server.url}{link.url}")
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/gzip"
        assert answer.content == b"\x1f\x8b" + b"0" * 10
    finally:
        runtime.files.delete_tree(key.rsplit("/", 2)[0])


@pytest.mark.parametrize("tamper", ["key", "expires", "signature", "no signature", "no expires", "expires text"])
def test_a_tampered_link_is_refused(server, runtime, stored, tamper):
    key, link = stored
    path, params = link_parts(link.url)
    # Another file that exists, so a refusal cannot be a 404 in disguise.
    other = f"linktest/{uuid.uuid4().hex}/1/report.csv"
    with runtime.files.writing(other) as sink:
        sink.write(b"not yours")
    try:
        match tamper:
            case "key":
                path = f"{queue.FILES_PATH}/{quote(other)}"
            case "expires":
                params["expires"] = str(int(params["expires"]) + 86400)
            case "signature":
                signature = params["signature"]
                params["signature"] = ("0" if signature[0] != "0" else "1") + signature[1:]
            case "no signature":
                del params["signature"]
            case "no expires":
                del params["expires"]
            case "expires text":
                params["expires"] = "tomorrow"
        answer = httpx.get(f"{server.url}{path}?{urlencode(params)}")
        body = assert_error(answer, 403)
        assert body["code"] == signed_links.LinkRefused.code and "invalid" in body["message"]
        assert b"not yours" not in answer.content and DATA[:64] not in answer.content
    finally:
        runtime.files.delete_tree(other.rsplit("/", 2)[0])


def test_an_expired_link_is_refused(server, runtime, stored):
    key, _ = stored
    query = urlencode(signed_links.sign(runtime.link_secret, key, int(runtime.clock.timestamp()) - 1))
    body = assert_error(httpx.get(f"{server.url}{queue.FILES_PATH}/{quote(key)}?{query}"), 403)
    assert "expired" in body["message"]


def test_a_link_signed_with_another_secret_is_refused(server, runtime, stored):
    key, _ = stored
    query = urlencode(signed_links.sign(b"another database's secret", key, int(runtime.clock.timestamp()) + 600))
    assert_error(httpx.get(f"{server.url}{queue.FILES_PATH}/{quote(key)}?{query}"), 403)


def test_a_deleted_file_is_not_found(server, runtime, stored):
    key, link = stored
    runtime.files.delete_tree(key.rsplit("/", 2)[0])
    body = assert_error(httpx.get(f"{server.url}{link.url}"), 404)
    assert "no longer exists" in body["message"]


def test_no_link_for_an_unfinished_job(runtime):
    job = finished_job("linktest/x/1/report.csv", 1)
    for state in ("queued", "running", "failed", "cancelled", "expired"):
        assert queue.download(runtime, replace(job, state=state)) is None
    assert queue.download(runtime, replace(job, file_key=None)) is None
