"""The ASGI entry point uvicorn workers import: builds the app from the environment."""

from __future__ import annotations

import gc

from pinsight.api.app import create_app
from pinsight.services.runtime import Runtime
from pinsight.settings import get_settings

# Collect the youngest generation after this many new container objects instead of 700:
# an analytics answer builds tens of thousands of small dicts, and the default made the
# collector run dozens of times per request (about a third of a 100-pin answer's time).
YOUNG_GENERATION_THRESHOLD = 20_000


def tune_garbage_collector() -> None:
    """Leave the objects of start-up (modules, the app) out of every later collection, and
    collect the young generation less often."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, older, oldest)


def build():
    settings = get_settings()
    app = create_app(Runtime.build(settings.engine(), settings))
    tune_garbage_collector()
    return app
