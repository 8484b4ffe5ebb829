"""The SDK is aimed at pinsight by PINTEREST_API_URI alone, as its users configure it."""

from __future__ import annotations

import importlib
import os

from openapi_generated.pinterest_client.api.user_account_api import UserAccountApi
from openapi_generated.pinterest_client.model.account import Account
from pinterest import config as sdk_config
from pinterest.client import PinterestSDKClient
from pinterest.organic.boards import Board

from tests.sdk.helpers import unique


def test_token_client_reaches_the_test_server(user, user_client, sdk_server):
    assert os.environ["PINTEREST_API_URI"] == sdk_server.api_uri == sdk_config.PINTEREST_API_URI
    account = UserAccountApi(user_client).user_account_get()
    # Only this server knows this freshly made user: the request really went there.
    assert isinstance(account, Account)
    assert account.username == user.username
    assert account.id == user.id
    assert account.board_count == 0 and account.pin_count == 0


def test_default_client_from_environment_variables(user, user_client, sdk_server):
    """PINTEREST_ACCESS_TOKEN + PINTEREST_API_URI in the environment: models need no client."""
    board = Board.create(name=unique("Env board"), client=user_client)
    saved = os.environ.get("PINTEREST_ACCESS_TOKEN")
    try:
        PinterestSDKClient.set_default_access_token(user.token)  # sets the variable, reloads pinterest.config
        default = PinterestSDKClient.create_default_client()
        assert default.configuration.host == sdk_server.api_uri
        boards, bookmark = Board.get_all()
        assert [b.id for b in boards] == [board.id]
        assert bookmark is None
        assert Board(board.id).name == board.name
    finally:
        if saved is None:
            os.environ.pop("PINTEREST_ACCESS_TOKEN", None)
        else:
            os.environ["PINTEREST_ACCESS_TOKEN"] = saved
        importlib.reload(sdk_config)
        PinterestSDKClient._reset_default_client()
