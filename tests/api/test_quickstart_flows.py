"""The steps of Pinterest's api-quickstart scripts, as they make their requests: copy_pin
reads the source pin's ``originals`` image (and its sizes' heights) and makes a pin of it,
as an image or as a video over an upload it registers, sends and polls."""

import httpx

from tests.support import images
from tests.support.api import create_board, create_pin


def _copy(client: httpx.Client, pin_id: str, board_id: str, media_id: str | None = None) -> dict:
    source = client.get(f"/pins/{pin_id}").json()
    sizes = source["media"]["images"]
    # What a client sorting the sizes or computing proportions needs: integer sizes throughout.
    assert all(isinstance(size["width"], int) and isinstance(size["height"], int) for size in sizes.values())
    image_url = sizes["originals"]["url"]
    if media_id:
        media_source = {"source_type": "video_id", "cover_image_url": image_url, "media_id": media_id}
    else:
        media_source = {"source_type": "image_url", "url": image_url}
    body = {"board_id": board_id, "media_source": media_source,
            **{key: source[key] for key in ("link", "title", "description", "alt_text") if source.get(key)}}
    answer = client.post("/pins", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_copy_pin_from_an_image_url_pin_and_from_a_jpeg_upload(user):
    board = create_board(user.client)
    by_url = create_pin(user.client, board["id"], title="By URL", link="https://shop.example/a")
    uploaded = create_pin(user.client, board["id"], media_source={
        "source_type": "image_base64", "content_type": "image/jpeg", "data": images.b64(images.REAL_JPEG_3x2)})
    copy = _copy(user.client, by_url["id"], board["id"])
    assert copy["title"] == "By URL" and copy["media"]["images"]["originals"]["url"] == by_url["media"]["images"]["originals"]["url"]
    copy = _copy(user.client, uploaded["id"], board["id"])
    assert copy["media"]["images"]["originals"]["url"].endswith(".jpg")


def test_copy_pin_as_a_video_over_a_registered_upload(user):
    board = create_board(user.client)
    pin = create_pin(user.client, board["id"], title="To become a video")
    upload = user.client.post("/media", json={"media_type": "video"}).json()
    sent = httpx.post(upload["upload_url"], data=upload["upload_parameters"], files={"file": (None, b"\x00\x00\x00\x18ftypmp42")})
    assert sent.is_success
    assert user.client.get(f"/media/{upload['media_id']}").json()["status"] == "succeeded"
    video = _copy(user.client, pin["id"], board["id"], media_id=upload["media_id"])
    assert video["media"]["media_type"] == "video" and video["creative_type"] == "VIDEO"
    assert video["media"]["cover_image_url"] == pin["media"]["images"]["originals"]["url"]
