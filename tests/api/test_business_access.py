"""Business Access: acting for an ad account's owner through a role on the account."""

from tests.support.api import all_pages, assert_error, create_board, create_pin
from tests.support.factories import make_ad_account


def test_roles_decide_what_a_delegate_may_do(runtime, user, other_user, new_user):
    public = create_board(user.client)
    secret = create_board(user.client, privacy="SECRET")
    public_pin = create_pin(user.client, public["id"])
    secret_pin = create_pin(user.client, secret["id"])
    admin, stranger = new_user(prefix="admin"), new_user(prefix="stranger")
    account = make_ad_account(runtime, user, {other_user.id: "ANALYST", admin.id: "ADMIN"})
    as_owner = {"ad_account_id": account}

    # The analyst acts as the owner for public content...
    me = other_user.client.get("/user_account", params=as_owner).json()
    assert me["username"] == user.username
    assert other_user.client.get(f"/pins/{public_pin['id']}", params=as_owner).json()["is_owner"] is True
    board_ids = {b["id"] for b in all_pages(other_user.client, "/boards", **as_owner)}
    assert public["id"] in board_ids and secret["id"] not in board_ids
    # ...but secret content needs Owner or Admin.
    assert_error(other_user.client.get(f"/pins/{secret_pin['id']}", params=as_owner), 403)
    assert_error(other_user.client.get(f"/boards/{secret['id']}", params=as_owner), 403)
    assert admin.client.get(f"/pins/{secret_pin['id']}", params=as_owner).status_code == 200
    # Created content belongs to the owner.
    created = admin.client.post("/boards", params=as_owner, json={"name": "Made by admin"}).json()
    assert created["owner"] == {"username": user.username}
    assert created["id"] in {b["id"] for b in all_pages(user.client, "/boards")}
    # No role, or an unknown account: refused.
    assert_error(stranger.client.get("/user_account", params=as_owner), 403)
    assert_error(stranger.client.get(f"/pins/{public_pin['id']}", params={"ad_account_id": "1234"}), 404)
    assert_error(stranger.client.get("/user_account", params={"ad_account_id": "x"}), 400)


def test_ad_accounts_list_and_get(runtime, user, other_user, new_user):
    mine = make_ad_account(runtime, user, name="Mine")
    shared = make_ad_account(runtime, other_user, {user.id: "CAMPAIGN_MANAGER"}, name="Shared")
    stranger = new_user(prefix="stranger")
    listed = {a["id"]: a for a in all_pages(user.client, "/ad_accounts")}
    assert set(listed) == {mine, shared}
    assert listed[mine]["permissions"] == ["OWNER"] and listed[shared]["permissions"] == ["CAMPAIGN_MANAGER"]
    assert listed[shared]["owner"] == {"id": other_user.id, "username": other_user.username}
    own_only = {a["id"] for a in all_pages(user.client, "/ad_accounts", include_shared_accounts=False)}
    assert own_only == {mine}
    assert user.client.get(f"/ad_accounts/{shared}").json()["name"] == "Shared"
    assert_error(stranger.client.get(f"/ad_accounts/{mine}"), 404)
    assert_error(user.client.get("/ad_accounts/999"), 404)


def test_demo_gives_the_friend_a_role_on_the_demo_ad_account(server, demo, runtime):
    import httpx

    from pinsight.services.identity.auth import create_user_token

    token = create_user_token(runtime, demo["friend_username"], frozenset({"ads:read", "user_accounts:read"}))
    headers = {"Authorization": f"Bearer {token}"}
    accounts = httpx.get(f"{server.url}/v5/ad_accounts", headers=headers).json()["items"]
    assert [a["id"] for a in accounts] == [demo["ad_account_id"]]
    assert accounts[0]["permissions"] and accounts[0]["owner"]["username"] == demo["username"]
    me = httpx.get(f"{server.url}/v5/user_account", params={"ad_account_id": demo["ad_account_id"]}, headers=headers)
    assert me.json()["username"] == demo["username"]
