"""The media operations and token revocation, over real HTTP: every answer, success or
error, validated against the official spec (as tests/contract/test_response_schemas.py
does for the other operations)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from pinsight.errors import InvalidParameters, MediaNotFound, Unauthenticated
from pinsight.services.identity import oauth
from tests.contract.support import OAuthApp, World, unique

UNKNOWN_ID = "1000000000000000001"


def test_media_create(api, world: World):
    upload = api.call("post", "/media", token=world.user.token, json={"media_type": "video"}, expect=201)
    assert upload["media_type"] == "video" and upload["media_id"].isdigit()
    assert upload["upload_url"].endswith("/api/v1/media_uploads") and upload["upload_parameters"]["key"]
    for body in ({}, {"media_type": "image"}, {"media_type": 1}):
        assert api.call("post", "/media", token=world.user.token, json=body, expect=400)["code"] == InvalidParameters.code
    api.call("post", "/media", token=world.user.token, content=b"{", headers={"Content-Type": "application/json"},
             expect=400)


def test_media_get(api, world: World, other_user):
    path = "/media/{media_id}"
    media = api.call("get", path, token=world.user.token, params={"media_id": world.media_id}, expect=200)
    assert media == {"media_id": world.media_id, "media_type": "video", "status": "succeeded"}
    for token, media_id in ((other_user.token, world.media_id), (world.user.token, UNKNOWN_ID),
                            (world.user.token, "not-a-number")):
        body = api.call("get", path, token=token, params={"media_id": media_id}, expect=404)
        assert body["code"] == MediaNotFound.code


def test_media_list(api, world: World, other_user):
    more = [api.call("post", "/media", token=world.user.token, json={"media_type": "video"}, expect=201)["media_id"]
            for _ in range(2)]
    first = api.call("get", "/media", token=world.user.token, query={"page_size": 2}, expect=200)
    assert [item["media_id"] for item in first["items"]] == more[::-1] and first["bookmark"]
    rest = api.call("get", "/media", token=world.user.token, query={"page_size": 2, "bookmark": first["bookmark"]},
                    expect=200)
    assert [item["media_id"] for item in rest["items"]] == [world.media_id] and rest["bookmark"] is None
    assert api.call("get", "/media", token=other_user.token, expect=200)["items"] == []
    for query in ({"page_size": 0}, {"page_size": 251}, {"bookmark": "forged"}):
        api.call("get", "/media", token=world.user.token, query=query, expect=400)


def test_a_video_pin_needs_an_upload_of_ones_own(api, world: World, other_user):
    theirs = api.call("post", "/media", token=other_user.token, json={"media_type": "video"}, expect=201)["media_id"]
    for media_id in (theirs, UNKNOWN_ID):
        api.call("post", "/pins", token=world.user.token, expect=400,
                 json={"board_id": world.board_id, "media_source": {"source_type": "video_id", "media_id": media_id}})
    pin = api.call("post", "/pins", token=world.user.token, expect=201,
                   json={"board_id": world.board_id, "media_source": {"source_type": "video_id", "media_id": world.media_id}})
    assert pin["media"]["media_type"] == "video" and pin["creative_type"] == "VIDEO"


# --- token/revoke ---------------------------------------------------------------------------------------------


def _code_grant(api, runtime, user, oauth_app: OAuthApp) -> dict:
    redirect = oauth.grant_code(runtime, oauth_app.app_id, oauth_app.redirect_uri, "user_accounts:read", user.username, None)
    code = parse_qs(urlsplit(redirect).query)["code"][0]
    return api.call("post", "/oauth/token", authorization=oauth_app.basic, expect=200,
                    data={"grant_type": "authorization_code", "code": code, "redirect_uri": oauth_app.redirect_uri})


def test_token_revoke(api, runtime, user, oauth_app):
    issued = _code_grant(api, runtime, user, oauth_app)
    assert api.call("post", "/oauth/token/revoke", authorization=oauth_app.basic, expect=200,
                    data={"token": issued["access_token"], "token_type_hint": "access_token"}) is None
    assert api.call("get", "/user_account", token=issued["access_token"], expect=401)["code"] == Unauthenticated.code
    api.call("post", "/oauth/token/revoke", authorization=oauth_app.basic, data={"token": issued["refresh_token"]},
             expect=200)
    api.call("post", "/oauth/token", authorization=oauth_app.basic, expect=400,
             data={"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]})


def test_token_revoke_errors(api, runtime, user, oauth_app):
    issued = _code_grant(api, runtime, user, oauth_app)
    made = oauth.create_app(runtime, unique("other app"), user.username, [oauth_app.redirect_uri])
    other = OAuthApp(made.app_id, made.app_secret, oauth_app.redirect_uri)
    revoke = "/oauth/token/revoke"
    body = api.call("post", revoke, authorization=other.basic, data={"token": issued["access_token"]}, expect=403)
    assert body["code"] == 29
    wrong = OAuthApp(oauth_app.app_id, "wrong", oauth_app.redirect_uri)
    for authorization in (None, wrong.basic, f"Bearer {issued['access_token']}"):
        body = api.call("post", revoke, authorization=authorization, data={"token": issued["access_token"]}, expect=401)
        assert body["code"] == Unauthenticated.code
    for data in ({"token": ""}, {"token": issued["access_token"], "token_type_hint": "code"}):
        api.call("post", revoke, authorization=oauth_app.basic, data=data, expect=400)
    api.call("post", revoke, authorization=oauth_app.basic, json={"token": issued["access_token"]}, expect=415)
    # None of it revoked anything.
    api.call("get", "/user_account", token=issued["access_token"], expect=200)


def test_the_upload_sink_takes_what_the_registration_says(server, api, world: World):
    upload = api.call("post", "/media", token=world.user.token, json={"media_type": "video"}, expect=201)
    sent = httpx.post(upload["upload_url"], data=upload["upload_parameters"], files={"file": ("v.mp4", b"v" * 100)})
    assert sent.status_code == 204
