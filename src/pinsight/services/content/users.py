"""The user account (GET /v5/user_account), and local users made from the command line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pinsight.domain.ids import new_id
from pinsight.errors import Conflict, InvalidParameters, UserNotFound
from pinsight.services.content import render
from pinsight.services.identity.access import Actor
from pinsight.services.runtime import Runtime
from pinsight.store.content import content as store


def get_user_account(rt: Runtime, actor: Actor) -> dict:
    with rt.engine.connect() as conn:
        user = store.get_user(conn, actor.user_id)
        if user is None:
            raise UserNotFound()
        board_count, pin_count = store.count_user_content(conn, actor.user_id)
        return render.user_account(user, board_count, pin_count)


# ---- local users, made from the command line (`pinsight user create`) -----------------

# Pinterest's rule for usernames: 3 to 30 letters, digits or underscores.
_USERNAME = re.compile(r"[A-Za-z0-9_]{3,30}")
ACCOUNT_TYPES = ("BUSINESS", "PINNER")


@dataclass(frozen=True)
class LocalUser:
    id: str
    username: str
    account_type: str
    created_at: str
    board_count: int
    pin_count: int


def user_id_of(rt: Runtime, username: str) -> int:
    """The id of a local user, by name (the CLI names users that way)."""
    with rt.engine.connect() as conn:
        user = store.get_user_by_username(conn, username)
    if user is None:
        raise UserNotFound(f"User '{username}' not found.")
    return user["id"]


def create_user(rt: Runtime, username: str, account_type: str = "BUSINESS", business_name: str | None = None,
                website_url: str = "") -> LocalUser:
    """A new local user with no content (their tokens come from `pinsight token create`)."""
    if not _USERNAME.fullmatch(username):
        raise InvalidParameters(f"Invalid username {username[:40]!r}: use 3 to 30 letters, digits or underscores.")
    if account_type not in ACCOUNT_TYPES:
        raise InvalidParameters(f"Invalid account type {account_type[:20]!r}: one of {', '.join(ACCOUNT_TYPES)}.")
    user_id, created = new_id(), rt.clock.now()
    with rt.write() as conn:
        if store.get_user_by_username(conn, username) is not None:
            raise Conflict(f"User '{username}' already exists.")
        store.insert_user(
            conn, id=user_id, username=username, account_type=account_type, business_name=business_name, about="",
            website_url=website_url, profile_image="", follower_count=0, following_count=0, monthly_views=0,
            created_at=created,
        )
    return LocalUser(str(user_id), username, account_type, created.isoformat(sep=" "), 0, 0)


def list_users(rt: Runtime) -> list[LocalUser]:
    """Every local user, oldest first, with how many boards and pins they own."""
    with rt.engine.connect() as conn:
        return [
            LocalUser(str(user["id"]), user["username"], user["account_type"], user["created_at"].isoformat(sep=" "),
                      *store.count_user_content(conn, user["id"]))
            for user in store.list_users(conn)
        ]
