"""Make users and tokens straight in the database, so each test owns its data."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass

import httpx

from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.domain.ids import new_id, new_short_id
from pinsight.services.identity.auth import create_user_token
from pinsight.services.runtime import Runtime
from pinsight.store.ads import ads as ads_store
from pinsight.store.content import content as content_store

_counter = itertools.count()


@dataclass
class TestUser:
    id: str
    username: str
    token: str
    client: httpx.Client

    def token_with(self, runtime: Runtime, scopes) -> str:
        return create_user_token(runtime, self.username, frozenset(scopes))


def make_user(runtime: Runtime, base_url: str, scopes=ALL_SCOPES, prefix: str = "user") -> TestUser:
    username = f"{prefix}_{next(_counter)}_{uuid.uuid4().hex[:8]}"
    user_id = new_id()
    with runtime.engine.begin() as conn:
        content_store.insert_user(
            conn,
            id=user_id,
            username=username,
            account_type="BUSINESS",
            business_name=None,
            about="",
            website_url="",
            profile_image="",
            follower_count=0,
            following_count=0,
            monthly_views=0,
            created_at=runtime.clock.now(),
        )
    token = create_user_token(runtime, username, frozenset(scopes))
    client = httpx.Client(base_url=f"{base_url}/v5", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    return TestUser(str(user_id), username, token, client)


def make_ad_account(runtime: Runtime, owner: TestUser, roles: dict[str, str] | None = None, name: str = "Test ads") -> str:
    account_id = new_short_id()
    now = runtime.clock.now()
    with runtime.engine.begin() as conn:
        ads_store.insert_ad_account(
            conn, id=account_id, owner_id=int(owner.id), name=name, country="US", currency="USD", created_at=now, updated_at=now
        )
        for user_id, role in (roles or {}).items():
            ads_store.grant_role(conn, account_id, int(user_id), role)
    return str(account_id)


def backdate_pin(runtime: Runtime, pin_id: str, days: int) -> None:
    """Pretend a pin was created ``days`` ago (analytics hide the days before creation)."""
    from datetime import timedelta

    from sqlalchemy import update

    from pinsight.store.tables import pins

    with runtime.engine.begin() as conn:
        conn.execute(update(pins).where(pins.c.id == int(pin_id)).values(created_at=runtime.clock.now() - timedelta(days=days)))


def set_role(runtime: Runtime, ad_account_id: str, user: TestUser, role: str | None) -> None:
    """Give ``user`` exactly ``role`` on the ad account (None: no role at all)."""
    from sqlalchemy import delete

    from pinsight.store.tables import ad_account_roles

    with runtime.engine.begin() as conn:
        conn.execute(delete(ad_account_roles).where(ad_account_roles.c.ad_account_id == int(ad_account_id),
                                                    ad_account_roles.c.user_id == int(user.id)))
        if role is not None:
            ads_store.grant_role(conn, int(ad_account_id), int(user.id), role)


def make_ads(runtime: Runtime, ad_account_id: str, count: int, pin_id: int = 0, days_old: int = 400) -> list[str]:
    """``count`` ads in one new campaign and ad group of the account, created ``days_old``
    days ago (ad actions before an ad's creation are refused). Written straight to the
    tables: the ads endpoints have their own tests."""
    import json
    from datetime import timedelta

    from sqlalchemy import insert

    from pinsight.store.tables import ad_groups, ads, campaigns

    created = runtime.clock.now() - timedelta(days=days_old)
    account = int(ad_account_id)
    campaign_id, ad_group_id = new_short_id(), new_short_id()
    ad_ids = [new_short_id() for _ in range(count)]
    with runtime.engine.begin() as conn:
        conn.execute(insert(campaigns).values(id=campaign_id, ad_account_id=account, name="C", status="ACTIVE",
                                              objective_type="AWARENESS", created_at=created, updated_at=created))
        conn.execute(insert(ad_groups).values(id=ad_group_id, ad_account_id=account, campaign_id=campaign_id, name="G",
                                              status="ACTIVE", attributes=json.dumps({}), created_at=created,
                                              updated_at=created))
        for ad_id in ad_ids:
            conn.execute(insert(ads).values(id=ad_id, ad_account_id=account, campaign_id=campaign_id,
                                            ad_group_id=ad_group_id, pin_id=pin_id, status="ACTIVE",
                                            creative_type="REGULAR", attributes=json.dumps({}), created_at=created,
                                            updated_at=created))
    return [str(ad_id) for ad_id in ad_ids]
