"""Schemathesis (v4) fuzzes every implemented operation of the official spec against the live server.

Each operation is one test per generation mode (positive: data the spec allows;
negative: data it forbids), with a bounded, derandomized Hypothesis run. Checks:
schemathesis' ``not_a_server_error``, ``response_schema_conformance``,
``status_code_conformance`` and ``content_type_conformance``, plus ours, because every
operation documents a ``default`` response and so ``status_code_conformance`` accepts
any status: a 2xx must be one the spec lists for the operation, an error status must
be one pinsight answers with on purpose, an error body must be exactly
``{"code", "message"}``, and bodies must also pass ``SpecValidator`` (RFC 3339 dates,
discriminator mappings).

So that the fuzzing gets past "404 not found", generated ids are often replaced with
ids that exist (and media URLs with fetchable-looking ones); for the analytics
operations, generated periods and metric lists are often replaced with valid ones (a
generated date is almost never within the last 90 days). Read-only operations run
with the demo user's token over the demo data set (whose pins carry daily metrics);
operations that change data run as a dedicated user over content it creates first, so
the demo data other tests rely on is never changed. Each positive run must reach a 2xx
at least once.
"""

from __future__ import annotations

import collections
import copy
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pinsight.store import tables
from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.services.identity import oauth
from tests.contract.support import ContractClient, OAuthApp, build_world, tiny_png_base64, unique
from tests.contract.spec_validation import SpecValidator, assert_error_body
from tests.support.operations import V5_BEARER_OPERATIONS as OPERATIONS

FUZZED = sorted(OPERATIONS) + ["oauth/token", "token/revoke"]
# Bounded so the file runs in well under two minutes per backend; raise it for a deeper local run.
MAX_EXAMPLES = int(os.environ.get("PINSIGHT_FUZZ_EXAMPLES", "30"))
MODES = {"positive": schemathesis.GenerationMode.POSITIVE, "negative": schemathesis.GenerationMode.NEGATIVE}
HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    print_blob=False,
)
# Statuses pinsight answers with on purpose (with a valid token, 401 is never right).
ERROR_STATUSES = {400, 403, 404, 409}
ERROR_STATUSES_BY_OPERATION = {"oauth/token": {400, 415}, "token/revoke": {400, 415},
                               # Some events failed: the spec's 422 with each event's answer.
                               "events/create": {*ERROR_STATUSES, 422}}
PNG = tiny_png_base64(3, 2)


@dataclass
class Target:
    authorization: str
    # Consistent sets of real path parameters to use instead of generated ones.
    paths: list[dict[str, str]] = field(default_factory=list)
    # For operations that delete: a new resource for each example.
    fresh_path: Callable[[], dict[str, str]] | None = None
    # Real values for body fields, for media_source fields, and for the ad_account_id query parameter.
    body: dict[str, list] = field(default_factory=dict)
    # Body fields the spec leaves optional but a useful request has (added when the generator left them out).
    body_defaults: dict[str, list] = field(default_factory=dict)
    media: dict[str, list] = field(default_factory=dict)
    ad_accounts: list[str] = field(default_factory=list)
    # Consistent sets of real query parameters (a valid period) to use instead of generated ones.
    query_sets: list[dict[str, str]] = field(default_factory=list)
    # Real values for single query parameters.
    query: dict[str, list] = field(default_factory=dict)
    # Extra rewriting of a dict body (OAuth grants).
    rewrite_body: Callable[[dict, Callable], None] | None = None


@pytest.fixture(scope="session")
def st_schema(spec):
    # from_dict normalizes the document in place: give it a copy, the session's spec stays pristine.
    loaded = schemathesis.openapi.from_dict(copy.deepcopy(spec), config=schemathesis.Config())
    return loaded.include(operation_id=FUZZED)


@pytest.fixture(scope="session")
def st_operations(st_schema) -> dict:
    operations = {}
    for result in st_schema.get_all_operations():
        operation = result.ok()
        operations[operation.definition.raw["operationId"]] = operation
    return operations


def test_the_filter_selects_exactly_the_implemented_operations(st_operations):
    assert sorted(st_operations) == sorted(FUZZED)


# --- our checks, in schemathesis' check signature ----------------------------------------------------


def _documented_success_status(ctx, response, case):
    status = response.status_code
    if 200 <= status < 300:
        documented = case.operation.definition.raw["responses"]
        assert str(status) in documented, f"{status} is not among the documented responses {sorted(documented)}"


def _expected_error_status(target: Target):
    def expected_error_status(ctx, response, case):
        status = response.status_code
        if response.request.headers.get("Authorization") != target.authorization:
            # Negative generation may drop or mangle the credentials (the spec declares them).
            assert status == 401, f"the request went without valid credentials, yet got {status}"
            return
        if status >= 300:
            allowed = ERROR_STATUSES_BY_OPERATION.get(case.operation.definition.raw["operationId"], ERROR_STATUSES)
            assert status in allowed, f"status {status} is not one pinsight means to answer with here ({sorted(allowed)})"

    return expected_error_status


def _error_body_shape(ctx, response, case):
    if response.status_code == 422 and case.operation.definition.raw["operationId"] == "events/create":
        body = response.json()  # the spec's DetailedError: Pinterest's error plus the per-event answers
        assert set(body) == {"code", "message", "details"} and body["details"]["events"], body
        assert_error_body({"code": body["code"], "message": body["message"]})
    elif response.status_code >= 400:
        assert_error_body(response.json())


def _spec_validator_check(validator: SpecValidator):
    def spec_validator(ctx, response, case):
        path, method = case.operation.path, case.operation.method
        if validator.response_schema(path, method, response.status_code) is None:
            assert response.content == b"", f"{response.status_code} documents no body"
        else:
            validator.validate_body(path, method, response.status_code, response.json())

    return spec_validator


def _fake_response(status: int, body=None, *, text: str | None = None, content_type="application/json",
                   authorization: str | None = "Bearer token"):
    headers = {"Authorization": authorization} if authorization else {}
    request = requests.Request("GET", "http://pinsight.test/v5/boards", headers=headers).prepare()
    content = (text if text is not None else json.dumps(body)).encode()
    return schemathesis.Response(status_code=status, headers={"content-type": [content_type]}, content=content,
                                 request=request, elapsed=0.01, verify=True)


def test_the_checks_can_fail(st_operations, validator):
    """Each check rejects a response that breaks it (a check that cannot fail proves nothing)."""
    operation = st_operations["boards/list"]
    case = operation.Case(query={})
    target = Target("Bearer token")

    def fails(check, response) -> bool:
        try:
            case.validate_response(response, checks=[check], headers={"Authorization": "Bearer token"})
        except FailureGroup:
            return True
        return False

    good = _fake_response(200, {"items": [], "bookmark": None})
    assert [check.__name__ for check in _all_checks(validator, target) if fails(check, good)] == []
    assert fails(not_a_server_error, _fake_response(500, {"code": 1, "message": "m"}))
    bad_board = {"items": [{"id": 5, "name": "n"}], "bookmark": None}
    assert fails(response_schema_conformance, _fake_response(200, bad_board))
    assert fails(_spec_validator_check(validator), _fake_response(200, bad_board))
    assert fails(_spec_validator_check(validator), _fake_response(200, {"items": [{"id": "5", "name": "n",
                                                                                    "created_at": "today"}]}))
    assert fails(content_type_conformance, _fake_response(200, text="[]", content_type="text/html"))
    assert fails(_documented_success_status, _fake_response(201, {"items": []}))
    assert fails(_expected_error_status(target), _fake_response(405, {"code": 405, "message": "m"}))
    assert fails(_expected_error_status(target), _fake_response(401, {"code": 2, "message": "m"}))
    assert fails(_expected_error_status(target), _fake_response(200, {"items": []}, authorization=None))
    assert not fails(_expected_error_status(target), _fake_response(401, {"code": 2, "message": "m"}, authorization=None))
    assert fails(_error_body_shape, _fake_response(400, {"code": 1, "message": "m", "detail": []}))
    # status_code_conformance is only meaningful where no `default` response is documented.
    assert "default" in operation.definition.raw["responses"]


def _all_checks(validator: SpecValidator, target: Target) -> list[Callable]:
    return [
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
        content_type_conformance,
        _documented_success_status,
        _expected_error_status(target),
        _error_body_shape,
        _spec_validator_check(validator),
    ]


# --- what the fuzzer acts as, and which real ids it may use ------------------------------------------------


ANALYTICS = ("pins/analytics", "multi_pins/analytics")
# Account-wide analytics: generated enums and metric lists are valid; only the period needs help.
ACCOUNT_ANALYTICS = ("user_account/analytics", "user_account/analytics/top_pins", "user_account/analytics/top_video_pins")
# Standard, video and lifetime metrics, comma-separated as the spec's explode: false has them (the server
# also takes the parameter repeated, which the generated cases and the response-schema tests exercise).
METRIC_LISTS = [
    "IMPRESSION,SAVE,SAVE_RATE",
    "PIN_CLICK,OUTBOUND_CLICK,USER_FOLLOW,PROFILE_VISIT,TOTAL_COMMENTS",
    "VIDEO_START,VIDEO_AVG_WATCH_TIME,VIDEO_V50_WATCH_TIME,QUARTILE_95_PERCENT_VIEW,TOTAL_REACTIONS",
    "SAVE_RATE,VIDEO_MRC_VIEW,VIDEO_10S_VIEW,TOTAL_COMMENTS",
]


def _periods(today: date) -> list[dict[str, str]]:
    """Valid start_date/end_date pairs: the widest (90 days back to today), a week, one day, older spans."""
    def day(back: int) -> str:
        return (today - timedelta(days=back)).isoformat()

    return [{"start_date": day(start), "end_date": day(end)} for start, end in ((90, 0), (6, 0), (0, 0), (30, 2), (89, 60))]


def _demo_target(operation_id: str, demo: dict, today: date, runtime) -> Target:
    boards = [{"board_id": demo[name]} for name in ("board_id", "secret_board_id", "friend_board_id")]
    # The demo user's pin has daily metrics; the friend's pin is visible but not theirs to analyse (403).
    pins = [{"pin_id": demo["pin_id"]}, {"pin_id": demo["friend_pin_id"]}]
    paths = {
        "boards/get": boards,
        "boards/list_pins": boards,
        "board_sections/list": boards,
        "board_sections/list_pins": [{"board_id": demo["board_id"], "section_id": demo["section_id"]}],
        "pins/get": pins,
        "pins/analytics": [pins[0], pins[0], pins[1]],
        "ad_accounts/get": [{"ad_account_id": demo["ad_account_id"]}],
        # The demo account's audiences (an answer whatever the type; a fuzzed id is not found).
        "audience_insights/get": [{"ad_account_id": demo["ad_account_id"]}],
        "audience_insights_scope_and_type/get": [{"ad_account_id": demo["ad_account_id"]}],
        # Any token answers (DOES_NOT_EXIST when it names no report); the account's templates.
        "analytics/get_report": [{"ad_account_id": demo["ad_account_id"]}],
        "templates/list": [{"ad_account_id": demo["ad_account_id"]}],
    }.get(operation_id, [])
    target = Target(f"Bearer {demo['access_token']}", paths=paths, ad_accounts=[demo["ad_account_id"]])
    if operation_id in ANALYTICS:
        target.query_sets = _periods(today)
        target.query = {"metric_types": METRIC_LISTS}
        if operation_id == "multi_pins/analytics":
            own = demo["pin_id"]
            target.query["pin_ids"] = [[own], [own], [own, demo["friend_pin_id"]]]
    elif operation_id in ACCOUNT_ANALYTICS:
        target.query_sets = _periods(today)
    elif operation_id in ADS_ANALYTICS or operation_id in TARGETING_ANALYTICS:
        target.paths = [{"ad_account_id": demo["ad_account_id"]}]
        ids = _demo_ads(runtime, int(demo["ad_account_id"]))
        target.query_sets = [
            {**period, "granularity": granularity, "columns": columns, **ids,
             **({"targeting_types": kinds} if operation_id in TARGETING_ANALYTICS else {})}
            for period in _periods(today) for granularity in ("DAY", "TOTAL", "WEEK")
            for columns in ("SPEND_IN_MICRO_DOLLAR,PAID_IMPRESSION,CTR", "TOTAL_CONVERSIONS,TOTAL_CLICK_CHECKOUT,ROAS")
            for kinds in ("GEO", "AGE_BUCKET,GENDER")
        ]
    return target


# The demo's ads history answers these; the fuzzer gets its real ids and valid columns.
ADS_ANALYTICS = ("ad_account/analytics", "campaigns/analytics", "ad_groups/analytics", "ads/analytics",
                 "ad_pins/analytics")
TARGETING_ANALYTICS = ("ad_account_targeting_analytics/get", "campaign_targeting_analytics/get",
                       "ad_groups_targeting_analytics/get", "ad_targeting_analytics/get")


def _demo_ads(runtime, account_id: int) -> dict:
    from sqlalchemy import select

    with runtime.engine.connect() as conn:
        ad_id, campaign_id, group_id, pin_id = conn.execute(
            select(tables.ads.c.id, tables.ads.c.campaign_id, tables.ads.c.ad_group_id, tables.ads.c.pin_id)
            .where(tables.ads.c.ad_account_id == account_id).order_by(tables.ads.c.id).limit(1)).one()
    return {"ad_ids": [str(ad_id)], "campaign_ids": [str(campaign_id)], "ad_group_ids": [str(group_id)],
            "campaign_id": str(campaign_id), "pin_ids": [str(pin_id)]}


def _own_target(operation_id: str, api: ContractClient, runtime, user, demo: dict) -> Target:
    world = build_world(api, runtime, user)
    token = user.token
    other_board = api.call("post", "/boards", token=token, json={"name": unique("Fuzz other")}, expect=201)["id"]
    target = Target(f"Bearer {token}", ad_accounts=[world.ad_account_id])

    def fresh_board():
        return {"board_id": api.call("post", "/boards", token=token, json={"name": unique("Fuzz")}, expect=201)["id"]}

    def fresh_section():
        section = api.call("post", "/boards/{board_id}/sections", token=token, params={"board_id": world.board_id},
                           json={"name": unique("Fuzz")}, expect=201)
        return {"board_id": world.board_id, "section_id": section["id"]}

    def fresh_pin():
        pin = api.call("post", "/pins", token=token, expect=201,
                       json={"board_id": world.board_id,
                             "media_source": {"source_type": "image_url", "url": "https://images.example/f.jpg"}})
        return {"pin_id": pin["id"]}

    if operation_id == "boards/update":
        target.paths = [{"board_id": world.board_id}, {"board_id": other_board}]
    elif operation_id == "boards/delete":
        target.fresh_path = fresh_board
    elif operation_id == "board_sections/create":
        target.paths = [{"board_id": world.board_id}, {"board_id": other_board}]
    elif operation_id == "board_sections/update":
        target.paths = [{"board_id": world.board_id, "section_id": world.section_id}]
    elif operation_id == "board_sections/delete":
        target.fresh_path = fresh_section
    elif operation_id == "pins/create":
        target.body = {"board_id": [world.board_id, other_board], "board_section_id": [world.section_id],
                       "parent_pin_id": [world.pin_id, demo["friend_pin_id"]]}
        target.media = {"url": ["https://images.example/fuzz.jpg"], "data": [PNG], "content_type": ["image/png"],
                        "media_id": [world.media_id]}
        target.body_defaults = {
            "board_id": [world.board_id],
            "media_source": [{"source_type": "image_url", "url": "https://images.example/default.jpg"},
                             {"source_type": "image_base64", "content_type": "image/png", "data": PNG}],
        }
    elif operation_id == "pins/update":
        target.paths = [{"pin_id": world.pin_id}, {"pin_id": world.section_pin_id}]
        target.body = {"board_id": [world.board_id, other_board], "board_section_id": [world.section_id]}
    elif operation_id == "pins/delete":
        target.fresh_path = fresh_pin
    elif operation_id == "ad_accounts/create":
        target.body = {"owner_user_id": [user.id]}
        target.body_defaults = {"name": ["Fuzz ads"], "country": ["US", "FR"]}
    elif operation_id in ("campaigns/list", "campaigns/create", "campaigns/update", "campaigns/get"):
        target.paths = [{"ad_account_id": world.ad_account_id, "campaign_id": world.campaign_id}]
        target.body = {"ad_account_id": [world.ad_account_id], "id": [world.campaign_id]}
        target.body_defaults = {"ad_account_id": [world.ad_account_id]}
        if operation_id == "campaigns/update":
            target.body_defaults["id"] = [world.campaign_id]
        target.query = {"campaign_ids": [[world.campaign_id]]}
    elif operation_id == "events/create":
        target.paths = [{"ad_account_id": world.ad_account_id}]
        moment = int(runtime.clock.now().replace(tzinfo=UTC).timestamp()) - 60

        def rewrite(body: dict, pick: Callable) -> None:
            # Generated events rarely pass every check: in some bodies, mend every event's
            # required fields (the rest as generated); the others are answered event by event.
            mend = pick([True, True, True, False])
            for event in body.get("data") or []:
                if isinstance(event, dict) and mend:
                    event.update({"event_name": "lead", "action_source": "web", "event_time": moment,
                                  "event_id": unique("fuzz-conversion"),
                                  "user_data": {"em": ["d" * 64]}, "custom_data": {}})

        target.rewrite_body = rewrite
    elif operation_id.startswith("ad_groups/"):
        target.paths = [{"ad_account_id": world.ad_account_id, "ad_group_id": world.ad_group_id}]
        target.body = {"campaign_id": [world.campaign_id], "id": [world.ad_group_id]}
        # What a writable ad group of the world's campaign needs beyond the spec's required fields.
        target.body_defaults = {"budget_in_micro_currency": [1_000_000]}
        if operation_id == "ad_groups/create":
            target.body_defaults["campaign_id"] = [world.campaign_id]
        if operation_id == "ad_groups/update":
            target.body_defaults["id"] = [world.ad_group_id]
        target.query = {"campaign_ids": [[world.campaign_id]], "ad_group_ids": [[world.ad_group_id]]}
    elif operation_id.startswith("ads/"):
        target.paths = [{"ad_account_id": world.ad_account_id, "ad_id": world.ad_id}]
        target.body = {"ad_group_id": [world.ad_group_id], "pin_id": [world.pin_id, world.section_pin_id],
                       "id": [world.ad_id]}
        if operation_id == "ads/create":
            target.body_defaults = {"ad_group_id": [world.ad_group_id], "pin_id": [world.pin_id]}
        if operation_id == "ads/update":
            target.body_defaults = {"id": [world.ad_id]}
        target.query = {"campaign_ids": [[world.campaign_id]], "ad_group_ids": [[world.ad_group_id]],
                        "ad_ids": [[world.ad_id]]}
    elif operation_id == "analytics/create_report":
        target.paths = [{"ad_account_id": world.ad_account_id}]
        today = runtime.clock.today()

        def mend_report(body: dict, pick: Callable) -> None:
            # Some bodies get a valid core (level, dates, granularity, columns); the rest as generated.
            if pick([True, True, False]):
                body.update({"level": pick(["CAMPAIGN", "ADVERTISER", "PIN_PROMOTION", "KEYWORD"]),
                             "start_date": (today - timedelta(days=pick([0, 30, 180]))).isoformat(),
                             "end_date": today.isoformat(), "granularity": pick(["DAY", "TOTAL", "MONTH"]),
                             "columns": pick([["SPEND_IN_MICRO_DOLLAR", "CTR"], ["TOTAL_CONVERSIONS"]])})
                for name in ("start_hour", "end_hour", "custom_conversion_event_metrics", "campaign_brand_label",
                             "product_group_ids", "product_group_statuses", "product_item_ids", "targeting_types"):
                    body.pop(name, None)

        target.rewrite_body = mend_report
    elif operation_id == "analytics/create_template_report":
        target.paths = [{"ad_account_id": world.ad_account_id, "template_id": world.template_id}]
        target.query_sets = _periods(runtime.clock.today())
    elif operation_id == "bulk_download/create":
        target.paths = [{"ad_account_id": world.ad_account_id}]
        target.body = {"entity_ids": [[world.campaign_id], [world.ad_group_id, world.ad_id]]}
    elif operation_id == "pins/save":
        target.paths = [{"pin_id": demo["friend_pin_id"]}, {"pin_id": world.pin_id}]
        target.body = {"board_id": [world.board_id, other_board], "board_section_id": [world.section_id]}
        target.body_defaults = {"board_id": [world.board_id]}
    return target


def _oauth_target(runtime, user, server) -> Target:
    redirect_uri = "https://client.example/callback"
    made = oauth.create_app(runtime, unique("fuzz app"), user.username, [redirect_uri])
    app = OAuthApp(made.app_id, made.app_secret, redirect_uri)

    def code(scope="boards:read pins:read") -> str:
        redirect = oauth.grant_code(runtime, app.app_id, redirect_uri, scope, user.username, None)
        return parse_qs(urlsplit(redirect).query)["code"][0]

    issued = httpx.post(f"{server.url}/v5/oauth/token", headers={"Authorization": app.basic}, timeout=30,
                        data={"grant_type": "authorization_code", "code": code(), "redirect_uri": redirect_uri})
    assert issued.status_code == 200, issued.text
    refresh_token = issued.json()["refresh_token"]
    scopes = ["boards:read", "boards:read pins:read", " ".join(ALL_SCOPES)]

    def rewrite(body: dict, pick: Callable) -> None:
        grant = body.get("grant_type")
        if grant == "authorization_code" and pick([True, False]):
            body["code"], body["redirect_uri"] = code(), redirect_uri
        elif grant == "refresh_token" and pick([True, False]):
            body["refresh_token"] = refresh_token
        if "scope" in body and pick([True, False]):
            body["scope"] = pick(scopes)

    return Target(app.basic, rewrite_body=rewrite)


def _revoke_target(runtime, user, server) -> Target:
    """Revocations by an app of tokens it was issued (revoking one twice is no error)."""
    made = oauth.create_app(runtime, unique("fuzz revoking app"), user.username, ["https://client.example/callback"])
    basic = OAuthApp(made.app_id, made.app_secret, "").basic
    tokens = []
    for _ in range(3):
        issued = httpx.post(f"{server.url}/v5/oauth/token", headers={"Authorization": basic}, timeout=30,
                            data={"grant_type": "client_credentials", "scope": "pins:read"})
        assert issued.status_code == 200, issued.text
        tokens.append(issued.json()["access_token"])

    def rewrite(body: dict, pick: Callable) -> None:
        if "token" in body and pick([True, False]):
            body["token"] = pick(tokens)

    return Target(basic, rewrite_body=rewrite)


def _media_target(api: ContractClient, runtime, user) -> Target:
    """Reads of media uploads, as a user who has registered some (the demo user has none)."""
    world = build_world(api, runtime, user)
    return Target(f"Bearer {user.token}", paths=[{"media_id": world.media_id}])


def _demo_bulk_request(api: ContractClient, demo: dict) -> dict[str, str]:
    """A bulk download of the demo's ad account, whose status the fuzzer reads."""
    answer = api.call("post", "/ad_accounts/{ad_account_id}/bulk/download", token=demo["access_token"], expect=200,
                      params={"ad_account_id": demo["ad_account_id"]}, json={"entity_types": ["CAMPAIGN"]})
    return {"ad_account_id": demo["ad_account_id"], "bulk_request_id": answer["request_id"]}


def _substitute(case, target: Target, draw) -> None:
    """Swap generated values for real ones, by Hypothesis draws (so runs stay reproducible)."""

    def often() -> bool:
        return draw(st.integers(0, 3), label="use a real value") > 0

    def pick(options):
        return draw(st.sampled_from(options))

    if target.fresh_path is not None and case.path_parameters and often():
        case.path_parameters.update(target.fresh_path())
    elif target.paths and case.path_parameters and often():
        case.path_parameters.update(pick(target.paths))
    if isinstance(case.query, dict):
        if "ad_account_id" in case.query and target.ad_accounts and often():
            case.query["ad_account_id"] = pick(target.ad_accounts)
        if target.query_sets and often():
            # Only parameters the case has: a negative case that left one out still does.
            case.query.update({k: v for k, v in pick(target.query_sets).items() if k in case.query})
        for name, options in target.query.items():
            if name in case.query and often():
                case.query[name] = copy.deepcopy(pick(options))
    # A batch body (the arrays of campaigns, ad groups and ads) gets the same help in each of its objects.
    items = [case.body] if isinstance(case.body, dict) else [i for i in case.body if isinstance(i, dict)] \
        if isinstance(case.body, list) else []
    for item in items:
        for name, options in target.body.items():
            if name in item and often():
                item[name] = pick(options)
        for name, options in target.body_defaults.items():
            if name not in item and often():
                item[name] = copy.deepcopy(pick(options))
    if isinstance(case.body, dict):
        source = case.body.get("media_source")
        if isinstance(source, dict):
            for item in [source, *(i for i in source.get("items", []) if isinstance(i, dict))]:
                for name, options in target.media.items():
                    if name in item and often():
                        item[name] = pick(options)
        if target.rewrite_body is not None:
            target.rewrite_body(case.body, pick)


# --- the fuzzing -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("operation_id", FUZZED)
def test_fuzz_operation(operation_id, mode, st_operations, validator, demo, runtime, server, api, new_user):
    operation = st_operations[operation_id]
    if operation_id in ("media/get", "media/list"):
        target = _media_target(api, runtime, new_user(prefix="fuzz"))
    elif operation.method == "get" and (not operation_id.startswith(("campaigns/", "ad_groups/", "ads/"))
                                        or operation_id in ADS_ANALYTICS):
        target = _demo_target(operation_id, demo, runtime.clock.today(), runtime)
    elif operation_id == "oauth/token":
        target = _oauth_target(runtime, new_user(prefix="fuzz"), server)
    elif operation_id == "token/revoke":
        target = _revoke_target(runtime, new_user(prefix="fuzz"), server)
    else:
        target = _own_target(operation_id, api, runtime, new_user(prefix="fuzz"), demo)
    if operation_id == "bulk_request/get":
        target.paths = [_demo_bulk_request(api, demo)]
    checks = _all_checks(validator, target)
    statuses: collections.Counter = collections.Counter()
    session = requests.Session()
    base_url = f"{server.url}/v5"

    @HYPOTHESIS
    @given(case=operation.as_strategy(generation_mode=MODES[mode]), data=st.data())
    def fuzz(case, data):
        _substitute(case, target, data.draw)
        headers = {"Authorization": target.authorization}
        response = case.call(base_url=base_url, session=session, headers=headers)
        statuses[response.status_code] += 1
        case.validate_response(response, checks=checks, headers=headers)

    try:
        fuzz()
    finally:
        session.close()
    if mode == "positive":
        assert any(200 <= status < 300 for status in statuses), f"no example got past the errors: {dict(statuses)}"
