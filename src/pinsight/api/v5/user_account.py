from __future__ import annotations

from fastapi import APIRouter

from pinsight.api.deps import AdAccountId, RuntimeDep, authorized
from pinsight.api.responses import JSON
from pinsight.services import users

router = APIRouter(tags=["user_account"])


@router.get("/user_account", operation_id="user_account/get")
async def get_user_account(rt: RuntimeDep, ad_account_id: AdAccountId = None, principal=authorized("user_account/get")):
    return JSON(await rt.call(users.get_user_account, rt, principal, ad_account_id))
