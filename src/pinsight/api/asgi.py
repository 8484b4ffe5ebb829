"""The ASGI entry point uvicorn workers import: builds the app from the environment."""

from __future__ import annotations

from pinsight.api.app import create_app
from pinsight.services.runtime import Runtime
from pinsight.settings import get_settings
from pinsight.store.db import make_engine


def build():
    settings = get_settings()
    return create_app(Runtime.build(make_engine(settings.resolved_database_url()), settings))
