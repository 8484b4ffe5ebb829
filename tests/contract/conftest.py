"""Fixtures for the contract tests: the spec validator, a checking client, and per-test content."""

from __future__ import annotations

import pytest

from pinsight.services.identity import oauth
from tests.contract.spec_validation import SpecValidator
from tests.contract.support import ContractClient, OAuthApp, World, build_world, unique


@pytest.fixture(scope="session")
def validator(spec) -> SpecValidator:
    return SpecValidator(spec)


@pytest.fixture
def api(server, validator):
    client = ContractClient(server.url, validator)
    yield client
    client.close()


@pytest.fixture
def world(api, runtime, user) -> World:
    return build_world(api, runtime, user)


@pytest.fixture
def oauth_app(runtime, user) -> OAuthApp:
    redirect_uri = "https://client.example/callback"
    made = oauth.create_app(runtime, unique("contract app"), user.username, [redirect_uri])
    return OAuthApp(made.app_id, made.app_secret, redirect_uri)
