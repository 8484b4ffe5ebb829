"""Boards: CRUD, privacy rules and scopes for secret boards, other users' boards."""

from pinsight.catalog.scopes import ALL_SCOPES
from tests.support.api import all_pages, assert_error, create_board, create_pin


def test_create_get_update_delete(user):
    board = create_board(user.client, name="Kitchen", description="Ideas", privacy="PUBLIC")
    assert board["owner"] == {"username": user.username}
    assert board["pin_count"] == 0 and board["media"] == {"image_cover_url": None, "pin_thumbnail_urls": []}
    updated = user.client.patch(f"/boards/{board['id']}", json={"name": "Kitchen 2", "description": None})
    assert updated.status_code == 200, updated.text
    assert updated.json()["name"] == "Kitchen 2" and updated.json()["description"] is None
    assert user.client.get(f"/boards/{board['id']}").json()["name"] == "Kitchen 2"
    assert user.client.delete(f"/boards/{board['id']}").status_code == 204
    assert_error(user.client.get(f"/boards/{board['id']}"), 404, 40)
    assert_error(user.client.delete(f"/boards/{board['id']}"), 404, 40)


def test_board_counts_and_covers_follow_its_pins(user):
    board = create_board(user.client)
    pins = [create_pin(user.client, board["id"]) for _ in range(3)]
    fetched = user.client.get(f"/boards/{board['id']}").json()
    assert fetched["pin_count"] == 3
    newest_url = pins[-1]["media"]["images"]["150x150"]["url"]
    assert fetched["media"]["image_cover_url"] == newest_url
    assert len(fetched["media"]["pin_thumbnail_urls"]) == 3


def test_deleting_a_board_deletes_its_pins_and_sections(user):
    board = create_board(user.client)
    pin = create_pin(user.client, board["id"])
    user.client.post(f"/boards/{board['id']}/sections", json={"name": "S"})
    assert user.client.delete(f"/boards/{board['id']}").status_code == 204
    assert_error(user.client.get(f"/pins/{pin['id']}"), 404, 50)


def test_validation_errors_are_400(user):
    assert_error(user.client.post("/boards", json={}), 400)
    assert_error(user.client.post("/boards", json={"name": "   "}), 400)
    assert_error(user.client.post("/boards", json={"name": 5}), 400)
    assert_error(user.client.post("/boards", json={"name": "x", "privacy": "FRIENDS"}), 400)
    assert_error(user.client.post("/boards", json={"name": "x" * 181}), 400)
    assert_error(user.client.post("/boards", json={"name": "nul\x00char"}), 400)
    assert_error(user.client.post("/boards", content=b"{not json", headers={"content-type": "application/json"}), 400)
    board = create_board(user.client)
    assert_error(user.client.patch(f"/boards/{board['id']}", json={"privacy": "PROTECTED"}), 400)
    assert_error(user.client.patch(f"/boards/{board['id']}", json={"name": None}), 400)


def test_duplicate_board_names_are_rejected_without_writing(user):
    create_board(user.client, name="Same")
    assert_error(user.client.post("/boards", json={"name": "Same"}), 400)
    names = [b["name"] for b in all_pages(user.client, "/boards")]
    assert names.count("Same") == 1


def test_secret_boards_need_secret_scopes(runtime, user):
    secret = create_board(user.client, privacy="SECRET")
    public = create_board(user.client)
    no_secret = user.token_with(runtime, set(ALL_SCOPES) - {"boards:read_secret", "boards:write_secret"})
    headers = {"Authorization": f"Bearer {no_secret}"}
    body = assert_error(user.client.get(f"/boards/{secret['id']}", headers=headers), 403)
    assert "boards:read_secret" in body["message"]
    assert_error(user.client.post("/boards", json={"name": "s2", "privacy": "SECRET"}, headers=headers), 403)
    listed = {b["id"] for b in all_pages(user.client, "/boards")}
    assert secret["id"] in listed
    response = user.client.get("/boards", headers=headers, params={"page_size": 250})
    ids = {b["id"] for b in response.json()["items"]}
    assert public["id"] in ids and secret["id"] not in ids
    assert_error(user.client.get("/boards", headers=headers, params={"privacy": "SECRET"}), 403)


def test_privacy_filter(user):
    public = create_board(user.client, privacy="PUBLIC")
    secret = create_board(user.client, privacy="SECRET")
    protected = create_board(user.client, privacy="PROTECTED")

    def ids(privacy):
        return {b["id"] for b in all_pages(user.client, "/boards", privacy=privacy)}

    assert ids("PUBLIC") >= {public["id"]} and not ids("PUBLIC") & {secret["id"], protected["id"]}
    assert secret["id"] in ids("SECRET") and public["id"] not in ids("SECRET")
    assert protected["id"] in ids("PROTECTED")
    assert {public["id"], secret["id"]} <= ids("PUBLIC_AND_SECRET") and protected["id"] not in ids("PUBLIC_AND_SECRET")
    assert {public["id"], secret["id"], protected["id"]} <= ids("ALL")
    assert_error(user.client.get("/boards", params={"privacy": "NOPE"}), 400)


def test_other_users_see_public_boards_only_and_cannot_change_them(user, other_user):
    public = create_board(user.client)
    secret = create_board(user.client, privacy="SECRET")
    protected = create_board(user.client, privacy="PROTECTED")
    assert other_user.client.get(f"/boards/{public['id']}").status_code == 200
    assert_error(other_user.client.get(f"/boards/{secret['id']}"), 404, 40)
    assert_error(other_user.client.get(f"/boards/{protected['id']}"), 404, 40)
    assert_error(other_user.client.patch(f"/boards/{public['id']}", json={"name": "mine"}), 403)
    assert_error(other_user.client.delete(f"/boards/{public['id']}"), 403)
    assert_error(other_user.client.delete(f"/boards/{secret['id']}"), 404)
    assert user.client.get(f"/boards/{public['id']}").json()["name"] == public["name"]
    # Another user's boards never appear in one's own list.
    assert public["id"] not in {b["id"] for b in all_pages(other_user.client, "/boards")}


def test_unknown_and_malformed_ids_are_404(user):
    assert_error(user.client.get("/boards/123"), 404, 40)
    assert_error(user.client.get("/boards/abc"), 404)
    assert_error(user.client.get("/boards/99999999999999999999999"), 404)


def test_concurrent_creates_with_one_name_make_one_board_and_no_5xx(user):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda _: user.client.post("/boards", json={"name": "Race"}), range(8)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1 and all(s in (201, 400, 409) for s in statuses), statuses
    assert [b["name"] for b in all_pages(user.client, "/boards")].count("Race") == 1
