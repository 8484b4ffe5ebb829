"""`pinsight user create USERNAME` and `pinsight user list`."""

import json

import httpx

from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
from pinsight.store.db import make_engine
from tests.cli.test_cli import run
from tests.support.server import LiveServer


def test_a_created_user_is_listed_and_can_use_the_api(tmp_path):
    url = f"sqlite:///{tmp_path / 'users.sqlite3'}"
    made = json.loads(run("user", "create", "ana_shop", "--website", "https://ana.example", "--db", url, "--json").stdout)
    assert made["username"] == "ana_shop" and made["id"].isdigit() and len(made["id"]) == 19
    assert (made["board_count"], made["pin_count"], made["account_type"]) == (0, 0, "BUSINESS")
    run("user", "create", "bo_pinner", "--account-type", "PINNER", "--db", url)
    listed = json.loads(run("user", "list", "--db", url, "--json").stdout)
    assert [(user["username"], user["account_type"]) for user in listed] == [("ana_shop", "BUSINESS"), ("bo_pinner", "PINNER")]
    table = run("user", "list", "--db", url).stdout.splitlines()
    assert table[0].split() == ["username", "id", "type", "boards", "pins", "created"]
    assert table[1].split()[:5] == ["ana_shop", made["id"], "BUSINESS", "0", "0"]

    token = run("token", "create", "--user", "ana_shop", "--db", url).stdout.strip()
    engine = make_engine(url)
    server = LiveServer(Runtime.build(engine, Settings(database_url=url, log_requests=False))).start()
    try:
        me = httpx.get(f"{server.url}/v5/user_account", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["username"] == "ana_shop" and me.json()["id"] == made["id"]
        assert me.json()["website_url"] == "https://ana.example"
    finally:
        server.stop()
        engine.dispose()


def test_duplicate_and_invalid_usernames_are_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'users.sqlite3'}"
    run("user", "create", "ana_shop", "--db", url)
    again = run("user", "create", "ana_shop", "--db", url, check=False)
    assert again.returncode == 1 and "User 'ana_shop' already exists." in again.stderr and again.stdout == ""
    for bad in ("a", "has space", "x" * 31, "dash-name"):
        refused = run("user", "create", bad, "--db", url, check=False)
        assert refused.returncode == 1 and "3 to 30 letters, digits or underscores" in refused.stderr, bad
    wrong_type = run("user", "create", "cara", "--account-type", "ROBOT", "--db", url, check=False)
    assert wrong_type.returncode == 1 and "BUSINESS, PINNER" in wrong_type.stderr
    assert [user["username"] for user in json.loads(run("user", "list", "--db", url, "--json").stdout)] == ["ana_shop"]


def test_template_create_saves_a_template_the_api_lists(tmp_path):
    url = f"sqlite:///{tmp_path / 'templates.sqlite3'}"
    run("user", "create", "ana_ads", "--db", url)
    engine = make_engine(url)
    runtime = Runtime.build(engine, Settings(database_url=url, log_requests=False, files_url=str(tmp_path / "files")))
    from tests.support.factories import make_ad_account, TestUser

    owner = TestUser(id=str(_user_id(runtime, "ana_ads")), username="ana_ads", token="", client=None)
    account = make_ad_account(runtime, owner)
    request = tmp_path / "weekly.json"
    request.write_text(json.dumps({"level": "ADVERTISER", "granularity": "DAY", "columns": ["PAID_IMPRESSION"]}))
    made = json.loads(run("template", "create", "--ad-account-id", account, "--name", "Weekly", "--request",
                          f"@{request}", "--start-days-ago", "14", "--db", url).stdout)
    assert (made["name"], made["report_level"], made["report_start_relative_days_in_past"]) == ("Weekly", "ADVERTISER", 14)
    token = run("token", "create", "--user", "ana_ads", "--db", url).stdout.strip()
    server = LiveServer(runtime).start()
    try:
        listed = httpx.get(f"{server.url}/v5/ad_accounts/{account}/templates", headers={"Authorization": f"Bearer {token}"})
        assert [item["id"] for item in listed.json()["items"]] == [made["id"]]
    finally:
        server.stop()
        engine.dispose()
    bad = run("template", "create", "--ad-account-id", account, "--name", "Bad", "--request", '{"level": "NOPE"}',
              "--db", url, check=False)
    assert bad.returncode != 0 and "level" in bad.stderr


def _user_id(runtime, username: str) -> int:
    from sqlalchemy import select

    from pinsight.store.tables import users

    with runtime.engine.connect() as conn:
        return conn.execute(select(users.c.id).where(users.c.username == username)).scalar_one()
