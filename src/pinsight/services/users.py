"""The user account."""

from __future__ import annotations

from pinsight.errors import UserNotFound
from pinsight.services import render
from pinsight.services.access import Actor
from pinsight.services.runtime import Runtime
from pinsight.store import content as store


def get_user_account(rt: Runtime, actor: Actor) -> dict:
    with rt.engine.connect() as conn:
        user = store.get_user(conn, actor.user_id)
        if user is None:
            raise UserNotFound()
        board_count, pin_count = store.count_user_content(conn, actor.user_id)
        return render.user_account(user, board_count, pin_count)
