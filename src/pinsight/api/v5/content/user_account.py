from __future__ import annotations

from fastapi import APIRouter

from pinsight.api.deps import AdAccountId, Authorized
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.services.content import users

router = APIRouter(tags=["user_account"])


@route(router, "user_account/get", answers=models.UserAccount)
async def get_user_account(caller: Authorized, ad_account_id: AdAccountId = None):
    return await caller.call(users.get_user_account)
