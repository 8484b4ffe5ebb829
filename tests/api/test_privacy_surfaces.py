"""Privacy on every surface: what an owner's protected and secret content shows to a second
user and to each Business Access role, on every endpoint of the app, over HTTP.

The rules are written out again here from Pinterest's per-operation text rather than
imported: through an ad account, content on public or protected boards is for Owner,
Admin, Analyst or Campaign Manager, secret content for Owner or Admin with the *_secret
scopes, organic analytics for Owner, Admin or Analyst; without one, another user sees
only public content. Overview API keys read as tokens with every read scope; account
totals stay whole for every reader, per-post details follow the rules above.
"""

from __future__ import annotations

import gzip
import json
import uuid
import time as time_module
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

import httpx
import pytest
from starlette.routing import Mount

from pinsight.api.app import create_app
from pinsight.catalog.operations import ADS_READ_ROLES, OPERATIONS
from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.services.identity.api_keys import create_api_key
from tests.support.api import assert_error, create_board, create_pin, create_section, register_video, video_source
from tests.support.factories import TestUser as User
from tests.support.factories import backdate_pin, make_ad_account, make_ads, make_user, set_role

PRIVACIES = ("PUBLIC", "PROTECTED", "SECRET")
VISIBLE = frozenset({"PUBLIC", "PROTECTED"})
EVERYTHING = frozenset(PRIVACIES)
CONTENT_ROLES = frozenset({"OWNER", "ADMIN", "ANALYST", "CAMPAIGN_MANAGER"})
ANALYTICS_ROLES = frozenset({"OWNER", "ADMIN", "ANALYST"})
SECRET_ROLES = frozenset({"OWNER", "ADMIN"})
SECRET_SCOPES = frozenset({"boards:read_secret", "boards:write_secret", "pins:read_secret", "pins:write_secret"})
WITHOUT_SECRET = frozenset(ALL_SCOPES) - SECRET_SCOPES
DELEGATE, OWN = "delegate", "own"  # with the owner's ad_account_id / in one's own name


def unique(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex}"


def pin_fields(privacy: str) -> dict:
    """A pin body whose every shown value is a string found nowhere else."""
    return {
        "title": unique(f"{privacy} title"),
        "description": unique(f"{privacy} description"),
        "link": f"https://{privacy.lower()}.example/{uuid.uuid4().hex}",
        "media_source": {"source_type": "image_url", "url": f"https://img.example/{uuid.uuid4().hex}.jpg"},
    }


def _urls(value) -> Iterable[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _urls(item)
    elif isinstance(value, list):
        for item in value:
            yield from _urls(item)
    elif isinstance(value, str) and value.startswith("http"):
        yield value


@dataclass
class Shelf:
    """One privacy's content of the owner: a board, a section, an image pin in the section
    and a video pin, both created three days ago with engagement since."""

    privacy: str
    board: dict
    section: dict
    image: dict
    video: dict

    @property
    def pin_ids(self) -> frozenset[str]:
        return frozenset({self.image["id"], self.video["id"]})


@dataclass
class Viewer:
    name: str
    user: User
    role: str | None  # the role held on the owner's ad account (None: the owner, or no role)
    is_owner: bool
    secret_scopes: bool
    http: httpx.Client  # the server's root, with this viewer's token
    key: str  # the user's overview API key
    board: dict | None = None  # a public board of their own

    def __repr__(self) -> str:
        return self.name


class World:
    """The owner's content, the markers of it (every id, title, link and media URL), and the
    users who look at it."""

    def __init__(self, runtime, server, owner: User):
        self.runtime, self.server, self.owner = runtime, server, owner
        self.markers: dict[str, set[str]] = {privacy: set() for privacy in PRIVACIES}
        today = runtime.clock.today()
        self.event_day = today - timedelta(days=2)
        self.start, self.end = (today - timedelta(days=10)).isoformat(), today.isoformat()
        self.shelves = {privacy: self._shelf(privacy, rank) for rank, privacy in enumerate(PRIVACIES)}
        self.account = make_ad_account(runtime, owner)
        (self.ad,) = make_ads(runtime, self.account, 1)
        self.anonymous = httpx.Client(base_url=server.url, timeout=30)
        self.clients: list[httpx.Client] = [self.anonymous]

    def _shelf(self, privacy: str, rank: int) -> Shelf:
        client = self.owner.client
        board = create_board(client, name=unique(f"{privacy} board"), description=unique("about"), privacy=privacy)
        section = create_section(client, board["id"], unique("section"))
        image = create_pin(client, board["id"], board_section_id=section["id"], **pin_fields(privacy))
        video_fields = pin_fields(privacy)
        video_fields["media_source"] = video_source(client, cover_image_url=f"https://video.example/{uuid.uuid4().hex}.jpg")
        video = create_pin(client, board["id"], **video_fields)
        self.remember(privacy, board, section, image, video)
        for number, pin in enumerate((image, video)):
            backdate_pin(self.runtime, pin["id"], 3)
            # Different counts, so every pin has its own place in the rankings.
            self.send_events(pin["id"], 2 + 3 * rank + number)
        return Shelf(privacy, board, section, image, video)

    def send_events(self, pin_id: str, impressions: int) -> None:
        moment = datetime.combine(self.event_day, time(12)).replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")
        kinds = ["IMPRESSION"] * impressions + ["SAVE", "PIN_CLICK", "REPIN", "VIDEO_START"]
        events = [{"id": uuid.uuid4().hex, "pin_id": pin_id, "type": kind, "timestamp": moment, "app_type": "WEB"}
                  for kind in kinds]
        response = self.owner.client.post("/../api/v1/events", json=events)
        assert response.status_code == 200, response.text

    def remember(self, privacy: str, *objects: dict) -> None:
        """Every id, name, title, description, link and URL of these objects is ``privacy`` content."""
        for item in objects:
            for name in ("id", "name", "title", "description", "link"):
                if isinstance(item.get(name), str) and item[name]:
                    self.markers[privacy].add(item[name])
            self.markers[privacy].update(_urls(item.get("media")))

    def hidden_from(self, allowed: frozenset[str]) -> set[str]:
        return {marker for privacy in PRIVACIES if privacy not in allowed for marker in self.markers[privacy]}

    def pins_of(self, privacies: Iterable[str], kind: str | None = None) -> frozenset[str]:
        chosen = set()
        for privacy in privacies:
            shelf = self.shelves[privacy]
            chosen |= {shelf.video["id"]} if kind == "video" else shelf.pin_ids
        return frozenset(chosen)

    def viewer(self, name: str, user: User, role: str | None, *, secret_scopes: bool = True) -> Viewer:
        token = user.token_with(self.runtime, ALL_SCOPES if secret_scopes else WITHOUT_SECRET)
        http = httpx.Client(base_url=self.server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        self.clients.append(http)
        is_owner = user.id == self.owner.id
        board = None if is_owner else create_board(user.client, name=unique("own board"))
        return Viewer(name, user, role, is_owner, secret_scopes, http, create_api_key(self.runtime, user.username),
                      board)

    # Disposable content for the deletes, remembered like the rest.
    def disposable_board(self, privacy: str) -> dict:
        board = create_board(self.owner.client, name=unique(f"{privacy} doomed board"), privacy=privacy)
        self.remember(privacy, board)
        return board

    def disposable_pin(self, privacy: str) -> dict:
        pin = create_pin(self.owner.client, self.shelves[privacy].board["id"], **pin_fields(privacy))
        self.remember(privacy, pin)
        return pin

    def disposable_section(self, privacy: str) -> dict:
        section = create_section(self.owner.client, self.shelves[privacy].board["id"], unique("doomed section"))
        self.remember(privacy, section)
        return section

    def close(self) -> None:
        for client in self.clients:
            client.close()


# --- the rules, per viewer ---------------------------------------------------------------------------


def acting_for_owner(viewer: Viewer, mode: str, roles: frozenset[str]) -> bool:
    """Whether the operation runs as the owner: the owner, or a delegate holding one of ``roles``."""
    return viewer.is_owner or (mode == DELEGATE and viewer.role in roles)


def refused(viewer: Viewer, mode: str, roles: frozenset[str]) -> bool:
    """``ad_account_id`` sent without a role that allows the operation: 403."""
    return mode == DELEGATE and not viewer.is_owner and viewer.role not in roles


def secret_allowed(viewer: Viewer) -> bool:
    return viewer.secret_scopes and (viewer.is_owner or viewer.role in SECRET_ROLES)


def token_sees(viewer: Viewer, mode: str) -> frozenset[str]:
    """The privacies of the owner's content a v5 answer may show this viewer."""
    if acting_for_owner(viewer, mode, CONTENT_ROLES):
        return EVERYTHING if secret_allowed(viewer) else VISIBLE
    return frozenset({"PUBLIC"})


def key_sees(viewer: Viewer, mode: str) -> frozenset[str]:
    """The same for the overview API, whose keys carry every read scope."""
    if viewer.is_owner or (mode == DELEGATE and viewer.role in SECRET_ROLES):
        return EVERYTHING
    if mode == DELEGATE and viewer.role in ANALYTICS_ROLES:
        return VISIBLE
    return frozenset({"PUBLIC"})


def item_status(viewer: Viewer, mode: str, privacy: str, *, ok: int, roles=CONTENT_ROLES, strangers: int = 200) -> int:
    """The status of an operation on one item of the owner's: ``strangers`` is what another
    user gets for a public item (reads 200, changes 403); other items are 404 to them."""
    if refused(viewer, mode, roles):
        return 403
    if acting_for_owner(viewer, mode, roles):
        return ok if privacy != "SECRET" or secret_allowed(viewer) else 403
    return strangers if privacy == "PUBLIC" else 404


# --- every route of the app, and how each viewer calls it --------------------------------------------


@dataclass
class Call:
    method: str
    path: str
    expect: int
    allowed: frozenset[str]  # the privacies of the owner's content the answer may show
    params: dict = field(default_factory=dict)
    json: object = None
    form: dict | None = None
    auth: bool = True
    present: frozenset[str] = frozenset()  # what the answer must show
    creates: str | None = None  # the privacy of what a successful call creates or changes


Plan = Callable[[World, Viewer, str], Iterable[Call]]
ROUTES: dict[tuple[str, str], Plan] = {}


def route(method: str, path: str):
    def register(plan: Plan) -> Plan:
        ROUTES[(method, path)] = plan
        return plan

    return register


def as_owner(world: World, mode: str) -> dict:
    return {"ad_account_id": world.account} if mode == DELEGATE else {}


def once(mode: str) -> bool:
    """Routes that take no ad_account_id are called in one mode only."""
    return mode == DELEGATE


@route("GET", "/v5/user_account")
def _(world, viewer, mode):
    yield Call("GET", "/v5/user_account", 403 if refused(viewer, mode, CONTENT_ROLES) else 200,
               token_sees(viewer, mode), as_owner(world, mode))


@route("GET", "/v5/user_account/analytics")
def _(world, viewer, mode):
    params = {**as_owner(world, mode), "start_date": world.start, "end_date": world.end}
    yield Call("GET", "/v5/user_account/analytics", 403 if refused(viewer, mode, ANALYTICS_ROLES) else 200,
               token_sees(viewer, mode), params)


def _top(world, viewer, mode, path: str, kind: str | None):
    allowed = token_sees(viewer, mode)
    acting = acting_for_owner(viewer, mode, ANALYTICS_ROLES)
    for extra in ({}, {"app_types": "WEB"}):  # the running totals, then the daily rows
        params = {**as_owner(world, mode), "start_date": world.start, "end_date": world.end, "sort_by": "IMPRESSION",
                  "num_of_pins": 50, **extra}
        yield Call("GET", path, 403 if refused(viewer, mode, ANALYTICS_ROLES) else 200, allowed, params,
                   present=world.pins_of(allowed, kind) if acting else frozenset())


@route("GET", "/v5/user_account/analytics/top_pins")
def _(world, viewer, mode):
    yield from _top(world, viewer, mode, "/v5/user_account/analytics/top_pins", None)


@route("GET", "/v5/user_account/analytics/top_video_pins")
def _(world, viewer, mode):
    yield from _top(world, viewer, mode, "/v5/user_account/analytics/top_video_pins", "video")


@route("GET", "/v5/boards")
def _(world, viewer, mode):
    allowed = token_sees(viewer, mode)
    acting = acting_for_owner(viewer, mode, CONTENT_ROLES)
    listed = frozenset(world.shelves[privacy].board["id"] for privacy in allowed) if acting else frozenset()
    params = {**as_owner(world, mode), "page_size": 250}
    yield Call("GET", "/v5/boards", 403 if refused(viewer, mode, CONTENT_ROLES) else 200, allowed, params,
               present=listed)
    secret_ok = secret_allowed(viewer) if acting else viewer.secret_scopes
    expect = 403 if refused(viewer, mode, CONTENT_ROLES) or not secret_ok else 200
    yield Call("GET", "/v5/boards", expect, allowed, {**params, "privacy": "SECRET"})


@route("POST", "/v5/boards")
def _(world, viewer, mode):
    acting = acting_for_owner(viewer, mode, CONTENT_ROLES)
    for privacy in PRIVACIES:
        secret_ok = secret_allowed(viewer) if acting else viewer.secret_scopes
        expect = 403 if refused(viewer, mode, CONTENT_ROLES) or (privacy == "SECRET" and not secret_ok) else 201
        yield Call("POST", "/v5/boards", expect, token_sees(viewer, mode), as_owner(world, mode),
                   json={"name": unique(f"{privacy} new board"), "privacy": privacy},
                   creates=privacy if acting else None)


@route("GET", "/v5/boards/{board_id}")
def _(world, viewer, mode):
    for privacy, shelf in world.shelves.items():
        yield Call("GET", f"/v5/boards/{shelf.board['id']}", item_status(viewer, mode, privacy, ok=200),
                   token_sees(viewer, mode), as_owner(world, mode))


@route("PATCH", "/v5/boards/{board_id}")
def _(world, viewer, mode):
    for privacy, shelf in world.shelves.items():
        yield Call("PATCH", f"/v5/boards/{shelf.board['id']}", item_status(viewer, mode, privacy, ok=200, strangers=403),
                   token_sees(viewer, mode), as_owner(world, mode), json={"description": unique("new about")},
                   creates=privacy)


@route("DELETE", "/v5/boards/{board_id}")
def _(world, viewer, mode):
    for privacy in PRIVACIES:
        board = world.disposable_board(privacy)
        yield Call("DELETE", f"/v5/boards/{board['id']}", item_status(viewer, mode, privacy, ok=204, strangers=403),
                   token_sees(viewer, mode), as_owner(world, mode))


@route("GET", "/v5/boards/{board_id}/pins")
def _(world, viewer, mode):
    for privacy, shelf in world.shelves.items():
        expect = item_status(viewer, mode, privacy, ok=200)
        yield Call("GET", f"/v5/boards/{shelf.board['id']}/pins", expect, token_sees(viewer, mode),
                   {**as_owner(world, mode), "page_size": 250}, present=shelf.pin_ids if expect == 200 else frozenset())


@route("GET", "/v5/boards/{board_id}/sections")
def _(world, viewer, mode):
    for privacy, shelf in world.shelves.items():
        expect = item_status(viewer, mode, privacy, ok=200)
        yield Call("GET", f"/v5/boards/{shelf.board['id']}/sections", expect, token_sees(viewer, mode),
                   {**as_owner(world, mode), "page_size": 250},
                   present=frozenset({shelf.section["id"]}) if expect == 200 else frozenset())


@route("POST", "/v5/boards/{board_id}/sections")
def _(world, viewer, mode):
    for privacy, shelf in world.shelves.items():
        yield Call("POST", f"/v5/boards/{shelf.board['id']}/sections",
                   item_status(viewer, mode, privacy, ok=201, strangers=403), token_sees(viewer, mode),
                   as_owner(world, mode), json={"name": unique("new section")}, creates=privacy)


@route("PATCH", "/v5/boards/{board_id}/sections/{section_id}")
def _(world, viewer, mode):
    for privacy, shelf in world.shelves.items():
        yield Call("PATCH", f"/v5/boards/{shelf.board['id']}/sections/{shelf.section['id']}",
                   item_status(viewer, mode, privacy, ok=200, strangers=403), token_sees(viewer, mode),
                   as_owner(world, mode), json={"name": unique("renamed section")}, creates=privacy)


@route("DELETE", "/v5/boards/{board_id}/sections/{section_id}")
def _(world, viewer, mode):
    for privacy, shelf in world.shelves.items():
        section = world.disposable_section(privacy)
        yield Call("DELETE", f"/v5/boards/{shelf.board['id']}/sections/{section['id']}",
                   item_status(viewer, mode, privacy, ok=204, strangers=403), token_sees(viewer, mode),
                   as_owner(world, mode))


@route("GET", "/v5/boards/{board_id}/sections/{section_id}/pins")
def _(world, viewer, mode):
    for privacy, shelf in world.shelves.items():
        expect = item_status(viewer, mode, privacy, ok=200)
        yield Call("GET", f"/v5/boards/{shelf.board['id']}/sections/{shelf.section['id']}/pins", expect,
                   token_sees(viewer, mode), {**as_owner(world, mode), "page_size": 250},
                   present=frozenset({shelf.image["id"]}) if expect == 200 else frozenset())


def _analytics_params(world) -> dict:
    return {"start_date": world.start, "end_date": world.end, "metric_types": "IMPRESSION"}


@route("GET", "/v5/pins/analytics")
def _(world, viewer, mode):
    for privacy, shelf in world.shelves.items():
        yield Call("GET", "/v5/pins/analytics",
                   item_status(viewer, mode, privacy, ok=200, roles=ANALYTICS_ROLES, strangers=403),
                   token_sees(viewer, mode), {**as_owner(world, mode), **_analytics_params(world),
                                              "pin_ids": shelf.image["id"]})


@route("GET", "/v5/pins/{pin_id}/analytics")
def _(world, viewer, mode):
    for privacy, shelf in world.shelves.items():
        yield Call("GET", f"/v5/pins/{shelf.image['id']}/analytics",
                   item_status(viewer, mode, privacy, ok=200, roles=ANALYTICS_ROLES, strangers=403),
                   token_sees(viewer, mode), {**as_owner(world, mode), **_analytics_params(world)})


@route("GET", "/v5/pins")
def _(world, viewer, mode):
    allowed = token_sees(viewer, mode)
    acting = acting_for_owner(viewer, mode, CONTENT_ROLES)
    blocked = refused(viewer, mode, CONTENT_ROLES)
    base = {**as_owner(world, mode), "page_size": 250}
    for extra, listed in (({}, {"PUBLIC"}), ({"include_protected_pins": "true"}, {"PUBLIC", "PROTECTED"}),
                          ({"include_protected_pins": "true", "pin_metrics": "true"}, {"PUBLIC", "PROTECTED"})):
        yield Call("GET", "/v5/pins", 403 if blocked else 200, allowed, {**base, **extra},
                   present=world.pins_of(listed) if acting else frozenset())
    secret_ok = secret_allowed(viewer) if acting else viewer.secret_scopes
    expect = 403 if blocked or not secret_ok else 200
    yield Call("GET", "/v5/pins", expect, allowed, {**base, "pin_type": "PRIVATE"},
               present=world.pins_of({"SECRET"}) if acting and expect == 200 else frozenset())


@route("POST", "/v5/pins")
def _(world, viewer, mode):
    for privacy, shelf in world.shelves.items():
        yield Call("POST", "/v5/pins", item_status(viewer, mode, privacy, ok=201, strangers=403),
                   token_sees(viewer, mode), as_owner(world, mode),
                   json={"board_id": shelf.board["id"], **pin_fields(privacy)}, creates=privacy)


@route("GET", "/v5/pins/{pin_id}")
def _(world, viewer, mode):
    for privacy, shelf in world.shelves.items():
        for extra in ({}, {"pin_metrics": "true"}):
            expect = item_status(viewer, mode, privacy, ok=200)
            yield Call("GET", f"/v5/pins/{shelf.image['id']}", expect, token_sees(viewer, mode),
                       {**as_owner(world, mode), **extra},
                       present=frozenset({shelf.image["title"]}) if expect == 200 else frozenset())


@route("PATCH", "/v5/pins/{pin_id}")
def _(world, viewer, mode):
    for privacy, shelf in world.shelves.items():
        yield Call("PATCH", f"/v5/pins/{shelf.video['id']}", item_status(viewer, mode, privacy, ok=200, strangers=403),
                   token_sees(viewer, mode), as_owner(world, mode), json={"description": unique("new description")},
                   creates=privacy)


@route("DELETE", "/v5/pins/{pin_id}")
def _(world, viewer, mode):
    for privacy in PRIVACIES:
        pin = world.disposable_pin(privacy)
        yield Call("DELETE", f"/v5/pins/{pin['id']}", item_status(viewer, mode, privacy, ok=204, strangers=403),
                   token_sees(viewer, mode), as_owner(world, mode))


@route("POST", "/v5/pins/{pin_id}/save")
def _(world, viewer, mode):
    acting = acting_for_owner(viewer, mode, CONTENT_ROLES)
    for privacy, shelf in world.shelves.items():
        # As the owner, onto the pin's own board (the copy keeps its privacy); else onto one's own.
        target = shelf.board if acting or refused(viewer, mode, CONTENT_ROLES) else viewer.board
        yield Call("POST", f"/v5/pins/{shelf.image['id']}/save", item_status(viewer, mode, privacy, ok=201, strangers=201),
                   token_sees(viewer, mode), as_owner(world, mode), json={"board_id": target["id"]},
                   creates=privacy if acting else None)


@route("GET", "/v5/ad_accounts")
def _(world, viewer, mode):
    if once(mode):
        yield Call("GET", "/v5/ad_accounts", 200, token_sees(viewer, mode), {"page_size": 250},
                   present=frozenset({world.account}) if viewer.is_owner or viewer.role else frozenset())


@route("GET", "/v5/ad_accounts/{ad_account_id}")
def _(world, viewer, mode):
    if once(mode):
        yield Call("GET", f"/v5/ad_accounts/{world.account}", 200 if viewer.is_owner or viewer.role else 404,
                   token_sees(viewer, mode))


# Ad account creation: a business user's own new account (a write of their own, no one else's data).
@route("POST", "/v5/ad_accounts")
def _(world, viewer, mode):
    if once(mode):
        yield Call("POST", "/v5/ad_accounts", 201, token_sees(viewer, mode), json={"name": unique("acct"), "country": "US"})


# Campaigns, ad groups and ads of the owner's ad account: the roles the operations table gives
# each operation, a 404 without any role on the account (it is not theirs to know), a 403 with
# another role.
def _ads_status(viewer, operation_id: str, success: int = 200) -> int:
    if viewer.is_owner or (viewer.role is not None and viewer.role in OPERATIONS[operation_id].roles):
        return success
    return 404 if viewer.role is None else 403


def _campaign(world) -> str:
    body = [{"ad_account_id": world.account, "name": unique("campaign"), "objective_type": "AWARENESS"}]
    answer = world.owner.client.post(f"/ad_accounts/{world.account}/campaigns", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"][0]["data"]["id"]


@route("GET", "/v5/ad_accounts/{ad_account_id}/campaigns")
def _(world, viewer, mode):
    if once(mode):
        yield Call("GET", f"/v5/ad_accounts/{world.account}/campaigns", _ads_status(viewer, "campaigns/list"),
                   token_sees(viewer, mode))


@route("GET", "/v5/ad_accounts/{ad_account_id}/campaigns/{campaign_id}")
def _(world, viewer, mode):
    if once(mode):
        yield Call("GET", f"/v5/ad_accounts/{world.account}/campaigns/{_campaign(world)}",
                   _ads_status(viewer, "campaigns/get"), token_sees(viewer, mode))


@route("POST", "/v5/ad_accounts/{ad_account_id}/campaigns")
def _(world, viewer, mode):
    if once(mode):
        body = [{"ad_account_id": world.account, "name": unique("campaign"), "objective_type": "AWARENESS"}]
        yield Call("POST", f"/v5/ad_accounts/{world.account}/campaigns", _ads_status(viewer, "campaigns/create"),
                   token_sees(viewer, mode), json=body)


@route("PATCH", "/v5/ad_accounts/{ad_account_id}/campaigns")
def _(world, viewer, mode):
    if once(mode):
        body = [{"id": _campaign(world), "ad_account_id": world.account, "name": unique("renamed")}]
        yield Call("PATCH", f"/v5/ad_accounts/{world.account}/campaigns", _ads_status(viewer, "campaigns/update"),
                   token_sees(viewer, mode), json=body)


def _ad_group(world) -> str:
    body = [{"campaign_id": _campaign(world), "name": unique("ad group"), "billable_event": "CLICKTHROUGH",
             "budget_in_micro_currency": 1_000_000}]
    answer = world.owner.client.post(f"/ad_accounts/{world.account}/ad_groups", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"][0]["data"]["id"]


def _ad_body(world) -> list[dict]:
    # A public pin of the owner's: an ad shows its pin's id, to every role that reads ads.
    return [{"ad_group_id": _ad_group(world), "pin_id": world.shelves["PUBLIC"].image["id"], "name": unique("ad")}]


def _ad(world) -> str:
    answer = world.owner.client.post(f"/ad_accounts/{world.account}/ads", json=_ad_body(world))
    assert answer.status_code == 200, answer.text
    return answer.json()["items"][0]["data"]["id"]


@route("GET", "/v5/ad_accounts/{ad_account_id}/ad_groups")
def _(world, viewer, mode):
    if once(mode):
        yield Call("GET", f"/v5/ad_accounts/{world.account}/ad_groups", _ads_status(viewer, "ad_groups/list"),
                   token_sees(viewer, mode))


@route("GET", "/v5/ad_accounts/{ad_account_id}/ad_groups/{ad_group_id}")
def _(world, viewer, mode):
    if once(mode):
        yield Call("GET", f"/v5/ad_accounts/{world.account}/ad_groups/{_ad_group(world)}",
                   _ads_status(viewer, "ad_groups/get"), token_sees(viewer, mode))


@route("POST", "/v5/ad_accounts/{ad_account_id}/ad_groups")
def _(world, viewer, mode):
    if once(mode):
        body = [{"campaign_id": _campaign(world), "name": unique("ad group"), "billable_event": "CLICKTHROUGH",
                 "budget_in_micro_currency": 1_000_000}]
        yield Call("POST", f"/v5/ad_accounts/{world.account}/ad_groups", _ads_status(viewer, "ad_groups/create"),
                   token_sees(viewer, mode), json=body)


@route("PATCH", "/v5/ad_accounts/{ad_account_id}/ad_groups")
def _(world, viewer, mode):
    if once(mode):
        body = [{"id": _ad_group(world), "name": unique("renamed")}]
        yield Call("PATCH", f"/v5/ad_accounts/{world.account}/ad_groups", _ads_status(viewer, "ad_groups/update"),
                   token_sees(viewer, mode), json=body)


@route("GET", "/v5/ad_accounts/{ad_account_id}/ads")
def _(world, viewer, mode):
    if once(mode):
        yield Call("GET", f"/v5/ad_accounts/{world.account}/ads", _ads_status(viewer, "ads/list"),
                   token_sees(viewer, mode))


@route("GET", "/v5/ad_accounts/{ad_account_id}/ads/{ad_id}")
def _(world, viewer, mode):
    if once(mode):
        yield Call("GET", f"/v5/ad_accounts/{world.account}/ads/{_ad(world)}", _ads_status(viewer, "ads/get"),
                   token_sees(viewer, mode))


@route("POST", "/v5/ad_accounts/{ad_account_id}/ads")
def _(world, viewer, mode):
    if once(mode):
        yield Call("POST", f"/v5/ad_accounts/{world.account}/ads", _ads_status(viewer, "ads/create"),
                   token_sees(viewer, mode), json=_ad_body(world))


@route("PATCH", "/v5/ad_accounts/{ad_account_id}/ads")
def _(world, viewer, mode):
    if once(mode):
        body = [{"id": _ad(world), "name": unique("renamed")}]
        yield Call("PATCH", f"/v5/ad_accounts/{world.account}/ads", _ads_status(viewer, "ads/update"),
                   token_sees(viewer, mode), json=body)


# Conversions sent to the owner's ad account: the roles the operations table names.
@route("POST", "/v5/ad_accounts/{ad_account_id}/events")
def _(world, viewer, mode):
    if once(mode):
        event = {"event_name": "checkout", "action_source": "web", "event_time": int(time_module.time()) - 60,
                 "event_id": uuid.uuid4().hex, "user_data": {"em": ["a" * 64]}}
        yield Call("POST", f"/v5/ad_accounts/{world.account}/events", _ads_status(viewer, "events/create"),
                   token_sees(viewer, mode), json={"data": [event]})


# Sync ads analytics and targeting analytics of the owner's ad account: the roles the
# operations table gives them.
_ADS_ANALYTICS = {
    "ad_account/analytics": ("/analytics", {}),
    "campaigns/analytics": ("/campaigns/analytics", {"campaign_ids": "1"}),
    "ad_groups/analytics": ("/ad_groups/analytics", {"ad_group_ids": "1"}),
    "ads/analytics": ("/ads/analytics", {"ad_ids": "1"}),
    "ad_pins/analytics": ("/pins/analytics", {"campaign_id": "1", "pin_ids": "1"}),
    "ad_account_targeting_analytics/get": ("/targeting_analytics", {"targeting_types": "GEO"}),
    "campaign_targeting_analytics/get": ("/campaigns/targeting_analytics",
                                         {"campaign_ids": "1", "targeting_types": "CREATIVE_TYPE"}),
    "ad_groups_targeting_analytics/get": ("/ad_groups/targeting_analytics",
                                          {"ad_group_ids": "1", "targeting_types": "AGE_BUCKET"}),
    "ad_targeting_analytics/get": ("/ads/targeting_analytics", {"ad_ids": "1", "targeting_types": "APPTYPE"}),
}


def _ads_analytics_plan(operation_id: str):
    suffix, ids = _ADS_ANALYTICS[operation_id]

    def plan(world, viewer, mode):
        if once(mode):
            params = {"start_date": world.start, "end_date": world.end, "granularity": "DAY", **ids,
                      "columns": "SPEND_IN_MICRO_DOLLAR,TOTAL_CONVERSIONS"}
            yield Call("GET", f"/v5/ad_accounts/{world.account}{suffix}", _ads_status(viewer, operation_id),
                       token_sees(viewer, mode), params)

    return plan


for _operation_id, (_suffix, _) in _ADS_ANALYTICS.items():
    route("GET", f"/v5/ad_accounts/{{ad_account_id}}{_suffix}")(_ads_analytics_plan(_operation_id))


# Audience insights of the owner's ad account: the roles that read its ads and the Audience
# Manager (the spec states none); answers of counts under the minimum audience size only.
@route("GET", "/v5/ad_accounts/{ad_account_id}/audience_insights")
def _(world, viewer, mode):
    if once(mode):
        for insight_type in ("YOUR_TOTAL_AUDIENCE", "YOUR_ENGAGED_AUDIENCE", "PINTEREST_TOTAL_AUDIENCE"):
            yield Call("GET", f"/v5/ad_accounts/{world.account}/audience_insights",
                       _ads_status(viewer, "audience_insights/get"), token_sees(viewer, mode),
                       {"audience_insight_type": insight_type})


@route("GET", "/v5/ad_accounts/{ad_account_id}/insights/audiences")
def _(world, viewer, mode):
    if once(mode):
        yield Call("GET", f"/v5/ad_accounts/{world.account}/insights/audiences",
                   _ads_status(viewer, "audience_insights_scope_and_type/get"), token_sees(viewer, mode))


# Async reports and report templates of the owner's ad account: the roles that read its ads.
def _report_body(world) -> dict:
    return {"level": "CAMPAIGN", "granularity": "DAY", "columns": ["SPEND_IN_MICRO_DOLLAR", "CAMPAIGN_NAME"],
            "start_date": world.start, "end_date": world.end}


@route("POST", "/v5/ad_accounts/{ad_account_id}/reports")
def _(world, viewer, mode):
    if once(mode):
        yield Call("POST", f"/v5/ad_accounts/{world.account}/reports", _ads_status(viewer, "analytics/create_report"),
                   token_sees(viewer, mode), json=_report_body(world))


@route("GET", "/v5/ad_accounts/{ad_account_id}/reports")
def _(world, viewer, mode):
    if once(mode):
        made = world.owner.client.post(f"/ad_accounts/{world.account}/reports", json=_report_body(world))
        assert made.status_code == 200, made.text
        yield Call("GET", f"/v5/ad_accounts/{world.account}/reports", _ads_status(viewer, "analytics/get_report"),
                   token_sees(viewer, mode), {"token": made.json()["token"]})


def _template(world) -> str:
    from pinsight.services.ads.report_templates import create_template

    body = {key: value for key, value in _report_body(world).items() if key not in ("start_date", "end_date")}
    made = create_template(world.runtime, ad_account_id=int(world.account), user_id=int(world.owner.id),
                           name=unique("template"), request=body, start_days_ago=7, end_days_ago=0)
    return made["id"]


@route("GET", "/v5/ad_accounts/{ad_account_id}/templates")
def _(world, viewer, mode):
    if once(mode):
        _template(world)
        yield Call("GET", f"/v5/ad_accounts/{world.account}/templates", _ads_status(viewer, "templates/list"),
                   token_sees(viewer, mode))


@route("POST", "/v5/ad_accounts/{ad_account_id}/templates/{template_id}/reports")
def _(world, viewer, mode):
    if once(mode):
        yield Call("POST", f"/v5/ad_accounts/{world.account}/templates/{_template(world)}/reports",
                   _ads_status(viewer, "analytics/create_template_report"), token_sees(viewer, mode))


# Bulk downloads of the owner's ad account: the roles that read its ads.
def _bulk_request(world) -> str:
    answer = world.owner.client.post(f"/ad_accounts/{world.account}/bulk/download", json={"entity_types": ["CAMPAIGN"]})
    assert answer.status_code == 200, answer.text
    return answer.json()["request_id"]


@route("POST", "/v5/ad_accounts/{ad_account_id}/bulk/download")
def _(world, viewer, mode):
    if once(mode):
        yield Call("POST", f"/v5/ad_accounts/{world.account}/bulk/download", _ads_status(viewer, "bulk_download/create"),
                   token_sees(viewer, mode), json={"entity_types": ["CAMPAIGN", "AD_GROUP", "AD"]})


@route("GET", "/v5/ad_accounts/{ad_account_id}/bulk/{bulk_request_id}")
def _(world, viewer, mode):
    if once(mode):
        yield Call("GET", f"/v5/ad_accounts/{world.account}/bulk/{_bulk_request(world)}",
                   _ads_status(viewer, "bulk_request/get"), token_sees(viewer, mode))


# Ad actions name an ad of the owner's account: a viewer without a writing role on it is
# told the ad is not found among theirs (400, by position), like any item one may not write.
@route("POST", "/api/v1/ad_events")
def _(world, viewer, mode):
    if once(mode):
        moment = datetime.combine(world.event_day, time(9)).isoformat() + "Z"
        item = {"id": uuid.uuid4().hex, "ad_id": world.ad, "type": "IMPRESSION", "timestamp": moment,
                "user": {"em": "b" * 64}}
        may_write = viewer.is_owner or viewer.role in OPERATIONS["pinsight/ingest_ad_events"].roles
        yield Call("POST", "/api/v1/ad_events", 200 if may_write else 400, token_sees(viewer, mode), json=[item])


@route("POST", "/v5/oauth/token")
def _(world, viewer, mode):
    if once(mode):
        yield Call("POST", "/v5/oauth/token", 401, token_sees(viewer, mode), form={"grant_type": "client_credentials"},
                   auth=False)


@route("POST", "/v5/oauth/token/revoke")
def _(world, viewer, mode):
    if once(mode):
        yield Call("POST", "/v5/oauth/token/revoke", 401, token_sees(viewer, mode), form={"token": "x"}, auth=False)


# Media uploads belong to the token's user (the operations take no ad_account_id).
@route("POST", "/v5/media")
def _(world, viewer, mode):
    if once(mode):
        yield Call("POST", "/v5/media", 201, token_sees(viewer, mode), json={"media_type": "video"})


@route("GET", "/v5/resources/metrics_ready_state")
def _(world, viewer, mode):
    # The same answer for everyone, naming nothing of anyone's.
    if once(mode):
        yield Call("GET", "/v5/resources/metrics_ready_state", 200, token_sees(viewer, mode), {"date": "2026-01-01"})


@route("GET", "/v5/resources/delivery_metrics")
def _(world, viewer, mode):
    # Definitions from the catalogue: the same for everyone, naming nothing of anyone's.
    if once(mode):
        yield Call("GET", "/v5/resources/delivery_metrics", 200, token_sees(viewer, mode), {"report_type": "SYNC"})


@route("GET", "/v5/resources/targeting/{targeting_type}")
def _(world, viewer, mode):
    # Public dictionaries: the same for everyone.
    if once(mode):
        yield Call("GET", "/v5/resources/targeting/GEO", 200, token_sees(viewer, mode))
    # An account's keywords: read as its owner, with the roles that read its ads (none without an account).
    yield Call("GET", "/v5/resources/targeting/KEYWORD", 403 if refused(viewer, mode, ADS_READ_ROLES) else 200,
               token_sees(viewer, mode), as_owner(world, mode))


@route("GET", "/v5/resources/targeting/interests/{interest_id}")
def _(world, viewer, mode):
    if once(mode):
        yield Call("GET", "/v5/resources/targeting/interests/150", 200, token_sees(viewer, mode))


@route("GET", "/v5/media")
def _(world, viewer, mode):
    if once(mode):
        yield Call("GET", "/v5/media", 200, token_sees(viewer, mode), {"page_size": 250})


@route("GET", "/v5/media/{media_id}")
def _(world, viewer, mode):
    if once(mode):
        media_id = register_video(world.owner.client)
        yield Call("GET", f"/v5/media/{media_id}", 200 if viewer.is_owner else 404, token_sees(viewer, mode))


def _ingest_status(viewer: Viewer, privacy: str) -> int:
    """Ingestion writes one's own pins only; a secret one's needs pins:write_secret."""
    if not viewer.is_owner:
        return 400
    return 403 if privacy == "SECRET" and not viewer.secret_scopes else 200


@route("POST", "/api/v1/events")
def _(world, viewer, mode):
    if once(mode):
        moment = datetime.combine(world.event_day, time(9)).isoformat() + "Z"
        for privacy, shelf in world.shelves.items():
            event = {"id": uuid.uuid4().hex, "pin_id": shelf.image["id"], "type": "IMPRESSION", "timestamp": moment,
                     "app_type": "MOBILE"}
            yield Call("POST", "/api/v1/events", _ingest_status(viewer, privacy), token_sees(viewer, mode),
                       json=[event])


@route("POST", "/api/v1/daily_metrics")
def _(world, viewer, mode):
    if once(mode):
        for privacy, shelf in world.shelves.items():
            row = {"pin_id": shelf.image["id"], "date": world.event_day.isoformat(), "app_type": "TABLET",
                   "traffic": "ORGANIC", "metrics": {"IMPRESSION": 1}}
            yield Call("POST", "/api/v1/daily_metrics", _ingest_status(viewer, privacy), token_sees(viewer, mode),
                       json=[row])


def _overview(world, viewer, mode, path: str, extra: dict, listed: bool):
    reads_owner = mode == DELEGATE
    account = world.owner.id if reads_owner else viewer.user.id
    may_read = not reads_owner or viewer.is_owner or viewer.role in ANALYTICS_ROLES
    allowed = key_sees(viewer, mode)
    present = world.pins_of(allowed) if listed and reads_owner and may_read else frozenset()
    yield Call("GET", path, 200 if may_read else 404, allowed,
               {"apiKey": viewer.key, "social_network_id": account, "preset": "last_7_days", **extra},
               auth=False, present=present)


@route("GET", "/api/pinterest/overview")
def _(world, viewer, mode):
    yield from _overview(world, viewer, mode, "/api/pinterest/overview", {}, False)


@route("GET", "/api/pinterest/posts")
def _(world, viewer, mode):
    yield from _overview(world, viewer, mode, "/api/pinterest/posts", {"per_page": 100}, True)


# Exports are organic analytics of the account they name (the analytics roles through an ad
# account); the file holds the pins the caller could read one by one, and nothing else.
def _exported_text(world, viewer, mode, body: dict) -> str:
    """The export's file, made and downloaded as ``viewer`` in ``mode``, decompressed."""
    created = viewer.http.post("/api/v1/exports", params=as_owner(world, mode), json=body)
    assert created.status_code == 201, created.text
    deadline = time_module.monotonic() + 60
    while (status := viewer.http.get(f"/api/v1/exports/{created.json()['id']}", params=as_owner(world, mode)).json()
           )["status"] in ("queued", "running"):
        assert time_module.monotonic() < deadline, status
        time_module.sleep(0.1)
    assert status["status"] == "finished", status
    return gzip.decompress(httpx.get(status["url"], timeout=30).content).decode()


@route("POST", "/api/v1/exports")
def _(world, viewer, mode):
    body = {"start_date": world.start, "end_date": world.end, "format": "csv.gz", "dataset": "pins"}
    refuse = refused(viewer, mode, ANALYTICS_ROLES)
    yield Call("POST", "/api/v1/exports", 403 if refuse else 201, token_sees(viewer, mode), as_owner(world, mode),
               json=body)
    if refuse:
        return
    text = _exported_text(world, viewer, mode, body)
    # Public content may be in anyone's file (a pin saved from it copies it); all that the
    # reader may see of the account exported must be.
    allowed = token_sees(viewer, mode)
    shown = world.pins_of(allowed) if acting_for_owner(viewer, mode, ANALYTICS_ROLES) else frozenset()
    where = f"{viewer} ({mode}) export"
    assert not sorted(marker for marker in world.hidden_from(allowed) if marker in text), where
    assert not sorted(pin_id for pin_id in shown if pin_id not in text), where


@route("GET", "/api/v1/exports/{export_id}")
def _(world, viewer, mode):
    # The owner's own export: theirs alone, read as it was made (without an ad account).
    if "export_id" not in world.__dict__:
        body = {"start_date": world.start, "end_date": world.end, "format": "csv.gz", "dataset": "pins"}
        world.export_id = world.owner.client.post("/../api/v1/exports", json=body).json()["id"]
    if refused(viewer, mode, ANALYTICS_ROLES):
        expect = 403
    else:
        expect = 200 if viewer.is_owner and mode == OWN else 404
    yield Call("GET", f"/api/v1/exports/{world.export_id}", expect, token_sees(viewer, mode), as_owner(world, mode))


# A job file's link is its own permission (its signature): unsigned, it shows nothing to anyone.
@route("GET", "/api/v1/files/{key:path}")
def _(world, viewer, mode):
    if once(mode):
        yield Call("GET", "/api/v1/files/organic_export/1/1/pins_2025-01-01_2025-01-02.csv.gz", 403, frozenset(),
                   auth=False)


def _static(method: str, path: str, status: int):
    @route(method, path)
    def plan(world, viewer, mode):
        if once(mode):
            yield Call(method, path, status, token_sees(viewer, mode), auth=False,
                       form={} if method == "POST" else None)


for _method, _path, _status in (("GET", "/healthz", 200), ("GET", "/openapi.json", 200), ("GET", "/docs", 200),
                                ("GET", "/redoc", 200),
                                ("GET", "/oauth/", 400), ("POST", "/oauth/", 403),  # POST: no form token (CSRF)
                                ("POST", "/api/v1/media_uploads", 415)):  # the upload sink takes multipart only
    _static(_method, _path, _status)


@route("GET", "/docs-assets/{path}")
def _(world, viewer, mode):
    if once(mode):
        yield Call("GET", "/docs-assets/swagger-ui.css", 200, token_sees(viewer, mode), auth=False)


def app_routes(runtime) -> set[tuple[str, str]]:
    """Every (method, path) the app serves, included routers too."""
    found = set()

    def walk(routes, prefix: str) -> None:
        for item in routes:
            if isinstance(item, Mount):  # static files (the docs pages' assets), read with GET
                found.add(("GET", prefix + item.path + "/{path}"))
            elif hasattr(item, "path"):
                found.update((method, prefix + item.path) for method in item.methods - {"HEAD"})
            elif hasattr(item, "original_router"):
                walk(item.original_router.routes, prefix + item.include_context.prefix)
            else:
                raise AssertionError(f"a route of an unknown kind: {item!r}")

    walk(create_app(runtime).routes, "")
    return found


# --- the walk --------------------------------------------------------------------------------------------


@pytest.fixture
def world(runtime, server, user):
    made = World(runtime, server, user)
    yield made
    made.close()


def role_holders(runtime, server, world: World) -> list[Viewer]:
    """The owner (with and without the secret scopes), a holder of each role on the owner's
    ad account, and a stranger."""
    holders = {role: make_user(runtime, server.url, prefix=role.lower())
               for role in ("OWNER", "ADMIN", "ANALYST", "CAMPAIGN_MANAGER", "FINANCE_MANAGER")}
    for role, holder in holders.items():
        set_role(runtime, world.account, holder, role)
    stranger = make_user(runtime, server.url, prefix="stranger")
    for made in (*holders.values(), stranger):
        world.clients.append(made.client)
    return [
        world.viewer("owner", world.owner, None),
        world.viewer("owner without secret scopes", world.owner, None, secret_scopes=False),
        world.viewer("OWNER role", holders["OWNER"], "OWNER"),
        world.viewer("ADMIN", holders["ADMIN"], "ADMIN"),
        world.viewer("ADMIN without secret scopes", holders["ADMIN"], "ADMIN", secret_scopes=False),
        world.viewer("ANALYST", holders["ANALYST"], "ANALYST"),
        world.viewer("CAMPAIGN_MANAGER", holders["CAMPAIGN_MANAGER"], "CAMPAIGN_MANAGER"),
        world.viewer("FINANCE_MANAGER", holders["FINANCE_MANAGER"], "FINANCE_MANAGER"),
        world.viewer("stranger", stranger, None),
    ]


def send(world: World, viewer: Viewer, call: Call) -> httpx.Response:
    client = viewer.http if call.auth else world.anonymous
    if call.form is not None:
        return client.request(call.method, call.path, params=call.params, data=call.form)
    return client.request(call.method, call.path, params=call.params, json=call.json)


def check(world: World, viewer: Viewer, mode: str, call: Call) -> None:
    response = send(world, viewer, call)
    where = f"{viewer} ({mode}) {call.method} {call.path} {call.params}"
    assert response.status_code == call.expect, f"{where}: {response.status_code} {response.text[:300]}"
    if response.status_code >= 400 and call.path.startswith(("/v5/", "/api/v1/")):
        body = response.json()
        assert isinstance(body.get("code"), int) and isinstance(body.get("message"), str), f"{where}: {body}"
    # What the caller sent, the answer may repeat: it tells them nothing.
    sent = f"{call.path} {json.dumps(call.params)} {json.dumps(call.json)} {json.dumps(call.form)}"
    leaked = sorted(marker for marker in world.hidden_from(call.allowed) if marker in response.text and marker not in sent)
    assert not leaked, f"{where} shows content it must not: {leaked}"
    missing = sorted(marker for marker in call.present if marker not in response.text)
    assert not missing, f"{where} misses content it must show: {missing}"
    if call.creates is not None and response.status_code < 300 and response.content:
        world.remember(call.creates, response.json())


def test_every_endpoint_as_every_role(runtime, server, world):
    served = app_routes(runtime)
    assert served == set(ROUTES), (
        f"routes without a plan here (add one): {sorted(served - set(ROUTES))}; "
        f"plans for routes that are gone: {sorted(set(ROUTES) - served)}"
    )
    viewers = role_holders(runtime, server, world)
    reads = [plan for (method, _), plan in ROUTES.items() if method == "GET"]
    writes = [plan for (method, _), plan in ROUTES.items() if method != "GET"]
    # Reads, then changes, then the reads again over what the changes made.
    for plans in (reads, writes, reads):
        for viewer in viewers:
            for mode in (DELEGATE, OWN):
                for plan in plans:
                    for call in plan(world, viewer, mode):
                        check(world, viewer, mode, call)


# --- the review's findings, one by one ----------------------------------------------------------------


def overview_get(world: World, viewer: Viewer, path: str, **params) -> dict:
    response = world.anonymous.get(path, params={"apiKey": viewer.key, "social_network_id": world.owner.id,
                                                 "preset": "last_7_days", **params})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def post_ids(data: dict) -> list[str]:
    return [post["id"] for post in data["posts"]]


def test_an_analyst_gets_no_secret_post_from_the_overview_api(runtime, server, world):
    analyst = world.viewer("ANALYST", make_user(runtime, server.url, prefix="analyst"), "ANALYST")
    admin = world.viewer("ADMIN", make_user(runtime, server.url, prefix="admin"), "ADMIN")
    for holder in (analyst, admin):
        world.clients.append(holder.user.client)
        set_role(runtime, world.account, holder.user, holder.role)
    owner = world.viewer("owner", world.owner, None)
    shelves = world.shelves
    by_views = [shelves["SECRET"].video, shelves["SECRET"].image, shelves["PROTECTED"].video,
                shelves["PROTECTED"].image, shelves["PUBLIC"].video, shelves["PUBLIC"].image]

    mine, admins, analysts = (overview_get(world, v, "/api/pinterest/posts", per_page=100) for v in (owner, admin, analyst))
    assert set(post_ids(mine)) == set(post_ids(admins)) == world.pins_of(PRIVACIES)
    assert set(post_ids(analysts)) == world.pins_of(VISIBLE)
    assert not world.hidden_from(VISIBLE) & set(json.dumps(analysts).split('"'))
    # Account totals stay whole; the listing counts what the reader may see.
    assert analysts["stats"] == mine["stats"]
    assert {row["key"]: row["value_current_period"] for row in analysts["stats"]}["posts"] == 6
    assert (analysts["pagination"]["total"], mine["pagination"]["total"]) == (4, 6)

    mine, analysts = (overview_get(world, v, "/api/pinterest/overview") for v in (owner, analyst))
    assert analysts["metrics"] == mine["metrics"]
    # A hidden post is dropped from the rankings, which hold the best posts the reader may see.
    assert [post["id"] for post in mine["post_performance"]["most_views"]] == [pin["id"] for pin in by_views[:3]]
    assert [post["id"] for post in analysts["post_performance"]["most_views"]] == [pin["id"] for pin in by_views[2:5]]
    assert [post["id"] for post in analysts["post_performance"]["least_views"]] == [pin["id"] for pin in by_views[5:2:-1]]
    for ranking in analysts["post_performance"].values():
        assert len(ranking) == 3 and {post["id"] for post in ranking} <= world.pins_of(VISIBLE)
    assert not world.hidden_from(VISIBLE) & set(json.dumps(analysts).split('"'))


def test_top_pins_rank_only_the_pins_the_caller_may_read(runtime, server, world):
    analyst = world.viewer("ANALYST", make_user(runtime, server.url, prefix="analyst"), "ANALYST")
    admin = world.viewer("ADMIN", make_user(runtime, server.url, prefix="admin"), "ADMIN")
    for holder in (analyst, admin):
        world.clients.append(holder.user.client)
        set_role(runtime, world.account, holder.user, holder.role)
    no_secret = world.viewer("owner without pins:read_secret", world.owner, None, secret_scopes=False)
    shelves = world.shelves
    ranked = [getattr(shelves[p], kind)["id"] for p in ("SECRET", "PROTECTED", "PUBLIC") for kind in ("video", "image")]
    visible = ranked[2:]
    params = {"ad_account_id": world.account, "start_date": world.start, "end_date": world.end,
              "sort_by": "IMPRESSION", "num_of_pins": 50}

    def top(viewer: Viewer, path: str = "top_pins", **extra) -> list[str]:
        response = viewer.http.get(f"/v5/user_account/analytics/{path}", params={**params, **extra})
        assert response.status_code == 200, response.text
        return [pin["pin_id"] for pin in response.json()["pins"]]

    for extra in ({}, {"app_types": "WEB"}, {"content_type": "ORGANIC"}):
        assert top(admin, **extra) == ranked
        assert top(analyst, **extra) == visible
        assert top(no_secret, **extra) == visible
    assert top(analyst, "top_video_pins") == [shelves["PROTECTED"].video["id"], shelves["PUBLIC"].video["id"]]
    assert top(admin, "top_video_pins") == [shelves[p].video["id"] for p in ("SECRET", "PROTECTED", "PUBLIC")]
    # The account's totals are account analytics: whole for the Analyst too.
    totals = []
    for viewer in (analyst, admin):
        response = viewer.http.get("/v5/user_account/analytics", params={
            "ad_account_id": world.account, "start_date": world.start, "end_date": world.end,
            "metric_types": "IMPRESSION"})
        assert response.status_code == 200, response.text
        totals.append(response.json()["all"]["summary_metrics"]["IMPRESSION"])
    assert totals == [2 + 3 + 5 + 6 + 8 + 9] * 2


def test_ingesting_metrics_of_a_secret_pin_needs_pins_write_secret(runtime, server, world):
    owner = world.viewer("owner", world.owner, None)
    without = world.owner.token_with(runtime, frozenset(ALL_SCOPES) - {"pins:write_secret"})
    limited = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {without}"}, timeout=30)
    world.clients.append(limited)
    stranger = world.viewer("stranger", make_user(runtime, server.url, prefix="stranger"), None)
    world.clients.append(stranger.user.client)
    public, secret = world.shelves["PUBLIC"].image["id"], world.shelves["SECRET"].image["id"]
    day = world.event_day + timedelta(days=1)
    moment = datetime.combine(day, time(8)).isoformat() + "Z"

    def events(*pin_ids: str) -> list[dict]:
        return [{"id": uuid.uuid4().hex, "pin_id": pin_id, "type": "IMPRESSION", "timestamp": moment,
                 "app_type": "MOBILE"} for pin_id in pin_ids]

    def rows(*pin_ids: str) -> list[dict]:
        return [{"pin_id": pin_id, "date": day.isoformat(), "app_type": "TABLET", "metrics": {"IMPRESSION": 40}}
                for pin_id in pin_ids]

    def impressions() -> dict[str, int]:
        response = owner.http.get("/v5/pins/analytics", params={
            "pin_ids": f"{public},{secret}", "start_date": world.start, "end_date": world.end,
            "metric_types": "IMPRESSION"})
        assert response.status_code == 200, response.text
        return {pin_id: series["all"]["summary_metrics"]["IMPRESSION"] for pin_id, series in response.json().items()}

    before = impressions()
    assert before == {public: 2, secret: 8}
    for path, batch in (("/api/v1/events", events), ("/api/v1/daily_metrics", rows)):
        # The whole batch is refused, its public pin's part too, and nothing is written.
        assert_error(limited.post(path, json=batch(public, secret)), 403, 3)
        assert impressions() == before
        # Another user's secret pin is not theirs: not found, which says nothing of its board.
        response = stranger.http.post(path, json=batch(secret))
        assert response.status_code == 400 and response.json()["code"] == 1, response.text
    assert impressions() == before
    assert limited.post("/api/v1/events", json=events(public)).status_code == 200
    assert owner.http.post("/api/v1/events", json=events(secret)).status_code == 200
    assert owner.http.post("/api/v1/daily_metrics", json=rows(secret)).status_code == 200
    assert impressions() == {public: 3, secret: 8 + 1 + 40}


def test_a_cached_answer_never_shows_a_post_that_became_secret(runtime, server, world):
    analyst = world.viewer("ANALYST", make_user(runtime, server.url, prefix="analyst"), "ANALYST")
    world.clients.append(analyst.user.client)
    set_role(runtime, world.account, analyst.user, "ANALYST")
    shelves = world.shelves
    for path in ("/api/pinterest/posts", "/api/pinterest/overview"):
        overview_get(world, analyst, path)  # computed and cached
    assert set(post_ids(overview_get(world, analyst, "/api/pinterest/posts"))) == world.pins_of(VISIBLE)

    # Neither change writes metrics: the change log alone would keep the cached answers.
    moved = world.owner.client.patch(f"/pins/{shelves['PROTECTED'].image['id']}",
                                     json={"board_id": shelves["SECRET"].board["id"]})
    assert moved.status_code == 200, moved.text
    assert set(post_ids(overview_get(world, analyst, "/api/pinterest/posts"))) == {
        shelves["PUBLIC"].image["id"], shelves["PUBLIC"].video["id"], shelves["PROTECTED"].video["id"]}
    hidden = world.owner.client.patch(f"/boards/{shelves['PUBLIC'].board['id']}", json={"privacy": "SECRET"})
    assert hidden.status_code == 200, hidden.text
    assert post_ids(overview_get(world, analyst, "/api/pinterest/posts")) == [shelves["PROTECTED"].video["id"]]
    rankings = overview_get(world, analyst, "/api/pinterest/overview")["post_performance"]
    assert {post["id"] for ranking in rankings.values() for post in ranking} == {shelves["PROTECTED"].video["id"]}


def test_a_changed_role_changes_what_the_overview_shows(runtime, server, world):
    holder = world.viewer("ADMIN", make_user(runtime, server.url, prefix="admin"), "ADMIN")
    world.clients.append(holder.user.client)
    set_role(runtime, world.account, holder.user, "ADMIN")
    assert set(post_ids(overview_get(world, holder, "/api/pinterest/posts"))) == world.pins_of(PRIVACIES)
    set_role(runtime, world.account, holder.user, "ANALYST")
    assert set(post_ids(overview_get(world, holder, "/api/pinterest/posts"))) == world.pins_of(VISIBLE)
    set_role(runtime, world.account, holder.user, "CAMPAIGN_MANAGER")
    response = world.anonymous.get("/api/pinterest/posts", params={
        "apiKey": holder.key, "social_network_id": world.owner.id, "preset": "last_7_days"})
    assert response.status_code == 404 and "data" not in response.json()
