"""What third-party clients do through the official SDK: a pin from a PNG labelled JPEG (as
the SDK's own integration tests send), and a video pin from an upload registered with MediaApi."""

from __future__ import annotations

import httpx
from openapi_generated.pinterest_client.api.media_api import MediaApi
from openapi_generated.pinterest_client.api.pins_api import PinsApi
from openapi_generated.pinterest_client.exceptions import NotFoundException
from openapi_generated.pinterest_client.model.media_upload_request import MediaUploadRequest
from openapi_generated.pinterest_client.model.pin import Pin as PinModel
import pytest
from pinterest.organic.boards import Board
from pinterest.organic.pins import Pin

from tests.sdk.helpers import unique
from tests.support import images


def test_a_png_labelled_jpeg_makes_a_pin(user_client):
    board = Board.create(name=unique("Uploads"), client=user_client)
    source = {"source_type": "image_base64", "content_type": "image/jpeg", "data": images.b64(images.png(40, 30))}
    pin = Pin.create(board_id=board.id, media_source=source, client=user_client)
    typed = PinsApi(user_client).pins_get(pin.id)
    assert isinstance(typed, PinModel)
    sizes = pin.media["images"]
    assert sizes["originals"]["url"].endswith(".png")
    assert (sizes["originals"]["width"], sizes["originals"]["height"]) == (40, 30)
    assert (sizes["600x"]["width"], sizes["600x"]["height"]) == (600, 450)


def test_register_upload_and_make_a_video_pin(user_client, other_user, sdk_client):
    media = MediaApi(user_client)
    upload = media.media_create(MediaUploadRequest(media_type="video"))
    assert upload.media_type == "video" and upload.media_id.isdigit()
    # The client uploads the file as to Pinterest's storage: the parameters and the file, multipart.
    sent = httpx.post(upload.upload_url, data=dict(upload.upload_parameters.to_dict()), files={"file": ("v.mp4", b"mp4")},
                      trust_env=False)
    assert sent.status_code == 204
    status = media.media_get(upload.media_id)
    assert (status.media_id, status.media_type, status.status) == (upload.media_id, "video", "succeeded")
    listed = media.media_list(page_size=5)
    assert upload.media_id in [item["media_id"] for item in listed["items"]]

    board = Board.create(name=unique("Videos"), client=user_client)
    source = {"source_type": "video_id", "media_id": upload.media_id, "cover_image_url": "https://images.example/cover.jpg"}
    pin = Pin.create(board_id=board.id, media_source=source, client=user_client)
    typed = PinsApi(user_client).pins_get(pin.id)
    assert isinstance(typed, PinModel)
    assert pin.creative_type == "VIDEO" and pin.media["media_type"] == "video"

    # Another user's SDK client does not see the upload.
    with pytest.raises(NotFoundException):
        MediaApi(sdk_client(other_user.token)).media_get(upload.media_id)
