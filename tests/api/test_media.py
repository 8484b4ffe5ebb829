"""Media uploads (POST/GET /v5/media) and video pins made from them, end to end over HTTP."""

import httpx
import pytest

from pinsight.services.runtime import Runtime
from tests.support.api import all_pages, assert_error, create_board, create_pin, register_video, video_source
from tests.support.factories import make_ad_account, make_user
from tests.support.server import LiveServer

UNKNOWN_ID = "1000000000000000001"


def test_register_then_read_back(server, user):
    answer = user.client.post("/media", json={"media_type": "video"})
    assert answer.status_code == 201, answer.text
    upload = answer.json()
    assert set(upload) == {"media_id", "media_type", "upload_url", "upload_parameters"}
    assert upload["media_id"].isdigit() and upload["media_type"] == "video"
    assert upload["upload_url"] == f"{server.url}/api/v1/media_uploads"
    assert upload["upload_parameters"]["key"] == f"uploads/{upload['media_id']}"
    # Nothing is processed: the upload has succeeded as soon as it is registered.
    read = user.client.get(f"/media/{upload['media_id']}")
    assert read.status_code == 200
    assert read.json() == {"media_id": upload["media_id"], "media_type": "video", "status": "succeeded"}


def test_the_client_uploads_to_the_upload_url_as_to_pinterest_storage(user):
    upload = user.client.post("/media", json={"media_type": "video"}).json()
    # As api-quickstart does it: the upload_parameters as form fields, and the file.
    sent = httpx.post(upload["upload_url"], data=upload["upload_parameters"], files={"file": ("clip.mp4", b"\x00" * 4096)})
    assert sent.status_code == 204 and sent.content == b""
    assert user.client.get(f"/media/{upload['media_id']}").json()["status"] == "succeeded"
    assert_error(httpx.post(upload["upload_url"], json={"file": "x"}), 415)


@pytest.fixture(scope="module")
def small_body_server(runtime):
    settings = runtime.settings.model_copy(update={"max_body_bytes": 1024})
    live = LiveServer(Runtime.build(runtime.engine, settings)).start()
    yield live
    live.stop()


def test_uploads_are_not_held_to_the_api_body_limit(runtime, small_body_server):
    user = make_user(runtime, small_body_server.url, prefix="media_small")
    try:
        upload = user.client.post("/media", json={"media_type": "video"}).json()
        video = b"\x00\x00\x00\x18ftypmp42" + b"\x01" * 200_000
        sent = httpx.post(upload["upload_url"], data=upload["upload_parameters"], files={"file": ("clip.mp4", video)})
        assert sent.status_code == 204, sent.text
        # The API's own bodies still are.
        assert_error(user.client.post("/boards", json={"name": "n" * 2000}), 413)
    finally:
        user.client.close()


def test_media_of_another_user_do_not_exist_for_them(user, other_user):
    media_id = register_video(user.client)
    assert_error(other_user.client.get(f"/media/{media_id}"), 404, 404)
    assert media_id not in {item["media_id"] for item in all_pages(other_user.client, "/media")}


def test_unknown_and_malformed_ids_are_404(user):
    for media_id in (UNKNOWN_ID, "abc", "9" * 30, "0"):
        assert_error(user.client.get(f"/media/{media_id}"), 404, 404)


@pytest.mark.parametrize("body", [{}, {"media_type": "image"}, {"media_type": None}, {"media_type": ["video"]}])
def test_bad_registrations_are_400(user, body):
    assert_error(user.client.post("/media", json=body), 400)


def test_list_pages_through_ones_own_uploads_newest_first(runtime, server):
    owner = make_user(runtime, server.url, prefix="media_list")
    try:
        made = [register_video(owner.client) for _ in range(5)]
        first = owner.client.get("/media", params={"page_size": 2}).json()
        assert [item["media_id"] for item in first["items"]] == made[::-1][:2] and first["bookmark"]
        listed = all_pages(owner.client, "/media", page_size=2)
        assert [item["media_id"] for item in listed] == made[::-1]
        assert all(item == {"media_id": item["media_id"], "media_type": "video", "status": "succeeded"} for item in listed)
        assert_error(owner.client.get("/media", params={"bookmark": "forged"}), 400)
    finally:
        owner.client.close()


def test_media_operations_need_their_scopes(runtime, server, new_user):
    reader = new_user(scopes=["pins:read"])
    assert_error(reader.client.post("/media", json={"media_type": "video"}), 403, 3)
    assert reader.client.get("/media").status_code == 200
    nobody = new_user(scopes=["boards:read"])
    assert_error(nobody.client.get("/media"), 403, 3)


# --- video pins ------------------------------------------------------------------------------------------


def test_a_video_pin_from_a_registered_upload(user):
    board = create_board(user.client)
    upload = user.client.post("/media", json={"media_type": "video"}).json()
    httpx.post(upload["upload_url"], data=upload["upload_parameters"], files={"file": ("v.mp4", b"video")})
    assert user.client.get(f"/media/{upload['media_id']}").json()["status"] == "succeeded"
    source = {"source_type": "video_id", "media_id": upload["media_id"], "cover_image_url": "https://img.example/cover.jpg"}
    pin = create_pin(user.client, board["id"], media_source=source)
    assert pin["creative_type"] == "VIDEO"
    assert pin["media"]["media_type"] == "video"
    assert pin["media"]["cover_image_url"] == "https://img.example/cover.jpg"
    assert all(isinstance(size["height"], int) for size in pin["media"]["images"].values())
    assert user.client.get(f"/pins/{pin['id']}").json() == pin


def test_a_pin_cannot_use_someone_elses_or_an_unknown_upload(user, other_user):
    board = create_board(user.client)
    theirs = register_video(other_user.client)
    for media_id in (theirs, UNKNOWN_ID, "9" * 25):
        answer = user.client.post("/pins", json={"board_id": board["id"],
                                                 "media_source": {"source_type": "video_id", "media_id": media_id}})
        assert_error(answer, 400, 1)
    assert all_pages(user.client, f"/boards/{board['id']}/pins") == []


def test_a_delegate_may_pin_their_upload_to_the_ad_account_owners_board(runtime, user, other_user):
    """Business Access: the token's user registers the upload (media operations take no
    ad_account_id) and pins it to the board of the ad account's owner."""
    account = make_ad_account(runtime, other_user, roles={user.id: "ADMIN"})
    board = create_board(other_user.client)
    source = video_source(user.client)
    answer = user.client.post("/pins", params={"ad_account_id": account},
                              json={"board_id": board["id"], "media_source": source})
    assert answer.status_code == 201, answer.text
    assert answer.json()["media"]["media_type"] == "video" and answer.json()["board_owner"]["username"] == other_user.username
