"""Organic exports over HTTP (pinsight's own API, outside /v5): ask for one, then read
where it is until its ``url`` appears (``services.organic.exports``)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from pinsight.api.deps import AdAccountId, Authorized
from pinsight.api.files import absolute_link
from pinsight.api.routing import route
from pinsight.api.schemas import responses as models
from pinsight.domain.organic.export_request import ExportRequest
from pinsight.services.organic import exports

router = APIRouter(tags=["exports"])


def _absolute(request: Request, answer: dict) -> dict:
    return {**answer, "url": absolute_link(request, answer.get("url"))} if "url" in answer else answer


@route(router, "pinsight/exports_create", answers=models.Export)
async def create_export(caller: Authorized, request: Request, body: ExportRequest, ad_account_id: AdAccountId = None):
    return _absolute(request, await caller.call(exports.create_export, body))


@route(router, "pinsight/exports_get", answers=models.Export)
async def get_export(caller: Authorized, request: Request, export_id: str, ad_account_id: AdAccountId = None):
    return _absolute(request, await caller.call(exports.get_export, export_id))
