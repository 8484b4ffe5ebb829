"""Bulk downloads over HTTP, on both databases: asked for, polled until SUCCEEDED, fetched
from their result_url and unzipped; what the file holds is what the list operations
answer for the same account, entity by entity and field by field, as each filter selects.

The filters' oracle is written here from the request's fields, over the lists' answers:
entity_ids (those entities and their descendants), updated_since (each entity's own
updated_time), campaign_filter (the campaigns by summary status, objective, name part and
schedule bounds, and the ad groups and ads of those campaigns).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import time
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from sqlalchemy import update

from pinsight.errors import AdAccountNotFound, BulkRequestNotFound, Forbidden, InvalidParameters
from pinsight.services.ads.bulk_download import DOWNLOAD_KIND, PAGE_ROWS, write_download
from pinsight.services.ads.bulk_files import CSV_COLUMNS
from pinsight.services.jobs import queue
from pinsight.services.jobs.kinds import JobContext
from pinsight.store import tables
from tests.api.test_ad_groups import created as created_group
from tests.api.test_ad_groups import make_campaign
from tests.api.test_ads import ad as ad_item
from tests.api.test_ads import create as create_ads
from tests.contract.spec_validation import SpecValidator
from tests.support.api import all_pages, assert_error, create_board, create_pin
from tests.support.factories import make_ad_account, make_ads, set_role

DOWNLOAD = "/ad_accounts/{ad_account_id}/bulk/download"
STATUS = "/ad_accounts/{ad_account_id}/bulk/{bulk_request_id}"
ALL_STATUSES = "ACTIVE,PAUSED,ARCHIVED,DRAFT,DELETED_DRAFT"
TYPES = ("CAMPAIGN", "AD_GROUP", "AD")
LISTS = {"CAMPAIGN": "campaigns", "AD_GROUP": "ad_groups", "AD": "ads"}
DAY = 86400
_names = itertools.count()


@pytest.fixture(scope="module")
def validator(spec) -> SpecValidator:
    return SpecValidator(spec)


# --- an account with one of everything ------------------------------------------------------------------


@dataclass
class Shop:
    account: str
    campaigns: dict[str, dict]
    groups: dict[str, dict]
    ads: dict[str, dict]


def make_shop(runtime, user) -> Shop:
    """Campaigns of every summary status and several objectives, ad groups in three of them,
    ads in two groups of two campaigns."""
    client, account = user.client, make_ad_account(runtime, user)
    now = int(runtime.clock.now().timestamp())
    campaigns = {
        "running": make_campaign(client, account, name="Spring sale", objective_type="CONSIDERATION",
                                 start_time=now - DAY, end_time=now + 30 * DAY, lifetime_spend_cap=9_000_000,
                                 tracking_urls={"impression": ["https://t.example/i"]},
                                 bid_options={"placement_multipliers": {"SEARCH": 1.5}}),
        "paused": make_campaign(client, account, name='Winter, "last call"', status="PAUSED",
                                objective_type="AWARENESS", start_time=now - 5 * DAY),
        "not_started": make_campaign(client, account, name="spring preview", objective_type="AWARENESS",
                                     start_time=now + 2 * DAY, end_time=now + 10 * DAY),
        "completed": make_campaign(client, account, name="Autumn", objective_type="WEB_CONVERSION",
                                   start_time=now - 10 * DAY, end_time=now - DAY),
        "archived": make_campaign(client, account, name="Old sale", status="ARCHIVED", start_time=now - 20 * DAY),
        "draft": make_campaign(client, account, name="Draft idea", status="DRAFT", objective_type="VIDEO_COMPLETION",
                               start_time=now + 40 * DAY),
    }
    groups = {
        "running_a": created_group(client, account, campaigns["running"]["id"],
                                   targeting_spec={"LOCATION": ["US"], "AGE_BUCKET": ["25-34"]},
                                   tracking_urls={"click": ["https://t.example/c"]}),
        "running_b": created_group(client, account, campaigns["running"]["id"], status="PAUSED",
                                   lifetime_frequency_cap=5, end_time=now + 20 * DAY, billable_event="IMPRESSION"),
        "paused": created_group(client, account, campaigns["paused"]["id"]),
        "not_started": created_group(client, account, campaigns["not_started"]["id"]),
    }
    board = create_board(client)["id"]
    pin = create_pin(client, board, link="https://shop.example/p")["id"]
    made = create_ads(client, account,
                      ad_item(groups["running_a"]["id"], pin, destination_url="https://shop.example/a"),
                      ad_item(groups["running_a"]["id"], pin, status="PAUSED"),
                      ad_item(groups["paused"]["id"], pin))
    assert all("data" in entry for entry in made), made
    ads = dict(zip(("running_1", "running_2", "paused"), (entry["data"] for entry in made)))
    return Shop(account, campaigns, groups, ads)


@pytest.fixture
def shop(runtime, user) -> Shop:
    return make_shop(runtime, user)


def listed(client, account: str) -> dict[str, list[dict]]:
    """The account's entities of every status, as the list operations answer them, by id."""
    return {kind: all_pages(client, f"/ad_accounts/{account}/{LISTS[kind]}", entity_statuses=ALL_STATUSES,
                            order="ASCENDING", page_size=250)
            for kind in TYPES}


# --- asking, polling, fetching ----------------------------------------------------------------------------


def ask(client, validator, account: str, body) -> str:
    response = client.post(f"/ad_accounts/{account}/bulk/download", json=body)
    assert response.status_code == 200, response.text
    answer = validator.validate_response(response, DOWNLOAD, "post")
    assert set(answer) == {"request_id"} and answer["request_id"].isdigit(), answer
    return answer["request_id"]


def status_of(client, validator, account: str, request_id: str, **params) -> dict:
    response = client.get(f"/ad_accounts/{account}/bulk/{request_id}", params=params)
    assert response.status_code == 200, response.text
    return validator.validate_response(response, STATUS, "get")


def finished(client, validator, account: str, request_id: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        answer = status_of(client, validator, account, request_id)
        if answer["status"] != "RUNNING":
            return answer
        assert "result_url" not in answer, answer
        assert time.monotonic() < deadline, f"bulk request {request_id} still RUNNING after {timeout} s"
        time.sleep(0.1)


def fetch(url: str) -> dict[str, bytes]:
    """The members of the zipped file at ``url`` (no token: the link is its own permission)."""
    response = httpx.get(url, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def download(client, validator, account: str, body) -> dict[str, bytes]:
    request_id = ask(client, validator, account, body)
    answer = finished(client, validator, account, request_id)
    assert answer["status"] == "SUCCEEDED" and set(answer) == {"status", "result_url"}, answer
    assert answer["result_url"].startswith("http://127.0.0.1:")
    return fetch(answer["result_url"])


def download_json(client, validator, account: str, body) -> dict[str, list[dict]]:
    members = download(client, validator, account, body)
    assert all(name.endswith(".json") for name in members), sorted(members)
    return {name.removesuffix(".json"): json.loads(content) for name, content in members.items()}


def check_cell(cell: str, value) -> None:
    """A CSV cell as documented: a string as itself, null empty, anything else its JSON."""
    if value is None:
        assert cell == ""
    elif isinstance(value, str):
        assert cell == value
    else:
        assert json.loads(cell) == value


# --- the file holds what the lists answer ---------------------------------------------------------------------


def test_a_download_holds_every_entity_as_the_lists_answer_it(runtime, user, shop, validator):
    files = download_json(user.client, validator, shop.account, {})
    expected = listed(user.client, shop.account)
    assert list(files) == list(TYPES)  # every stored type, in BulkEntityType's order
    for kind in TYPES:
        assert files[kind] == expected[kind], kind  # field by field, in id order
        assert len(files[kind]) == {"CAMPAIGN": 6, "AD_GROUP": 4, "AD": 3}[kind]
    # What the file holds is what the spec's responses are.
    for kind, schema in (("CAMPAIGN", "CampaignResponse"), ("AD_GROUP", "AdGroupResponse"), ("AD", "AdResponse")):
        for entity in files[kind]:
            assert validator.component_errors(schema, entity) == [], (kind, entity)
    # JSON is the default, and says so when asked.
    assert download_json(user.client, validator, shop.account, {"output_format": "JSON"}) == files


def test_csv_has_a_header_of_the_fields_and_a_row_per_entity(runtime, user, shop, validator, spec):
    members = download(user.client, validator, shop.account, {"output_format": "CSV", "entity_types": list(TYPES)})
    expected = listed(user.client, shop.account)
    assert sorted(members) == sorted(f"{kind}.csv" for kind in TYPES)
    schemas = {"CAMPAIGN": "CampaignResponse", "AD_GROUP": "AdGroupResponse", "AD": "AdResponse"}
    for kind in TYPES:
        header, *rows = list(csv.reader(io.StringIO(members[f"{kind}.csv"].decode("utf-8"), newline="")))
        assert len(header) == len(set(header)) and tuple(header) == CSV_COLUMNS[kind]
        # Every field an entity has is a column; every column is a field of the answer.
        answered = set().union(*(entity.keys() for entity in expected[kind]))
        assert answered <= set(header)
        assert set(header) <= answered | _properties(spec, schemas[kind]), set(header) - answered
        assert len(rows) == len(expected[kind])
        for row, entity in zip(rows, expected[kind]):
            assert len(row) == len(header)
            for column, cell in zip(header, row):
                check_cell(cell, entity.get(column))
    # The quoted, comma-holding name survived.
    names = [row[2] for row in csv.reader(io.StringIO(members["CAMPAIGN.csv"].decode(), newline=""))]
    assert 'Winter, "last call"' in names


def _properties(spec: dict, name: str) -> set[str]:
    schemas = spec["components"]["schemas"]
    found: set[str] = set()

    def walk(node: dict) -> None:
        if "$ref" in node:
            walk(schemas[node["$ref"].rsplit("/", 1)[1]])
            return
        found.update(node.get("properties", {}))
        for part in node.get("allOf", []):
            walk(part)

    walk(schemas[name])
    return found


# --- entity types ------------------------------------------------------------------------------------------------


def test_entity_types_choose_the_members_and_types_pinsight_keeps_none_of_are_empty(runtime, user, shop, validator):
    expected = listed(user.client, shop.account)
    assert download_json(user.client, validator, shop.account, {"entity_types": ["AD_GROUP"]}) == \
        {"AD_GROUP": expected["AD_GROUP"]}
    # Repeats collapse; members come in BulkEntityType's order whatever the request's.
    assert download_json(user.client, validator, shop.account, {"entity_types": ["AD", "CAMPAIGN", "AD"]}) == \
        {"CAMPAIGN": expected["CAMPAIGN"], "AD": expected["AD"]}
    unkept = ["PRODUCT_GROUP", "KEYWORD", "LABEL", "SCHEDULE"]
    assert download_json(user.client, validator, shop.account, {"entity_types": ["KEYWORD"]}) == {"KEYWORD": []}
    assert download_json(user.client, validator, shop.account, {"entity_types": [*unkept, "AD"]}) == \
        {"PRODUCT_GROUP": [], "AD": expected["AD"], "KEYWORD": [], "LABEL": [], "SCHEDULE": []}
    members = download(user.client, validator, shop.account, {"entity_types": unkept, "output_format": "CSV"})
    assert members == {f"{kind}.csv": b"" for kind in unkept}


# --- filters --------------------------------------------------------------------------------------------------------


def by_ids(expected: dict[str, list[dict]], ids: set[str]) -> dict[str, list[dict]]:
    """Those entities and their children and grandchildren."""
    return {
        "CAMPAIGN": [c for c in expected["CAMPAIGN"] if c["id"] in ids],
        "AD_GROUP": [g for g in expected["AD_GROUP"] if {g["id"], g["campaign_id"]} & ids],
        "AD": [a for a in expected["AD"] if {a["id"], a["ad_group_id"], a["campaign_id"]} & ids],
    }


def by_campaign(expected: dict[str, list[dict]], keep) -> dict[str, list[dict]]:
    """The campaigns ``keep`` keeps, and their ad groups and ads."""
    ids = {c["id"] for c in expected["CAMPAIGN"] if keep(c)}
    return {
        "CAMPAIGN": [c for c in expected["CAMPAIGN"] if c["id"] in ids],
        "AD_GROUP": [g for g in expected["AD_GROUP"] if g["campaign_id"] in ids],
        "AD": [a for a in expected["AD"] if a["campaign_id"] in ids],
    }


def test_entity_ids_select_those_entities_and_their_descendants(runtime, user, shop, validator):
    expected = listed(user.client, shop.account)
    other = make_shop(runtime, user)  # another account of the same user: its ids are not this one's
    for ids in (
        {shop.campaigns["running"]["id"]},
        {shop.groups["running_a"]["id"]},
        {shop.ads["paused"]["id"]},
        {shop.campaigns["not_started"]["id"], shop.groups["paused"]["id"], shop.ads["running_2"]["id"]},
        {other.campaigns["running"]["id"], other.ads["paused"]["id"]},
        {"1000000000000000001", "99999999999999999999999"},  # unknown, and past 64 bits: nothing
    ):
        got = download_json(user.client, validator, shop.account, {"entity_ids": sorted(ids)})
        assert got == by_ids(expected, ids), ids
    # With entity types: the ad group's ads only.
    ids = {shop.groups["running_a"]["id"]}
    got = download_json(user.client, validator, shop.account, {"entity_ids": sorted(ids), "entity_types": ["AD"]})
    assert got == {"AD": by_ids(expected, ids)["AD"]} and len(got["AD"]) == 2


def test_updated_since_selects_what_changed_since(runtime, user, shop, validator):
    long_ago = runtime.clock.now() - timedelta(days=2)
    with runtime.engine.begin() as conn:
        for table in (tables.campaigns, tables.ad_groups, tables.ads):
            conn.execute(update(table).where(table.c.ad_account_id == int(shop.account)).values(updated_at=long_ago))
    renamed = user.client.patch(f"/ad_accounts/{shop.account}/campaigns", json=[
        {"id": shop.campaigns["paused"]["id"], "ad_account_id": shop.account, "name": "Renamed"}])
    assert renamed.status_code == 200, renamed.text
    renamed = user.client.patch(f"/ad_accounts/{shop.account}/ads", json=[{"id": shop.ads["running_1"]["id"],
                                                                            "name": "Renamed ad"}])
    assert renamed.status_code == 200, renamed.text
    expected = listed(user.client, shop.account)
    changed_at = next(c for c in expected["CAMPAIGN"] if c["name"] == "Renamed")["updated_time"]
    for since in (int(long_ago.timestamp()) - 1, int(long_ago.timestamp()) + 1, changed_at, changed_at + 1):
        got = download_json(user.client, validator, shop.account, {"updated_since": str(since)})
        want = {kind: [e for e in expected[kind] if e["updated_time"] >= since] for kind in TYPES}
        assert got == want, since
        if since == changed_at:
            assert [len(got[kind]) for kind in TYPES] == [1, 0, 1]  # each entity by its own time


def test_campaign_filter_selects_campaigns_and_their_ad_groups_and_ads(runtime, user, shop, validator):
    expected = listed(user.client, shop.account)
    summary = {c["summary_status"] for c in expected["CAMPAIGN"]}
    assert summary == {"RUNNING", "PAUSED", "NOT_STARTED", "COMPLETED", "ARCHIVED", "DRAFT"}
    now = int(runtime.clock.now().timestamp())
    cases = [
        ({"campaign_status": ["RUNNING"]}, lambda c: c["summary_status"] == "RUNNING"),
        ({"campaign_status": ["NOT_STARTED", "PAUSED"]}, lambda c: c["summary_status"] in ("NOT_STARTED", "PAUSED")),
        ({"campaign_status": ["COMPLETED", "ARCHIVED", "DRAFT"]},
         lambda c: c["summary_status"] in ("COMPLETED", "ARCHIVED", "DRAFT")),
        ({"campaign_status": ["ADVERTISER_DISABLED", "DELETED_DRAFT"]}, lambda c: False),
        ({"objective_type": ["AWARENESS"]}, lambda c: c["objective_type"] == "AWARENESS"),
        ({"objective_type": ["CONSIDERATION", "WEB_CONVERSION"]},
         lambda c: c["objective_type"] in ("CONSIDERATION", "WEB_CONVERSION")),
        ({"name": "Spring"}, lambda c: "Spring" in c["name"]),  # case-sensitive: not "spring preview"
        ({"name": "sale"}, lambda c: "sale" in c["name"]),
        ({"name": "%"}, lambda c: "%" in c["name"]),  # no wildcard: nothing
        ({"start_time": str(now - 6 * DAY)}, lambda c: c["start_time"] is not None and c["start_time"] >= now - 6 * DAY),
        ({"end_time": str(now + 10 * DAY)}, lambda c: c["end_time"] is not None and c["end_time"] <= now + 10 * DAY),
        ({"start_time": str(now - 2 * DAY), "end_time": str(now + 30 * DAY), "campaign_status": ["RUNNING", "NOT_STARTED"]},
         lambda c: c["start_time"] >= now - 2 * DAY and c["end_time"] is not None and c["end_time"] <= now + 30 * DAY
         and c["summary_status"] in ("RUNNING", "NOT_STARTED")),
        ({}, lambda c: True),
    ]
    for chosen, keep in cases:
        got = download_json(user.client, validator, shop.account, {"campaign_filter": chosen})
        assert got == by_campaign(expected, keep), chosen
    # Every filter at once, with ids and types.
    body = {"campaign_filter": {"campaign_status": ["RUNNING", "PAUSED"], "name": "a"}, "entity_types": ["AD"],
            "entity_ids": [shop.campaigns["running"]["id"], shop.campaigns["not_started"]["id"]],
            "updated_since": "0", "output_format": "JSON"}
    got = download_json(user.client, validator, shop.account, body)
    assert got == {"AD": [a for a in expected["AD"] if a["campaign_id"] == shop.campaigns["running"]["id"]]}
    assert len(got["AD"]) == 2


# --- refusals --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body, field", [
    ({"entity_types": []}, "entity_types"),
    ({"entity_types": ["CAMPAIGN"] * 7}, "entity_types"),
    ({"entity_types": ["CAMPAIGN", "PIN"]}, "entity_types"),
    ({"entity_types": "CAMPAIGN"}, "entity_types"),
    ({"entity_types": [5]}, "entity_types"),
    ({"output_format": "XML"}, "output_format"),
    ({"output_format": 1}, "output_format"),
    ({"entity_ids": "123"}, "entity_ids"),
    ({"entity_ids": ["12a"]}, "entity_ids"),
    ({"entity_ids": [123]}, "entity_ids"),
    ({"entity_ids": ["-1"]}, "entity_ids"),
    ({"entity_ids": [str(n) for n in range(1, 252)]}, "entity_ids"),
    ({"updated_since": 1622848072}, "updated_since"),
    ({"updated_since": "soon"}, "updated_since"),
    ({"updated_since": "1e9"}, "updated_since"),
    ({"updated_since": "9" * 13}, "updated_since"),
    ({"campaign_filter": []}, "campaign_filter"),
    ({"campaign_filter": {"campaign_status": ["ACTIVE"]}}, "campaign_filter.campaign_status"),
    ({"campaign_filter": {"campaign_status": "RUNNING"}}, "campaign_filter.campaign_status"),
    ({"campaign_filter": {"objective_type": ["WEB_SESSIONS"]}}, "campaign_filter.objective_type"),
    ({"campaign_filter": {"name": 5}}, "campaign_filter.name"),
    ({"campaign_filter": {"name": "x" * 257}}, "campaign_filter.name"),
    ({"campaign_filter": {"name": "nul\x00"}}, "campaign_filter.name"),
    ({"campaign_filter": {"name": "\ud800"}}, "campaign_filter.name"),
    ({"campaign_filter": {"start_time": 1622848072}}, "campaign_filter.start_time"),
    ({"campaign_filter": {"end_time": "yesterday"}}, "campaign_filter.end_time"),
])
def test_a_bad_request_is_a_400_naming_its_field(runtime, user, body, field):
    account = make_ad_account(runtime, user)
    # As JSON escapes it (a lone surrogate is sent escaped, as a client's encoder would).
    sent = json.dumps(body).encode()
    error = assert_error(user.client.post(f"/ad_accounts/{account}/bulk/download", content=sent,
                                          headers={"Content-Type": "application/json"}), 400, InvalidParameters.code)
    assert field in error["message"], error


def test_a_body_that_is_not_an_object_is_a_400_and_unknown_fields_are_ignored(runtime, user, validator):
    account = make_ad_account(runtime, user)
    for raw in (b"[]", b'"CAMPAIGN"', b"5", b"null", b"{nope", b""):
        response = user.client.post(f"/ad_accounts/{account}/bulk/download", content=raw,
                                    headers={"Content-Type": "application/json"})
        assert_error(response, 400, InvalidParameters.code)
    assert download_json(user.client, validator, account, {"entity_types": ["CAMPAIGN"], "colour": "red"}) == \
        {"CAMPAIGN": []}
    # Digits are read as numbers, leading zeros and all.
    leading_zeros = {"entity_types": ["CAMPAIGN"], "updated_since": "0" * 30 + "1", "entity_ids": ["0" * 30 + "7"],
                     "campaign_filter": {"start_time": "0" * 20, "end_time": "0" * 20 + "9"}}
    assert download_json(user.client, validator, account, leading_zeros) == {"CAMPAIGN": []}


# --- whose requests ---------------------------------------------------------------------------------------------------


def test_other_users_accounts_and_requests_are_not_found(runtime, user, other_user, shop, validator):
    request_id = ask(user.client, validator, shop.account, {"entity_types": ["CAMPAIGN"]})
    finished(user.client, validator, shop.account, request_id)
    # Without a role, another user's account is unknown to both operations.
    assert_error(other_user.client.post(f"/ad_accounts/{shop.account}/bulk/download", json={}), 404,
                 AdAccountNotFound.code)
    assert_error(other_user.client.get(f"/ad_accounts/{shop.account}/bulk/{request_id}"), 404, AdAccountNotFound.code)
    # A role outside the operations' is refused; one of theirs reads the owner's requests.
    set_role(runtime, shop.account, other_user, "FINANCE_MANAGER")
    assert_error(other_user.client.get(f"/ad_accounts/{shop.account}/bulk/{request_id}"), 403, Forbidden.code)
    set_role(runtime, shop.account, other_user, "ANALYST")
    assert status_of(other_user.client, validator, shop.account, request_id)["status"] == "SUCCEEDED"
    theirs = ask(other_user.client, validator, shop.account, {"entity_types": ["CAMPAIGN"]})
    assert finished(user.client, validator, shop.account, theirs)["status"] == "SUCCEEDED"
    # A request is known under its own account only, even to the owner of both.
    elsewhere = make_ad_account(runtime, user)
    assert_error(user.client.get(f"/ad_accounts/{elsewhere}/bulk/{request_id}"), 404, BulkRequestNotFound.code)
    for unknown in ("1000000000000000001", "12ab", "9" * 25, str(int(request_id) + 1)):
        assert_error(user.client.get(f"/ad_accounts/{shop.account}/bulk/{unknown}"), 404, BulkRequestNotFound.code)


def _with_query(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode({k: v for k, v in query.items() if v is not None})))


def test_a_tampered_result_url_is_refused(runtime, user, shop, validator):
    request_id = ask(user.client, validator, shop.account, {"entity_types": ["CAMPAIGN"]})
    url = finished(user.client, validator, shop.account, request_id)["result_url"]
    signature = parse_qs(urlsplit(url).query)["signature"][0]
    forged = "0" if signature[0] != "0" else "1"
    expires = parse_qs(urlsplit(url).query)["expires"][0]
    tampered = [
        _with_query(url, signature=forged + signature[1:]),
        _with_query(url, expires=str(int(expires) + 3600)),
        _with_query(url, signature=None),
        url.replace("bulk_download.zip", "other.zip"),
    ]
    for bad in tampered:
        assert_error(httpx.get(bad, timeout=30), 403)
    assert fetch(url)  # the link as given still works
    # A fresh status read gives a fresh, working link.
    again = status_of(user.client, validator, shop.account, request_id, include_details="true")
    assert again["status"] == "SUCCEEDED" and fetch(again["result_url"]).keys() == {"CAMPAIGN.json"}


def test_the_status_follows_the_job(runtime, user, shop, validator):
    """RUNNING while a worker holds it, FAILED once it failed, was cancelled or expired; a
    result_url only when SUCCEEDED."""
    request_id = ask(user.client, validator, shop.account, {})
    assert finished(user.client, validator, shop.account, request_id)["status"] == "SUCCEEDED"
    lease_far_off = runtime.clock.timestamp() + 3600
    for state, shown in (("running", "RUNNING"), ("failed", "FAILED"), ("cancelled", "FAILED"), ("expired", "FAILED")):
        with runtime.engine.begin() as conn:
            conn.execute(update(tables.jobs).where(tables.jobs.c.id == int(request_id)).values(
                state=state, lease_owner="elsewhere", lease_expires_at=lease_far_off))
        assert status_of(user.client, validator, shop.account, request_id) == {"status": shown}, state


# --- the writer: pages, and a sink that cannot seek ---------------------------------------------------------------------


class _Pipe(io.RawIOBase):
    """Where an upload streams to: written once, front to back (``tells``: it counts what it
    took, as an object store's upload does, but still cannot go back)."""

    def __init__(self, tells: bool):
        self.taken, self._tells = bytearray(), tells

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def write(self, data) -> int:
        self.taken += bytes(data)
        return len(data)

    def tell(self) -> int:
        if not self._tells:
            raise OSError("a pipe has no position")
        return len(self.taken)

    def seek(self, *_args) -> int:
        raise OSError("a pipe cannot seek")


class _Counting(JobContext):
    """The job's context, noting each progress report (one per page written)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.pages: list[int] = []

    def progress(self, rows: int) -> None:
        self.pages.append(rows)
        super().progress(rows)


@pytest.mark.parametrize("tells", [True, False])
def test_the_file_is_written_page_by_page_to_a_sink_that_cannot_seek(runtime, user, tells):
    account = make_ad_account(runtime, user)
    count = 2 * PAGE_ROWS + 7
    ad_ids = make_ads(runtime, account, count)
    params = {"request": {"entity_types": ["CAMPAIGN", "AD"], "output_format": "JSON", "entity_ids": None,
                          "updated_since": None, "campaign_filter": None},
              "requested_at": int(runtime.clock.timestamp())}
    job = queue.submit(runtime, kind=DOWNLOAD_KIND, user_id=int(user.id), ad_account_id=int(account), params=params)
    sink = _Pipe(tells)
    context = _Counting(runtime, job, params)
    assert write_download(context, sink) == count + 1
    assert context.rows == count + 1 and max(context.pages) <= PAGE_ROWS and len(context.pages) >= 4
    with zipfile.ZipFile(io.BytesIO(bytes(sink.taken))) as archive:
        assert archive.testzip() is None and archive.namelist() == ["CAMPAIGN.json", "AD.json"]
        written = json.loads(archive.read("AD.json"))
    assert [ad["id"] for ad in written] == sorted(ad_ids, key=int)
    # The same file as on a disk that can seek.
    seekable = io.BytesIO()
    write_download(JobContext(runtime, job, params), seekable)
    with zipfile.ZipFile(seekable) as archive:
        assert json.loads(archive.read("AD.json")) == written
