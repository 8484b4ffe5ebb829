from __future__ import annotations

from fastapi import APIRouter

from pinsight.api.deps import AdAccountId, authorized
from pinsight.api.responses import JSON
from pinsight.services import users

router = APIRouter(prefix="/v5", tags=["user_account"])


@router.get("/user_account", operation_id="user_account/get")
async def get_user_account(ad_account_id: AdAccountId = None, caller=authorized("user_account/get")):
    return JSON(await caller.call(users.get_user_account, ad_account_id))
