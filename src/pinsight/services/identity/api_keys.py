"""Overview API keys: minted for a user, shown once, stored as a SHA-256 hash."""

from __future__ import annotations

from pinsight.domain import secrets
from pinsight.domain.ids import new_id
from pinsight.errors import ApiError, InvalidApiKey
from pinsight.services.runtime import Runtime
from pinsight.store.identity import api_keys as store
from pinsight.store.content import content as content_store


def create_api_key(rt: Runtime, username: str, label: str = "") -> str:
    """A new key for ``username``; the only time the key itself exists outside its holder."""
    key = secrets.mint(secrets.API_KEY_PREFIX)
    with rt.write() as conn:
        user = content_store.get_user_by_username(conn, username)
        if user is None:
            raise ApiError(f"No user named {username!r}.", status=404)
        store.insert_api_key(conn, key_id=new_id(), user_id=user["id"], key_hash=secrets.digest(key), label=label,
                             created_at=rt.clock.now())
    return key


def key_holder(rt: Runtime, key: str | None) -> int:
    """The id of the user a key belongs to, read on its own (the rate limits need it first)."""
    with rt.engine.connect() as conn:
        return user_for_api_key(conn, key)


def user_for_api_key(conn, key: str | None) -> int:
    """The id of the user a key belongs to."""
    if not key or not isinstance(key, str) or len(key) > 200:
        raise InvalidApiKey()
    user_id = store.user_id_for_key_hash(conn, secrets.digest(key))
    if user_id is None:
        raise InvalidApiKey()
    return user_id
